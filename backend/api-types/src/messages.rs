use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// A message template. `{{ full_name }}` and `{{ email }}` are filled per recipient.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// Message id.
    pub id: Uuid,
    /// The user who owns it.
    pub owner_id: Uuid,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Optional HTML body, sent as an alternative part.
    pub html_body: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Create or replace a message.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageInput {
    /// Subject line (1 to 998 characters, one line).
    #[validate(length(min = 1, max = 998, message = "must be 1 to 998 characters"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 998))]
    pub subject: String,
    /// Plain-text body.
    #[validate(length(max = 1000000, message = "must be at most 1,000,000 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000000))]
    pub body: String,
    /// Optional HTML body.
    #[serde(default)]
    #[validate(length(max = 2000000, message = "must be at most 2,000,000 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000000))]
    pub html_body: Option<String>,
}

/// Filters of the message list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct MessageListQuery {
    /// Substring of the subject (case-insensitive).
    pub q: Option<String>,
    /// Another user's messages (needs `messages.view_all`).
    pub owner_id: Option<Uuid>,
    /// Sort field: `created_at` (default) or `subject`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default: `desc`). Ties: by email for recipients, by id elsewhere.
    pub order: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}
