//! Custom hooks shared by pages.

use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The `?token=…` of the current URL (percent-decoded), as put there by the links in
/// verification and password-reset emails.
#[hook]
pub fn use_query_token() -> Option<String> {
    use_location()
        .and_then(|location| location.query::<TokenQuery>().ok())
        .and_then(|query| query.token)
        .filter(|token| !token.is_empty())
}
