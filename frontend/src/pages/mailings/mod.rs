//! `/mailings[?status=&enabled=&page=&sort=&order=]`: mailings with status badges and
//! filters, sorted by clicking a column header.

pub mod detail;
pub mod editor;
pub mod events;
pub mod picker;

use std::collections::HashMap;

use futures::future::join_all;
use herald_api_types::{Mailing, MailingListQuery, MessageListQuery, Page};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::badges::{periodicity_label, EnabledBadge, MailingStatus};
use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::form::on_value;
use crate::components::owners::{owner_label, owners_for, ScopeSelect};
use crate::components::pagination::Pagination;
use crate::components::sort::{SortHeader, Sorting};
use crate::hooks::{use_live, use_load, Load};
use crate::i18n::{format, use_i18n, Lang};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const PER_PAGE: i64 = 20;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    /// Sort column (`name`, `created_at`, `status`, `next_run_at`) and direction; none:
    /// newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Everyone's mailings (for callers with `mailings.view_all`); the same rule as the
    /// recipients and messages lists: one's own unless asked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
}

/// A page of mailings with the subjects of their messages (and, for a manager who may
/// list users, the owners' emails).
#[derive(PartialEq)]
struct Listing {
    page: Page<Mailing>,
    subjects: HashMap<Uuid, String>,
    owners: HashMap<Uuid, String>,
}

/// Subjects of the messages `ids`: the newest 100 messages in one request, any others
/// (a manager looking at someone else's mailings) one by one.
pub async fn subjects_for(ids: Vec<Uuid>) -> HashMap<Uuid, String> {
    let mut subjects: HashMap<Uuid, String> = api::messages(&MessageListQuery {
        per_page: Some(100),
        ..Default::default()
    })
    .await
    .map(|page| page.items.into_iter().map(|m| (m.id, m.subject)).collect())
    .unwrap_or_default();
    let missing: Vec<Uuid> = ids
        .into_iter()
        .filter(|id| !subjects.contains_key(id))
        .collect();
    let fetched = join_all(missing.iter().map(|id| api::message(*id))).await;
    for message in fetched.into_iter().flatten() {
        subjects.insert(message.id, message.subject);
    }
    subjects
}

async fn load(
    (filters, owner_emails, me): (Filters, bool, Option<Uuid>),
) -> Result<Listing, ApiError> {
    let page = api::mailings(&MailingListQuery {
        // Without `all`, only the caller's own (a manager's too).
        owner_id: if filters.all { None } else { me },
        status: filters.status,
        enabled: filters.enabled,
        page: filters.page,
        per_page: Some(PER_PAGE),
        sort: filters.sort,
        order: filters.order,
    })
    .await?;
    let mut ids: Vec<Uuid> = page.items.iter().map(|m| m.message_id).collect();
    ids.sort();
    ids.dedup();
    let subjects = subjects_for(ids).await;
    let owners = if owner_emails {
        owners_for(page.items.iter().map(|m| m.owner_id).collect()).await
    } else {
        HashMap::new()
    };
    Ok(Listing {
        page,
        subjects,
        owners,
    })
}

/// "1 234" or "all (1 234)".
pub fn recipients_label(lang: Lang, m: &Mailing) -> String {
    // A finished mailing says how many its last run had, not how many it would have now.
    let count = match (&m.last_run, m.status.as_str()) {
        (Some(run), "finished") => format::number(lang, run.recipients),
        _ => format::number(lang, m.recipients_count),
    };
    if m.all_clients {
        format!("{} ({count})", lang.texts().all_recipients)
    } else {
        count
    }
}

