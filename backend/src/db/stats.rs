//! Statistics as SQL aggregates: nothing here loads rows into Rust.
//!
//! Each figure is one aggregate over an index (see the `stats_reach` migration):
//! - mailings by status: `mailings_owner_status_idx` (index-only);
//! - attempts by status: `attempts_owner_status_time_idx` / `attempts_status_time_idx`
//!   (index-only, one count per status);
//! - unique recipients: `mailing_reach`, one row per (mailing, address) reached, kept
//!   by a trigger on `attempts`, so the distinct count runs over recipients, not attempts;
//! - the daily series: the same two indexes, one range count per day and status;
//! - recipients delivered / failed (each address's latest final outcome):
//!   `owner_recipient_outcomes`, one row per (owner, address), kept by a trigger on
//!   `attempts` (`recipient_outcomes` likewise per mailing). An owner's figure counts
//!   that owner's addresses (index-only on `(owner_id, status)`); everyone's takes the
//!   latest row per address over `(email_key, at DESC) INCLUDE (status)`, so it reads
//!   one index entry per (owner, address) pair.
//!
//! The SQL text differs between one owner and everyone (`WHERE owner_id = $1` or
//! nothing), rather than `$1 IS NULL OR owner_id = $1`, so each shape gets its own plan.

use chrono::{Duration, NaiveDate, Utc};
use diesel::{
    prelude::*,
    sql_types::{BigInt, Date, Uuid as SqlUuid},
};
use uuid::Uuid;

/// Whose figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatsScope {
    Owner(Uuid),
    Everyone,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, QueryableByName)]
pub struct Summary {
    #[diesel(sql_type = BigInt)]
    pub mailings_total: i64,
    #[diesel(sql_type = BigInt)]
    pub mailings_active: i64,
    #[diesel(sql_type = BigInt)]
    pub mailings_finished: i64,
    #[diesel(sql_type = BigInt)]
    pub unique_recipients: i64,
    #[diesel(sql_type = BigInt)]
    pub attempts_success: i64,
    #[diesel(sql_type = BigInt)]
    pub attempts_failure: i64,
    #[diesel(sql_type = BigInt)]
    pub recipients_delivered: i64,
    #[diesel(sql_type = BigInt)]
    pub recipients_failed: i64,
}

const SUMMARY_OWNER: &str = "\
SELECT m.total AS mailings_total, m.active AS mailings_active, m.finished AS mailings_finished, \
       (SELECT count(*) FROM (SELECT DISTINCT email_key FROM mailing_reach WHERE owner_id = $1) d) \
           AS unique_recipients, \
       (SELECT count(*) FROM attempts WHERE owner_id = $1 AND status = 'success') AS attempts_success, \
       (SELECT count(*) FROM attempts WHERE owner_id = $1 AND status = 'failure') AS attempts_failure, \
       (SELECT count(*) FROM owner_recipient_outcomes WHERE owner_id = $1 AND status = 'success') \
           AS recipients_delivered, \
       (SELECT count(*) FROM owner_recipient_outcomes WHERE owner_id = $1 AND status = 'failure') \
           AS recipients_failed \
FROM (SELECT count(*) AS total, \
             count(*) FILTER (WHERE status = 'running') AS active, \
             count(*) FILTER (WHERE status = 'finished') AS finished \
      FROM mailings WHERE owner_id = $1) m";

const SUMMARY_ALL: &str = "\
SELECT m.total AS mailings_total, m.active AS mailings_active, m.finished AS mailings_finished, \
       (SELECT count(*) FROM (SELECT DISTINCT email_key FROM mailing_reach) d) AS unique_recipients, \
       (SELECT count(*) FROM attempts WHERE status = 'success') AS attempts_success, \
       (SELECT count(*) FROM attempts WHERE status = 'failure') AS attempts_failure, \
       l.delivered AS recipients_delivered, l.failed AS recipients_failed \
FROM (SELECT count(*) FILTER (WHERE status = 'success') AS delivered, \
             count(*) FILTER (WHERE status = 'failure') AS failed \
      FROM (SELECT DISTINCT ON (email_key) status FROM owner_recipient_outcomes \
            ORDER BY email_key, at DESC) latest) l, \
 (SELECT count(*) AS total, \
             count(*) FILTER (WHERE status = 'running') AS active, \
             count(*) FILTER (WHERE status = 'finished') AS finished \
      FROM mailings) m";

pub fn summary(conn: &mut PgConnection, scope: StatsScope) -> QueryResult<Summary> {
    match scope {
        StatsScope::Owner(owner) => diesel::sql_query(SUMMARY_OWNER)
            .bind::<SqlUuid, _>(owner)
            .get_result(conn),
        StatsScope::Everyone => diesel::sql_query(SUMMARY_ALL).get_result(conn),
    }
}

