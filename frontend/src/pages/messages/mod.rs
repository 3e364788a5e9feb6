//! `/messages`: the list of message templates. A manager may show everyone's
//! (read-only but their own).

pub mod editor;
pub mod preview;

use std::collections::HashMap;

use herald_api_types::{Message, MessageListQuery, Page};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::confirm::ConfirmDelete;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::owners::{owner_label, owners_for, ScopeSelect};
use crate::components::pagination::Pagination;
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const PER_PAGE: i64 = 20;

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
    let page = use_state(|| 1_i64);
    let all = use_state(|| false);
    let list = use_load(
        (*page, *all && may_view_all, me, owner_emails),
        |(page, all, me, owner_emails)| async move {
            let page = api::messages(&MessageListQuery {
                // Without `all`, only the caller's own (a manager's too).
                owner_id: if all { None } else { me },
                page: Some(page),
                per_page: Some(PER_PAGE),
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
        let (all, page) = (all.clone(), page.clone());
        Callback::from(move |v: bool| {
            all.set(v);
            page.set(1);
        })
    };
    let show_owner = *all && may_view_all;
    let on_page = {
        let page = page.clone();
        Callback::from(move |p| page.set(p))
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
                                <th scope="col">{ t.col_subject }</th>
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
                <div class="toolbar"><ScopeSelect all={*all} on_change={on_scope} /></div>
            }
            if let Some(error) = &*action_error { <ApiErrorNotice error={error.clone()} /> }
            { body }
        </div>
    }
}
