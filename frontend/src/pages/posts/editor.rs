//! `/admin/posts/new` and `/admin/posts/{id}`: title and Markdown body with a live
//! preview, publishing, and the illustration (uploaded as `multipart/form-data`).

use herald_api_types::{Post, PostInput};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::PublishedBadge;
use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Loading, Notice};
use crate::components::form::{focus_first_invalid, on_submit, Field, Submit};
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n};
use crate::pages::blog::markdown;
use crate::services::api::{self, ApiError};
use crate::session::use_session;

/// `?created=true` after a new post was saved and the page moved to its address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EditorQuery {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub created: bool,
}

#[derive(Properties, PartialEq)]
pub struct PostEditorProps {
    /// None: a new post.
    #[prop_or_default]
    pub id: Option<Uuid>,
}

/// A post for editing. Read from the writers' list first, since `GET /posts/{id}` counts
/// a view of a published post; one by id only when it is not among the newest 100.
async fn load(id: Option<Uuid>) -> Result<Option<Post>, ApiError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let listed = api::posts_with_drafts(1, 100).await?;
    match listed.items.into_iter().find(|p| p.id == id) {
        Some(post) => Ok(Some(post)),
        None => api::post(id).await.map(Some),
    }
}

#[component]
pub fn PostEditor(props: &PostEditorProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let loaded = use_load(props.id, load);
    let title = if props.id.is_some() {
        t.post_edit_title
    } else {
        t.post_new_title
    };
    let key = props.id.map(|id| id.to_string()).unwrap_or_default();
    let body = match loaded.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={loaded.reload_callback()} />
        },
        // Keyed by the id: another post (or the new one, once saved) starts afresh.
        Load::Ready(post) if post.as_ref().as_ref().map(|p| p.id) == props.id => {
            html! { <Editor {key} post={(**post).clone()} /> }
        }
        Load::Ready(_) => html! { <Loading /> },
    };
    html! {
        <div class="page">
            <p class="breadcrumb"><Link<Route> to={Route::Posts}>{ format!("← {}", t.posts_title) }</Link<Route>></p>
            <h1>{ title }</h1>
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    post: Option<Post>,
}

