//! `/`: the public home page with the service-wide figures.

use yew::prelude::*;

use crate::components::feedback::{ErrorNotice, Loading};
use crate::services::api::{self, ApiError, HomeSummary, PostSummary};

/// What the page shows; one value at a time.
#[derive(Clone, Debug, PartialEq)]
enum HomeState {
    Loading,
    Loaded(HomeSummary),
    /// `/api/v1/home` is not served yet, but `/health/live` answered.
    ServiceUp,
    Failed(ApiError),
}

/// `GET /api/v1/home`; on 404 (an older backend without it) fall back to the liveness
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
        HomeState::Loading => html! { <Loading label="Loading figures…" /> },
        HomeState::Loaded(summary) => view_summary(summary),
        HomeState::ServiceUp => html! {
            <div class="notice notice-ok" role="status">
                <p><strong>{ "Service is up." }</strong></p>
                <p class="muted">{ "Figures will appear here once the statistics API is available." }</p>
            </div>
        },
        HomeState::Failed(err) => html! {
            <ErrorNotice message={err.to_string()} {on_retry} />
        },
    };

    html! {
        <>
            <section class="hero">
                <h1>{ "Keep your customers warm" }</h1>
                <p class="lead">
                    { "Herald sends your email campaigns once or on a schedule, \
                       from your own server, and shows you what was delivered." }
                </p>
            </section>
            <section aria-labelledby="figures-title">
                <h2 id="figures-title">{ "Herald in numbers" }</h2>
                { body }
            </section>
        </>
    }
}

fn view_summary(summary: &HomeSummary) -> Html {
    html! {
        <>
            <dl class="stats">
                { stat("Mailings", summary.mailings_total) }
                { stat("Active mailings", summary.mailings_active) }
                { stat("Unique recipients", summary.unique_recipients) }
            </dl>
            if !summary.random_posts.is_empty() {
                <h2>{ "From the blog" }</h2>
                <ul class="posts">
                    { for summary.random_posts.iter().map(view_post) }
                </ul>
            }
        </>
    }
}

fn stat(label: &'static str, value: u64) -> Html {
    html! {
        <div class="stat">
            <dt>{ label }</dt>
            <dd>{ group_thousands(value) }</dd>
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

/// `1234567` -> `1 234 567` (a thin space; readable in both en and ru).
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
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
    fn thousands_are_grouped_from_the_right() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1\u{202f}000");
        assert_eq!(group_thousands(1234567), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn short_text_is_not_cut_and_long_text_ends_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three", 9), "one two…");
    }
}
