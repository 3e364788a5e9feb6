//! `/login[?next=/path]`: sign in with email and password.

use herald_api_types::LoginRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ErrorNotice, Notice};
use crate::components::form::{on_submit, Field, Submit};
use crate::i18n::{problems::ProblemCode, use_i18n, Texts};
use crate::services::api::{self, ApiError};
use crate::session::{use_session, NextQuery, SessionState};

/// Where a signed-in reader goes: the `next` path when it is a page of this app.
fn destination(next: Option<&str>) -> Route {
    next.map(|n| n.split(['?', '#']).next().unwrap_or(n))
        .and_then(Route::recognize)
        .filter(|r| !matches!(r, Route::NotFound | Route::Login | Route::Register))
        .unwrap_or(Route::Mailings)
}

/// What went wrong, in words for this page; `true` when a new verification link helps.
fn explain(t: &Texts, e: &ApiError) -> (String, bool) {
    match (e.status(), e.code()) {
        (Some(401), _) => (t.login_wrong.to_owned(), false),
        (_, Some(ProblemCode::EmailNotVerified)) => (t.login_unverified.to_owned(), true),
        (_, Some(ProblemCode::AccountBlocked)) => (t.login_blocked.to_owned(), false),
        _ => (e.message(t), false),
    }
}

#[component]
pub fn Login() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let navigator = use_navigator();
    let next = use_location()
        .and_then(|l| l.query::<NextQuery>().ok())
        .and_then(|q| q.safe_next().map(str::to_owned));

    // After confirming a new account in this browser, its address is already filled in.
    let email = use_state(|| api::signup_email::get().unwrap_or_default());
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let resent = use_state(|| false);

    let signed_in = session.user().is_some();
    {
        let navigator = navigator.clone();
        use_effect_with(signed_in, move |signed_in| {
            if *signed_in {
                if let Some(navigator) = navigator {
                    navigator.replace(&destination(next.as_deref()));
                }
            }
        });
    }

    let submit = {
        let (email, password, busy, error, session) = (
            email.clone(),
            password.clone(),
            busy.clone(),
            error.clone(),
            session.clone(),
        );
        Callback::from(move |()| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let request = LoginRequest {
                email: email.trim().to_owned(),
                password: (*password).clone(),
            };
            let (busy, error, session) = (busy.clone(), error.clone(), session.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    api::login(&request).await?;
                    api::me().await
                }
                .await;
                busy.set(false);
                match result {
                    Ok(user) => {
                        api::signup_email::forget();
                        session.signed_in(user)
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let resend = {
        let (email, resent) = (email.clone(), resent.clone());
        Callback::from(move |_: MouseEvent| {
            let email = email.trim().to_owned();
            let resent = resent.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = api::resend_verification(email).await;
                resent.set(true);
            });
        })
    };

    let expired = matches!(session.state(), SessionState::SignedOut { expired: true });
    let problem = error.as_ref().map(|e| explain(t, e));
    let field = |name: &str| error.as_ref().and_then(|e| e.field(t, name));

    html! {
        <section class="card narrow">
            <h1>{ t.login_title }</h1>
            if expired && error.is_none() {
                <Notice kind="warn"><p id="session-ended">{ t.login_session_ended }</p></Notice>
            }
            if let Some((message, can_resend)) = problem {
                <ErrorNotice {message} />
                if can_resend {
                    if *resent {
                        <Notice><p>{ t.resend_done }</p></Notice>
                    } else {
                        <p><button type="button" class="button button-secondary" onclick={resend}>
                            { t.resend_link }
                        </button></p>
                    }
                }
            }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="email" label={t.field_email} kind="email" value={(*email).clone()}
                    oninput={Callback::from({ let email = email.clone(); move |v| email.set(v) })}
                    error={field("email")} autocomplete="email" required=true focus=true />
                <Field id="password" label={t.field_password} kind="password"
                    value={(*password).clone()}
                    oninput={Callback::from({ let password = password.clone(); move |v| password.set(v) })}
                    error={field("password")} autocomplete="current-password" required=true />
                <div class="form-actions">
                    <Submit label={t.login_submit} busy_label={t.login_busy} busy={*busy} />
                    <Link<Route> to={Route::ResetPassword}>{ t.login_forgot }</Link<Route>>
                </div>
            </form>
            <p class="muted form-footer">
                { t.login_no_account }{ " " }
                <Link<Route> to={Route::Register}>{ t.login_register_link }</Link<Route>>
            </p>
        </section>
    }
}
