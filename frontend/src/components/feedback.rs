//! Loading, empty, error and success states shared by every page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::i18n::use_i18n;
use crate::services::api::ApiError;

#[derive(Properties, PartialEq)]
pub struct LoadingProps {
    /// Defaults to "Loading…" in the reader's language.
    #[prop_or_default]
    pub label: Option<AttrValue>,
}

#[component]
pub fn Loading(props: &LoadingProps) -> Html {
    let i18n = use_i18n();
    let label = props
        .label
        .clone()
        .unwrap_or(AttrValue::Static(i18n.t().loading));
    html! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            { label }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorNoticeProps {
    pub message: AttrValue,
    /// More inside the box, under the message (e.g. links to what is in the way).
    #[prop_or_default]
    pub children: Html,
    /// Shows a "Try again" button when set.
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

#[component]
pub fn ErrorNotice(props: &ErrorNoticeProps) -> Html {
    let i18n = use_i18n();
    let retry = props.on_retry.clone().map(|on_retry| {
        let onclick = Callback::from(move |_: MouseEvent| on_retry.emit(()));
        html! {
            <button type="button" class="button button-secondary" {onclick}>
                { i18n.t().try_again }
            </button>
        }
    });
    html! {
        <div class="notice notice-error" role="alert">
            <p>{ props.message.clone() }</p>
            { props.children.clone() }
            { for retry }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ApiErrorNoticeProps {
    pub error: ApiError,
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

/// An [`ApiError`] explained in the reader's language, with links to what stands in the
/// way of a 409 when the server names it (`used_by`: the mailings using a message).
#[component]
pub fn ApiErrorNotice(props: &ApiErrorNoticeProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let used_by = props.error.used_by();
    html! {
        <ErrorNotice message={props.error.message(t)} on_retry={props.on_retry.clone()}>
            if !used_by.is_empty() {
                <ul class="used-by">
                    { for used_by.iter().map(|u| {
                        let link = match u.kind.as_str() {
                            "mailing" => html! {
                                <Link<Route> to={Route::MailingDetail { id: u.id }}>{ u.name.clone() }</Link<Route>>
                            },
                            _ => html! { u.name.clone() },
                        };
                        html! { <li>{ link }</li> }
                    }) }
                </ul>
            }
        </ErrorNotice>
    }
}

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    #[prop_or_default]
    pub children: Html,
    /// `ok` (default), `info` or `warn`.
    #[prop_or(AttrValue::Static("ok"))]
    pub kind: AttrValue,
}

/// A success or information box.
#[component]
pub fn Notice(props: &NoticeProps) -> Html {
    html! {
        <div class={classes!("notice", format!("notice-{}", props.kind))} role="status">
            { props.children.clone() }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmptyProps {
    pub message: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

/// What a list shows when it has no rows.
#[component]
pub fn Empty(props: &EmptyProps) -> Html {
    html! {
        <div class="empty">
            <p>{ props.message.clone() }</p>
            { props.children.clone() }
        </div>
    }
}
