//! Screens whose backend (statistics, blog, users and roles administration) is being
//! built on another branch: routes and navigation are in place, the pages say "coming
//! soon" until the API lands.

use yew::prelude::*;

use crate::components::placeholder::Placeholder;
use crate::i18n::use_i18n;

#[component]
pub fn Users() -> Html {
    let t = use_i18n().t();
    html! { <Placeholder title={t.users_title} planned={t.blog_lead} /> }
}

#[component]
pub fn Roles() -> Html {
    let t = use_i18n().t();
    html! { <Placeholder title={t.roles_title} planned={t.blog_lead} /> }
}