/// The three public figures of the home page (everyone's; no attempt counts needed).
#[derive(Debug, Clone, Default, PartialEq, Eq, QueryableByName)]
pub struct HomeFigures {
    #[diesel(sql_type = BigInt)]
    pub mailings_total: i64,
    #[diesel(sql_type = BigInt)]
    pub mailings_active: i64,
    #[diesel(sql_type = BigInt)]
    pub unique_recipients: i64,
}

pub fn home_figures(conn: &mut PgConnection) -> QueryResult<HomeFigures> {
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM mailings) AS mailings_total, \
                (SELECT count(*) FROM mailings WHERE status = 'running') AS mailings_active, \
                (SELECT count(*) FROM (SELECT DISTINCT email_key FROM mailing_reach) d) AS unique_recipients",
    )
    .get_result(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayRow {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub success: i64,
    #[diesel(sql_type = BigInt)]
    pub failure: i64,
}

/// The days covered by a series of `days` days ending today (UTC): first and last.
pub fn day_range(days: i64, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today - Duration::days(days.max(1) - 1), today)
}

/// Attempts per UTC day from `first` to `last` inclusive, every day present (zeros
/// included). Each day is two index-only range counts (`attempted_at` within the day,
/// by status) rather than one scan grouping on a per-row `date(attempted_at)`: about
/// three times faster over a million attempts. Days are exactly 24 hours from UTC
/// midnight, whatever the session's time zone.
pub fn daily(
    conn: &mut PgConnection,
    scope: StatsScope,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Vec<DayRow>> {
    let owner_filter = match scope {
        StatsScope::Owner(_) => "owner_id = $3 AND",
        StatsScope::Everyone => "",
    };
    let count = |status: &str| {
        format!(
            "(SELECT count(*) FROM attempts WHERE {owner_filter} status = '{status}' \
              AND attempted_at >= d.day AND attempted_at < d.day + interval '24 hours')"
        )
    };
    let sql = format!(
        "SELECT (d.day AT TIME ZONE 'UTC')::date AS day, {} AS success, {} AS failure \
         FROM generate_series($1::date::timestamp AT TIME ZONE 'UTC', \
                              $2::date::timestamp AT TIME ZONE 'UTC', \
                              interval '24 hours') AS d(day) \
         ORDER BY d.day",
        count("success"),
        count("failure"),
    );
    let q = diesel::sql_query(sql)
        .bind::<Date, _>(first)
        .bind::<Date, _>(last);
    match scope {
        StatsScope::Owner(owner) => q.bind::<SqlUuid, _>(owner).load(conn),
        StatsScope::Everyone => q.load(conn),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, QueryableByName)]
pub struct MailingFigures {
    #[diesel(sql_type = BigInt)]
    pub runs: i64,
    #[diesel(sql_type = BigInt)]
    pub unique_recipients: i64,
    #[diesel(sql_type = BigInt)]
    pub attempts_success: i64,
    #[diesel(sql_type = BigInt)]
    pub attempts_failure: i64,
    #[diesel(sql_type = BigInt)]
    pub recipients_delivered: i64,
    #[diesel(sql_type = BigInt)]
    pub recipients_failed: i64,
}

/// Figures of one mailing (which the caller has already been allowed to see).
pub fn mailing(conn: &mut PgConnection, mailing_id: Uuid) -> QueryResult<MailingFigures> {
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM runs WHERE mailing_id = $1) AS runs, \
                (SELECT count(*) FROM mailing_reach WHERE mailing_id = $1) AS unique_recipients, \
                count(*) FILTER (WHERE status = 'success') AS attempts_success, \
                count(*) FILTER (WHERE status = 'failure') AS attempts_failure, \
                (SELECT count(*) FROM recipient_outcomes WHERE mailing_id = $1 AND status = 'success') \
                    AS recipients_delivered, \
                (SELECT count(*) FROM recipient_outcomes WHERE mailing_id = $1 AND status = 'failure') \
                    AS recipients_failed \
         FROM attempts WHERE mailing_id = $1",
    )
    .bind::<SqlUuid, _>(mailing_id)
    .get_result(conn)
}

/// The owner of a mailing, if it exists (visibility decisions).
pub fn mailing_owner(conn: &mut PgConnection, mailing_id: Uuid) -> QueryResult<Option<Uuid>> {
    use super::schema::mailings;
    mailings::table
        .find(mailing_id)
        .select(mailings::owner_id)
        .first(conn)
        .optional()
}

/// Deliveries waiting to be sent or retried (the `deliveries_pending_idx` partial index).
pub fn pending_deliveries(conn: &mut PgConnection) -> QueryResult<i64> {
    use super::schema::deliveries;
    deliveries::table
        .filter(deliveries::status.eq("pending"))
        .count()
        .get_result(conn)
}

/// Today in UTC: the last day of every daily series.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_of_n_days_ends_today_and_has_n_days() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            day_range(30, today),
            (NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(), today)
        );
        assert_eq!(day_range(1, today), (today, today));
        assert_eq!(day_range(0, today), (today, today));
    }
}
