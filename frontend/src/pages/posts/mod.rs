//! `/admin/posts`: every post, drafts included, for writers (posts.write), with
//! publishing (posts.publish); `/admin/posts/new` and `/admin/posts/{id}` in [`editor`].

pub mod editor;

use herald_api_types::Post;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::confirm::ConfirmDelete;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::pagination::Pagination;
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const PER_PAGE: i64 = 20;

#[derive(Properties, PartialEq)]
pub struct PublishedBadgeProps {
    pub published: bool,
}

/// "Published" or "Draft".
#[component]
pub fn PublishedBadge(props: &PublishedBadgeProps) -> Html {
    let t = use_i18n().t();
    if props.published {
        html! { <span class="badge badge-finished">{ t.post_published }</span> }
    } else {
        html! { <span class="badge badge-created">{ t.post_draft }</span> }
    }
}

#[component]
pub fn Posts() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let session = use_session();
    let may_publish = session.can("posts.publish");
    let page = use_state(|| 1_i64);
    let list = use_load(*page, |page| api::posts_with_drafts(page, PER_PAGE));
    let busy = use_state(|| None::<Uuid>);
    let error = use_state(|| None::<ApiError>);

    let act = {
        let (busy, error, list) = (busy.clone(), error.clone(), list.clone());
        move |id: Uuid, action: &'static str| {
            let (busy, error, list) = (busy.clone(), error.clone(), list.clone());
            Callback::from(move |()| {
                busy.set(Some(id));
                error.set(None);
                let (busy, error, list) = (busy.clone(), error.clone(), list.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match action {
                        "publish" => api::set_post_published(id, true).await.map(drop),
                        "unpublish" => api::set_post_published(id, false).await.map(drop),
                        _ => api::delete_post(id).await,
                    };
                    busy.set(None);
                    match result {
                        Ok(()) => list.reload(),
                        Err(e) => error.set(Some(e)),
                    }
                });
            })
        }
    };

    let body = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(e) => html! {
            <ApiErrorNotice error={e.clone()} on_retry={list.reload_callback()} />
        },
        Load::Ready(data) if data.items.is_empty() => html! {
            <Empty message={t.posts_empty}>
                <Link<Route> to={Route::PostNew} classes="button">{ t.posts_new }</Link<Route>>
            </Empty>
        },
        Load::Ready(data) => {
            let row = |p: &Post| {
                let id = p.id;
                let working = *busy == Some(id);
                let published = p.published_at.is_some();
                let toggle = act(id, if published { "unpublish" } else { "publish" });
                html! {
                    <tr key={id.to_string()}>
                        <td data-label={t.col_title}>
                            <Link<Route> to={Route::PostEdit { id }}>{ &p.title }</Link<Route>>
                        </td>
                        <td data-label={t.col_status}><PublishedBadge {published} /></td>
                        <td data-label={t.col_published} class="nowrap">
                            { p.published_at.as_ref().map_or_else(|| "—".to_owned(), |d| format::datetime(lang, d)) }
                        </td>
                        <td data-label={t.col_views} class="num">{ format::number(lang, p.views) }</td>
                        <td class="cell-actions">
                            if may_publish {
                                <button type="button" class="button button-secondary button-small publish-toggle"
                                    disabled={working}
                                    onclick={Callback::from(move |_: MouseEvent| toggle.emit(()))}>
                                    { if working { t.working } else if published { t.unpublish } else { t.publish } }
                                </button>
                            }
                            if published {
                                <Link<Route> to={Route::Post { id }} classes="button button-ghost button-small">
                                    { t.post_view }
                                </Link<Route>>
                            }
                            <ConfirmDelete on_confirm={act(id, "delete")} busy={working} what={p.title.clone()} />
                        </td>
                    </tr>
                }
            };
            let on_page = {
                let page = page.clone();
                Callback::from(move |p| page.set(p))
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="posts-table">
                            <thead><tr>
                                <th scope="col">{ t.col_title }</th>
                                <th scope="col">{ t.col_status }</th>
                                <th scope="col">{ t.col_published }</th>
                                <th scope="col" class="num">{ t.col_views }</th>
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
                <h1>{ t.posts_title }</h1>
                <div class="page-actions">
                    <Link<Route> to={Route::PostNew} classes="button">{ t.posts_new }</Link<Route>>
                </div>
            </div>
            if let Some(e) = &*error { <ApiErrorNotice error={e.clone()} /> }
            { body }
        </div>
    }
}
