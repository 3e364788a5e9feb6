//! A page body for screens whose backend part is still being built.

use yew::prelude::*;

use crate::i18n::use_i18n;

#[derive(Properties, PartialEq)]
pub struct PlaceholderProps {
    pub title: AttrValue,
    /// What this page will do once it is built.
    pub planned: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Placeholder(props: &PlaceholderProps) -> Html {
    let i18n = use_i18n();
    html! {
        <section class="card placeholder">
            <h1>{ props.title.clone() }</h1>
            <p><span class="badge badge-soon">{ i18n.t().coming_soon }</span></p>
            <p>{ props.planned.clone() }</p>
            { props.children.clone() }
        </section>
    }
}
