//! `/messages/new` and `/messages/{id}`: subject, text and optional HTML, with a live
//! preview filled in for a recipient the reader picks.

use herald_api_types::{Client, ClientListQuery, Message, MessageInput};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use super::preview::{render, unknown_placeholders};
use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Loading, Notice};
use crate::components::form::{focus_first_invalid, on_submit, on_value, Field, Submit};
use crate::hooks::{use_load, Load};
use crate::i18n::use_i18n;
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const SAMPLE_EMAIL: &str = "jane@example.com";

#[derive(Properties, PartialEq)]
pub struct MessageEditorProps {
    /// None: a new message.
    #[prop_or_default]
    pub id: Option<Uuid>,
}

#[component]
pub fn MessageEditor(props: &MessageEditorProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let me = use_session().user().map(|u| u.id);
    let loaded = use_load(props.id, |id| async move {
        match id {
            Some(id) => api::message(id).await.map(Some),
            None => Ok(None),
        }
    });
    let title = if props.id.is_some() {
        t.message_edit_title
    } else {
        t.message_new_title
    };
    let body = match loaded.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={loaded.reload_callback()} />
        },
        Load::Ready(message) => {
            // Someone else's (a manager may look): shown, not editable.
            let read_only = message
                .as_ref()
                .as_ref()
                .is_some_and(|m| Some(m.owner_id) != me);
            html! {
                <>
                    if read_only { <Notice kind="info"><p>{ t.message_read_only_note }</p></Notice> }
                    <Editor message={(**message).clone()} {read_only} />
                </>
            }
        }
    };
    html! {
        <div class="page">
            <p class="breadcrumb"><Link<Route> to={Route::Messages}>{ format!("← {}", t.messages_title) }</Link<Route>></p>
            <h1>{ title }</h1>
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    message: Option<Message>,
    #[prop_or_default]
    read_only: bool,
}

