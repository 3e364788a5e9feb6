use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// A scheduled mailing of one message to a set of recipients.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mailing {
    /// Mailing id.
    pub id: Uuid,
    /// The user who owns it.
    pub owner_id: Uuid,
    /// What the owner calls it (1-200 characters, one line).
    pub name: String,
    /// The message it sends.
    pub message_id: Uuid,
    /// Whether it goes to every client the owner has at the time of each run.
    pub all_clients: bool,
    /// Recipients now (the explicit set, or all the owner's clients).
    pub recipients_count: i64,
    /// First send.
    pub start_at: DateTime<Utc>,
    /// No sends after this time (none: no end).
    pub end_at: Option<DateTime<Utc>>,
    /// `once`, `daily`, `weekly` or `monthly`.
    pub periodicity: String,
    /// `created` (never sent), `running`, or `finished`.
    pub status: String,
    /// A disabled mailing is never sent, by schedule or by hand.
    pub enabled: bool,
    /// Who disabled it (the owner or a manager); none while enabled, or when unknown.
    #[serde(default)]
    pub disabled_by: Option<Uuid>,
    /// When it was disabled; none while enabled.
    #[serde(default)]
    pub disabled_at: Option<DateTime<Utc>>,
    /// Why, as the person who disabled it wrote it (shown to the owner).
    #[serde(default)]
    pub disabled_reason: Option<String>,
    /// When the scheduler sends it next (none: no further scheduled run).
    pub next_run_at: Option<DateTime<Utc>>,
    /// The newest run, if any.
    pub last_run: Option<Run>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Create or replace a mailing. Give `client_ids` or `all_clients: true`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailingInput {
    /// What to call it: 1-200 characters, one line. Required.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
        )
    )]
    pub name: String,
    /// One of the caller's messages.
    pub message_id: Uuid,
    /// Recipients: ids of the caller's clients (replaces the set on PUT).
    #[serde(default)]
    pub client_ids: Option<Vec<Uuid>>,
    /// Send to every client the caller has at the time of each run.
    #[serde(default)]
    pub all_clients: bool,
    /// First send (RFC 3339). Now or in the past: a run starts at once.
    pub start_at: DateTime<Utc>,
    /// Optional end: no sends after it. Must be after `start_at` and in the future.
    #[serde(default)]
    pub end_at: Option<DateTime<Utc>>,
    /// `once`, `daily`, `weekly` or `monthly`.
    pub periodicity: String,
}

/// Filters of the mailing list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct MailingListQuery {
    /// `created`, `running` or `finished`.
    pub status: Option<String>,
    /// Only enabled (true) or disabled (false) mailings.
    pub enabled: Option<bool>,
    /// Another user's mailings (needs `mailings.view_all`).
    pub owner_id: Option<Uuid>,
    /// Sort field: `created_at` (default), `name`, `status` or `next_run_at`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default: `desc`). Ties: by email for recipients, by id elsewhere.
    pub order: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}

/// One execution of a mailing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    /// Run id.
    pub id: Uuid,
    /// The mailing it belongs to.
    pub mailing_id: Uuid,
    /// `schedule`, `manual` (send now), `cli` (`herald send`) or `retry` (retry failed).
    pub trigger: String,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// When its last delivery was settled (none: still going).
    pub finished_at: Option<DateTime<Utc>>,
    /// Emails delivered.
    pub sent: i64,
    /// Emails that finally failed.
    pub failed: i64,
    /// Emails not yet settled (waiting, or waiting to be retried).
    pub pending: i64,
    /// Recipients the run started with (its own count: later changes to the mailing's
    /// recipients do not change it).
    #[serde(default)]
    pub recipients: i64,
}

/// Optional body of `POST /mailings/{id}/disable`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisableRequest {
    /// Why it is disabled; the owner sees it (and is emailed it when a manager disables
    /// their mailing). At most 500 characters.
    #[serde(default)]
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: Option<String>,
}

/// Options of `POST /mailings/{id}/retry-failed`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct RetryQuery {
    /// Also retry permanent failures (5xx refusals); by default only temporary ones
    /// (4xx, timeouts, connection errors) are retried, which keeps the sender's reputation.
    pub include_permanent: Option<bool>,
}

/// Answer to starting a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunStarted {
    /// The new run.
    pub run_id: Uuid,
}

/// One try to deliver one email.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    /// Attempt id.
    pub id: Uuid,
    /// The mailing.
    pub mailing_id: Uuid,
    /// The run.
    pub run_id: Uuid,
    /// The recipient's client id at the time (the client may have been deleted since;
    /// the email stays).
    pub client_id: Option<Uuid>,
    /// The recipient's address.
    pub email: String,
    /// When the try happened.
    pub attempted_at: DateTime<Utc>,
    /// `success` or `failure`.
    pub status: String,
    /// The SMTP server's reply, or the error.
    pub server_response: String,
}

/// Filters of attempt lists.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AttemptListQuery {
    /// Only attempts of this mailing (on `/attempts`).
    pub mailing_id: Option<Uuid>,
    /// `success` or `failure`.
    pub status: Option<String>,
    /// Another user's attempts (needs `mailings.view_all`).
    pub owner_id: Option<Uuid>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}
