//! `/messages[?page=&all=true&sort=&order=]`: the list of message templates, sorted by
//! clicking a column header. A manager may show everyone's (read-only but their own).

pub mod editor;
pub mod preview;

use std::collections::HashMap;

use herald_api_types::{Message, MessageListQuery, Page};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::confirm::ConfirmDelete;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::owners::{owner_label, owners_for, ScopeSelect};
use crate::components::pagination::Pagination;
use crate::components::sort::{SortHeader, Sorting};
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const PER_PAGE: i64 = 20;

/// The list's place, kept in the URL so that Back returns to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    /// Everyone's messages (for callers with `messages.view_all`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
    /// Sort column (`subject`, `created_at`) and direction; none: newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// A page of messages, with their owners' emails when everyone's are shown.
#[derive(PartialEq)]
struct Listing {
    page: Page<Message>,
    owners: HashMap<Uuid, String>,
}

#[component]
pub fn Messages() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let me = session.user().map(|u| u.id);
    let may_view_all = session.can("messages.view_all");
    let owner_emails = may_view_all && session.can("users.view");
    let navigator = use_navigator();
    let query = use_location()
        .and_then(|l| l.query::<ListQuery>().ok())
        .unwrap_or_default();
    let all = query.all && may_view_all;
    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: ListQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::Messages, &q);
            }
        })
    };
    let list = use_load(
        (
            query.page.unwrap_or(1).max(1),
            all,
            me,
            owner_emails,
            (query.sort.clone(), query.order.clone()),
        ),
        |(page, all, me, owner_emails, (sort, order))| async move {
            let page = api::messages(&MessageListQuery {
                // Without `all`, only the caller's own (a manager's too).
                owner_id: if all { None } else { me },
                page: Some(page),
                per_page: Some(PER_PAGE),
                sort,
                order,
                ..Default::default()
            })
            .await?;
            let owners = if all && owner_emails {
                owners_for(page.items.iter().map(|m| m.owner_id).collect()).await
            } else {
                HashMap::new()
            };
            Ok(Listing { page, owners })
        },
    );
    let on_scope = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |v: bool| {
            go.emit(ListQuery {
                all: v,
                page: None,
                ..query.clone()
            })
        })
    };
    let show_owner = all;
    let on_page = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |p: i64| {
            go.emit(ListQuery {
                page: Some(p),
                ..query.clone()
            })
        })
    };
    let sorting = Sorting {
        sort: query.sort.clone(),
        order: query.order.clone(),
    };
    let on_sort = {
        let (go, query) = (go.clone(), query.clone());
        Callback::from(move |s: Sorting| {
            go.emit(ListQuery {
                sort: s.sort,
                order: s.order,
                page: None,
                ..query.clone()
            })
        })
    };
    let action_error = use_state(|| None::<ApiError>);
    let deleting = use_state(|| None::<Uuid>);
    let on_delete = {
        let (list, action_error, deleting) = (list.clone(), action_error.clone(), deleting.clone());
        Callback::from(move |id: Uuid| {
            deleting.set(Some(id));
            action_error.set(None);
            let (list, action_error, deleting) =
                (list.clone(), action_error.clone(), deleting.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::delete_message(id).await {
                    action_error.set(Some(e));
                }
                deleting.set(None);
                list.reload();
            });
        })
    };

    let body = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={list.reload_callback()} />
        },
        Load::Ready(listing) if listing.page.items.is_empty() => html! {
            <Empty message={t.messages_empty}>
                <Link<Route> to={Route::MessageNew} classes="button">{ t.messages_new }</Link<Route>>
            </Empty>
        },
        Load::Ready(listing) => {
            let data = &listing.page;
            let row = |m: &Message| {
                let id = m.id;
                let own = me == Some(m.owner_id);
                let on_confirm = {
                    let on_delete = on_delete.clone();
                    Callback::from(move |()| on_delete.emit(id))
                };
                let subject = if m.subject.trim().is_empty() {
                    t.no_subject.to_owned()
                } else {
                    m.subject.clone()
                };
                html! {
                    <tr key={id.to_string()} class={classes!((!own).then_some("row-foreign"))}>
                        <td data-label={t.col_subject}>
                            <Link<Route> to={Route::MessageEdit { id }}>{ subject.clone() }</Link<Route>>
                            if m.html_body.is_some() { <span class="badge badge-soft">{ "HTML" }</span> }
                        </td>
                        <td data-label={t.col_created} class="nowrap">
                            { format::datetime(i18n.lang, &m.created_at) }
                        </td>
                        <td data-label={t.col_updated} class="nowrap">
                            { format::datetime(i18n.lang, &m.updated_at) }
                        </td>
                        if show_owner {
                            <td data-label={t.col_owner} class="cell-clip owner">
                                { owner_label(t, me, m.owner_id, &listing.owners) }
                            </td>
                        }
                        <td class="cell-actions">
                            if own {
                                <Link<Route> to={Route::MessageEdit { id }}
                                    classes="button button-secondary button-small">{ t.edit }</Link<Route>>
                                <ConfirmDelete {on_confirm} busy={*deleting == Some(id)} what={subject} />
                            }
                        </td>
                    </tr>
                }
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="messages-table">
                            <thead><tr>
                                <SortHeader field="subject" label={t.col_subject} sorting={sorting.clone()} on_sort={on_sort.clone()} />
                                <SortHeader field="created_at" label={t.col_created} sorting={sorting.clone()} on_sort={on_sort.clone()} />
                                <th scope="col">{ t.col_updated }</th>
                                if show_owner { <th scope="col">{ t.col_owner }</th> }
                                <th scope="col"><span class="visually-hidden">{ t.actions }</span></th>
                            </tr></thead>
                            <tbody>{ for data.items.iter().map(row) }</tbody>
                        </table>
                    </div>
                    <Pagination page={data.page} per_page={data.per_page} total={data.total} {on_page} />
                </>
            }
        }
    };

    html! {
        <div class="page">
            <div class="page-head">
                <h1>{ t.messages_title }</h1>
                <div class="page-actions">
                    <Link<Route> to={Route::MessageNew} classes="button">{ t.messages_new }</Link<Route>>
                </div>
            </div>
            if may_view_all {
                <div class="toolbar"><ScopeSelect {all} on_change={on_scope} /></div>
            }
            if let Some(error) = &*action_error { <ApiErrorNotice error={error.clone()} /> }
            { body }
        </div>
    }
}
