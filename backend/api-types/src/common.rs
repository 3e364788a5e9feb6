use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An RFC 7807 problem document: the body of every error answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI reference naming the kind of problem (`about:blank` when only the status matters).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, human-readable summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field name -> messages; present on 422 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// Machine-readable kind of problem, snake_case and stable (e.g. `email_taken`,
    /// `weak_password`, `invalid_credentials`, `too_many_requests`, `validation_failed`,
    /// `not_found`); clients branch on this, never on `title` or `detail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Field name -> machine-readable codes, parallel to `errors` (same fields, same
    /// order; e.g. `length`, `control_character`, `weak_password`); present on 422 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_codes: Option<BTreeMap<String, Vec<String>>>,
    /// What stands in the way of a 409, by id and name, so clients can link to it (e.g.
    /// `message_in_use`: the mailings that use the message, at most 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_by: Option<Vec<UsedBy>>,
}

/// A row named in a problem (see [`Problem::used_by`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsedBy {
    /// What kind of row: `mailing`.
    pub kind: String,
    /// Its id.
    pub id: uuid::Uuid,
    /// Its name.
    pub name: String,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: i64,
    /// Rows per page (at most 100).
    pub per_page: i64,
    /// Rows in all pages.
    pub total: i64,
}

/// Pagination query: `?page=1&per_page=20`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct PageQuery {
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}

/// Readiness of the service and its dependencies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when every required dependency answers, else `unavailable`.
    pub status: String,
    /// `ok` or `unavailable`.
    pub database: String,
    /// `ok`, `unavailable`, or `disabled` when no Redis is configured (Redis is optional).
    pub redis: String,
}
