//! The frame around every page: header with navigation, main content, footer.

use yew::prelude::*;

use crate::components::nav::NavBar;

#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Layout(props: &LayoutProps) -> Html {
    html! {
        <>
            <header class="site-header">
                <NavBar />
            </header>
            <main class="site-main">
                { props.children.clone() }
            </main>
            <footer class="site-footer">
                <p>{ "Herald — self-hosted email mailings" }</p>
            </footer>
        </>
    }
}
