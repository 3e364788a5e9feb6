//! `/mailings/new` and `/mailings/{id}/edit`: message, recipients, schedule.
//!
//! Start and end are entered in the reader's local time (`datetime-local`) and sent as
//! UTC RFC 3339.

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use herald_api_types::{ClientListQuery, Mailing, MailingInput, Message, MessageListQuery};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use super::picker::RecipientPicker;
use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Loading};
use crate::components::form::{focus_first_invalid, on_submit, on_value, Field, Submit};
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

#[derive(Properties, PartialEq)]
pub struct MailingEditorProps {
    /// None: a new mailing.
    #[prop_or_default]
    pub id: Option<Uuid>,
}

/// What the form starts from.
#[derive(PartialEq)]
struct Start {
    mailing: Option<Mailing>,
    /// The explicit recipients of an existing mailing.
    recipients: HashSet<Uuid>,
    messages: Vec<Message>,
}

/// Every recipient id of a mailing, a hundred per request, reporting progress.
async fn recipient_ids(
    id: Uuid,
    progress: UseStateHandle<(i64, i64)>,
) -> Result<HashSet<Uuid>, ApiError> {
    let mut ids = HashSet::new();
    let mut page = 1;
    loop {
        let data = api::mailing_recipients(
            id,
            &ClientListQuery {
                page: Some(page),
                per_page: Some(100),
                ..Default::default()
            },
        )
        .await?;
        let got = data.items.len() as i64;
        ids.extend(data.items.into_iter().map(|c| c.id));
        progress.set((ids.len() as i64, data.total));
        if got == 0 || page * data.per_page >= data.total {
            return Ok(ids);
        }
        page += 1;
    }
}

#[component]
pub fn MailingEditor(props: &MailingEditorProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let progress = use_state(|| (0_i64, 0_i64));
    // One's own messages only: a manager's list would hold everyone's.
    let me = use_session().user().map(|u| u.id);
    let start = {
        let progress = progress.clone();
        use_load((props.id, me), move |(id, me)| async move {
            let messages = api::messages(&MessageListQuery {
                owner_id: me,
                per_page: Some(100),
                ..Default::default()
            })
            .await?
            .items;
            let (mailing, recipients) = match id {
                Some(id) => {
                    let mailing = api::mailing(id).await?;
                    let recipients = if mailing.all_clients {
                        HashSet::new()
                    } else {
                        recipient_ids(id, progress).await?
                    };
                    (Some(mailing), recipients)
                }
                None => (None, HashSet::new()),
            };
            Ok(Start {
                mailing,
                recipients,
                messages,
            })
        })
    };
    let title = if props.id.is_some() {
        t.mailing_edit_title
    } else {
        t.mailing_new_title
    };
    let back = match props.id {
        Some(id) => html! {
            <Link<Route> to={Route::MailingDetail { id }}>{ format!("← {}", t.back) }</Link<Route>>
        },
        None => html! {
            <Link<Route> to={Route::Mailings}>{ format!("← {}", t.mailings_title) }</Link<Route>>
        },
    };
    let body = match start.state() {
        Load::Loading => {
            let (done, total) = *progress;
            if total > 0 {
                html! { <Loading label={(t.loading_current)(done, total)} /> }
            } else {
                html! { <Loading /> }
            }
        }
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={start.reload_callback()} />
        },
        Load::Ready(start) => html! { <Form start={start.clone()} /> },
    };
    html! {
        <div class="page">
            <p class="breadcrumb">{ back }</p>
            <h1>{ title }</h1>
            { body }
        </div>
    }
}

#[derive(Properties)]
struct FormProps {
    start: Rc<Start>,
}

impl PartialEq for FormProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.start, &other.start)
    }
}

