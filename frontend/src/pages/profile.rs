//! `/profile`: the signed-in user's name and password.

use herald_api_types::UpdateMeRequest;
use yew::prelude::*;

use crate::components::feedback::{ApiErrorNotice, Notice};
use crate::components::form::{focus_first_invalid, on_submit, Field, Submit};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

#[component]
pub fn Profile() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let Some(user) = session.user() else {
        return html! {};
    };
    html! {
        <div class="page narrow-page">
            <h1>{ t.profile_title }</h1>
            <section class="card">
                <h2 class="card-title">{ t.profile_account }</h2>
                <dl class="facts">
                    <div><dt>{ t.field_email }</dt><dd id="profile-email">{ &user.email }</dd></div>
                    <div><dt>{ t.profile_role }</dt><dd>{ (t.role_name)(&user.role) }</dd></div>
                    <div><dt>{ t.profile_member_since }</dt>
                        <dd>{ format::date(i18n.lang, &user.created_at) }</dd></div>
                </dl>
            </section>
            <NameForm name={user.full_name.clone()} />
            <ZoneForm zone={user.time_zone.clone()} />
            <PasswordForm />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NameProps {
    name: String,
}

#[component]
fn NameForm(props: &NameProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let name = use_state(|| props.name.clone());
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let submit = {
        let (name, busy, error, saved, session) = (
            name.clone(),
            busy.clone(),
            error.clone(),
            saved.clone(),
            session.clone(),
        );
        Callback::from(move |()| {
            busy.set(true);
            error.set(None);
            saved.set(false);
            let request = UpdateMeRequest {
                full_name: Some(name.trim().to_owned()),
                ..Default::default()
            };
            let (busy, error, saved, session) =
                (busy.clone(), error.clone(), saved.clone(), session.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::update_me(&request).await;
                busy.set(false);
                match result {
                    Ok(user) => {
                        saved.set(true);
                        session.signed_in(user);
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };
    let field_error = error.as_ref().and_then(|e| e.field(t, "full_name"));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
    html! {
        <section class="card">
            <h2 class="card-title">{ t.profile_name_section }</h2>
            if let Some(error) = general { <ApiErrorNotice {error} /> }
            if *saved { <Notice><p id="name-saved">{ t.saved }</p></Notice> }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="full_name" label={t.field_full_name} value={(*name).clone()}
                    oninput={Callback::from({ let s = name.clone(); let saved = saved.clone();
                        move |v| { s.set(v); saved.set(false); } })}
                    error={field_error} autocomplete="name" required=true />
                <div class="form-actions">
                    <Submit label={t.save} busy_label={t.saving} busy={*busy} />
                </div>
            </form>
        </section>
    }
}

#[component]
fn PasswordForm() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let repeat = use_state(String::new);
    let mismatch = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let changed = use_state(|| false);
    let submit = {
        let (current, new, repeat, mismatch, busy, error, changed) = (
            current.clone(),
            new.clone(),
            repeat.clone(),
            mismatch.clone(),
            busy.clone(),
            error.clone(),
            changed.clone(),
        );
        Callback::from(move |()| {
            changed.set(false);
            if *new != *repeat {
                mismatch.set(true);
                focus_first_invalid();
                return;
            }
            mismatch.set(false);
            busy.set(true);
            error.set(None);
            let request = UpdateMeRequest {
                current_password: Some((*current).clone()),
                new_password: Some((*new).clone()),
                ..Default::default()
            };
            let (current, new, repeat, busy, error, changed) = (
                current.clone(),
                new.clone(),
                repeat.clone(),
                busy.clone(),
                error.clone(),
                changed.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::update_me(&request).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        changed.set(true);
                        current.set(String::new());
                        new.set(String::new());
                        repeat.set(String::new());
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };
    let field = |name: &str| error.as_ref().and_then(|e| e.field(t, name));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
    html! {
        <section class="card">
            <h2 class="card-title">{ t.profile_password_section }</h2>
            if let Some(error) = general { <ApiErrorNotice {error} /> }
            if *changed { <Notice><p id="password-changed">{ t.profile_password_changed }</p></Notice> }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="current_password" label={t.field_current_password} kind="password"
                    value={(*current).clone()}
                    oninput={Callback::from({ let s = current.clone(); move |v| s.set(v) })}
                    error={field("current_password")} autocomplete="current-password" required=true />
                <Field id="new_password" label={t.field_new_password} kind="password"
                    value={(*new).clone()}
                    oninput={Callback::from({ let s = new.clone(); move |v| s.set(v) })}
                    error={field("new_password")} hint={t.password_hint}
                    autocomplete="new-password" required=true />
                <Field id="new_password_repeat" label={t.field_repeat_password} kind="password"
                    value={(*repeat).clone()}
                    oninput={Callback::from({ let s = repeat.clone(); move |v| s.set(v) })}
                    error={mismatch.then(|| t.passwords_differ.to_owned())}
                    autocomplete="new-password" required=true />
                <div class="form-actions">
                    <Submit label={t.profile_change_password} busy_label={t.saving} busy={*busy} />
                </div>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ZoneProps {
    zone: String,
}

/// The profile's time zone: the default of new mailings. Offers this device's zone when
/// it differs (the profile starts as UTC).
#[component]
fn ZoneForm(props: &ZoneProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let zone = use_state(|| props.zone.clone());
    let zones = use_memo((), |_| format::time_zones());
    let device = format::time_zone();
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let save = {
        let (busy, error, saved, session) =
            (busy.clone(), error.clone(), saved.clone(), session.clone());
        Callback::from(move |value: String| {
            busy.set(true);
            error.set(None);
            saved.set(false);
            let request = UpdateMeRequest {
                time_zone: Some(value.trim().to_owned()),
                ..Default::default()
            };
            let (busy, error, saved, session) =
                (busy.clone(), error.clone(), saved.clone(), session.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::update_me(&request).await;
                busy.set(false);
                match result {
                    Ok(user) => {
                        saved.set(true);
                        session.signed_in(user);
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };
    let submit = {
        let (zone, save) = (zone.clone(), save.clone());
        Callback::from(move |()| save.emit((*zone).clone()))
    };
    let field_error = error.as_ref().and_then(|e| e.field(t, "time_zone"));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
    html! {
        <section class="card">
            <h2 class="card-title">{ t.field_time_zone }</h2>
            if let Some(error) = general { <ApiErrorNotice {error} /> }
            if *saved { <Notice><p id="zone-saved">{ t.saved }</p></Notice> }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <div class={classes!("field", field_error.is_some().then_some("has-error"))}>
                    <label for="profile-zone">{ t.field_time_zone }</label>
                    <input id="profile-zone" list="profile-zones" value={(*zone).clone()} autocomplete="off"
                        aria-describedby="profile-zone-hint"
                        aria-invalid={field_error.as_ref().map(|_| "true")}
                        oninput={{ let z = zone.clone(); let saved = saved.clone();
                            Callback::from(move |e: InputEvent| {
                                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                                z.set(input.value());
                                saved.set(false);
                            }) }} />
                    <datalist id="profile-zones">
                        { for zones.iter().map(|z| html! { <option key={z.clone()} value={z.clone()} /> }) }
                    </datalist>
                    <p class="hint" id="profile-zone-hint">{ t.profile_zone_hint }</p>
                    if let Some(e) = field_error { <p class="field-error">{ e }</p> }
                </div>
                <div class="form-actions">
                    <Submit label={t.save} busy_label={t.saving} busy={*busy} />
                    if !device.is_empty() && device != *zone {
                        <button type="button" id="use-device-zone" class="button button-secondary"
                            disabled={*busy}
                            onclick={{ let (z, save, device) = (zone.clone(), save.clone(), device.clone());
                                Callback::from(move |_: MouseEvent| { z.set(device.clone()); save.emit(device.clone()); }) }}>
                            { (t.use_browser_zone)(&device) }
                        </button>
                    }
                </div>
            </form>
        </section>
    }
}