#[component]
fn Editor(props: &EditorProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let navigator = use_navigator();
    let initial = props.message.clone();
    let id = initial.as_ref().map(|m| m.id);
    let subject = use_state(|| {
        initial
            .as_ref()
            .map(|m| m.subject.clone())
            .unwrap_or_default()
    });
    let body = use_state(|| initial.as_ref().map(|m| m.body.clone()).unwrap_or_default());
    let html_on = use_state(|| initial.as_ref().is_some_and(|m| m.html_body.is_some()));
    let html_body = use_state(|| {
        initial
            .as_ref()
            .and_then(|m| m.html_body.clone())
            .unwrap_or_default()
    });
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);

    // Recipients to preview with: the first page is plenty to choose from.
    let me = use_session().user().map(|u| u.id);
    let recipients = use_load(me, |me| async move {
        api::clients(&ClientListQuery {
            owner_id: me,
            per_page: Some(50),
            ..Default::default()
        })
        .await
    });
    let chosen = use_state(|| None::<Uuid>);
    let show_html = use_state(|| *html_on);

    let submit = {
        let (subject, body, html_on, html_body, busy, error) = (
            subject.clone(),
            body.clone(),
            html_on.clone(),
            html_body.clone(),
            busy.clone(),
            error.clone(),
        );
        Callback::from(move |()| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let input = MessageInput {
                subject: subject.trim().to_owned(),
                body: (*body).clone(),
                html_body: (*html_on && !html_body.trim().is_empty()).then(|| (*html_body).clone()),
            };
            let (busy, error, navigator) = (busy.clone(), error.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match id {
                    Some(id) => api::update_message(id, &input).await,
                    None => api::create_message(&input).await,
                };
                busy.set(false);
                match result {
                    Ok(_) => {
                        if let Some(navigator) = navigator {
                            crate::components::flash::set(|t| t.saved_message.to_owned());
                            navigator.push(&Route::Messages);
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        focus_first_invalid();
                    }
                }
            });
        })
    };

    let field = |name: &str| error.as_ref().and_then(|e| e.field(t, name));
    let general = error.as_ref().filter(|e| e.status() != Some(422)).cloned();

    // --- preview ---
    let clients: Vec<Client> = recipients
        .data()
        .map(|page| page.items.clone())
        .unwrap_or_default();
    let (name, email) = chosen
        .and_then(|id| clients.iter().find(|c| c.id == id))
        .map(|c| (c.full_name.clone(), c.email.clone()))
        .unwrap_or_else(|| (t.preview_sample_name.to_owned(), SAMPLE_EMAIL.to_owned()));
    // Misspelled placeholders would go out as blanks: flagged as one types (the server
    // refuses them at save too).
    let unknown = {
        let mut all = unknown_placeholders(&subject);
        for u in unknown_placeholders(&body).into_iter().chain(
            html_on
                .then(|| unknown_placeholders(&html_body))
                .unwrap_or_default(),
        ) {
            if !all.iter().any(|a| a.name == u.name) {
                all.push(u);
            }
        }
        all
    };
    let preview_subject = render(&subject, &name, &email, false);
    let preview_body = render(&body, &name, &email, false);
    let preview_html = render(&html_body, &name, &email, true);
    let on_choose = {
        let chosen = chosen.clone();
        on_value(Callback::from(move |v: String| {
            chosen.set(Uuid::parse_str(&v).ok());
        }))
    };
    let html_toggle = {
        let (html_on, show_html) = (html_on.clone(), show_html.clone());
        Callback::from(move |_: Event| {
            let on = !*html_on;
            html_on.set(on);
            show_html.set(on);
        })
    };
    let tab = |html: bool, label: &'static str| {
        let show_html = show_html.clone();
        let selected = *show_html == html;
        html! {
            <button type="button" role="tab" class={classes!("tab", selected.then_some("active"))}
                aria-selected={if selected { "true" } else { "false" }}
                onclick={Callback::from(move |_: MouseEvent| show_html.set(html))}>{ label }</button>
        }
    };

    html! {
        <div class="editor-grid">
            <section class="card">
                if let Some(error) = general { <ApiErrorNotice {error} /> }
                <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                    <Field id="subject" label={t.field_subject} value={(*subject).clone()}
                        oninput={Callback::from({ let s = subject.clone(); move |v| s.set(v) })}
                        error={field("subject")} required=true focus={!props.read_only} autocomplete="off"
                        disabled={props.read_only} />
                    <Field id="body" label={t.field_body} value={(*body).clone()} rows={10}
                        oninput={Callback::from({ let s = body.clone(); move |v| s.set(v) })}
                        error={field("body")} hint={t.placeholders_hint} disabled={props.read_only} />
                    <div class="field field-check">
                        <input id="html-on" type="checkbox" checked={*html_on} onchange={html_toggle}
                            disabled={props.read_only} />
                        <label for="html-on">{ t.field_html_on }</label>
                    </div>
                    if *html_on {
                        <Field id="html_body" label={t.field_html} value={(*html_body).clone()} rows={8}
                            oninput={Callback::from({ let s = html_body.clone(); move |v| s.set(v) })}
                            error={field("html_body")} hint={t.field_html_hint} class={classes!("mono")}
                            disabled={props.read_only} />
                    }
                    if !unknown.is_empty() {
                        <Notice kind="warn">
                            <ul id="placeholder-warnings" class="plain-list">
                                { for unknown.iter().map(|u| html! {
                                    <li>{ (t.unknown_placeholder)(&u.name, u.suggestion) }</li>
                                }) }
                            </ul>
                        </Notice>
                    }
                    <div class="form-actions">
                        if !props.read_only {
                            <Submit label={t.save} busy_label={t.saving} busy={*busy} />
                        }
                        <Link<Route> to={Route::Messages} classes="button button-secondary">
                            { if props.read_only { t.back } else { t.cancel } }
                        </Link<Route>>
                    </div>
                </form>
            </section>
            <aside class="card preview" aria-labelledby="preview-title">
                <h2 id="preview-title" class="card-title">{ t.preview_title }</h2>
                <div class="field">
                    <label for="preview-recipient">{ t.preview_for }</label>
                    <select id="preview-recipient" onchange={on_choose}>
                        <option value="" selected={chosen.is_none()}>
                            { format!("{} — {}", t.preview_sample, t.preview_sample_name) }
                        </option>
                        { for clients.iter().map(|c| html! {
                            <option key={c.id.to_string()} value={c.id.to_string()}
                                selected={*chosen == Some(c.id)}>
                                { if c.full_name.is_empty() { c.email.clone() } else { format!("{} <{}>", c.full_name, c.email) } }
                            </option>
                        }) }
                    </select>
                </div>
                <div class="mail">
                    <div class="mail-head">
                        <span class="muted">{ format!("{}: ", t.col_email) }</span>{ &email }
                    </div>
                    <div class="mail-subject" id="preview-subject">
                        { if preview_subject.trim().is_empty() { t.no_subject.to_owned() } else { preview_subject } }
                    </div>
                    if *html_on {
                        <div class="tabs" role="tablist">
                            { tab(false, t.preview_text) }
                            { tab(true, t.preview_html) }
                        </div>
                    }
                    if *html_on && *show_html {
                        // No scripts, no same-origin access: the HTML is the user's own, but
                        // a preview has no reason to run anything.
                        <iframe class="mail-html" sandbox="" srcdoc={preview_html}
                            title={t.preview_html} />
                    } else {
                        <pre class="mail-body" id="preview-body">{ preview_body }</pre>
                    }
                </div>
            </aside>
        </div>
    }
}
