//! Any path the SPA does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

#[component]
pub fn NotFound() -> Html {
    html! {
        <section class="card placeholder">
            <h1>{ "Page not found" }</h1>
            <p>{ "There is nothing at this address." }</p>
            <p><Link<Route> to={Route::Home}>{ "Back to the home page" }</Link<Route>></p>
        </section>
    }
}
