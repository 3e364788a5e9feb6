//! Invitations: the "Invite user" form of the users page (roles.manage) and
//! `/accept-invite?token=…&email=…`, where the invitee chooses a password; the sign-in
//! form that follows has the address filled in.

use herald_api_types::{AcceptInviteRequest, InviteRequest, User};
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, ErrorNotice, Notice};
use crate::components::form::{focus_first_invalid, on_submit, on_value, Field, Submit};
use crate::hooks::use_query_token;
use crate::i18n::use_i18n;
use crate::services::api::{self, ApiError};

#[derive(Properties, PartialEq)]
pub struct InviteFormProps {
    /// The roles to choose from (names).
    pub roles: Vec<String>,
    /// Told about each account invited (the list reloads).
    pub on_invited: Callback<User>,
}

/// "Invite user": a disclosure on the users page with email, name and role.
#[component]
pub fn InviteForm(props: &InviteFormProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let email = use_state(String::new);
    let name = use_state(String::new);
    let role = use_state(|| "user".to_owned());
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let sent = use_state(|| None::<String>);

    let submit = {
        let (email, name, role, busy, error, sent) = (
            email.clone(),
            name.clone(),
            role.clone(),
            busy.clone(),
            error.clone(),
            sent.clone(),
        );
        let on_invited = props.on_invited.clone();
        Callback::from(move |()| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            sent.set(None);
            let request = InviteRequest {
                email: email.trim().to_owned(),
                full_name: name.trim().to_owned(),
                role: (*role).clone(),
            };
            let (email, name, busy, error, sent, on_invited) = (
                email.clone(),
                name.clone(),
                busy.clone(),
                error.clone(),
                sent.clone(),
                on_invited.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::invite_user(&request).await;
                busy.set(false);
                match result {
                    Ok(user) => {
                        sent.set(Some(user.email.clone()));
                        email.set(String::new());
                        name.set(String::new());
                        on_invited.emit(user);
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };

    let field = |n: &str| error.as_ref().and_then(|e| e.field(t, n));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
    let role_error = field("role");
    let current_role = (*role).clone();
    html! {
        <details class="card invite" id="invite">
            <summary class="button button-secondary">{ t.invite_open }</summary>
            <h2>{ t.invite_title }</h2>
            <p class="muted">{ t.invite_lead }</p>
            if let Some(address) = &*sent {
                <Notice><p id="invite-sent">{ (t.invite_sent)(address) }</p></Notice>
            }
            if let Some(error) = general {
                <ApiErrorNotice {error} />
            }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="invite-email" label={t.field_email} kind="email" value={(*email).clone()}
                    oninput={Callback::from({ let s = email.clone(); move |v| s.set(v) })}
                    error={field("email")} autocomplete="off" required=true />
                <Field id="invite-name" label={t.field_full_name} value={(*name).clone()}
                    oninput={Callback::from({ let s = name.clone(); move |v| s.set(v) })}
                    error={field("full_name")} autocomplete="off" required=true />
                <div class={classes!("field", role_error.is_some().then_some("has-error"))}>
                    <label for="invite-role">{ t.col_role }</label>
                    <select id="invite-role"
                        aria-invalid={role_error.as_ref().map(|_| "true")}
                        onchange={on_value(Callback::from({ let s = role.clone(); move |v| s.set(v) }))}>
                        { for props.roles.iter().map(|r| html! {
                            <option value={r.clone()} selected={*r == current_role}>{ (t.role_name)(r) }</option>
                        }) }
                    </select>
                    if let Some(e) = role_error {
                        <p class="field-error">{ e }</p>
                    }
                </div>
                <div class="form-actions">
                    <Submit label={t.invite_submit} busy_label={t.working} busy={*busy} />
                </div>
            </form>
        </details>
    }
}

#[derive(Deserialize)]
struct EmailQuery {
    email: Option<String>,
}

/// `/accept-invite?token=…&email=…`: choose a password, then sign in.
#[component]
pub fn AcceptInvite() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let token = use_query_token();
    let address = use_location()
        .and_then(|l| l.query::<EmailQuery>().ok())
        .and_then(|q| q.email)
        .filter(|e| !e.is_empty());
    let password = use_state(String::new);
    let repeat = use_state(String::new);
    let mismatch = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let bad_token = use_state(|| token.is_none());
    let done = use_state(|| false);

    let submit = {
        let (password, repeat, mismatch, busy, error, bad_token, done) = (
            password.clone(),
            repeat.clone(),
            mismatch.clone(),
            busy.clone(),
            error.clone(),
            bad_token.clone(),
            done.clone(),
        );
        let token = token.clone().unwrap_or_default();
        let address = address.clone();
        Callback::from(move |()| {
            if *password != *repeat {
                mismatch.set(true);
                focus_first_invalid();
                return;
            }
            mismatch.set(false);
            busy.set(true);
            error.set(None);
            let request = AcceptInviteRequest {
                token: token.clone(),
                password: (*password).clone(),
            };
            let (busy, error, bad_token, done, address) = (
                busy.clone(),
                error.clone(),
                bad_token.clone(),
                done.clone(),
                address.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::accept_invite(&request).await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        if let Some(address) = &address {
                            api::signup_email::remember(address);
                        }
                        done.set(true);
                    }
                    Err(e) if e.status() == Some(400) => bad_token.set(true),
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };

    let body = if *done {
        html! {
            <>
                <Notice><p id="accept-done">{ t.accept_done }</p></Notice>
                <p id="accept-sign-in"><Link<Route> to={Route::Login} classes="button">{ t.go_sign_in }</Link<Route>></p>
            </>
        }
    } else if *bad_token {
        html! { <ErrorNotice message={t.accept_bad_token} /> }
    } else {
        let password_error = error.as_ref().and_then(|e| e.field(t, "password"));
        let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
        html! {
            <>
                <p>{ t.accept_lead }</p>
                if let Some(address) = &address {
                    <p class="muted" id="accept-address">{ address.clone() }</p>
                }
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
                        <Submit label={t.accept_submit} busy_label={t.working} busy={*busy} />
                    </div>
                </form>
            </>
        }
    };
    html! {
        <section class="card narrow">
            <h1>{ t.accept_title }</h1>
            { body }
        </section>
    }
}
