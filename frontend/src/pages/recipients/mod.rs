//! `/recipients[?q=&page=&all=true]`: the searchable, paginated list of recipients, with
//! CSV import and export. A manager may show everyone's (read-only but their own).

pub mod form;
pub mod import;

use std::collections::HashMap;

use herald_api_types::{Client, ClientListQuery, Page};
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::confirm::ConfirmDelete;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::form::on_input_value;
use crate::components::owners::{owner_label, owners_for, ScopeSelect};
use crate::components::pagination::Pagination;
use crate::components::sort::{SortHeader, Sorting};
use crate::hooks::{use_debounced, use_load, Load};
use crate::i18n::use_i18n;
use crate::services::api::{self, ApiError};
use crate::services::files;
use crate::session::use_session;

const PER_PAGE: i64 = 20;

/// The list's place, kept in the URL so that Back returns to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    /// Everyone's recipients (for callers with `clients.view_all`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
    /// Sort column (`email`, `full_name`, `created_at`) and direction; none: newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// A page of recipients, with their owners' emails when everyone's are shown.
#[derive(PartialEq)]
struct Listing {
    page: Page<Client>,
    owners: HashMap<uuid::Uuid, String>,
}

#[component]
pub fn Recipients() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let navigator = use_navigator();
    let query = use_location()
        .and_then(|l| l.query::<ListQuery>().ok())
        .unwrap_or_default();
    let page = query.page.unwrap_or(1).max(1);
    let session = use_session();
    let me = session.user().map(|u| u.id);
    let all = query.all && session.can("clients.view_all");
    let owner_emails = all && session.can("users.view");

    // The search box follows the URL; typing updates the URL after a pause.
    let typed = use_state(|| query.q.clone());
    let settled = use_debounced((*typed).clone(), 300);
    {
        let navigator = navigator.clone();
        let current = query.q.clone();
        let (sort, order) = (query.sort.clone(), query.order.clone());
        use_effect_with(settled.clone(), move |settled| {
            if *settled != current {
                if let Some(navigator) = navigator {
                    let _ = navigator.replace_with_query(
                        &Route::Recipients,
                        &ListQuery {
                            q: settled.clone(),
                            page: None,
                            all,
                            sort: sort.clone(),
                            order: order.clone(),
                        },
                    );
                }
            }
        });
    }

    let list = use_load(
        (
            query.q.clone(),
            page,
            all,
            me,
            owner_emails,
            (query.sort.clone(), query.order.clone()),
        ),
        |(q, page, all, me, owner_emails, (sort, order))| async move {
            let page = api::clients(&ClientListQuery {
                q: Some(q),
                // Without `all`, only the caller's own (a manager's too).
                owner_id: if all { None } else { me },
                page: Some(page),
                per_page: Some(PER_PAGE),
                sort,
                order,
            })
            .await?;
            let owners = if owner_emails {
                owners_for(page.items.iter().map(|c| c.owner_id).collect()).await
            } else {
                HashMap::new()
            };
            Ok(Listing { page, owners })
        },
    );

    let on_page = {
        let (navigator, query) = (navigator.clone(), query.clone());
        Callback::from(move |page: i64| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(
                    &Route::Recipients,
                    &ListQuery {
                        page: Some(page),
                        all,
                        ..query.clone()
                    },
                );
            }
        })
    };
    // A column header sorts by its column; again, the other way round.
    let sorting = Sorting {
        sort: query.sort.clone(),
        order: query.order.clone(),
    };
    let on_sort = {
        let (navigator, query) = (navigator.clone(), query.clone());
        Callback::from(move |s: Sorting| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(
                    &Route::Recipients,
                    &ListQuery {
                        page: None,
                        sort: s.sort,
                        order: s.order,
                        ..query.clone()
                    },
                );
            }
        })
    };
    let sort_header = |field: &'static str, label: &'static str| {
        html! {
            <SortHeader {field} {label} sorting={sorting.clone()} on_sort={on_sort.clone()} />
        }
    };

    let on_scope = {
        let (navigator, query) = (navigator.clone(), query.clone());
        Callback::from(move |all: bool| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(
                    &Route::Recipients,
                    &ListQuery {
                        page: None,
                        all,
                        ..query.clone()
                    },
                );
            }
        })
    };

    let action_error = use_state(|| None::<ApiError>);
    let deleting = use_state(|| None::<uuid::Uuid>);
    let on_delete = {
        let (list, action_error, deleting) = (list.clone(), action_error.clone(), deleting.clone());
        Callback::from(move |id: uuid::Uuid| {
            deleting.set(Some(id));
            action_error.set(None);
            let (list, action_error, deleting) =
                (list.clone(), action_error.clone(), deleting.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::delete_client(id).await {
                    action_error.set(Some(e));
                }
                deleting.set(None);
                list.reload();
            });
        })
    };

    let exporting = use_state(|| false);
    let on_export = {
        let (exporting, action_error) = (exporting.clone(), action_error.clone());
        Callback::from(move |_: MouseEvent| {
            exporting.set(true);
            let (exporting, action_error) = (exporting.clone(), action_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::export_clients().await {
                    Ok(csv) => {
                        let _ = files::download_text("recipients.csv", "text/csv", &csv);
                    }
                    Err(e) => action_error.set(Some(e)),
                }
                exporting.set(false);
            });
        })
    };

    let body = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={list.reload_callback()} />
        },
        Load::Ready(listing) if listing.page.items.is_empty() => {
            if query.q.is_empty() {
                html! {
                    <Empty message={t.recipients_empty}>
                        <Link<Route> to={Route::RecipientNew} classes="button">
                            { t.recipients_new }
                        </Link<Route>>
                    </Empty>
                }
            } else {
                html! { <Empty message={t.recipients_no_match} /> }
            }
        }
        Load::Ready(listing) => {
            let page_data = &listing.page;
            let row = |client: &Client| {
                let id = client.id;
                let own = me == Some(client.owner_id);
                let on_confirm = {
                    let on_delete = on_delete.clone();
                    Callback::from(move |()| on_delete.emit(id))
                };
                html! {
                    <tr key={id.to_string()} class={classes!((!own).then_some("row-foreign"))}>
                        <td data-label={t.col_email}>
                            <Link<Route> to={Route::RecipientEdit { id }}>{ &client.email }</Link<Route>>
                        </td>
                        <td data-label={t.col_name}>{ &client.full_name }</td>
                        <td data-label={t.col_comment} class="cell-clip" title={client.comment.clone()}>
                            { &client.comment }
                        </td>
                        <td data-label={t.col_status}>
                            if client.unsubscribed {
                                <span class="badge badge-disabled">{ t.unsubscribed }</span>
                            } else {
                                <span class="muted">{ t.subscribed }</span>
                            }
                        </td>
                        if all {
                            <td data-label={t.col_owner} class="cell-clip owner">
                                { owner_label(t, me, client.owner_id, &listing.owners) }
                            </td>
                        }
                        <td class="cell-actions">
                            if own {
                                <Link<Route> to={Route::RecipientEdit { id }}
                                    classes="button button-secondary button-small">{ t.edit }</Link<Route>>
                                <ConfirmDelete {on_confirm} busy={*deleting == Some(id)}
                                    what={client.email.clone()} />
                            }
                        </td>
                    </tr>
                }
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="recipients-table">
                            <thead><tr>
                                { sort_header("email", t.col_email) }
                                { sort_header("full_name", t.col_name) }
                                <th scope="col">{ t.col_comment }</th>
                                <th scope="col">{ t.col_status }</th>
                                if all { <th scope="col">{ t.col_owner }</th> }
                                <th scope="col"><span class="visually-hidden">{ t.actions }</span></th>
                            </tr></thead>
                            <tbody>{ for page_data.items.iter().map(row) }</tbody>
                        </table>
                    </div>
                    <Pagination page={page_data.page} per_page={page_data.per_page}
                        total={page_data.total} {on_page} />
                </>
            }
        }
    };

    html! {
        <div class="page">
            <div class="page-head">
                <h1>{ t.recipients_title }</h1>
                <div class="page-actions">
                    <Link<Route> to={Route::RecipientNew} classes="button" >{ t.recipients_new }</Link<Route>>
                    <Link<Route> to={Route::RecipientImport} classes="button button-secondary">
                        { t.recipients_import }
                    </Link<Route>>
                    <button type="button" class="button button-secondary" onclick={on_export}
                        disabled={*exporting} id="export-csv">
                        { if *exporting { t.recipients_exporting } else { t.recipients_export } }
                    </button>
                    <Link<Route> to={Route::Suppressions} classes="button button-secondary suppressions-link">
                        { t.suppressions_link }
                    </Link<Route>>
                </div>
            </div>
            <div class="toolbar" role="search">
                <label for="search" class="visually-hidden">{ t.recipients_search }</label>
                <input id="search" type="search" class="search" placeholder={t.recipients_search}
                    value={(*typed).clone()}
                    oninput={on_input_value(Callback::from({ let typed = typed.clone(); move |v| typed.set(v) }))} />
                if session.can("clients.view_all") {
                    <ScopeSelect all={all} on_change={on_scope} />
                }
            </div>
            if let Some(error) = &*action_error {
                <ApiErrorNotice error={error.clone()} />
            }
            { body }
        </div>
    }
}
