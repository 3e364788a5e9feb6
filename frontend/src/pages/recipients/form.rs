//! `/recipients/new` and `/recipients/{id}`: create or edit one recipient.

use herald_api_types::{Client, ClientInput};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Loading, Notice};
use crate::components::form::{focus_first_invalid, on_submit, Field, Submit};
use crate::hooks::{use_load, Load};
use crate::i18n::use_i18n;
use crate::services::api::{self, ApiError};
use crate::session::use_session;

#[derive(Properties, PartialEq)]
pub struct RecipientFormProps {
    /// None: a new recipient.
    #[prop_or_default]
    pub id: Option<Uuid>,
}

#[component]
pub fn RecipientForm(props: &RecipientFormProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let me = use_session().user().map(|u| u.id);
    let loaded = use_load(props.id, |id| async move {
        match id {
            Some(id) => api::client(id).await.map(Some),
            None => Ok(None),
        }
    });
    let title = if props.id.is_some() {
        t.recipient_edit_title
    } else {
        t.recipient_new_title
    };
    let body = match loaded.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={loaded.reload_callback()} />
        },
        Load::Ready(client) => {
            // Someone else's (a manager may look): shown, not editable.
            let read_only = client
                .as_ref()
                .as_ref()
                .is_some_and(|c| Some(c.owner_id) != me);
            html! {
                <>
                    if read_only { <Notice kind="info"><p>{ t.recipient_read_only_note }</p></Notice> }
                    <Fields client={(**client).clone()} {read_only} />
                </>
            }
        }
    };
    html! {
        <section class="card narrow">
            <p class="breadcrumb"><Link<Route> to={Route::Recipients}>{ format!("← {}", t.recipients_title) }</Link<Route>></p>
            <h1>{ title }</h1>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FieldsProps {
    client: Option<Client>,
    #[prop_or_default]
    read_only: bool,
}

#[component]
fn Fields(props: &FieldsProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let navigator = use_navigator();
    let initial = props.client.clone();
    let email = use_state(|| {
        initial
            .as_ref()
            .map(|c| c.email.clone())
            .unwrap_or_default()
    });
    let full_name = use_state(|| {
        initial
            .as_ref()
            .map(|c| c.full_name.clone())
            .unwrap_or_default()
    });
    let comment = use_state(|| {
        initial
            .as_ref()
            .map(|c| c.comment.clone())
            .unwrap_or_default()
    });
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let id = props.client.as_ref().map(|c| c.id);

    let submit = {
        let (email, full_name, comment, busy, error) = (
            email.clone(),
            full_name.clone(),
            comment.clone(),
            busy.clone(),
            error.clone(),
        );
        Callback::from(move |()| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let input = ClientInput {
                email: email.trim().to_owned(),
                full_name: full_name.trim().to_owned(),
                comment: comment.trim().to_owned(),
            };
            let (busy, error, navigator) = (busy.clone(), error.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match id {
                    Some(id) => api::update_client(id, &input).await,
                    None => api::create_client(&input).await,
                };
                busy.set(false);
                match result {
                    Ok(_) => {
                        if let Some(navigator) = navigator {
                            crate::components::flash::set(|t| t.saved_recipient.to_owned());
                            navigator.push(&Route::Recipients);
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

    // 409: the email is already in the list; it belongs under the email input.
    let field = |name: &str| {
        error.as_ref().and_then(|e| {
            e.field(t, name)
                .or_else(|| (name == "email" && e.status() == Some(409)).then(|| e.message(t)))
        })
    };
    let general = error
        .as_ref()
        .filter(|e| !matches!(e.status(), Some(409 | 422)))
        .cloned();

    html! {
        <>
            if let Some(error) = general { <ApiErrorNotice {error} /> }
            <form class="form" onsubmit={on_submit(submit)} novalidate=true>
                <Field id="email" label={t.field_email} kind="email" value={(*email).clone()}
                    oninput={Callback::from({ let s = email.clone(); move |v| s.set(v) })}
                    error={field("email")} required=true focus={!props.read_only} autocomplete="off"
                    disabled={props.read_only} />
                <Field id="full_name" label={t.field_full_name} value={(*full_name).clone()}
                    oninput={Callback::from({ let s = full_name.clone(); move |v| s.set(v) })}
                    error={field("full_name")} optional=true autocomplete="off"
                    disabled={props.read_only} />
                <Field id="comment" label={t.field_comment} value={(*comment).clone()} rows={3}
                    oninput={Callback::from({ let s = comment.clone(); move |v| s.set(v) })}
                    error={field("comment")} optional=true disabled={props.read_only} />
                <div class="form-actions">
                    if !props.read_only {
                        <Submit label={t.save} busy_label={t.saving} busy={*busy} />
                    }
                    <Link<Route> to={Route::Recipients} classes="button button-secondary">
                        { if props.read_only { t.back } else { t.cancel } }
                    </Link<Route>>
                </div>
            </form>
        </>
    }
}
