//! `/`: the public home page with the service-wide figures.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use herald_api_types::HomePage;

use crate::components::feedback::{ApiErrorNotice, Loading};
use crate::i18n::{format, use_i18n, Lang};
use crate::pages::blog::view_card;
use crate::services::api::{self, ApiError};
use crate::session::use_session;

/// What the figures part shows; one value at a time.
#[derive(Clone, Debug, PartialEq)]
enum HomeState {
    Loading,
    Loaded(HomePage),
    Failed(ApiError),
}

async fn load() -> HomeState {
    match api::home().await {
        Ok(summary) => HomeState::Loaded(summary),
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

fn view_summary(lang: Lang, summary: &HomePage) -> Html {
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
                <ul class="blog-list" id="home-posts">
                    { for summary.random_posts.iter().map(|post| view_card(lang, post)) }
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
