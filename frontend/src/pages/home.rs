//! `/`: the public home page with the service-wide figures.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Loading, Notice};
use crate::i18n::{format, use_i18n, Lang};
use crate::services::api::{self, ApiError, HomeSummary, PostSummary};
use crate::session::use_session;

/// What the figures part shows; one value at a time.
#[derive(Clone, Debug, PartialEq)]
enum HomeState {
    Loading,
    Loaded(HomeSummary),
    /// `/api/v1/home` is not served yet, but `/health/live` answered.
    ServiceUp,
    Failed(ApiError),
}

/// `GET /api/v1/home`; on 404 (a backend without it yet) fall back to the liveness
/// probe, so the page still tells whether the service is up.
async fn load() -> HomeState {
    match api::home().await {
        Ok(summary) => HomeState::Loaded(summary),
        Err(err) if err.is_not_found() => match api::health_live().await {
            Ok(()) => HomeState::ServiceUp,
            Err(err) => HomeState::Failed(err),
        },
        Err(err) => HomeState::Failed(err),
    }
}

#[component]
pub fn Home() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let state = use_state_eq(|| HomeState::Loading);
    // Bumped by "Try again"; the effect below reloads whenever it changes.
    let attempt = use_state(|| 0_u32);

    {
        let state = state.clone();
        use_effect_with(*attempt, move |_| {
            state.set(HomeState::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                state.set(load().await);
            });
        });
    }

    let on_retry = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(*attempt + 1))
    };

    let body = match &*state {
        HomeState::Loading => html! { <Loading label={t.home_loading} /> },
        HomeState::Loaded(summary) => view_summary(i18n.lang, summary),
        HomeState::ServiceUp => html! {
            <Notice>
                <p><strong>{ t.home_service_up }</strong></p>
                <p class="muted">{ t.home_figures_soon }</p>
            </Notice>
        },
        HomeState::Failed(err) => html! { <ApiErrorNotice error={err.clone()} {on_retry} /> },
    };

    let cta = if session.user().is_some() {
        html! {
            <Link<Route> to={Route::Mailings} classes="button button-large">
                { t.home_open_mailings }
            </Link<Route>>
        }
    } else {
        html! {
            <>
                <Link<Route> to={Route::Register} classes="button button-large">
                    { t.home_get_started }
                </Link<Route>>
                <Link<Route> to={Route::Login} classes="button button-secondary button-large">
                    { t.nav_sign_in }
                </Link<Route>>
            </>
        }
    };

    html! {
        <>
            <section class="hero">
                <h1>{ t.home_title }</h1>
                <p class="lead">{ t.home_lead }</p>
                <p class="actions">{ cta }</p>
            </section>
            <section aria-labelledby="figures-title">
                <h2 id="figures-title">{ t.home_figures }</h2>
                { body }
            </section>
        </>
    }
}

fn view_summary(lang: Lang, summary: &HomeSummary) -> Html {
    let t = lang.texts();
    html! {
        <>
            <dl class="stats">
                { stat(t.home_mailings, format::number(lang, summary.mailings_total)) }
                { stat(t.home_active, format::number(lang, summary.mailings_active)) }
                { stat(t.home_recipients, format::number(lang, summary.unique_recipients)) }
            </dl>
            if !summary.random_posts.is_empty() {
                <h2>{ t.home_blog }</h2>
                <ul class="posts">
                    { for summary.random_posts.iter().map(view_post) }
                </ul>
            }
        </>
    }
}

fn stat(label: &'static str, value: String) -> Html {
    html! {
        <div class="stat">
            <dt>{ label }</dt>
            <dd>{ value }</dd>
        </div>
    }
}

fn view_post(post: &PostSummary) -> Html {
    html! {
        <li class="card post" key={post.id.clone()}>
            <h3>{ &post.title }</h3>
            <p>{ excerpt(&post.body, 160) }</p>
        </li>
    }
}

/// At most `max` characters of `text`, cut at a word boundary, with an ellipsis.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_not_cut_and_long_text_ends_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three", 9), "one two…");
    }
}
