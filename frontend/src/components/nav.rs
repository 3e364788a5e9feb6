//! The top navigation bar: sections by permission, the language switch, the account.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::i18n::{use_i18n, Lang};
use crate::session::{use_session, SessionState};

/// The nav section a route belongs to, for highlighting.
fn section(route: &Route) -> Route {
    match route {
        Route::RecipientNew | Route::RecipientImport | Route::RecipientEdit { .. } => {
            Route::Recipients
        }
        Route::MessageNew | Route::MessageEdit { .. } => Route::Messages,
        Route::MailingNew | Route::MailingDetail { .. } | Route::MailingEdit { .. } => {
            Route::Mailings
        }
        Route::Post { .. } => Route::Blog,
        Route::PostNew | Route::PostEdit { .. } => Route::Posts,
        other => other.clone(),
    }
}

#[component]
pub fn NavBar() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let navigator = use_navigator();
    let current = use_route::<Route>().map(|r| section(&r));
    let open = use_state(|| false);
    {
        // A phone's menu closes when a link is followed.
        let open = open.clone();
        use_effect_with(current.clone(), move |_| open.set(false));
    }

    let link = |to: Route, label: &'static str| {
        let active = current.as_ref() == Some(&to);
        let classes = classes!("nav-link", active.then_some("active"));
        html! {
            <Link<Route> {to} {classes}>
                <span aria-current={active.then_some("page")}>{ label }</span>
            </Link<Route>>
        }
    };

    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };

    let lang_button = |lang: Lang| {
        let pressed = i18n.lang == lang;
        let i18n = i18n.clone();
        let onclick = Callback::from(move |_: MouseEvent| i18n.set_lang(lang));
        html! {
            <button type="button" id={format!("lang-{}", lang.code())}
                class={classes!("lang", pressed.then_some("active"))}
                lang={lang.code()} title={lang.native_name()}
                aria-pressed={if pressed { "true" } else { "false" }} {onclick}>
                { lang.code().to_uppercase() }
            </button>
        }
    };

    let signed_in = session.user();
    let links = match &signed_in {
        Some(_) => html! {
            <>
                { link(Route::Mailings, t.nav_mailings) }
                { link(Route::Messages, t.nav_messages) }
                { link(Route::Recipients, t.nav_recipients) }
                { link(Route::Stats, t.nav_stats) }
                if session.can("users.view") { { link(Route::Users, t.nav_users) } }
                if session.can("roles.manage") { { link(Route::Roles, t.nav_roles) } }
                if session.can("posts.write") { { link(Route::Posts, t.nav_posts) } }
                { link(Route::Blog, t.nav_blog) }
            </>
        },
        None => html! { { link(Route::Blog, t.nav_blog) } },
    };

    let account = match (&signed_in, session.state()) {
        (Some(user), _) => {
            let sign_out = {
                let session = session.clone();
                Callback::from(move |_: MouseEvent| {
                    session.sign_out();
                    if let Some(navigator) = &navigator {
                        navigator.push(&Route::Home);
                    }
                })
            };
            let name = if user.full_name.trim().is_empty() {
                user.email.clone()
            } else {
                user.full_name.clone()
            };
            html! {
                <>
                    <Link<Route> to={Route::Profile} classes={classes!("nav-link", "nav-user",
                        (current.as_ref() == Some(&Route::Profile)).then_some("active"))}>
                        <span class="avatar" aria-hidden="true">
                            { name.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default() }
                        </span>
                        <span class="nav-user-name" title={t.nav_profile}>{ name }</span>
                    </Link<Route>>
                    <button type="button" id="sign-out" class="button button-secondary button-small"
                        onclick={sign_out}>{ t.nav_sign_out }</button>
                </>
            }
        }
        (None, SessionState::Checking) => html! {},
        (None, _) => html! {
            <>
                { link(Route::Login, t.nav_sign_in) }
                <Link<Route> to={Route::Register} classes={classes!("button", "button-small")}>
                    { t.nav_register }
                </Link<Route>>
            </>
        },
    };

    html! {
        <nav class="nav" aria-label={t.nav_main}>
            <Link<Route> to={Route::Home} classes="brand">
                <span class="brand-mark" aria-hidden="true">{ "✉" }</span>{ "Herald" }
            </Link<Route>>
            <button type="button" class="nav-toggle" aria-controls="nav-menu"
                aria-expanded={if *open { "true" } else { "false" }} onclick={toggle}>
                <span aria-hidden="true">{ "☰ " }</span>{ t.nav_menu }
            </button>
            <div id="nav-menu" class={classes!("nav-menu", open.then_some("open"))}>
                <div class="nav-links">{ links }</div>
                <div class="nav-tools">
                    <div class="lang-switch" role="group" aria-label={t.language}>
                        { for Lang::ALL.into_iter().map(lang_button) }
                    </div>
                    { account }
                </div>
            </div>
        </nav>
    }
}
