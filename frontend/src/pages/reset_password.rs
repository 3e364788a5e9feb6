//! `/reset-password`: ask for a reset link; `/reset-password?token=…` (the link in the
//! email): choose a new password.

use herald_api_types::PasswordResetConfirm;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, ErrorNotice, Notice};
use crate::components::form::{focus_first_invalid, on_submit, Field, Submit};
use crate::hooks::use_query_token;
use crate::i18n::use_i18n;
use crate::services::api::{self, ApiError};

#[component]
pub fn ResetPassword() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let token = use_query_token();
    let bad_token = use_state(|| false);
    let on_bad_token = {
        let bad_token = bad_token.clone();
        Callback::from(move |()| bad_token.set(true))
    };
    html! {
        <section class="card narrow">
            <h1>{ t.reset_title }</h1>
            if let Some(token) = token.filter(|_| !*bad_token) {
                <NewPasswordForm {token} {on_bad_token} />
            } else {
                if *bad_token {
                    <ErrorNotice message={t.reset_bad_token} />
                }
                <RequestForm />
            }
        </section>
    }
}

#[component]
fn RequestForm() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let email = use_state(String::new);
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<(), ApiError>>);
    let submit = {
        let (email, busy, outcome) = (email.clone(), busy.clone(), outcome.clone());
        Callback::from(move |()| {
            busy.set(true);
            let address = email.trim().to_owned();
            let (busy, outcome) = (busy.clone(), outcome.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::request_password_reset(address).await;
                busy.set(false);
                outcome.set(Some(result));
            });
        })
    };
    match &*outcome {
        Some(Ok(())) => {
            html! { <Notice><p id="reset-requested">{ t.reset_request_done }</p></Notice> }
        }
        other => html! {
            <>
                <p>{ t.reset_request_lead }</p>
                if let Some(Err(error)) = other {
                    <ApiErrorNotice error={error.clone()} />
                }
                <form class="form" onsubmit={on_submit(submit)}>
                    <Field id="email" label={t.field_email} kind="email" value={(*email).clone()}
                        oninput={Callback::from({ let s = email.clone(); move |v| s.set(v) })}
                        autocomplete="email" required=true focus=true />
                    <div class="form-actions">
                        <Submit label={t.reset_request_submit} busy_label={t.working} busy={*busy} />
                        <Link<Route> to={Route::Login}>{ t.nav_sign_in }</Link<Route>>
                    </div>
                </form>
            </>
        },
    }
}

#[derive(Properties, PartialEq)]
struct NewPasswordProps {
    token: String,
    on_bad_token: Callback<()>,
}

#[component]
fn NewPasswordForm(props: &NewPasswordProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let password = use_state(String::new);
    let repeat = use_state(String::new);
    let mismatch = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| false);

    let submit = {
        let (password, repeat, mismatch, busy, error, done) = (
            password.clone(),
            repeat.clone(),
            mismatch.clone(),
            busy.clone(),
            error.clone(),
            done.clone(),
        );
        let token = props.token.clone();
        let on_bad_token = props.on_bad_token.clone();
        Callback::from(move |()| {
            if *password != *repeat {
                mismatch.set(true);
                focus_first_invalid();
                return;
            }
            mismatch.set(false);
            busy.set(true);
            error.set(None);
            let request = PasswordResetConfirm {
                token: token.clone(),
                password: (*password).clone(),
            };
            let (busy, error, done, on_bad_token) = (
                busy.clone(),
                error.clone(),
                done.clone(),
                on_bad_token.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::confirm_password_reset(&request).await;
                busy.set(false);
                match result {
                    Ok(()) => done.set(true),
                    Err(e) if e.status() == Some(400) => on_bad_token.emit(()),
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };

    if *done {
        return html! {
            <>
                <Notice><p id="reset-done">{ t.reset_done }</p></Notice>
                <p><Link<Route> to={Route::Login} classes="button">{ t.go_sign_in }</Link<Route>></p>
            </>
        };
    }
    let password_error = error.as_ref().and_then(|e| e.field(t, "password"));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
    html! {
        <>
            <p>{ t.reset_new_lead }</p>
            if let Some(error) = general {
                <ApiErrorNotice {error} />
            }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="password" label={t.field_new_password} kind="password"
                    value={(*password).clone()}
                    oninput={Callback::from({ let s = password.clone(); move |v| s.set(v) })}
                    error={password_error} hint={t.password_hint}
                    autocomplete="new-password" required=true focus=true />
                <Field id="password_repeat" label={t.field_repeat_password} kind="password"
                    value={(*repeat).clone()}
                    oninput={Callback::from({ let s = repeat.clone(); move |v| s.set(v) })}
                    error={mismatch.then(|| t.passwords_differ.to_owned())}
                    autocomplete="new-password" required=true />
                <div class="form-actions">
                    <Submit label={t.reset_submit} busy_label={t.working} busy={*busy} />
                </div>
            </form>
        </>
    }
}
