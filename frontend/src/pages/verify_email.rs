//! `/verify-email?token=…`: the link in the verification email. Opening it confirms the
//! address (`POST /auth/verify-email`).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, ErrorNotice, Loading, Notice};
use crate::components::form::{on_submit, Field, Submit};
use crate::hooks::use_query_token;
use crate::i18n::use_i18n;
use crate::services::api::{self, ApiError};

#[derive(Clone, PartialEq)]
enum State {
    Confirming,
    Confirmed,
    /// 400: unknown, used or expired.
    BadLink,
    NoToken,
    Failed(ApiError),
}

#[component]
pub fn VerifyEmail() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let token = use_query_token();
    let state = use_state(|| {
        if token.is_some() {
            State::Confirming
        } else {
            State::NoToken
        }
    });
    let attempt = use_state(|| 0_u32);
    {
        let state = state.clone();
        use_effect_with((token, *attempt), move |(token, _)| {
            if let Some(token) = token.clone() {
                state.set(State::Confirming);
                wasm_bindgen_futures::spawn_local(async move {
                    state.set(match api::verify_email(token).await {
                        Ok(()) => State::Confirmed,
                        Err(e) if e.status() == Some(400) => State::BadLink,
                        Err(e) => State::Failed(e),
                    });
                });
            }
        });
    }
    let on_retry = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(*attempt + 1))
    };

    let body = match &*state {
        State::Confirming => html! { <Loading label={t.verify_busy} /> },
        State::Confirmed => html! {
            <>
                <Notice><p id="verify-ok">{ t.verify_ok }</p></Notice>
                <p><Link<Route> to={Route::Login} classes="button">{ t.go_sign_in }</Link<Route>></p>
            </>
        },
        State::BadLink => html! {
            <>
                <ErrorNotice message={t.verify_bad} />
                <ResendForm />
            </>
        },
        State::NoToken => html! {
            <>
                <p>{ t.verify_no_token }</p>
                <ResendForm />
            </>
        },
        State::Failed(error) => html! { <ApiErrorNotice error={error.clone()} {on_retry} /> },
    };

    html! {
        <section class="card narrow">
            <h1>{ t.verify_title }</h1>
            { body }
        </section>
    }
}

/// Asks for a new verification link.
#[component]
fn ResendForm() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let email = use_state(String::new);
    let busy = use_state(|| false);
    let sent = use_state(|| false);
    let submit = {
        let (email, busy, sent) = (email.clone(), busy.clone(), sent.clone());
        Callback::from(move |()| {
            busy.set(true);
            let address = email.trim().to_owned();
            let (busy, sent) = (busy.clone(), sent.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let _ = api::resend_verification(address).await;
                busy.set(false);
                sent.set(true);
            });
        })
    };
    if *sent {
        return html! { <Notice><p>{ t.resend_done }</p></Notice> };
    }
    html! {
        <form class="form" onsubmit={on_submit(submit)}>
            <h2>{ t.verify_new_link }</h2>
            <Field id="email" label={t.field_email} kind="email" value={(*email).clone()}
                oninput={Callback::from({ let s = email.clone(); move |v| s.set(v) })}
                autocomplete="email" required=true />
            <div class="form-actions">
                <Submit label={t.resend_link} busy_label={t.working} busy={*busy} />
            </div>
        </form>
    }
}
