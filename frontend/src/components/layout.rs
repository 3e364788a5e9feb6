//! The frame around every page: header with navigation, main content, footer.

use yew::prelude::*;

use crate::components::flash::FlashRegion;
use crate::components::nav::NavBar;
use crate::i18n::use_i18n;

#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Layout(props: &LayoutProps) -> Html {
    let i18n = use_i18n();
    html! {
        <>
            <header class="site-header">
                <NavBar />
            </header>
            <main class="site-main" id="main">
                <FlashRegion />
                { props.children.clone() }
            </main>
            <footer class="site-footer">
                <p>{ i18n.t().footer }</p>
            </footer>
        </>
    }
}
