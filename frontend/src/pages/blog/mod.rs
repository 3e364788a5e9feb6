//! `/blog[?page=]`: published posts, newest first, for everyone; `/blog/{id}` in
//! [`post`]. Bodies are Markdown, rendered by [`markdown`].

pub mod markdown;
pub mod post;

use herald_api_types::{Post, PostListQuery};
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::pagination::Pagination;
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n, Lang};
use crate::services::api;

const PER_PAGE: i64 = 10;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlogQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
}

/// "Nov 23, 2026 · 12 views".
pub fn byline(lang: Lang, post: &Post) -> String {
    let t = lang.texts();
    let views =
        (t.views)(post.views).replace(&post.views.to_string(), &format::number(lang, post.views));
    match &post.published_at {
        Some(at) => format!("{} · {views}", format::date(lang, at)),
        None => format!("{} · {views}", t.post_draft),
    }
}

#[component]
pub fn Blog() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let navigator = use_navigator();
    let query = use_location()
        .and_then(|l| l.query::<BlogQuery>().ok())
        .unwrap_or_default();
    let list = use_load(query.page, |page| async move {
        api::posts(&PostListQuery {
            page,
            per_page: Some(PER_PAGE),
            drafts: None,
        })
        .await
    });
    let on_page = Callback::from(move |page: i64| {
        if let Some(navigator) = &navigator {
            let _ = navigator.push_with_query(&Route::Blog, &BlogQuery { page: Some(page) });
        }
    });
    let body = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={list.reload_callback()} />
        },
        Load::Ready(page) if page.items.is_empty() => html! { <Empty message={t.blog_empty} /> },
        Load::Ready(page) => html! {
            <>
                <ul class="blog-list" id="blog-list">
                    { for page.items.iter().map(|p| view_card(lang, p)) }
                </ul>
                <Pagination page={page.page} per_page={page.per_page} total={page.total} {on_page} />
            </>
        },
    };
    html! {
        <div class="page">
            <div class="page-head">
                <h1>{ t.blog_title }</h1>
            </div>
            <p class="lead">{ t.blog_lead }</p>
            { body }
        </div>
    }
}

pub(crate) fn view_card(lang: Lang, post: &Post) -> Html {
    let t = lang.texts();
    let id = post.id;
    html! {
        <li class="card blog-card" key={id.to_string()}>
            if let Some(src) = &post.image_url {
                <Link<Route> to={Route::Post { id }} classes="blog-card-image">
                    <img src={src.clone()} alt={post.title.clone()} loading="lazy" />
                </Link<Route>>
            }
            <div class="blog-card-body">
                <h2><Link<Route> to={Route::Post { id }}>{ &post.title }</Link<Route>></h2>
                <p class="muted byline">{ byline(lang, post) }</p>
                <p>{ markdown::excerpt(&post.body, 220) }</p>
                <Link<Route> to={Route::Post { id }} classes="read-more">
                    { format!("{} →", t.blog_read_more) }
                </Link<Route>>
            </div>
        </li>
    }
}
