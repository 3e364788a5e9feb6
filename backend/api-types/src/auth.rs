use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Sign-up form.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// Email address; must be confirmed before signing in.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// At least 10 characters, mixing at least two of: letters, digits, other characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 256))]
    pub password: String,
    /// Display name.
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
}

/// A single-use token from an emailed link.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRequest {
    /// The token from the link.
    pub token: String,
}

/// A request naming an account by email (answers do not reveal whether it exists).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailRequest {
    /// The account's email address.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
}

/// Sign-in form.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Account email (case-insensitive).
    pub email: String,
    /// Account password.
    pub password: String,
}

/// An access token and the refresh token that renews it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque, single-use token for `/auth/refresh`; rotated on every use. Also set as
    /// the `herald_refresh` cookie (HttpOnly, SameSite=Strict, Path=/api/v1/auth).
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// A refresh token to rotate or revoke.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token from the last token pair. Optional: without it the
    /// `herald_refresh` cookie (set by login and refresh) is used; send `{}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// Completing a password reset.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetConfirm {
    /// The token from the reset link.
    pub token: String,
    /// The new password (same policy as at sign-up).
    pub password: String,
}

/// Accepting an invitation: the token from the emailed link and the password to set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptInviteRequest {
    /// The token from the invitation link.
    pub token: String,
    /// The password to set (same policy as at sign-up).
    pub password: String,
}

/// A Herald account as its owner and managers see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Account id.
    pub id: Uuid,
    /// Email address.
    pub email: String,
    /// Display name.
    pub full_name: String,
    /// Role name, e.g. `user`, `manager`, `content_manager`, `admin`.
    pub role: String,
    /// Permissions the role grants, e.g. `users.block`.
    pub permissions: Vec<String>,
    /// Whether the email address has been confirmed.
    pub email_verified: bool,
    /// Whether a manager has blocked the account.
    pub blocked: bool,
    /// IANA time zone (default for new mailings); `UTC` until the user sets one.
    #[serde(default = "utc")]
    pub time_zone: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

/// Changes to one's own profile. Changing the password needs the current one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMeRequest {
    /// New display name.
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
    pub full_name: Option<String>,
    /// The current password; required with `new_password`.
    pub current_password: Option<String>,
    /// The new password.
    pub new_password: Option<String>,
    /// IANA time zone (e.g. `Europe/Berlin`), the default for new mailings. Unknown
    /// names -> 422.
    #[serde(default)]
    pub time_zone: Option<String>,
}

fn utc() -> String {
    "UTC".to_owned()
}
