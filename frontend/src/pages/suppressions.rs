//! `/recipients/suppressions[?q=&reason=&page=]`: the owner's suppression list, with
//! search and a reason filter kept in the URL, adding an address by hand, removing one
//! (asks first), CSV import and export.

use herald_api_types::{
    SuppressionImportReport, SuppressionInput, SuppressionListQuery, SuppressionReason,
};
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::confirm::ConfirmDelete;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading, Notice};
use crate::components::form::{on_input_value, on_submit, on_value, Field, Submit};
use crate::components::pagination::Pagination;
use crate::hooks::{use_debounced, use_load, Load};
use crate::i18n::{format, use_i18n, Texts};
use crate::services::api::{self, ApiError};
use crate::services::files;
use crate::session::use_session;

const PER_PAGE: i64 = 20;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
}

pub fn reason_label(t: &Texts, reason: SuppressionReason) -> &'static str {
    match reason {
        SuppressionReason::Unsubscribed => t.reason_unsubscribed,
        SuppressionReason::HardBounce => t.reason_hard_bounce,
        SuppressionReason::SoftBounce => t.reason_soft_bounce,
        SuppressionReason::Complaint => t.reason_complaint,
        SuppressionReason::Manual => t.reason_manual,
    }
}

#[component]
pub fn Suppressions() -> Html {
    let i18n = use_i18n();
    let (t, lang) = (i18n.t(), i18n.lang);
    let navigator = use_navigator();
    let query = use_location()
        .and_then(|l| l.query::<ListQuery>().ok())
        .unwrap_or_default();
    let page = query.page.unwrap_or(1).max(1);
    let me = use_session().user().map(|u| u.id);
    let go = {
        let navigator = navigator.clone();
        move |q: ListQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::Suppressions, &q);
            }
        }
    };

    let typed = use_state(|| query.q.clone());
    let settled = use_debounced((*typed).clone(), 300);
    {
        let (go, query) = (go.clone(), query.clone());
        use_effect_with(settled.clone(), move |settled| {
            if *settled != query.q {
                go(ListQuery {
                    q: settled.clone(),
                    page: None,
                    ..query.clone()
                });
            }
        });
    }
    let list = use_load(
        (query.q.clone(), query.reason.clone(), page, me),
        |(q, reason, page, me)| async move {
            api::suppressions(&SuppressionListQuery {
                q: Some(q),
                reason: (!reason.is_empty()).then_some(reason),
                // One's own list (a manager's too).
                owner_id: me,
                page: Some(page),
                per_page: Some(PER_PAGE),
            })
            .await
        },
    );

    // Add by hand.
    let email = use_state(String::new);
    let note = use_state(String::new);
    let adding = use_state(|| false);
    let add_error = use_state(|| None::<ApiError>);
    let added = use_state(|| None::<String>);
    let on_add = {
        let (email, note, adding, add_error, added, list) = (
            email.clone(),
            note.clone(),
            adding.clone(),
            add_error.clone(),
            added.clone(),
            list.clone(),
        );
        Callback::from(move |()| {
            adding.set(true);
            add_error.set(None);
            added.set(None);
            let body = SuppressionInput {
                email: email.trim().to_owned(),
                reason: Some(SuppressionReason::Manual),
                note: note.trim().to_owned(),
            };
            let (email, note, adding, add_error, added, list) = (
                email.clone(),
                note.clone(),
                adding.clone(),
                add_error.clone(),
                added.clone(),
                list.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_suppression(&body).await {
                    Ok(s) => {
                        added.set(Some(s.email));
                        email.set(String::new());
                        note.set(String::new());
                        list.reload();
                    }
                    Err(e) => add_error.set(Some(e)),
                }
                adding.set(false);
            });
        })
    };

    // Remove, import, export.
    let action_error = use_state(|| None::<ApiError>);
    let on_delete = {
        let (list, action_error) = (list.clone(), action_error.clone());
        Callback::from(move |id: uuid::Uuid| {
            let (list, action_error) = (list.clone(), action_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::delete_suppression(id).await {
                    action_error.set(Some(e));
                }
                list.reload();
            });
        })
    };
    let report = use_state(|| None::<SuppressionImportReport>);
    let on_file = {
        let (report, action_error, list) = (report.clone(), action_error.clone(), list.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (report, action_error, list) = (report.clone(), action_error.clone(), list.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(text) = files::read_text(&file).await else {
                    return;
                };
                match api::import_suppressions(text).await {
                    Ok(r) => {
                        report.set(Some(r));
                        list.reload();
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        })
    };
    let on_export = {
        let action_error = action_error.clone();
        Callback::from(move |_: MouseEvent| {
            let action_error = action_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::export_suppressions().await {
                    Ok(csv) => {
                        let _ = files::download_text("suppressions.csv", "text/csv", &csv);
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        })
    };
    let on_reason = {
        let (go, query) = (go.clone(), query.clone());
        on_value(Callback::from(move |reason: String| {
            go(ListQuery {
                reason,
                page: None,
                ..query.clone()
            })
        }))
    };
    let on_page = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |p: i64| {
            go(ListQuery {
                page: Some(p),
                ..query.clone()
            })
        })
    };

    let table = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <ApiErrorNotice error={error.clone()} on_retry={list.reload_callback()} /> }
        }
        Load::Ready(data) if data.items.is_empty() => {
            html! { <Empty message={t.suppressions_empty} /> }
        }
        Load::Ready(data) => html! {
            <>
                <div class="table-wrap">
                    <table class="table" id="suppressions-table">
                        <thead><tr>
                            <th scope="col">{ t.col_email }</th>
                            <th scope="col">{ t.suppression_reason }</th>
                            <th scope="col">{ t.suppression_note }</th>
                            <th scope="col">{ t.suppression_added_at }</th>
                            <th scope="col"><span class="visually-hidden">{ t.actions }</span></th>
                        </tr></thead>
                        <tbody>
                            { for data.items.iter().map(|s| {
                                let id = s.id;
                                let on_delete = on_delete.clone();
                                html! {
                                    <tr key={s.id.to_string()}>
                                        <td data-label={t.col_email} class="value-cell">{ &s.email }</td>
                                        <td data-label={t.suppression_reason}>
                                            <span class={classes!("badge", format!("badge-reason-{}", s.reason.as_str()))}>{ reason_label(t, s.reason) }</span>
                                        </td>
                                        <td data-label={t.suppression_note} class="value-cell">{ &s.note }</td>
                                        <td data-label={t.suppression_added_at} class="nowrap">{ format::datetime(lang, &s.created_at) }</td>
                                        <td class="row-actions">
                                            <ConfirmDelete what={s.email.clone()}
                                                on_confirm={Callback::from(move |()| on_delete.emit(id))} />
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
                <Pagination page={data.page} per_page={data.per_page} total={data.total} {on_page} />
            </>
        },
    };

    html! {
        <div class="page">
            <p class="breadcrumb"><Link<Route> to={Route::Recipients}>{ format!("← {}", t.recipients_title) }</Link<Route>></p>
            <div class="page-head">
                <h1>{ t.suppressions_title }</h1>
                <div class="page-actions">
                    <label class="button button-secondary" for="suppressions-file">{ t.suppression_import }</label>
                    <input id="suppressions-file" class="visually-hidden" type="file" accept=".csv,text/csv,text/plain" onchange={on_file} />
                    <button type="button" id="suppressions-export" class="button button-secondary" onclick={on_export}>{ t.recipients_export }</button>
                </div>
            </div>
            <p class="lead">{ t.suppressions_lead }</p>
            <p class="hint">{ t.suppression_import_lead }</p>
            if let Some(r) = &*report {
                <Notice>
                    <p id="suppressions-report">{ (t.suppression_import_report)(r.added, r.already) }</p>
                    if !r.errors.is_empty() {
                        <ul class="plain-list" id="suppressions-report-errors">
                            { for r.errors.iter().map(|e| html! {
                                <li key={e.line.to_string()}>{ format!("{} {}: {}{}", t.col_line, e.line,
                                    (t.server_text)(&e.message).unwrap_or_else(|| e.message.clone()),
                                    e.value.as_ref().map(|v| format!(" ({v})")).unwrap_or_default()) }</li>
                            }) }
                        </ul>
                    }
                </Notice>
            }
            if let Some(error) = &*action_error { <ApiErrorNotice error={error.clone()} /> }

            <section class="card" aria-labelledby="suppression-add-title">
                <h2 id="suppression-add-title" class="card-title">{ t.suppression_add }</h2>
                if let Some(e) = &*added { <Notice><p id="suppression-added">{ (t.suppression_added)(e) }</p></Notice> }
                if let Some(error) = add_error.as_ref().filter(|e| e.status() != Some(422)) {
                    <ApiErrorNotice error={error.clone()} />
                }
                <form class="form" onsubmit={on_submit(on_add)} novalidate=true>
                    <div class="field-row">
                        <Field id="suppression-email" label={t.field_email} kind="email" value={(*email).clone()} required=true
                            error={add_error.as_ref().and_then(|e| e.field(t, "email"))}
                            oninput={Callback::from({ let s = email.clone(); move |v| s.set(v) })} />
                        <Field id="suppression-note" label={t.suppression_note} value={(*note).clone()} optional=true
                            error={add_error.as_ref().and_then(|e| e.field(t, "note"))}
                            oninput={Callback::from({ let s = note.clone(); move |v| s.set(v) })} />
                    </div>
                    <div class="form-actions">
                        <Submit label={t.suppression_add_button} busy_label={t.saving} busy={*adding} />
                    </div>
                </form>
            </section>

            <div class="toolbar suppressions-toolbar" role="search">
                <label for="suppressions-search" class="visually-hidden">{ t.recipients_search }</label>
                <input type="search" id="suppressions-search" class="search" placeholder={t.recipients_search}
                    value={(*typed).clone()} oninput={on_input_value({ let s = typed.clone(); Callback::from(move |v| s.set(v)) })} />
                <select id="suppressions-reason" aria-label={t.suppression_reason} onchange={on_reason}>
                    <option value="" selected={query.reason.is_empty()}>{ t.suppression_any_reason }</option>
                    { for SuppressionReason::ALL.into_iter().map(|r| html! {
                        <option value={r.as_str()} selected={query.reason == r.as_str()}>{ reason_label(t, r) }</option>
                    }) }
                </select>
            </div>
            { table }
        </div>
    }
}
