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
    /// The IANA time zone its occurrences and send window are computed in (e.g.
    /// `Europe/Berlin`): a daily 09:00 mailing sends at 09:00 local on both sides of a
    /// DST change, a monthly one keeps its local day of month.
    #[serde(default = "utc")]
    pub time_zone: String,
    /// Days and hours (in `time_zone`) when its runs may send; none: any time.
    #[serde(default)]
    pub send_window: Option<SendWindow>,
    /// What happens to an occurrence the scheduler sees late (after downtime).
    #[serde(default)]
    pub late_policy: LatePolicy,
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
    /// IANA time zone (e.g. `Europe/Berlin`); default: the owner's profile zone (`UTC`
    /// unless they set one). Unknown names -> 422.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// When runs may send (days and hours in `time_zone`); none: any time. `from` must be
    /// before `to` and `days` not empty, else 422.
    #[serde(default)]
    pub send_window: Option<SendWindow>,
    /// Default: catch up once (one run for any missed occurrences).
    #[serde(default)]
    pub late_policy: Option<LatePolicy>,
}

fn utc() -> String {
    "UTC".to_owned()
}

/// A day of the week, as send windows name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday first, as ISO 8601 counts.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 for Monday .. 6 for Sunday.
    pub fn index(self) -> u8 {
        self as u8
    }
}

/// When a mailing's runs may send: on these days, from `from` to `to` (`[from, to)`,
/// `HH:MM` in the mailing's time zone; `to` may be `24:00`). Outside it, a run waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendWindow {
    /// Days it is open (at least one).
    pub days: Vec<Weekday>,
    /// Opening time, `HH:MM`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "09:00", pattern = "^[0-2][0-9]:[0-5][0-9]$")
    )]
    pub from: String,
    /// Closing time, `HH:MM` (after `from`; `24:00` is the end of the day).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "17:00", pattern = "^[0-2][0-9]:[0-5][0-9]$")
    )]
    pub to: String,
}

/// What the scheduler does with an occurrence it sees late (the service was down, or
/// the mailing disabled): `{"catch_up": true}` sends one run for any number of missed
/// occurrences; `{"catch_up": false, "max_late_secs": N}` skips an occurrence more than
/// N seconds late (recorded as a run with `state: skipped`, `reason: late`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatePolicy {
    /// Send late occurrences (once) instead of skipping them.
    pub catch_up: bool,
    /// With `catch_up: false`: how late (seconds, 1..=31536000) an occurrence may be
    /// and still be sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_late_secs: Option<i64>,
}

impl Default for LatePolicy {
    fn default() -> Self {
        LatePolicy {
            catch_up: true,
            max_late_secs: None,
        }
    }
}

/// Where a run is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    /// Created; nothing settled yet.
    Queued,
    /// Sending.
    Running,
    /// Stopped by hand (or because its owner was blocked): nothing is leased until resumed.
    Paused,
    /// Outside its mailing's send window: continues at `waiting_until`.
    Waiting,
    /// Stopped for good: pending deliveries were cancelled (kept and counted, never sent).
    Cancelled,
    /// Every delivery settled.
    Finished,
    /// An occurrence not sent (see `reason`, e.g. `late`).
    Skipped,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Queued => "queued",
            RunState::Running => "running",
            RunState::Paused => "paused",
            RunState::Waiting => "waiting",
            RunState::Cancelled => "cancelled",
            RunState::Finished => "finished",
            RunState::Skipped => "skipped",
        }
    }

    /// Finished, cancelled and skipped runs take no more actions.
    pub fn is_over(self) -> bool {
        matches!(
            self,
            RunState::Cancelled | RunState::Finished | RunState::Skipped
        )
    }
}

impl std::str::FromStr for RunState {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "queued" => RunState::Queued,
            "running" => RunState::Running,
            "paused" => RunState::Paused,
            "waiting" => RunState::Waiting,
            "cancelled" => RunState::Cancelled,
            "finished" => RunState::Finished,
            "skipped" => RunState::Skipped,
            _ => return Err(()),
        })
    }
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
    /// Deliveries cancelled with the run (kept and counted, never sent).
    #[serde(default)]
    pub cancelled: i64,
    /// Where the run is: `queued`, `running`, `paused`, `waiting`, `cancelled`,
    /// `finished` or `skipped`.
    #[serde(default = "finished")]
    pub state: RunState,
    /// Why it is paused or was skipped: `late`, `owner_blocked`, `by_user`.
    #[serde(default)]
    pub reason: Option<String>,
    /// While `waiting`: when its send window opens next.
    #[serde(default)]
    pub waiting_until: Option<DateTime<Utc>>,
    /// For scheduled (and skipped) runs: the occurrence it is for.
    #[serde(default)]
    pub scheduled_for: Option<DateTime<Utc>>,
}

fn finished() -> RunState {
    RunState::Finished
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
    /// `success`, `failure`, or `skipped` (not sent: the address is suppressed; the reason is in `server_response`).
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
    /// `success`, `failure` or `skipped`.
    pub status: Option<String>,
    /// Another user's attempts (needs `mailings.view_all`).
    pub owner_id: Option<Uuid>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}

/// Something that happened to a delivery after the SMTP server's reply.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryEvent {
    pub id: Uuid,
    /// `bounce` or `complaint` (later `open`, `click`, `unsubscribe`).
    #[serde(rename = "type")]
    pub kind: String,
    /// For bounces: `hard` (the address does not exist) or `soft` (try later).
    #[serde(default)]
    pub bounce_kind: Option<String>,
    pub run_id: Uuid,
    pub delivery_id: Uuid,
    pub email: String,
    pub at: DateTime<Utc>,
    /// The bounce's status and the server's words, or the complaint's feedback type.
    pub detail: String,
}

/// Filters of a mailing's events.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct EventListQuery {
    /// `open`, `click`, `bounce`, `complaint` or `unsubscribe`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", param(rename = "type"))]
    pub kind: Option<String>,
    /// Only this run's.
    pub run_id: Option<Uuid>,
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1..=100 (default 20).
    pub per_page: Option<i64>,
}
