//! A page body for screens that later slices fill in.

use yew::prelude::*;

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
    html! {
        <section class="card placeholder">
            <h1>{ props.title.clone() }</h1>
            <p>{ props.planned.clone() }</p>
            { props.children.clone() }
            <p class="muted">{ "This page is not built yet." }</p>
        </section>
    }
}