#[component]
fn Form(props: &FormProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let navigator = use_navigator();
    let mailing = props.start.mailing.clone();
    let id = mailing.as_ref().map(|m| m.id);
    let messages = props.start.messages.clone();

    let name = use_state(|| mailing.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let message_id = use_state(|| mailing.as_ref().map(|m| m.message_id));
    let all_clients = use_state(|| mailing.as_ref().is_some_and(|m| m.all_clients));
    let selected = use_state(|| Rc::new(props.start.recipients.clone()));
    let start_at = use_state(|| {
        format::to_local_input(&mailing.as_ref().map_or_else(format::now, |m| m.start_at))
    });
    let end_at = use_state(|| {
        mailing
            .as_ref()
            .and_then(|m| m.end_at.as_ref())
            .map(format::to_local_input)
            .unwrap_or_default()
    });
    let periodicity = use_state(|| {
        mailing
            .as_ref()
            .map_or_else(|| "once".to_owned(), |m| m.periodicity.clone())
    });
    // Saving sends at once when the start is due (and, on an edit, was moved): the
    // button says so. Mirrors `mailings::create`/`update` on the server.
    let sends_now = {
        let now = format::now();
        let due = format::from_local_input(&start_at).is_some_and(|s| s <= now);
        let open = format::from_local_input(&end_at).is_none_or(|e| e > now);
        let would_run = mailing
            .as_ref()
            .is_none_or(|m| m.enabled && format::to_local_input(&m.start_at) != *start_at);
        due && open && would_run
    };
    let busy = use_state(|| false);
    let local_errors = use_state(BTreeMap::<&'static str, String>::new);
    let error = use_state(|| None::<ApiError>);

    let submit = {
        let (name, message_id, all_clients, selected, start_at, end_at, periodicity) = (
            name.clone(),
            message_id.clone(),
            all_clients.clone(),
            selected.clone(),
            start_at.clone(),
            end_at.clone(),
            periodicity.clone(),
        );
        let (busy, local_errors, error) = (busy.clone(), local_errors.clone(), error.clone());
        Callback::from(move |()| {
            if *busy {
                return;
            }
            // The same rules the server applies, checked first so the reader sees them
            // without a round trip; the server checks again.
            let mut errors = BTreeMap::new();
            if name.trim().is_empty() {
                errors.insert("name", t.err_mailing_name.to_owned());
            }
            if message_id.is_none() {
                errors.insert("message_id", t.err_choose_message.to_owned());
            }
            if !*all_clients && selected.is_empty() {
                errors.insert("client_ids", t.err_choose_recipients.to_owned());
            }
            let start = format::from_local_input(&start_at);
            if start.is_none() {
                errors.insert("start_at", t.err_date.to_owned());
            }
            let end = if end_at.trim().is_empty() {
                None
            } else {
                match format::from_local_input(&end_at) {
                    None => {
                        errors.insert("end_at", t.err_date.to_owned());
                        None
                    }
                    Some(end) => {
                        if start.is_some_and(|s| end <= s) {
                            errors.insert("end_at", t.err_end_before_start.to_owned());
                        }
                        Some(end)
                    }
                }
            };
            error.set(None);
            if !errors.is_empty() {
                local_errors.set(errors);
                focus_first_invalid();
                return;
            }
            local_errors.set(BTreeMap::new());
            let (Some(message_id), Some(start)) = (*message_id, start) else {
                return;
            };
            let input = MailingInput {
                name: name.trim().to_owned(),
                message_id,
                client_ids: (!*all_clients).then(|| selected.iter().copied().collect()),
                all_clients: *all_clients,
                start_at: start,
                end_at: end,
                periodicity: (*periodicity).clone(),
            };
            busy.set(true);
            let (busy, error, navigator) = (busy.clone(), error.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match id {
                    Some(id) => api::update_mailing(id, &input).await,
                    None => api::create_mailing(&input).await,
                };
                busy.set(false);
                match result {
                    Ok(saved) => {
                        if let Some(navigator) = navigator {
                            crate::components::flash::set(|t| t.saved_mailing.to_owned());
                            navigator.push(&Route::MailingDetail { id: saved.id });
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };

    let field = |name: &'static str| {
        local_errors
            .get(name)
            .cloned()
            .or_else(|| error.as_ref().and_then(|e| e.field(t, name)))
    };
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();

    let on_message = {
        let message_id = message_id.clone();
        on_value(Callback::from(move |v: String| {
            message_id.set(Uuid::parse_str(&v).ok())
        }))
    };
    let on_periodicity = {
        let periodicity = periodicity.clone();
        on_value(Callback::from(move |v: String| periodicity.set(v)))
    };
    let set_all = |value: bool| {
        let all_clients = all_clients.clone();
        Callback::from(move |_: Event| all_clients.set(value))
    };
    let on_selected = {
        let selected = selected.clone();
        Callback::from(move |s: Rc<HashSet<Uuid>>| selected.set(s))
    };
    let message_error = field("message_id");
    let periodicity_option = |value: &'static str, label: &'static str| {
        html! { <option {value} selected={*periodicity == value}>{ label }</option> }
    };

    html! {
        <section class="card">
            if let Some(error) = general { <ApiErrorNotice {error} /> }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="name" label={t.field_mailing_name} value={(*name).clone()} required=true
                    hint={AttrValue::Static(t.field_mailing_name_hint)} error={field("name")}
                    oninput={Callback::from({ let s = name.clone(); move |v| s.set(v) })} />
                <div class={classes!("field", message_error.is_some().then_some("has-error"))}>
                    <label for="message_id">{ t.field_message }</label>
                    if messages.is_empty() {
                        <p class="muted">
                            { t.no_messages_yet }{ " " }
                            <Link<Route> to={Route::MessageNew}>{ t.write_message_first }</Link<Route>>
                        </p>
                    }
                    <select id="message_id" onchange={on_message}
                        aria-invalid={message_error.as_ref().map(|_| "true")}
                        aria-describedby={message_error.as_ref().map(|_| "message_id-error")}>
                        <option value="" selected={message_id.is_none()} disabled=true>
                            { t.choose_message }
                        </option>
                        { for messages.iter().map(|m| html! {
                            <option key={m.id.to_string()} value={m.id.to_string()}
                                selected={*message_id == Some(m.id)}>
                                { if m.subject.trim().is_empty() { t.no_subject.to_owned() } else { m.subject.clone() } }
                            </option>
                        }) }
                    </select>
                    if let Some(e) = message_error {
                        <p class="field-error" id="message_id-error">{ e }</p>
                    }
                </div>

                <fieldset class="field">
                    <legend>{ t.field_recipients }</legend>
                    <div class="radio">
                        <input type="radio" id="recipients-all" name="recipients"
                            checked={*all_clients} onchange={set_all(true)} />
                        <label for="recipients-all">{ t.recipients_all_option }</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id="recipients-chosen" name="recipients"
                            checked={!*all_clients} onchange={set_all(false)} />
                        <label for="recipients-chosen">{ t.recipients_chosen_option }</label>
                    </div>
                    if !*all_clients {
                        <RecipientPicker selected={(*selected).clone()} on_change={on_selected}
                            error={field("client_ids")} />
                    } else if let Some(e) = field("client_ids") {
                        <p class="field-error">{ e }</p>
                    }
                </fieldset>

                <div class="field-row">
                    <Field id="start_at" label={t.field_start} kind="datetime-local"
                        value={(*start_at).clone()}
                        oninput={Callback::from({ let s = start_at.clone(); move |v| s.set(v) })}
                        error={field("start_at")} hint={t.field_start_hint} required=true />
                    <Field id="end_at" label={t.field_end} kind="datetime-local"
                        value={(*end_at).clone()}
                        oninput={Callback::from({ let s = end_at.clone(); move |v| s.set(v) })}
                        error={field("end_at")} hint={t.field_end_hint} optional=true />
                    <div class="field">
                        <label for="periodicity">{ t.field_periodicity }</label>
                        <select id="periodicity" onchange={on_periodicity}>
                            { periodicity_option("once", t.once) }
                            { periodicity_option("daily", t.daily) }
                            { periodicity_option("weekly", t.weekly) }
                            { periodicity_option("monthly", t.monthly) }
                        </select>
                        if let Some(e) = field("periodicity") {
                            <p class="field-error">{ e }</p>
                        }
                    </div>
                </div>
                <p class="hint">{ (t.time_zone_note)(&format::time_zone()) }</p>

                <div class="form-actions">
                    <Submit label={if sends_now { t.save_and_send } else { t.save }} busy_label={t.saving} busy={*busy} />
                    <Link<Route> to={id.map_or(Route::Mailings, |id| Route::MailingDetail { id })}
                        classes="button button-secondary">{ t.cancel }</Link<Route>>
                </div>
            </form>
        </section>
    }
}
