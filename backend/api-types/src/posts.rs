//! The blog.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// A blog post. `published_at` null means a draft, visible to `posts.write` only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    /// Post id.
    pub id: Uuid,
    /// The user who created it.
    pub author_id: Uuid,
    /// Title.
    pub title: String,
    /// Body in Markdown (the SPA renders it sanitised).
    pub body: String,
    /// Path of the illustration under `/media/`, if any.
    pub image_url: Option<String>,
    /// Times the post was read through `GET /api/v1/posts/{id}` while published.
    pub views: i64,
    /// When it was (last) published; null for a draft.
    pub published_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its title, body, image or publication last changed.
    pub updated_at: DateTime<Utc>,
}

/// Create or replace a post's text.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostInput {
    /// Title, 1 to 300 characters.
    #[validate(length(min = 1, max = 300, message = "must be 1 to 300 characters"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    /// Markdown body, at most 200,000 characters.
    #[serde(default)]
    #[validate(length(max = 200000, message = "must be at most 200,000 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200000))]
    pub body: String,
}

/// Filters of the post list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct PostListQuery {
    /// Include drafts (needs a bearer token with `posts.write`).
    pub drafts: Option<bool>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}
