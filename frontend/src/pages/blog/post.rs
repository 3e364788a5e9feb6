//! `/blog/{id}`: one post, its illustration and its Markdown body (each visit counts one
//! view on the server).

use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{byline, markdown};
use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Loading, Notice};
use crate::hooks::{use_load, Load};
use crate::i18n::use_i18n;
use crate::services::api;
use crate::session::use_session;

#[derive(Properties, PartialEq)]
pub struct BlogPostProps {
    pub id: Uuid,
}

#[component]
pub fn BlogPost(props: &BlogPostProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let session = use_session();
    let post = use_load(props.id, api::post);
    let back = html! {
        <p class="breadcrumb"><Link<Route> to={Route::Blog}>{ format!("← {}", t.blog_title) }</Link<Route>></p>
    };
    let body = match post.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={post.reload_callback()} />
        },
        Load::Ready(p) => {
            let id = p.id;
            let rendered = Html::from_html_unchecked(AttrValue::from(markdown::to_html(&p.body)));
            html! {
                <article class="blog-post">
                    <h1 id="post-title">{ &p.title }</h1>
                    <p class="muted byline" id="post-byline">{ byline(i18n.lang, p) }</p>
                    if p.published_at.is_none() {
                        <Notice kind="info"><p>{ t.post_draft_note }</p></Notice>
                    }
                    if session.can("posts.write") {
                        <p class="actions">
                            <Link<Route> to={Route::PostEdit { id }} classes="button button-secondary button-small">
                                { t.edit }
                            </Link<Route>>
                        </p>
                    }
                    if let Some(src) = &p.image_url {
                        <img class="blog-post-image" src={src.clone()} alt={p.title.clone()} />
                    }
                    <div class="markdown" id="post-body">{ rendered }</div>
                </article>
            }
        }
    };
    html! {
        <div class="page narrow-page">
            { back }
            { body }
        </div>
    }
}
