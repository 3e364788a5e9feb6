//! `/register`: create an account; Herald then emails a confirmation link.

use herald_api_types::RegisterRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Notice};
use crate::components::form::{focus_first_invalid, on_submit, Field, Submit};
use crate::i18n::use_i18n;
use crate::services::api::{self, ApiError};

#[component]
pub fn Register() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let full_name = use_state(String::new);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<String>);
    let resent = use_state(|| false);

    let submit = {
        let (full_name, email, password, busy, error, done) = (
            full_name.clone(),
            email.clone(),
            password.clone(),
            busy.clone(),
            error.clone(),
            done.clone(),
        );
        Callback::from(move |()| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let request = RegisterRequest {
                email: email.trim().to_owned(),
                password: (*password).clone(),
                full_name: full_name.trim().to_owned(),
            };
            let (busy, error, done) = (busy.clone(), error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::register(&request).await;
                busy.set(false);
                match result {
                    Ok(user) => {
                        api::signup_email::remember(&user.email);
                        done.set(Some(user.email))
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };

    if let Some(address) = &*done {
        let resend = {
            let (address, resent) = (address.clone(), resent.clone());
            Callback::from(move |_: MouseEvent| {
                let (address, resent) = (address.clone(), resent.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = api::resend_verification(address).await;
                    resent.set(true);
                });
            })
        };
        return html! {
            <section class="card narrow" id="register-done">
                <h1>{ t.register_done_title }</h1>
                <p>{ (t.register_done)(address) }</p>
                if *resent {
                    <Notice><p>{ t.resend_done }</p></Notice>
                } else {
                    <p><button type="button" class="button button-secondary" onclick={resend}>
                        { t.resend_link }
                    </button></p>
                }
                <p><Link<Route> to={Route::Login}>{ t.go_sign_in }</Link<Route>></p>
            </section>
        };
    }

    // A taken email (409) belongs under the email input.
    let field = |name: &str| {
        error.as_ref().and_then(|e| {
            e.field(t, name)
                .or_else(|| (name == "email" && e.status() == Some(409)).then(|| e.message(t)))
        })
    };
    let general = error
        .as_ref()
        .filter(|e| !matches!(e.status(), Some(409 | 422)))
        .cloned();

    html! {
        <section class="card narrow">
            <h1>{ t.register_title }</h1>
            if let Some(error) = general {
                <ApiErrorNotice {error} />
            }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="full_name" label={t.field_full_name} value={(*full_name).clone()}
                    oninput={Callback::from({ let s = full_name.clone(); move |v| s.set(v) })}
                    error={field("full_name")} autocomplete="name" required=true focus=true />
                <Field id="email" label={t.field_email} kind="email" value={(*email).clone()}
                    oninput={Callback::from({ let s = email.clone(); move |v| s.set(v) })}
                    error={field("email")} autocomplete="email" required=true />
                <Field id="password" label={t.field_password} kind="password"
                    value={(*password).clone()}
                    oninput={Callback::from({ let s = password.clone(); move |v| s.set(v) })}
                    error={field("password")} hint={t.password_hint}
                    autocomplete="new-password" required=true />
                <div class="form-actions">
                    <Submit label={t.register_submit} busy_label={t.register_busy} busy={*busy} />
                </div>
            </form>
            // The address already has an account: most likely the reader's own.
            if error.as_ref().is_some_and(|e| e.status() == Some(409)) {
                <Notice kind="info">
                    <p id="email-taken-help">
                        { t.register_taken_help }{ " " }
                        <Link<Route> to={Route::Login}>{ t.nav_sign_in }</Link<Route>>
                        { " · " }
                        <Link<Route> to={Route::ResetPassword}>{ t.login_forgot }</Link<Route>>
                    </p>
                </Notice>
            }
            <p class="muted form-footer">
                { t.register_have_account }{ " " }
                <Link<Route> to={Route::Login}>{ t.nav_sign_in }</Link<Route>>
            </p>
        </section>
    }
}
