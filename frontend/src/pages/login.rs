//! `/login`: placeholder until the auth slice.

use yew::prelude::*;

use crate::components::placeholder::Placeholder;

#[component]
pub fn Login() -> Html {
    html! {
        <Placeholder
            title="Sign in"
            planned="Sign in with your email and password (POST /api/v1/auth/login). \
                     Links to registration, to resending the verification email and to \
                     password reset will live here."
        />
    }
}
