//! `/reset-password[?token=…]`: ask for a reset link, or set a new password. Placeholder.

use yew::prelude::*;

use crate::components::placeholder::Placeholder;
use crate::hooks::use_query_token;

#[component]
pub fn ResetPassword() -> Html {
    let has_token = use_query_token().is_some();
    let planned = if has_token {
        "With the token from the reset email, choose a new password here \
         (POST /api/v1/auth/password-reset/confirm); every other session is signed out."
    } else {
        "Enter your email to receive a password reset link \
         (POST /api/v1/auth/password-reset)."
    };
    html! { <Placeholder title="Reset your password" {planned} /> }
}
