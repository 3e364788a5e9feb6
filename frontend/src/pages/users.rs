//! `/admin/users[?q=&blocked=&page=]`: every account (users.view), with blocking and
//! unblocking (users.block, asked first) and the role of each (roles.manage).

use herald_api_types::{User, UserListQuery};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::confirm::ConfirmAction;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading, Notice};
use crate::components::form::{on_input_value, on_value};
use crate::components::pagination::Pagination;
use crate::hooks::{use_debounced, use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::pages::invite::InviteForm;
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const PER_PAGE: i64 = 20;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
}

/// The outcome of the last action, shown above the table.
#[derive(Clone, PartialEq)]
enum Outcome {
    Done(String),
    Failed(ApiError),
}

#[component]
pub fn Users() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let session = use_session();
    let me = session.user().map(|u| u.id);
    let may_block = session.can("users.block");
    let may_assign = session.can("roles.manage");
    let navigator = use_navigator();
    let filters = use_location()
        .and_then(|l| l.query::<Filters>().ok())
        .unwrap_or_default();

    // The search box: typed text, sent to the address (and the server) once it settles.
    let typed = use_state(|| filters.q.clone().unwrap_or_default());
    let settled = use_debounced((*typed).clone(), 300);
    let go = {
        let navigator = navigator.clone();
        Callback::from(move |f: Filters| {
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::Users, &f);
            }
        })
    };
    {
        let (go, filters) = (go.clone(), filters.clone());
        use_effect_with(settled, move |settled| {
            let q = (!settled.trim().is_empty()).then(|| settled.trim().to_owned());
            if q != filters.q {
                go.emit(Filters {
                    q,
                    page: None,
                    ..filters
                });
            }
        });
    }

    let list = use_load(filters.clone(), |f: Filters| async move {
        api::users(&UserListQuery {
            q: f.q,
            blocked: f.blocked,
            page: f.page,
            per_page: Some(PER_PAGE),
        })
        .await
    });
    let roles = use_load(may_assign, |may| async move {
        if may {
            api::roles().await.map(Some)
        } else {
            Ok(None)
        }
    });
    let busy = use_state(|| None::<Uuid>);
    let outcome = use_state(|| None::<Outcome>);

    let set_blocked = {
        let (busy, outcome, list) = (busy.clone(), outcome.clone(), list.clone());
        move |user: &User, blocked: bool| {
            let (busy, outcome, list) = (busy.clone(), outcome.clone(), list.clone());
            let id = user.id;
            Callback::from(move |()| {
                busy.set(Some(id));
                outcome.set(None);
                let (busy, outcome, list) = (busy.clone(), outcome.clone(), list.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let result = api::set_user_blocked(id, blocked).await;
                    busy.set(None);
                    match result {
                        Ok(_) => list.reload(),
                        Err(e) => outcome.set(Some(Outcome::Failed(e))),
                    }
                });
            })
        }
    };
    // Changing a role asks first: picking one in the list only proposes it.
    let pending_role = use_state(|| None::<(Uuid, String)>);
    // Bumped when a proposal is declined, so the lists show the roles as they are.
    let selects = use_state(|| 0_u32);
    let propose_role = {
        let pending_role = pending_role.clone();
        move |user: &User| {
            let (pending_role, id, current) = (pending_role.clone(), user.id, user.role.clone());
            on_value(Callback::from(move |role: String| {
                pending_role.set((role != current).then_some((id, role)));
            }))
        }
    };
    let set_role = {
        let (busy, outcome, list, pending_role) = (
            busy.clone(),
            outcome.clone(),
            list.clone(),
            pending_role.clone(),
        );
        move |user: &User, role: String| {
            let (busy, outcome, list, pending_role) = (
                busy.clone(),
                outcome.clone(),
                list.clone(),
                pending_role.clone(),
            );
            let (id, email) = (user.id, user.email.clone());
            Callback::from(move |_: MouseEvent| {
                pending_role.set(None);
                busy.set(Some(id));
                outcome.set(None);
                let (busy, outcome, list, email, role) = (
                    busy.clone(),
                    outcome.clone(),
                    list.clone(),
                    email.clone(),
                    role.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    let result = api::set_user_role(id, role).await;
                    busy.set(None);
                    match result {
                        Ok(_) => outcome.set(Some(Outcome::Done((t.role_changed)(&email)))),
                        Err(e) => outcome.set(Some(Outcome::Failed(e))),
                    }
                    list.reload();
                });
            })
        }
    };

    let on_search = {
        let typed = typed.clone();
        on_input_value(Callback::from(move |v: String| typed.set(v)))
    };
    let on_blocked = {
        let (go, filters) = (go.clone(), filters.clone());
        on_value(Callback::from(move |v: String| {
            go.emit(Filters {
                blocked: v.parse().ok(),
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

    let role_names: Vec<String> = roles
        .data()
        .and_then(|r| (*r).clone())
        .map(|r| r.into_iter().map(|r| r.name).collect())
        .unwrap_or_default();

    let body = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(e) => html! {
            <ApiErrorNotice error={e.clone()} on_retry={list.reload_callback()} />
        },
        Load::Ready(page) if page.items.is_empty() => html! { <Empty message={t.users_empty} /> },
        Load::Ready(page) => {
            let row = |u: &User| {
                let is_me = me == Some(u.id);
                let working = *busy == Some(u.id);
                let proposed = pending_role
                    .as_ref()
                    .filter(|(id, _)| *id == u.id)
                    .map(|(_, role)| role.clone());
                let role_cell = if may_assign && !is_me && !role_names.is_empty() {
                    let select_id = format!("role-{}", u.id);
                    html! {
                        <>
                            <label for={select_id.clone()} class="visually-hidden">{ (t.role_for)(&u.email) }</label>
                            <select id={select_id} key={format!("{}-{}", u.id, *selects)} class="role-select"
                                disabled={working || proposed.is_some()} onchange={propose_role(u)}>
                                { for role_names.iter().map(|r| html! {
                                    <option value={r.clone()} selected={proposed.as_ref().unwrap_or(&u.role) == r}>{ (t.role_name)(r) }</option>
                                }) }
                            </select>
                            if let Some(role) = proposed {
                                <span class="confirm role-confirm" role="group">
                                    <span class="confirm-question">{ (t.role_confirm)(&u.email, (t.role_name)(&role).as_str()) }</span>
                                    <button type="button" class="button button-small confirm-yes"
                                        onclick={set_role(u, role.clone())}>{ t.confirm_yes }</button>
                                    <button type="button" class="button button-secondary button-small confirm-no"
                                        onclick={{
                                            let (pending_role, selects) = (pending_role.clone(), selects.clone());
                                            Callback::from(move |_: MouseEvent| {
                                                pending_role.set(None);
                                                selects.set(*selects + 1);
                                            })
                                        }}>{ t.confirm_no }</button>
                                </span>
                            }
                        </>
                    }
                } else {
                    html! { (t.role_name)(&u.role) }
                };
                html! {
                    <tr key={u.id.to_string()} data-email={u.email.clone()}>
                        <td data-label={t.col_email}>
                            { &u.email }
                            if is_me { <span class="badge badge-soft">{ t.user_you }</span> }
                        </td>
                        <td data-label={t.col_name}>{ &u.full_name }</td>
                        <td data-label={t.col_role}>{ role_cell }</td>
                        <td data-label={t.col_status} class="nowrap">
                            if u.blocked {
                                <span class="badge badge-disabled">{ t.user_blocked }</span>
                            } else {
                                <span class="badge badge-enabled">{ t.user_active }</span>
                            }
                            if !u.email_verified {
                                { " " }<span class="badge badge-created" title={t.user_unverified}>{ "✉?" }</span>
                            }
                        </td>
                        <td data-label={t.col_joined} class="nowrap">{ format::datetime(lang, &u.created_at) }</td>
                        <td class="cell-actions">
                            // Only a holder of roles.manage may block one (the API says so too).
                            if may_block && !is_me
                                && (!u.permissions.iter().any(|p| p == "roles.manage") || session.can("roles.manage")) {
                                if u.blocked {
                                    <ConfirmAction label={t.unblock} question={(t.unblock_confirm)(&u.email)}
                                        busy={working} on_confirm={set_blocked(u, false)}
                                        class={classes!("button-secondary", "block-toggle")} />
                                } else {
                                    <ConfirmAction label={t.block} question={(t.block_confirm)(&u.email)}
                                        busy={working} on_confirm={set_blocked(u, true)}
                                        class={classes!("button-ghost-danger", "block-toggle")} />
                                }
                            }
                        </td>
                    </tr>
                }
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="users-table">
                            <thead><tr>
                                <th scope="col">{ t.col_email }</th>
                                <th scope="col">{ t.col_name }</th>
                                <th scope="col">{ t.col_role }</th>
                                <th scope="col">{ t.col_status }</th>
                                <th scope="col">{ t.col_joined }</th>
                                <th scope="col"><span class="visually-hidden">{ t.actions }</span></th>
                            </tr></thead>
                            <tbody>{ for page.items.iter().map(row) }</tbody>
                        </table>
                    </div>
                    <Pagination page={page.page} per_page={page.per_page} total={page.total} {on_page} />
                </>
            }
        }
    };

    let blocked = filters.blocked.map(|b| b.to_string()).unwrap_or_default();
    let option = |value: &str, label: &str| {
        html! { <option value={value.to_owned()} selected={value == blocked}>{ label.to_owned() }</option> }
    };
    html! {
        <div class="page">
            <div class="page-head">
                <h1>{ t.users_title }</h1>
            </div>
            <div class="toolbar filters">
                <div class="field search">
                    <label for="search" class="visually-hidden">{ t.users_search }</label>
                    <input id="search" type="search" value={(*typed).clone()} oninput={on_search}
                        placeholder={t.users_search} autocomplete="off" />
                </div>
                <div class="field field-inline">
                    <label for="filter-blocked">{ t.filter_accounts }</label>
                    <select id="filter-blocked" onchange={on_blocked}>
                        { option("", t.filter_any) }
                        { option("false", t.user_active) }
                        { option("true", t.user_blocked) }
                    </select>
                </div>
            </div>
            { match &*outcome {
                Some(Outcome::Done(message)) => html! { <Notice><p id="users-done">{ message.clone() }</p></Notice> },
                Some(Outcome::Failed(e)) => html! { <ApiErrorNotice error={e.clone()} /> },
                None => html! {},
            } }
            if let Load::Failed(e) = roles.state() { <ApiErrorNotice error={e.clone()} /> }
            if may_assign && !role_names.is_empty() {
                <InviteForm roles={role_names.clone()} on_invited={list.reload_callback()} />
            }
            { body }
        </div>
    }
}
