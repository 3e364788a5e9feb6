//! The top navigation bar.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

#[component]
pub fn NavBar() -> Html {
    let current = use_route::<Route>();
    let link = |to: Route, label: &'static str| {
        let classes = if current.as_ref() == Some(&to) {
            classes!("nav-link", "active")
        } else {
            classes!("nav-link")
        };
        html! { <Link<Route> {to} {classes}>{ label }</Link<Route>> }
    };
    html! {
        <nav class="nav" aria-label="Main">
            <Link<Route> to={Route::Home} classes="brand">{ "Herald" }</Link<Route>>
            <div class="nav-links">
                { link(Route::Login, "Sign in") }
                { link(Route::Register, "Register") }
            </div>
        </nav>
    }
}
