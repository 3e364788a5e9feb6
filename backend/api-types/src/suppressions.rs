//! The suppression list: addresses an owner's mailings never go to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ImportLineError;

/// Why an address is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// The recipient unsubscribed (their link, or an import).
    Unsubscribed,
    /// The address does not exist (a 5.x.x bounce).
    HardBounce,
    /// Three temporary bounces within 30 days.
    SoftBounce,
    /// The recipient marked an email as spam.
    Complaint,
    /// Added by the owner.
    Manual,
}

impl SuppressionReason {
    pub const ALL: [SuppressionReason; 5] = [
        SuppressionReason::Unsubscribed,
        SuppressionReason::HardBounce,
        SuppressionReason::SoftBounce,
        SuppressionReason::Complaint,
        SuppressionReason::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::Unsubscribed => "unsubscribed",
            SuppressionReason::HardBounce => "hard_bounce",
            SuppressionReason::SoftBounce => "soft_bounce",
            SuppressionReason::Complaint => "complaint",
            SuppressionReason::Manual => "manual",
        }
    }
}

impl std::str::FromStr for SuppressionReason {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        SuppressionReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(())
    }
}

/// One suppressed address of one owner.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suppression {
    pub id: Uuid,
    /// Whose list it is on.
    pub owner_id: Uuid,
    /// The address (matched case-insensitively).
    pub email: String,
    pub reason: SuppressionReason,
    /// The owner's note, or what the bounce said.
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /suppressions`: suppress an address by hand.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuppressionInput {
    /// The address.
    pub email: String,
    /// Only `manual` may be given (the others come from unsubscribes and bounces).
    #[serde(default)]
    pub reason: Option<SuppressionReason>,
    /// Why, for the owner's own record (at most 500 characters, one line).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
}

/// Filters of the suppression list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct SuppressionListQuery {
    /// Substring of the address (case-insensitive).
    pub q: Option<String>,
    /// `unsubscribed`, `hard_bounce`, `soft_bounce`, `complaint` or `manual`.
    pub reason: Option<String>,
    /// Another user's list (needs `clients.view_all`).
    pub owner_id: Option<Uuid>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}

/// Outcome of a suppression CSV import (`email,reason,note`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuppressionImportReport {
    /// Addresses newly suppressed.
    pub added: i64,
    /// Addresses that were already on the list (they keep their first reason), or that
    /// repeat an earlier line.
    pub already: i64,
    /// Lines that could not be imported (at most 1,000 listed).
    pub errors: Vec<ImportLineError>,
}
