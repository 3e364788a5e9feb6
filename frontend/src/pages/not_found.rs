//! Any path the SPA does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::i18n::use_i18n;

#[component]
pub fn NotFound() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    html! {
        <section class="card narrow">
            <h1>{ t.not_found_title }</h1>
            <p>{ t.not_found_text }</p>
            <p><Link<Route> to={Route::Home}>{ t.back_home }</Link<Route>></p>
        </section>
    }
}
