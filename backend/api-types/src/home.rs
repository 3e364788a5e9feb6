//! The public home page.

use serde::{Deserialize, Serialize};

use crate::Post;

/// Service-wide figures and a few posts, for everyone (no sign-in needed).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomePage {
    /// Mailings of every user.
    pub mailings_total: i64,
    /// Mailings with status `running`.
    pub mailings_active: i64,
    /// Distinct addresses (case-insensitive) that a successful attempt reached, over
    /// every user.
    pub unique_recipients: i64,
    /// Up to three published posts picked at random (the page is cached briefly, so the
    /// pick changes at most every minute or when a post changes).
    pub random_posts: Vec<Post>,
}
