//! Loading and error states shared by every page that loads data.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LoadingProps {
    #[prop_or(AttrValue::Static("Loading…"))]
    pub label: AttrValue,
}

#[component]
pub fn Loading(props: &LoadingProps) -> Html {
    html! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            { props.label.clone() }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorNoticeProps {
    pub message: AttrValue,
    /// Shows a "Try again" button when set.
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

#[component]
pub fn ErrorNotice(props: &ErrorNoticeProps) -> Html {
    let retry = props.on_retry.clone().map(|on_retry| {
        let onclick = Callback::from(move |_: MouseEvent| on_retry.emit(()));
        html! { <button type="button" class="button" {onclick}>{ "Try again" }</button> }
    });
    html! {
        <div class="notice notice-error" role="alert">
            <p>{ props.message.clone() }</p>
            { for retry }
        </div>
    }
}
