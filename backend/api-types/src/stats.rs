//! Delivery statistics.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Mailing and delivery figures of one user, or of everyone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// Mailings in any status.
    pub mailings_total: i64,
    /// Mailings with status `running` (sent at least once and not over).
    pub mailings_active: i64,
    /// Mailings with status `finished`.
    pub mailings_finished: i64,
    /// Distinct email addresses (case-insensitive) that at least one successful
    /// attempt reached: the people the mailings actually got to.
    pub unique_recipients: i64,
    /// Delivery attempts the SMTP server accepted.
    pub attempts_success: i64,
    /// Delivery attempts that failed (each retry counts once).
    pub attempts_failure: i64,
    /// Emails handed over successfully: one per successful attempt. A delivery succeeds
    /// at most once, so this equals `attempts_success` except after a crash in the middle
    /// of a send, when the same email may have been delivered twice (and is counted twice).
    pub messages_delivered: i64,
    /// People, not tries: distinct addresses (case-insensitive) whose latest final
    /// outcome is a delivery (a failure that is still being retried is not final).
    #[serde(default)]
    pub recipients_delivered: i64,
    /// Distinct addresses whose latest final outcome is a failure (retries given up, or
    /// refused for good).
    #[serde(default)]
    pub recipients_failed: i64,
    /// `recipients_delivered / (recipients_delivered + recipients_failed)`, from 0 to 1;
    /// null when both are 0.
    #[serde(default)]
    pub delivery_rate: Option<f64>,
}

/// Whose figures to read.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatsScope {
    /// The caller's own (the default).
    #[default]
    Own,
    /// Every user's together (needs `stats.view_all`).
    All,
}

/// Which figures `/stats` answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct StatsQuery {
    /// Another user's figures (needs `stats.view_all` unless it is the caller).
    pub owner_id: Option<Uuid>,
    /// `own` (default) or `all` (everyone's, needs `stats.view_all`). Cannot be
    /// combined with `owner_id`.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub scope: Option<StatsScope>,
}

/// The daily series: like [`StatsQuery`], plus the number of days.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct DailyStatsQuery {
    /// Days to cover, ending today (UTC); clamped to 1..=365, default 30.
    pub days: Option<i64>,
    /// Another user's series (needs `stats.view_all` unless it is the caller).
    pub owner_id: Option<Uuid>,
    /// `own` (default) or `all` (everyone's, needs `stats.view_all`).
    #[cfg_attr(feature = "openapi", param(inline))]
    pub scope: Option<StatsScope>,
}

/// Attempts of one day (UTC).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyPoint {
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: NaiveDate,
    /// Successful attempts that day.
    pub success: i64,
    /// Failed attempts that day.
    pub failure: i64,
}

/// Figures of one mailing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailingStats {
    /// The mailing.
    pub mailing_id: Uuid,
    /// Its runs (scheduled, manual and from the command line).
    pub runs: i64,
    /// Distinct addresses (case-insensitive) a successful attempt reached.
    pub unique_recipients: i64,
    /// Attempts the SMTP server accepted.
    pub attempts_success: i64,
    /// Attempts that failed.
    pub attempts_failure: i64,
    /// Emails handed over successfully (one per successful attempt).
    pub messages_delivered: i64,
    /// People, not tries: distinct addresses of this mailing (case-insensitive) whose latest final
    /// outcome is a delivery (a failure that is still being retried is not final).
    #[serde(default)]
    pub recipients_delivered: i64,
    /// Distinct addresses of this mailing whose latest final outcome is a failure (retries given up, or
    /// refused for good).
    #[serde(default)]
    pub recipients_failed: i64,
    /// `recipients_delivered / (recipients_delivered + recipients_failed)`, from 0 to 1;
    /// null when both are 0.
    #[serde(default)]
    pub delivery_rate: Option<f64>,
}

/// `delivered / (delivered + failed)`, or `None` when both are 0.
pub fn delivery_rate(delivered: i64, failed: i64) -> Option<f64> {
    let all = delivered + failed;
    (all > 0).then(|| delivered as f64 / all as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delivery_rate_is_a_share_and_null_without_outcomes() {
        assert_eq!(delivery_rate(0, 0), None);
        assert_eq!(delivery_rate(3, 1), Some(0.75));
        assert_eq!(delivery_rate(0, 5), Some(0.0));
        assert_eq!(delivery_rate(5, 0), Some(1.0));
    }
}
