//! `/register`: placeholder until the auth slice.

use yew::prelude::*;

use crate::components::placeholder::Placeholder;

#[component]
pub fn Register() -> Html {
    html! {
        <Placeholder
            title="Create an account"
            planned="Register with your email, a password and your full name \
                     (POST /api/v1/auth/register); Herald then emails you a link to \
                     confirm the address."
        />
    }
}
