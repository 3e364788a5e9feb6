//! Choosing recipients out of thousands: search, a page of checkboxes at a time, and
//! "select all found" (which fetches only ids, a hundred per request). Only the set of
//! chosen ids is kept, never the recipients themselves.

use std::collections::HashSet;
use std::rc::Rc;

use herald_api_types::{Client, ClientListQuery};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Loading};
use crate::components::form::on_input_value;
use crate::components::pagination::Pagination;
use crate::hooks::{use_debounced, use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const PER_PAGE: i64 = 10;

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub selected: Rc<HashSet<Uuid>>,
    pub on_change: Callback<Rc<HashSet<Uuid>>>,
    #[prop_or_default]
    pub error: Option<String>,
}

/// Every id of `owner`'s recipients matching `q`, page by page.
async fn all_ids(q: String, owner: Option<Uuid>) -> Result<Vec<Uuid>, ApiError> {
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let data = api::clients(&ClientListQuery {
            q: Some(q.clone()),
            owner_id: owner,
            page: Some(page),
            per_page: Some(100),
            ..Default::default()
        })
        .await?;
        let got = data.items.len() as i64;
        ids.extend(data.items.into_iter().map(|c| c.id));
        if got == 0 || page * data.per_page >= data.total {
            return Ok(ids);
        }
        page += 1;
    }
}

#[component]
pub fn RecipientPicker(props: &PickerProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let typed = use_state(String::new);
    let q = use_debounced((*typed).clone(), 300);
    let page = use_state(|| 1_i64);
    {
        let page = page.clone();
        use_effect_with(q.clone(), move |_| page.set(1));
    }
    // A mailing goes to its owner's recipients only: a manager's list would hold everyone's.
    let me = use_session().user().map(|u| u.id);
    let list = use_load((q.clone(), *page, me), |(q, page, me)| async move {
        api::clients(&ClientListQuery {
            q: Some(q),
            owner_id: me,
            page: Some(page),
            per_page: Some(PER_PAGE),
            ..Default::default()
        })
        .await
    });
    let bulk_busy = use_state(|| false);
    let bulk_error = use_state(|| None::<ApiError>);

    let selected = props.selected.clone();
    let change = props.on_change.clone();
    let toggle = {
        let (selected, change) = (selected.clone(), change.clone());
        move |id: Uuid| {
            let (selected, change) = (selected.clone(), change.clone());
            Callback::from(move |_: Event| {
                let mut next = (*selected).clone();
                if !next.remove(&id) {
                    next.insert(id);
                }
                change.emit(Rc::new(next));
            })
        }
    };
    let clear = {
        let change = change.clone();
        Callback::from(move |_: MouseEvent| change.emit(Rc::new(HashSet::new())))
    };
    let select_all_found = {
        let (selected, change, q, bulk_busy, bulk_error) = (
            selected.clone(),
            change.clone(),
            q.clone(),
            bulk_busy.clone(),
            bulk_error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            bulk_busy.set(true);
            bulk_error.set(None);
            let (selected, change, q, bulk_busy, bulk_error) = (
                selected.clone(),
                change.clone(),
                q.clone(),
                bulk_busy.clone(),
                bulk_error.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match all_ids(q, me).await {
                    Ok(ids) => {
                        let mut next = (*selected).clone();
                        next.extend(ids);
                        change.emit(Rc::new(next));
                    }
                    Err(e) => bulk_error.set(Some(e)),
                }
                bulk_busy.set(false);
            });
        })
    };

    let table = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={list.reload_callback()} />
        },
        Load::Ready(data) if data.items.is_empty() => html! {
            <p class="muted empty-inline">
                if q.is_empty() {
                    { t.no_recipients_yet }{ " " }
                    <Link<Route> to={Route::RecipientNew}>{ t.add_recipients_first }</Link<Route>>
                } else {
                    { t.recipients_no_match }
                }
            </p>
        },
        Load::Ready(data) => {
            let page_ids: Vec<Uuid> = data.items.iter().map(|c| c.id).collect();
            let whole_page = page_ids.iter().all(|id| selected.contains(id));
            let toggle_page = {
                let (selected, change) = (selected.clone(), change.clone());
                Callback::from(move |_: Event| {
                    let mut next = (*selected).clone();
                    if whole_page {
                        for id in &page_ids {
                            next.remove(id);
                        }
                    } else {
                        next.extend(page_ids.iter().copied());
                    }
                    change.emit(Rc::new(next));
                })
            };
            let row = |c: &Client| {
                let id = c.id;
                let input_id = format!("pick-{id}");
                html! {
                    <tr key={id.to_string()} class={classes!(selected.contains(&id).then_some("selected"))}>
                        <td class="cell-check">
                            <input type="checkbox" id={input_id.clone()} class="pick"
                                value={c.email.clone()}
                                checked={selected.contains(&id)} onchange={toggle(id)} />
                        </td>
                        <td><label for={input_id}>{ &c.email }</label></td>
                        <td class="muted">{ &c.full_name }</td>
                    </tr>
                }
            };
            let on_page = {
                let page = page.clone();
                Callback::from(move |p| page.set(p))
            };
            let total = data.total;
            html! {
                <>
                    <table class="table table-compact picker-table">
                        <thead><tr>
                            <th class="cell-check">
                                <input type="checkbox" id="pick-page" checked={whole_page}
                                    onchange={toggle_page} title={t.select_page}
                                    aria-label={t.select_page} />
                            </th>
                            <th scope="col">{ t.col_email }</th>
                            <th scope="col">{ t.col_name }</th>
                        </tr></thead>
                        <tbody>{ for data.items.iter().map(row) }</tbody>
                    </table>
                    <div class="picker-foot">
                        <Pagination page={data.page} per_page={data.per_page} {total} {on_page} />
                        if total > data.items.len() as i64 {
                            <button type="button" class="button button-secondary button-small"
                                id="pick-all-found" onclick={select_all_found} disabled={*bulk_busy}>
                                { if *bulk_busy { t.working.to_owned() } else { (t.select_all_matching)(total) } }
                            </button>
                        }
                    </div>
                </>
            }
        }
    };

    html! {
        <div class={classes!("picker", props.error.is_some().then_some("has-error"))} id="recipient-picker">
            <div class="picker-head">
                <label for="picker-search" class="visually-hidden">{ t.recipients_search }</label>
                <input id="picker-search" type="search" class="search" placeholder={t.recipients_search}
                    value={(*typed).clone()}
                    oninput={on_input_value(Callback::from({ let typed = typed.clone(); move |v| typed.set(v) }))} />
                <span class="picker-count" id="picked-count" aria-live="polite">
                    { (t.selected_count)(selected.len() as i64).replace(
                        &selected.len().to_string(), &format::number(i18n.lang, selected.len() as i64)) }
                </span>
                if !selected.is_empty() {
                    <button type="button" class="button button-ghost button-small" onclick={clear}>
                        { t.clear_selection }
                    </button>
                }
            </div>
            if let Some(error) = &*bulk_error { <ApiErrorNotice error={error.clone()} /> }
            { table }
            if let Some(error) = &props.error {
                <p class="field-error" id="client_ids-error">{ error.clone() }</p>
            }
        </div>
    }
}