#[component]
pub fn Mailings() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let navigator = use_navigator();
    let filters = use_location()
        .and_then(|l| l.query::<Filters>().ok())
        .unwrap_or_default();
    let session = use_session();
    let me = session.user().map(|u| u.id);
    // A manager may list everyone's mailings: whose each is, and the switch to disable it.
    let may_view_all = session.can("mailings.view_all");
    let filters = Filters {
        all: filters.all && may_view_all,
        ..filters
    };
    let show_owner = filters.all;
    let may_disable = session.can("mailings.disable");
    let list = use_load(
        (filters.clone(), show_owner && session.can("users.view"), me),
        load,
    );
    // Live: while a listed run is sending, and when the next scheduled run is due.
    let (active, wake_at) = list.data().map_or((false, None), |listing| {
        let items = &listing.page.items;
        (
            items
                .iter()
                .any(|m| m.last_run.as_ref().is_some_and(|r| r.finished_at.is_none())),
            items
                .iter()
                .filter(|m| m.enabled)
                .filter_map(|m| m.next_run_at)
                .min(),
        )
    });
    use_live(active, wake_at, {
        let list = list.clone();
        Callback::from(move |()| list.reload())
    });
    let busy = use_state(|| None::<Uuid>);
    let toggle_error = use_state(|| None::<ApiError>);
    let toggle = {
        let (busy, toggle_error, list) = (busy.clone(), toggle_error.clone(), list.clone());
        move |id: Uuid, enabled: bool| {
            let (busy, toggle_error, list) = (busy.clone(), toggle_error.clone(), list.clone());
            Callback::from(move |_: MouseEvent| {
                busy.set(Some(id));
                toggle_error.set(None);
                let (busy, toggle_error, list) = (busy.clone(), toggle_error.clone(), list.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let result = api::set_mailing_enabled(id, enabled).await;
                    busy.set(None);
                    match result {
                        Ok(_) => list.reload(),
                        Err(e) => toggle_error.set(Some(e)),
                    }
                });
            })
        }
    };

    let go = {
        let navigator = navigator.clone();
        Callback::from(move |f: Filters| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::Mailings, &f);
            }
        })
    };
    let on_status = {
        let (go, filters) = (go.clone(), filters.clone());
        on_value(Callback::from(move |v: String| {
            go.emit(Filters {
                status: (!v.is_empty()).then_some(v),
                page: None,
                ..filters.clone()
            })
        }))
    };
    let on_enabled = {
        let (go, filters) = (go.clone(), filters.clone());
        on_value(Callback::from(move |v: String| {
            go.emit(Filters {
                enabled: v.parse().ok(),
                page: None,
                ..filters.clone()
            })
        }))
    };
    let on_page = {
        let (go, filters) = (go.clone(), filters.clone());
        Callback::from(move |page: i64| {
            go.emit(Filters {
                page: Some(page),
                ..filters.clone()
            })
        })
    };
    let sorting = Sorting {
        sort: filters.sort.clone(),
        order: filters.order.clone(),
    };
    let on_sort = {
        let (go, filters) = (go.clone(), filters.clone());
        Callback::from(move |s: Sorting| {
            go.emit(Filters {
                sort: s.sort,
                order: s.order,
                page: None,
                ..filters.clone()
            })
        })
    };
    let filtered = filters.status.is_some() || filters.enabled.is_some();

    let body = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={list.reload_callback()} />
        },
        Load::Ready(listing) if listing.page.items.is_empty() => {
            if filtered {
                html! { <Empty message={t.mailings_no_match} /> }
            } else {
                html! {
                    <Empty message={t.mailings_empty}>
                        <Link<Route> to={Route::MailingNew} classes="button">{ t.mailings_new }</Link<Route>>
                    </Empty>
                }
            }
        }
        Load::Ready(listing) => {
            let lang = i18n.lang;
            let row = |m: &Mailing| {
                let id = m.id;
                let subject = listing
                    .subjects
                    .get(&m.message_id)
                    .cloned()
                    .unwrap_or_else(|| t.message_missing.to_owned());
                let last_run = m.last_run.as_ref().map(|r| {
                    let counts = format!(
                        "✓ {} · ✗ {}",
                        format::number(lang, r.sent),
                        format::number(lang, r.failed)
                    );
                    if r.finished_at.is_none() {
                        html! { <><span class="badge badge-running">{ t.in_progress }</span>{ " " }{ counts }</> }
                    } else {
                        html! { <span title={format::datetime(lang, &r.started_at)}>{ counts }</span> }
                    }
                });
                let own = me == Some(m.owner_id);
                let owner = owner_label(t, me, m.owner_id, &listing.owners);
                let working = *busy == Some(id);
                // Edit controls only on one's own rows (the API refuses the rest anyway);
                // disabling on any row the caller may disable.
                let actions = html! {
                    <>
                        if own {
                            <Link<Route> to={Route::MailingEdit { id }} classes="button button-secondary button-small">
                                { t.edit }
                            </Link<Route>>
                        }
                        // A finished mailing has nothing left to disable.
                        if (own || may_disable) && !(m.enabled && m.status == "finished") {
                            <button type="button" class="button button-secondary button-small mailing-toggle"
                                disabled={working} onclick={toggle(id, !m.enabled)}>
                                { if working { t.working } else if m.enabled { t.disable } else { t.enable } }
                            </button>
                        }
                    </>
                };
                html! {
                    <tr key={id.to_string()} class={classes!((!own).then_some("row-foreign"))}>
                        <td data-label={t.col_name}>
                            <Link<Route> to={Route::MailingDetail { id }} classes="mailing-name">{ m.name.clone() }</Link<Route>>
                            <div class="hint mailing-subject" title={subject.clone()}>{ subject }</div>
                        </td>
                        <td data-label={t.col_status} class="nowrap">
                            <MailingStatus status={m.status.clone()} />
                            if !m.enabled { { " " }<EnabledBadge enabled=false /> }
                        </td>
                        <td data-label={t.col_schedule}>{ periodicity_label(t, &m.periodicity) }</td>
                        <td data-label={t.col_recipients} class="num">{ recipients_label(lang, m) }</td>
                        <td data-label={t.col_next_run} class="nowrap">
                            // Nothing is sent while disabled: no next run to show.
                            { m.next_run_at.as_ref().filter(|_| m.enabled).map(|d| format::datetime(lang, d)).unwrap_or_else(|| "—".into()) }
                        </td>
                        <td data-label={t.col_last_run} class="nowrap">
                            { last_run.unwrap_or_else(|| html! { "—" }) }
                        </td>
                        <td data-label={t.col_created} class="nowrap">{ format::datetime(lang, &m.created_at) }</td>
                        if show_owner {
                            <td data-label={t.col_owner} class="cell-clip owner" title={owner.clone()}>{ owner }</td>
                        }
                        <td class="cell-actions">{ actions }</td>
                    </tr>
                }
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="mailings-table">
                            <thead><tr>
                                <SortHeader field="name" label={t.col_name} sorting={sorting.clone()} on_sort={on_sort.clone()} />
                                <SortHeader field="status" label={t.col_status} sorting={sorting.clone()} on_sort={on_sort.clone()} />
                                <th scope="col">{ t.col_schedule }</th>
                                <th scope="col" class="num">{ t.col_recipients }</th>
                                <SortHeader field="next_run_at" label={t.col_next_run} sorting={sorting.clone()} on_sort={on_sort.clone()} />
                                <th scope="col">{ t.col_last_run }</th>
                                <SortHeader field="created_at" label={t.col_created} sorting={sorting.clone()} on_sort={on_sort.clone()} />
                                if show_owner { <th scope="col">{ t.col_owner }</th> }
                                <th scope="col"><span class="visually-hidden">{ t.actions }</span></th>
                            </tr></thead>
                            <tbody>{ for listing.page.items.iter().map(row) }</tbody>
                        </table>
                    </div>
                    <Pagination page={listing.page.page} per_page={listing.page.per_page}
                        total={listing.page.total} {on_page} />
                </>
            }
        }
    };

    let status = filters.status.clone().unwrap_or_default();
    let enabled = filters.enabled.map(|e| e.to_string()).unwrap_or_default();
    let option = |value: &str, label: &str, current: &str| {
        html! { <option value={value.to_owned()} selected={value == current}>{ label.to_owned() }</option> }
    };
    html! {
        <div class="page">
            <div class="page-head">
                <h1>{ t.mailings_title }</h1>
                <div class="page-actions">
                    <Link<Route> to={Route::MailingNew} classes="button">{ t.mailings_new }</Link<Route>>
                </div>
            </div>
            <div class="toolbar filters">
                if may_view_all {
                    <ScopeSelect all={filters.all} on_change={{
                        let (go, filters) = (go.clone(), filters.clone());
                        Callback::from(move |all: bool| go.emit(Filters { all, page: None, ..filters.clone() }))
                    }} />
                }
                <div class="field field-inline">
                    <label for="filter-status">{ t.filter_status }</label>
                    <select id="filter-status" onchange={on_status}>
                        { option("", t.filter_any, &status) }
                        { option("created", t.status_created, &status) }
                        { option("running", t.status_running, &status) }
                        { option("finished", t.status_finished, &status) }
                    </select>
                </div>
                <div class="field field-inline">
                    <label for="filter-enabled">{ t.filter_enabled }</label>
                    <select id="filter-enabled" onchange={on_enabled}>
                        { option("", t.filter_any, &enabled) }
                        { option("true", t.enabled, &enabled) }
                        { option("false", t.disabled, &enabled) }
                    </select>
                </div>
            </div>
            if let Some(e) = &*toggle_error { <ApiErrorNotice error={e.clone()} /> }
            { body }
        </div>
    }
}
