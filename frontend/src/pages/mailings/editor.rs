//! `/mailings/new` and `/mailings/{id}/edit`: message, recipients, schedule.
//!
//! Start and end are entered as wall time in the mailing's time zone (`datetime-local`,
//! converted through the browser's `Intl`) and sent as UTC RFC 3339. A new mailing's zone
//! is the profile's, or this device's when the profile still says UTC.

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use herald_api_types::{
    ClientListQuery, LatePolicy, Mailing, MailingInput, Message, MessageListQuery, SendWindow,
    Weekday,
};
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
    let profile_zone = use_session().user().map(|u| u.time_zone.clone());

    // The zone the times below are read in.
    let zone = use_state(|| match (&mailing, profile_zone) {
        (Some(m), _) => m.time_zone.clone(),
        (None, Some(z)) if z != "UTC" => z,
        _ => Some(format::time_zone())
            .filter(|z| !z.is_empty())
            .unwrap_or_else(|| "UTC".to_owned()),
    });
    let zones = use_memo((), |_| format::time_zones());
    let window = mailing.as_ref().and_then(|m| m.send_window.clone());
    let window_on = use_state(|| window.is_some());
    let window_days = use_state(|| {
        let mut days = [true, true, true, true, true, false, false];
        if let Some(w) = &window {
            days = [false; 7];
            for d in &w.days {
                days[d.index() as usize] = true;
            }
        }
        days
    });
    let window_from = use_state(|| {
        window
            .as_ref()
            .map_or_else(|| "09:00".to_owned(), |w| w.from.clone())
    });
    // A time input cannot hold 24:00: midnight at the end stands for it.
    let window_to = use_state(|| {
        window.as_ref().map_or_else(
            || "18:00".to_owned(),
            |w| {
                if w.to == "24:00" {
                    "00:00".to_owned()
                } else {
                    w.to.clone()
                }
            },
        )
    });
    let late_skip = use_state(|| mailing.as_ref().is_some_and(|m| !m.late_policy.catch_up));
    let late_minutes = use_state(|| {
        mailing
            .as_ref()
            .and_then(|m| m.late_policy.max_late_secs)
            .map_or_else(|| "60".to_owned(), |s| (s / 60).max(1).to_string())
    });

    let name = use_state(|| mailing.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let message_id = use_state(|| mailing.as_ref().map(|m| m.message_id));
    let all_clients = use_state(|| mailing.as_ref().is_some_and(|m| m.all_clients));
    let selected = use_state(|| Rc::new(props.start.recipients.clone()));
    let start_at = use_state(|| {
        format::to_zone_input(
            &mailing.as_ref().map_or_else(format::now, |m| m.start_at),
            &zone,
        )
    });
    let end_at = use_state(|| {
        mailing
            .as_ref()
            .and_then(|m| m.end_at.as_ref())
            .map(|t| format::to_zone_input(t, &zone))
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
        let due = format::from_zone_input(&start_at, &zone).is_some_and(|s| s <= now);
        let open = format::from_zone_input(&end_at, &zone).is_none_or(|e| e > now);
        let would_run = mailing.as_ref().is_none_or(|m| {
            m.enabled && format::to_zone_input(&m.start_at, &m.time_zone) != *start_at
        });
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
        let (zone, window_on, window_days, window_from, window_to, late_skip, late_minutes) = (
            zone.clone(),
            window_on.clone(),
            window_days.clone(),
            window_from.clone(),
            window_to.clone(),
            late_skip.clone(),
            late_minutes.clone(),
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
            let start = format::from_zone_input(&start_at, &zone);
            if start.is_none() {
                errors.insert("start_at", t.err_date.to_owned());
            }
            let end = if end_at.trim().is_empty() {
                None
            } else {
                match format::from_zone_input(&end_at, &zone) {
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
            let to = if *window_to == "00:00" {
                "24:00".to_owned()
            } else {
                (*window_to).clone()
            };
            let send_window = (*window_on).then(|| SendWindow {
                days: Weekday::ALL
                    .into_iter()
                    .filter(|d| window_days[d.index() as usize])
                    .collect(),
                from: (*window_from).clone(),
                to: to.clone(),
            });
            if let Some(w) = &send_window {
                if w.days.is_empty() {
                    errors.insert("send_window.days", t.err_window_days.to_owned());
                }
                if w.from.len() != 5 || to.len() != 5 || w.from >= to {
                    errors.insert("send_window.from", t.err_window_hours.to_owned());
                }
            }
            let late_policy = if *late_skip {
                match late_minutes.trim().parse::<i64>() {
                    Ok(m) if (1..=525_600).contains(&m) => LatePolicy {
                        catch_up: false,
                        max_late_secs: Some(m * 60),
                    },
                    _ => {
                        errors.insert("late_policy.max_late_secs", t.err_late_minutes.to_owned());
                        LatePolicy::default()
                    }
                }
            } else {
                LatePolicy::default()
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
                time_zone: Some((*zone).clone()),
                send_window,
                late_policy: Some(late_policy),
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
                <p class="hint" id="zone-note">{ (t.times_in_zone)(&zone) }</p>
                <div class="field">
                    <label for="time_zone">{ t.field_time_zone }</label>
                    <input id="time_zone" list="time-zones" value={(*zone).clone()} autocomplete="off"
                        aria-describedby="time_zone-hint"
                        aria-invalid={field("time_zone").map(|_| "true")}
                        onchange={{ let z = zone.clone(); on_value(Callback::from(move |v: String| z.set(v.trim().to_owned()))) }} />
                    <datalist id="time-zones">
                        { for zones.iter().map(|z| html! { <option key={z.clone()} value={z.clone()} /> }) }
                    </datalist>
                    <p class="hint" id="time_zone-hint">{ t.field_time_zone_hint }</p>
                    if let Some(e) = field("time_zone") { <p class="field-error">{ e }</p> }
                </div>

                <fieldset class="field send-window">
                    <legend>{ t.fact_send_window }</legend>
                    <div class="field-check">
                        <input type="checkbox" id="window-on" checked={*window_on}
                            onchange={{ let w = window_on.clone(); Callback::from(move |_: Event| w.set(!*w)) }} />
                        <label for="window-on">{ t.send_window_toggle }</label>
                    </div>
                    if *window_on {
                        <div class="weekdays" role="group" aria-label={t.send_window_days}>
                            { for (0..7).map(|i| {
                                let days = window_days.clone();
                                let id = format!("window-day-{i}");
                                html! {
                                    <label class="check-inline" for={id.clone()} key={i}>
                                        <input type="checkbox" id={id} checked={window_days[i]}
                                            onchange={Callback::from(move |_: Event| {
                                                let mut d = *days;
                                                d[i] = !d[i];
                                                days.set(d);
                                            })} />
                                        { " " }{ t.weekdays_short[i] }
                                    </label>
                                }
                            }) }
                        </div>
                        if let Some(e) = field("send_window.days") { <p class="field-error">{ e }</p> }
                        <div class="field-row">
                            <Field id="window-from" label={t.send_window_from} kind="time"
                                value={(*window_from).clone()} error={field("send_window.from")}
                                oninput={Callback::from({ let s = window_from.clone(); move |v| s.set(v) })} />
                            <Field id="window-to" label={t.send_window_to} kind="time"
                                value={(*window_to).clone()} error={field("send_window.to")}
                                oninput={Callback::from({ let s = window_to.clone(); move |v| s.set(v) })} />
                        </div>
                        <p class="hint">{ t.send_window_hint }</p>
                    }
                </fieldset>

                <fieldset class="field late-policy">
                    <legend>{ t.fact_late_policy }</legend>
                    <div class="field-check">
                        <input type="checkbox" id="late-skip" checked={*late_skip}
                            onchange={{ let l = late_skip.clone(); Callback::from(move |_: Event| l.set(!*l)) }} />
                        <label for="late-skip">{ t.late_toggle }</label>
                    </div>
                    if *late_skip {
                        <Field id="late-minutes" label={t.late_max_minutes} kind="number"
                            value={(*late_minutes).clone()} error={field("late_policy.max_late_secs")}
                            oninput={Callback::from({ let s = late_minutes.clone(); move |v| s.set(v) })} />
                    } else {
                        <p class="hint">{ t.late_hint }</p>
                    }
                </fieldset>

                <div class="form-actions">
                    <Submit label={if sends_now { t.save_and_send } else { t.save }} busy_label={t.saving} busy={*busy} />
                    <Link<Route> to={id.map_or(Route::Mailings, |id| Route::MailingDetail { id })}
                        classes="button button-secondary">{ t.cancel }</Link<Route>>
                </div>
            </form>
        </section>
    }
}
