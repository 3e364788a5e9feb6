//! `/verify-email?token=…`: the link in the verification email. Placeholder.

use yew::prelude::*;

use crate::components::placeholder::Placeholder;
use crate::hooks::use_query_token;

#[component]
pub fn VerifyEmail() -> Html {
    let has_token = use_query_token().is_some();
    let note = if has_token {
        "This link carries a verification token."
    } else {
        "This link carries no token; open the link from the email as it is."
    };
    html! {
        <Placeholder
            title="Confirm your email"
            planned="Opening the link from the verification email confirms your address \
                     (POST /api/v1/auth/verify-email) and then sends you to sign in."
        >
            <p>{ note }</p>
        </Placeholder>
    }
}
