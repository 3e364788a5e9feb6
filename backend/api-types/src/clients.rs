use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// A mailing recipient (not a user of Herald).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    /// Recipient id.
    pub id: Uuid,
    /// The user whose list this recipient is on.
    pub owner_id: Uuid,
    /// Email address (unique per owner, case-insensitive).
    pub email: String,
    /// Name used for `{{ full_name }}`.
    pub full_name: String,
    /// Free-text note.
    pub comment: String,
    /// Whether the recipient has unsubscribed (later runs skip them).
    pub unsubscribed: bool,
    /// When the recipient was added.
    pub created_at: DateTime<Utc>,
    /// When the recipient was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Create or replace a recipient.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientInput {
    /// Email address.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// Name used for `{{ full_name }}`.
    #[serde(default)]
    #[validate(
        length(max = 200, message = "must be at most 200 characters"),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")
    )]
    pub full_name: String,
    /// Free-text note.
    #[serde(default)]
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: String,
}

/// Filters of the recipient list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ClientListQuery {
    /// Substring of the email or name (case-insensitive).
    pub q: Option<String>,
    /// Another user's list (needs `clients.view_all`).
    pub owner_id: Option<Uuid>,
    /// Sort field: `created_at` (default), `email` or `full_name`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default: `desc`). Ties: by email for recipients, by id elsewhere.
    pub order: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}

/// Outcome of a CSV import.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// New recipients added.
    pub created: i64,
    /// Existing recipients (same email, case-insensitive) whose name or comment changed.
    pub updated: i64,
    /// Lines that changed nothing: already identical, or repeating an earlier line's email.
    pub skipped: i64,
    /// Lines that could not be imported, with their 1-based line numbers (at most 1,000).
    pub errors: Vec<ImportLineError>,
    /// Lines whose email repeats an earlier line of the same file (the first one wins;
    /// these are counted in `skipped`; at most 1,000 listed).
    #[serde(default)]
    pub duplicates: Vec<ImportDuplicate>,
}

/// A line that repeats an earlier line's email.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportDuplicate {
    /// 1-based line number of the repeat.
    pub line: u64,
    /// The email, as written on that line.
    pub email: String,
    /// The line that was imported for this email.
    pub first_line: u64,
}

/// One rejected CSV line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportLineError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
    /// The offending value, shortened to 100 characters, control characters shown as
    /// escapes (`\r`, `\n`); none when the value is missing or the line is unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}
