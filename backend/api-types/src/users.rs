//! The user administration console: listing, blocking, roles, audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Filters of the user list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct UserListQuery {
    /// Substring of the email or full name (case-insensitive).
    pub q: Option<String>,
    /// `true`: only blocked accounts; `false`: only active ones; absent: both.
    pub blocked: Option<bool>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}

/// Move a user to another role.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetRoleRequest {
    /// Name of an existing role, e.g. `manager`.
    pub role: String,
}

/// Invite someone: an account with this role is created, unconfirmed and without a
/// usable password, and an email with a single-use link to `/accept-invite?token=…` is
/// sent to the address.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteRequest {
    /// The invitee's email address (409 `email_taken` if an account already has it).
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// The invitee's display name.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
        )
    )]
    pub full_name: String,
    /// Name of an existing role, e.g. `user` or `manager` (422 if there is none).
    pub role: String,
}

/// A role: a named set of permissions. Every user has exactly one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Role {
    /// Role id.
    pub id: Uuid,
    /// Unique name: a lowercase letter, then 1 to 39 lowercase letters, digits or `_`.
    pub name: String,
    /// Permissions granted, e.g. `users.block` (see `GET /api/v1/permissions`).
    pub permissions: Vec<String>,
    /// Built-in roles (`user`, `manager`, `content_manager`, `admin`) are read-only.
    pub builtin: bool,
    /// How many users hold this role (a role in use cannot be deleted).
    pub users: i64,
    /// When the role was created.
    pub created_at: DateTime<Utc>,
}

/// Create or replace a custom role.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleInput {
    /// Unique name: a lowercase letter, then 1 to 39 lowercase letters, digits or `_`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z][a-z0-9_]{1,39}$"))]
    pub name: String,
    /// Permission names; each must be one of `GET /api/v1/permissions`.
    pub permissions: Vec<String>,
}

/// One permission a role can grant.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionInfo {
    /// Its name, as stored in roles, e.g. `stats.view_all`.
    pub name: String,
    /// What it allows.
    pub description: String,
}

/// One administrative action, as recorded in the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Entry id.
    pub id: Uuid,
    /// Who acted (null if that account was deleted since).
    pub actor_id: Option<Uuid>,
    /// The actor's email at the time of reading (null if deleted).
    pub actor_email: Option<String>,
    /// What was done: `user.block`, `user.unblock`, `user.role`, `user.invite`, `role.create`,
    /// `role.update`, `role.delete`.
    pub action: String,
    /// The user acted upon, if any.
    pub target_user_id: Option<Uuid>,
    /// That user's email at the time of reading (null if none or deleted).
    pub target_email: Option<String>,
    /// Action-specific facts, e.g. `{"from": "user", "to": "manager"}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AuditLogQuery {
    /// Only entries about this user.
    pub target_user_id: Option<Uuid>,
    /// Only this action, e.g. `user.block`.
    pub action: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}
