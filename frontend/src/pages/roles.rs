//! `/admin/roles`: the roles and their permissions (roles.manage). Custom roles are
//! created, edited (name and permission checkboxes) and deleted here; built-in ones are
//! read-only.

use std::collections::BTreeSet;
use std::rc::Rc;

use herald_api_types::{PermissionInfo, Role, RoleInput};
use uuid::Uuid;
use yew::prelude::*;

use crate::components::confirm::ConfirmDelete;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading, Notice};
use crate::components::form::{focus_first_invalid, on_submit, Field, Submit};
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};

/// What the form edits.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Editing {
    Nothing,
    New,
    Role(Uuid),
}

#[component]
pub fn Roles() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let roles = use_load((), |()| api::roles());
    let permissions = use_load((), |()| api::permissions());
    let editing = use_state(|| Editing::Nothing);
    let done = use_state(|| None::<&'static str>);
    let delete_error = use_state(|| None::<ApiError>);

    let edit = |what: Editing| {
        let (editing, done) = (editing.clone(), done.clone());
        Callback::from(move |_: MouseEvent| {
            done.set(None);
            editing.set(what);
        })
    };
    let on_saved = {
        let (editing, done, roles) = (editing.clone(), done.clone(), roles.clone());
        Callback::from(move |created: bool| {
            done.set(Some(if created {
                t.role_created
            } else {
                t.role_saved
            }));
            editing.set(Editing::Nothing);
            roles.reload();
        })
    };
    let on_cancel = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(Editing::Nothing))
    };
    let on_delete = |id: Uuid| {
        let (roles, delete_error, editing) = (roles.clone(), delete_error.clone(), editing.clone());
        Callback::from(move |()| {
            let (roles, delete_error, editing) =
                (roles.clone(), delete_error.clone(), editing.clone());
            delete_error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_role(id).await {
                    Ok(()) => {
                        if *editing == Editing::Role(id) {
                            editing.set(Editing::Nothing);
                        }
                        roles.reload();
                    }
                    Err(e) => delete_error.set(Some(e)),
                }
            });
        })
    };

    let table = match roles.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(e) => html! {
            <ApiErrorNotice error={e.clone()} on_retry={roles.reload_callback()} />
        },
        Load::Ready(list) if list.is_empty() => html! { <Empty message={t.roles_empty} /> },
        Load::Ready(list) => {
            let row = |r: &Role| {
                let id = r.id;
                html! {
                    <tr key={id.to_string()} data-role={r.name.clone()}>
                        <td data-label={t.field_role_name}>
                            <strong>{ (t.role_name)(&r.name) }</strong>
                            if (t.role_name)(&r.name) != r.name { <span class="muted">{ format!(" ({})", r.name) }</span> }
                            if r.builtin { <span class="badge badge-soft">{ t.role_builtin }</span> }
                        </td>
                        <td data-label={t.col_permissions}>
                            if r.permissions.is_empty() {
                                <span class="muted">{ t.no_permissions }</span>
                            } else {
                                <span class="perm-tags">
                                    { for r.permissions.iter().map(|p| html! { <code>{ p }</code> }) }
                                </span>
                            }
                        </td>
                        <td data-label={t.col_users} class="num">{ format::number(lang, r.users) }</td>
                        <td class="cell-actions">
                            if !r.builtin {
                                <button type="button" class="button button-secondary button-small role-edit"
                                    onclick={edit(Editing::Role(id))}>{ t.edit }</button>
                                <ConfirmDelete on_confirm={on_delete(id)} what={r.name.clone()} />
                            }
                        </td>
                    </tr>
                }
            };
            html! {
                <div class="table-wrap">
                    <table class="table" id="roles-table">
                        <thead><tr>
                            <th scope="col">{ t.field_role_name }</th>
                            <th scope="col">{ t.col_permissions }</th>
                            <th scope="col" class="num">{ t.col_users }</th>
                            <th scope="col"><span class="visually-hidden">{ t.actions }</span></th>
                        </tr></thead>
                        <tbody>{ for list.iter().map(row) }</tbody>
                    </table>
                </div>
            }
        }
    };

    let form = match (*editing, permissions.state()) {
        (Editing::Nothing, _) => html! {},
        (_, Load::Loading) => html! { <Loading /> },
        (_, Load::Failed(e)) => html! {
            <ApiErrorNotice error={e.clone()} on_retry={permissions.reload_callback()} />
        },
        (Editing::New, Load::Ready(all)) => html! {
            <RoleForm key="new" role={None::<Role>} permissions={all.clone()}
                on_saved={on_saved.clone()} on_cancel={on_cancel.clone()} />
        },
        (Editing::Role(id), Load::Ready(all)) => {
            let role = roles
                .data()
                .and_then(|l| l.iter().find(|r| r.id == id).cloned());
            html! {
                <RoleForm key={id.to_string()} {role} permissions={all.clone()}
                    on_saved={on_saved.clone()} on_cancel={on_cancel.clone()} />
            }
        }
    };

    html! {
        <div class="page">
            <div class="page-head">
                <h1>{ t.roles_title }</h1>
                <div class="page-actions">
                    <button type="button" id="role-new" class="button" onclick={edit(Editing::New)}>
                        { t.roles_new }
                    </button>
                </div>
            </div>
            if let Some(message) = *done { <Notice><p id="role-done">{ message }</p></Notice> }
            if let Some(e) = &*delete_error { <ApiErrorNotice error={e.clone()} /> }
            { form }
            <p class="muted">{ t.role_builtin_note }</p>
            { table }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RoleFormProps {
    /// None: a new role.
    role: Option<Role>,
    permissions: Rc<Vec<PermissionInfo>>,
    /// `true` when a role was created, `false` when one was changed.
    on_saved: Callback<bool>,
    on_cancel: Callback<()>,
}

#[component]
fn RoleForm(props: &RoleFormProps) -> Html {
    let t = use_i18n().t();
    let name = use_state(|| {
        props
            .role
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_default()
    });
    let chosen = use_state(|| {
        props
            .role
            .as_ref()
            .map(|r| r.permissions.iter().cloned().collect::<BTreeSet<_>>())
            .unwrap_or_default()
    });
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let id = props.role.as_ref().map(|r| r.id);

    let submit = {
        let (name, chosen, busy, error, on_saved) = (
            name.clone(),
            chosen.clone(),
            busy.clone(),
            error.clone(),
            props.on_saved.clone(),
        );
        Callback::from(move |()| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let input = RoleInput {
                name: name.trim().to_owned(),
                permissions: chosen.iter().cloned().collect(),
            };
            let (busy, error, on_saved) = (busy.clone(), error.clone(), on_saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match id {
                    Some(id) => api::update_role(id, &input).await,
                    None => api::create_role(&input).await,
                };
                busy.set(false);
                match result {
                    Ok(_) => on_saved.emit(id.is_none()),
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };
    let toggle = |permission: String| {
        let chosen = chosen.clone();
        Callback::from(move |_: Event| {
            let mut set = (*chosen).clone();
            if !set.remove(&permission) {
                set.insert(permission.clone());
            }
            chosen.set(set);
        })
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    let field = |n: &str| error.as_ref().and_then(|e| e.field(t, n));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
    let permissions_error = field("permissions");
    let title = match &props.role {
        Some(r) => (t.role_edit_title)(&r.name),
        None => t.role_new_title.to_owned(),
    };

    html! {
        <section class="card role-form" aria-labelledby="role-form-title">
            <h2 id="role-form-title" class="card-title">{ title }</h2>
            if let Some(error) = general { <ApiErrorNotice {error} /> }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="role-name" label={t.field_role_name} value={(*name).clone()}
                    oninput={Callback::from({ let s = name.clone(); move |v| s.set(v) })}
                    error={field("name")} hint={t.role_name_hint} required=true focus=true
                    autocomplete="off" />
                <fieldset class={classes!("field", permissions_error.is_some().then_some("has-error"))}>
                    <legend>{ t.field_permissions }</legend>
                    <ul class="perm-list">
                        { for props.permissions.iter().map(|p| {
                            let input_id = format!("perm-{}", p.name.replace('.', "-"));
                            html! {
                                <li key={p.name.clone()}>
                                    <input type="checkbox" id={input_id.clone()} value={p.name.clone()}
                                        checked={chosen.contains(&p.name)} onchange={toggle(p.name.clone())} />
                                    <label for={input_id}>
                                        <code>{ &p.name }</code>
                                        <span class="hint">{ &p.description }</span>
                                    </label>
                                </li>
                            }
                        }) }
                    </ul>
                    if let Some(message) = permissions_error {
                        <p class="field-error">{ message }</p>
                    }
                </fieldset>
                <div class="form-actions">
                    <Submit label={if id.is_some() { t.save } else { t.role_create }}
                        busy_label={t.saving} busy={*busy} />
                    <button type="button" class="button button-secondary" onclick={cancel}>{ t.cancel }</button>
                </div>
            </form>
        </section>
    }
}