#[component]
fn Editor(props: &EditorProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let session = use_session();
    let navigator = use_navigator();
    let created = use_location()
        .and_then(|l| l.query::<EditorQuery>().ok())
        .is_some_and(|q| q.created);
    let current = use_state(|| props.post.clone());
    let title = use_state(|| {
        props
            .post
            .as_ref()
            .map(|p| p.title.clone())
            .unwrap_or_default()
    });
    let body = use_state(|| {
        props
            .post
            .as_ref()
            .map(|p| p.body.clone())
            .unwrap_or_default()
    });
    let busy = use_state(|| None::<&'static str>);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| created);

    let id = current.as_ref().map(|p| p.id);
    let submit = {
        let (title, body, busy, error, saved, current) = (
            title.clone(),
            body.clone(),
            busy.clone(),
            error.clone(),
            saved.clone(),
            current.clone(),
        );
        Callback::from(move |()| {
            if busy.is_some() {
                return;
            }
            busy.set(Some("save"));
            error.set(None);
            saved.set(false);
            let input = PostInput {
                title: title.trim().to_owned(),
                body: (*body).clone(),
            };
            let (busy, error, saved, current, navigator) = (
                busy.clone(),
                error.clone(),
                saved.clone(),
                current.clone(),
                navigator.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = match id {
                    Some(id) => api::update_post(id, &input).await,
                    None => api::create_post(&input).await,
                };
                busy.set(None);
                match result {
                    Ok(post) if id.is_none() => {
                        if let Some(navigator) = navigator {
                            let _ = navigator.replace_with_query(
                                &Route::PostEdit { id: post.id },
                                &EditorQuery { created: true },
                            );
                        }
                    }
                    Ok(post) => {
                        current.set(Some(post));
                        saved.set(true);
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };

    let publish = {
        let (busy, error, saved, current) =
            (busy.clone(), error.clone(), saved.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            let (Some(id), None) = (id, *busy) else {
                return;
            };
            let publish = current.as_ref().is_some_and(|p| p.published_at.is_none());
            busy.set(Some("publish"));
            error.set(None);
            saved.set(false);
            let (busy, error, current) = (busy.clone(), error.clone(), current.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::set_post_published(id, publish).await;
                busy.set(None);
                match result {
                    Ok(post) => current.set(Some(post)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let field = |name: &str| error.as_ref().and_then(|e| e.field(t, name));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();
    let preview = Html::from_html_unchecked(AttrValue::from(markdown::to_html(&body)));
    let published = current.as_ref().and_then(|p| p.published_at);

    html! {
        <>
            <div class="editor-grid">
                <section class="card">
                    if *saved { <Notice><p id="post-saved">{ t.saved }</p></Notice> }
                    if let Some(error) = general { <ApiErrorNotice {error} /> }
                    <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                        <Field id="title" label={t.field_title} value={(*title).clone()}
                            oninput={Callback::from({ let s = title.clone(); move |v| s.set(v) })}
                            error={field("title")} required=true focus={current.is_none()} autocomplete="off" />
                        <Field id="body" label={t.field_post_body} value={(*body).clone()} rows={16}
                            oninput={Callback::from({ let s = body.clone(); move |v| s.set(v) })}
                            error={field("body")} hint={t.field_post_body_hint} class={classes!("mono")} />
                        <div class="form-actions">
                            <Submit label={t.save} busy_label={t.saving} busy={*busy == Some("save")}
                                disabled={busy.is_some()} />
                            <Link<Route> to={Route::Posts} classes="button button-secondary">
                                { t.cancel }
                            </Link<Route>>
                        </div>
                    </form>
                    if let Some(post) = &*current {
                        <div class="publish-bar">
                            <span>{ format!("{}: ", t.post_status) }</span>
                            <PublishedBadge published={published.is_some()} />
                            if let Some(at) = &published {
                                <span class="muted">{ format::datetime(lang, at) }</span>
                            }
                            <span class="spacer"></span>
                            if published.is_some() {
                                <Link<Route> to={Route::Post { id: post.id }} classes="button button-ghost button-small">
                                    { t.post_view }
                                </Link<Route>>
                            }
                            if session.can("posts.publish") {
                                <button type="button" id="publish-toggle" class="button button-small"
                                    disabled={busy.is_some()} onclick={publish}>
                                    { if *busy == Some("publish") { t.working }
                                      else if published.is_some() { t.unpublish } else { t.publish } }
                                </button>
                            }
                        </div>
                    }
                </section>
                <aside class="card preview" aria-labelledby="preview-title">
                    <h2 id="preview-title" class="card-title">{ t.preview_title }</h2>
                    <h3 class="preview-post-title">
                        { if title.trim().is_empty() { t.no_subject.to_owned() } else { (*title).clone() } }
                    </h3>
                    if let Some(src) = current.as_ref().and_then(|p| p.image_url.clone()) {
                        <img class="blog-post-image" src={src} alt={(*title).clone()} />
                    }
                    <div class="markdown" id="post-preview">{ preview }</div>
                </aside>
            </div>
            <ImageUpload post={(*current).clone()} on_uploaded={{
                let current = current.clone();
                Callback::from(move |post: Post| current.set(Some(post)))
            }} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ImageUploadProps {
    post: Option<Post>,
    on_uploaded: Callback<Post>,
}

/// The illustration: a file input and an upload button (once the post exists).
#[component]
fn ImageUpload(props: &ImageUploadProps) -> Html {
    let t = use_i18n().t();
    let input = use_node_ref();
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let done = use_state(|| false);
    let Some(post) = &props.post else {
        return html! {
            <section class="card image-card">
                <h2 class="card-title">{ t.field_image }</h2>
                <p class="muted">{ t.image_save_first }</p>
            </section>
        };
    };
    let id = post.id;
    let upload = {
        let (input, busy, error, done, on_uploaded) = (
            input.clone(),
            busy.clone(),
            error.clone(),
            done.clone(),
            props.on_uploaded.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let file = input
                .cast::<HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|files| files.get(0));
            let Some(file) = file else {
                error.set(Some(t.image_choose.to_owned()));
                return;
            };
            busy.set(true);
            error.set(None);
            done.set(false);
            let (input, busy, error, done, on_uploaded) = (
                input.clone(),
                busy.clone(),
                error.clone(),
                done.clone(),
                on_uploaded.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::upload_post_image(id, &file).await;
                busy.set(false);
                match result {
                    Ok(post) => {
                        if let Some(i) = input.cast::<HtmlInputElement>() {
                            i.set_value("");
                        }
                        done.set(true);
                        on_uploaded.emit(post);
                    }
                    Err(e) => {
                        let message = e.field(t, "image").unwrap_or_else(|| e.message(t));
                        error.set(Some(message));
                    }
                }
            });
        })
    };
    let on_change = {
        let (error, done) = (error.clone(), done.clone());
        Callback::from(move |_: Event| {
            error.set(None);
            done.set(false);
        })
    };
    let invalid = error.as_ref().map(|_| "true");
    html! {
        <section class="card image-card" aria-labelledby="image-title">
            <h2 id="image-title" class="card-title">{ t.field_image }</h2>
            if *done { <Notice><p id="image-done">{ t.image_uploaded }</p></Notice> }
            <div class={classes!("field", error.is_some().then_some("has-error"))}>
                <label for="image">{ t.field_image }</label>
                <input id="image" type="file" ref={input} onchange={on_change}
                    accept="image/png,image/jpeg,image/webp,image/gif"
                    aria-invalid={invalid} aria-describedby="image-hint image-error" />
                <p class="hint" id="image-hint">{ t.image_hint }</p>
                if let Some(message) = &*error {
                    <p class="field-error" id="image-error">{ message.clone() }</p>
                }
            </div>
            <div class="form-actions">
                <button type="button" id="image-upload" class="button button-secondary"
                    disabled={*busy} onclick={upload} aria-busy={busy.then_some("true")}>
                    { if *busy { t.image_uploading } else { t.image_upload } }
                </button>
            </div>
        </section>
    }
}
