//! The delivery ledger: runs, one delivery row per (run, recipient), and the attempt
//! log. Everything the engine does to it is a set-based statement: a run's rows are
//! inserted by one INSERT ... SELECT, leased in batches with SKIP LOCKED, and
//! outcomes are written in batches, so the database does a few statements per
//! hundreds of emails, not one per email.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{
    connection::SimpleConnection,
    prelude::*,
    sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid},
};
use uuid::Uuid;

use super::{
    mailings::Mailing,
    schema::{attempts, deliveries, runs},
    PageRequest, Scope,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = runs)]
pub struct Run {
    pub id: Uuid,
    pub mailing_id: Uuid,
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub sent: i32,
    pub failed: i32,
    /// Deliveries the run started with.
    pub recipients: i32,
    /// `running`, `paused`, `waiting`, `cancelled`, `finished` or `skipped`.
    pub state: String,
    pub reason: Option<String>,
    pub waiting_until: Option<DateTime<Utc>>,
    pub window_closes_at: Option<DateTime<Utc>>,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub cancelled: i32,
}

/// How a new run starts: sending (inside its window until `window_closes_at`), or
/// waiting for its window to open.
#[derive(Debug, Clone, Copy)]
pub struct RunPlan {
    pub waiting_until: Option<DateTime<Utc>>,
    pub window_closes_at: Option<DateTime<Utc>>,
    pub scheduled_for: Option<DateTime<Utc>>,
}

/// Where paused runs park their pending deliveries: far past any real retry time, so the
/// lease's walk of `deliveries_pending_idx` in time order never reaches them (a paused
/// run of 200,000 must not slow everyone else's leases). A finite date, because
/// chrono cannot read `infinity`.
pub fn parked() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(253_402_214_400, 0).expect("9999-12-31 is in range")
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attempts)]
pub struct Attempt {
    pub id: Uuid,
    pub delivery_id: Option<Uuid>,
    pub run_id: Uuid,
    pub mailing_id: Uuid,
    pub owner_id: Uuid,
    pub client_id: Option<Uuid>,
    pub email: String,
    pub attempted_at: DateTime<Utc>,
    pub status: String,
    pub server_response: String,
}

/// Which recipients a new run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunRecipients {
    /// The mailing's recipients (or all the owner's clients), minus suppressed addresses.
    All,
    /// Those whose most recent delivery for this mailing failed: temporarily only, or
    /// permanent failures (5xx) too.
    LastFailed { include_permanent: bool },
}

/// Creates a run and its delivery rows in one statement each. Returns the run and the
/// number of deliveries; a run with none is finished at once.
pub fn create_run(
    conn: &mut PgConnection,
    m: &Mailing,
    trigger: &str,
    who: RunRecipients,
    plan: RunPlan,
) -> QueryResult<(Run, i64)> {
    let state = if plan.waiting_until.is_some() {
        "waiting"
    } else {
        "running"
    };
    let run: Run = diesel::insert_into(runs::table)
        .values((
            runs::id.eq(Uuid::new_v4()),
            runs::mailing_id.eq(m.id),
            runs::trigger.eq(trigger),
            runs::state.eq(state),
            runs::waiting_until.eq(plan.waiting_until),
            runs::window_closes_at.eq(plan.window_closes_at),
            runs::scheduled_for.eq(plan.scheduled_for),
        ))
        .returning(Run::as_returning())
        .get_result(conn)?;
    // Each source yields every client at most once (clients are unique per owner), with
    // whether the address is on the suppression list and whether the client row is
    // marked unsubscribed (a mark without a list entry only predates the list).
    let suppressed = "EXISTS (SELECT 1 FROM suppressions sup \
                      WHERE sup.owner_id = $3 AND lower(sup.email) = lower(c.email)) AS suppressed, \
                      c.unsubscribed_at IS NOT NULL AS unsubscribed";
    let source = match (who, m.all_clients) {
        (RunRecipients::All, true) => format!(
            "SELECT c.id, c.email, c.full_name, {suppressed} FROM clients c WHERE c.owner_id = $3"
        ),
        (RunRecipients::All, false) => format!(
            "SELECT c.id, c.email, c.full_name, {suppressed} FROM clients c \
             JOIN mailing_recipients r ON r.client_id = c.id AND r.mailing_id = $2 \
             WHERE c.owner_id = $3"
        ),
        (RunRecipients::LastFailed { include_permanent }, _) => {
            // A failure of unknown kind (none recorded) counts as temporary.
            let kind = if include_permanent {
                ""
            } else {
                "AND last.failure_kind IS DISTINCT FROM 'permanent'"
            };
            format!(
                "SELECT c.id, c.email, c.full_name, {suppressed} FROM clients c JOIN ( \
                    SELECT DISTINCT ON (lower(d.email)) d.client_id, d.status, d.failure_kind FROM deliveries d \
                    WHERE d.run_id IN (SELECT r.id FROM runs r WHERE r.mailing_id = $2) \
                      AND d.mailing_id = $2 AND d.status IN ('sent', 'failed') \
                    ORDER BY lower(d.email), d.updated_at DESC) last ON last.client_id = c.id \
                 WHERE last.status = 'failed' {kind} AND c.owner_id = $3"
            )
        }
    };
    // One pass over the recipients: the suppressed ones get a `skipped` delivery and an
    // attempt saying why (so the log tells why someone got nothing), the others a
    // pending delivery, due when the run's window opens (now, without a window).
    #[derive(QueryableByName)]
    struct Inserted {
        #[diesel(sql_type = BigInt)]
        pending: i64,
    }
    let inserted = diesel::sql_query(format!(
        "WITH ins AS ( \
            INSERT INTO deliveries (id, run_id, mailing_id, client_id, email, full_name, status, next_attempt_at) \
            SELECT gen_random_uuid(), $1, $2, s.id, s.email, s.full_name, \
                   CASE WHEN s.suppressed THEN 'skipped' ELSE 'pending' END, COALESCE($4, now()) \
            FROM ({source}) s WHERE s.suppressed OR NOT s.unsubscribed \
            RETURNING id, client_id, email, status), \
         logged AS ( \
            INSERT INTO attempts (id, delivery_id, run_id, mailing_id, owner_id, client_id, email, attempted_at, status, server_response) \
            SELECT gen_random_uuid(), k.id, $1, $2, $3, k.client_id, k.email, now(), 'skipped', \
              'not sent: the address is on the suppression list (' || \
              coalesce((SELECT sup.reason FROM suppressions sup WHERE sup.owner_id = $3 AND lower(sup.email) = lower(k.email) LIMIT 1), 'suppressed') || ')' \
            FROM ins k WHERE k.status = 'skipped') \
         SELECT count(*) FILTER (WHERE status = 'pending') AS pending FROM ins"
    ))
    .bind::<SqlUuid, _>(run.id)
    .bind::<SqlUuid, _>(m.id)
    .bind::<SqlUuid, _>(m.owner_id)
    .bind::<Nullable<Timestamptz>, _>(plan.waiting_until)
    .get_result::<Inserted>(conn)?
    .pending;
    let run = diesel::update(runs::table.find(run.id))
        .set(runs::recipients.eq(i32::try_from(inserted).unwrap_or(i32::MAX)))
        .returning(Run::as_returning())
        .get_result(conn)?;
    if inserted == 0 {
        let run = diesel::update(runs::table.find(run.id))
            .set((
                runs::finished_at.eq(Utc::now()),
                runs::state.eq("finished"),
                runs::waiting_until.eq(None::<DateTime<Utc>>),
            ))
            .returning(Run::as_returning())
            .get_result(conn)?;
        return Ok((run, 0));
    }
    Ok((run, inserted))
}

/// Whether any recipient's latest delivery for this mailing failed (temporarily, unless
/// `include_permanent`). Like the LastFailed run source, it reaches the mailing's
/// deliveries through its runs (indexed).
pub fn has_failed_recipients(
    conn: &mut PgConnection,
    mailing: Uuid,
    include_permanent: bool,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    let f: Found = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT ON (lower(email)) status, failure_kind FROM deliveries \
         WHERE run_id IN (SELECT r.id FROM runs r WHERE r.mailing_id = $1) \
           AND mailing_id = $1 AND status IN ('sent', 'failed') ORDER BY lower(email), updated_at DESC) l \
         WHERE l.status = 'failed' AND ($2 OR l.failure_kind IS DISTINCT FROM 'permanent')) AS found",
    )
    .bind::<SqlUuid, _>(mailing)
    .bind::<diesel::sql_types::Bool, _>(include_permanent)
    .get_result(conn)?;
    Ok(f.found)
}

pub fn runs_for(
    conn: &mut PgConnection,
    mailing: Uuid,
    page: PageRequest,
) -> QueryResult<(Vec<Run>, i64)> {
    let total = runs::table
        .filter(runs::mailing_id.eq(mailing))
        .count()
        .get_result(conn)?;
    let items = runs::table
        .filter(runs::mailing_id.eq(mailing))
        .order((runs::started_at.desc(), runs::id))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Run::as_select())
        .load(conn)?;
    Ok((items, total))
}

pub fn find_run(conn: &mut PgConnection, id: Uuid) -> QueryResult<Run> {
    runs::table.find(id).select(Run::as_select()).first(conn)
}

/// The newest run of each mailing.
pub fn last_runs(conn: &mut PgConnection, mailings: &[Uuid]) -> QueryResult<HashMap<Uuid, Run>> {
    let rows: Vec<Run> = runs::table
        .filter(runs::mailing_id.eq_any(mailings))
        .distinct_on(runs::mailing_id)
        .order((runs::mailing_id, runs::started_at.desc(), runs::id.desc()))
        .select(Run::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.mailing_id, r)).collect())
}

/// Deliveries still pending per run.
pub fn pending_counts(
    conn: &mut PgConnection,
    run_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, i64)> = deliveries::table
        .filter(deliveries::run_id.eq_any(run_ids))
        .filter(deliveries::status.eq("pending"))
        .group_by(deliveries::run_id)
        .select((deliveries::run_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

#[derive(Debug, Default, Clone)]
pub struct AttemptFilter {
    pub mailing_id: Option<Uuid>,
    pub status: Option<String>,
}

fn attempts_filtered(
    scope: Scope,
    f: &AttemptFilter,
) -> attempts::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = attempts::table.into_boxed();
    if let Some(owner) = scope.owner_filter() {
        q = q.filter(attempts::owner_id.eq(owner));
    }
    if let Some(m) = f.mailing_id {
        q = q.filter(attempts::mailing_id.eq(m));
    }
    if let Some(s) = &f.status {
        q = q.filter(attempts::status.eq(s.clone()));
    }
    q
}

pub fn attempts(
    conn: &mut PgConnection,
    scope: Scope,
    f: &AttemptFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Attempt>, i64)> {
    let total = attempts_filtered(scope, f).count().get_result(conn)?;
    let items = attempts_filtered(scope, f)
        .order((attempts::attempted_at.desc(), attempts::id))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Attempt::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// A delivery leased to one engine instance, with what it needs to send.
#[derive(Debug, Clone, QueryableByName)]
pub struct Leased {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub run_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub mailing_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub owner_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub message_id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub client_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub full_name: String,
    #[diesel(sql_type = Integer)]
    pub tries: i32,
    /// `None` when the client was deleted or has unsubscribed since the run began.
    #[diesel(sql_type = Nullable<Text>)]
    pub unsubscribe_token: Option<String>,
}

/// Leases up to `limit` due deliveries of enabled mailings whose owner is not blocked,
/// for `lease_secs` seconds. SKIP LOCKED lets concurrent instances take disjoint batches
/// without waiting. A row still leased is taken too when its holder has not heartbeaten
/// for `stale_secs` (it crashed, or restarted under another INSTANCE_ID): the lease
/// outlives its holder only by a few heartbeats, not by the whole lease.
///
/// A blocked owner's deliveries are not leased (their runs pause, and resume when the
/// owner is unblocked); like `enabled`, the test is a per-row lookup by primary key.
///
/// The cost is O(limit) whatever the table's size. A run's ledger is inserted just
/// before it is sent, so the planner usually has no statistics for those rows yet (it
/// believes few are pending) and, left to itself, would bitmap-scan and sort every
/// pending row per batch, or join the picked ids against a scan of the whole table.
/// So the pick walks `deliveries_pending_idx` in `next_attempt_at` order and stops at
/// the limit (the mailing's `enabled` flag is a per-row subquery, not a join), the
/// update finds the picked rows by primary key from an id array, and the mailing's
/// columns are per-row lookups: no join is left for the planner to get wrong. The
/// planner switches are local to this short transaction.
pub fn lease(
    conn: &mut PgConnection,
    instance: &str,
    limit: i64,
    lease_secs: i64,
    stale_secs: f64,
) -> QueryResult<Vec<Leased>> {
    conn.transaction(|conn| {
        conn.batch_execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; \
             SET LOCAL enable_sort = off",
        )?;
        diesel::sql_query(
            "WITH picked AS ( \
                SELECT d.id FROM deliveries d \
                WHERE d.status = 'pending' AND d.next_attempt_at <= now() \
                  AND (d.leased_until IS NULL OR d.leased_until < now() \
                       OR NOT EXISTS (SELECT 1 FROM engine_instances i WHERE i.id = d.leased_by \
                                      AND i.heartbeat_at > now() - make_interval(secs => $4))) \
                  AND (SELECT m.enabled AND u.blocked_at IS NULL FROM mailings m \
                       JOIN users u ON u.id = m.owner_id WHERE m.id = d.mailing_id) \
                  AND (SELECT r.state = 'running' AND (r.window_closes_at IS NULL OR r.window_closes_at > now()) \
                       FROM runs r WHERE r.id = d.run_id) \
                ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED) \
             UPDATE deliveries d SET leased_until = now() + make_interval(secs => $2), leased_by = $3 \
             WHERE d.id = ANY(ARRAY(SELECT id FROM picked)) \
             RETURNING d.id, d.run_id, d.mailing_id, \
               (SELECT m.owner_id FROM mailings m WHERE m.id = d.mailing_id) AS owner_id, \
               (SELECT m.message_id FROM mailings m WHERE m.id = d.mailing_id) AS message_id, \
               d.client_id, d.email, d.full_name, d.tries, \
               (SELECT c.unsubscribe_token FROM clients c WHERE c.id = d.client_id AND c.unsubscribed_at IS NULL) AS unsubscribe_token",
        )
        .bind::<BigInt, _>(limit)
        .bind::<diesel::sql_types::Double, _>(lease_secs as f64)
        .bind::<Text, _>(instance)
        .bind::<diesel::sql_types::Double, _>(stale_secs)
        .load(conn)
    })
}

/// Records that `instance` is alive now (see [`lease`]), and forgets instances silent
/// for a day (one-off CLI runs; their leases expired long ago).
pub fn heartbeat(conn: &mut PgConnection, instance: &str) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO engine_instances (id, heartbeat_at) VALUES ($1, now()) \
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
    )
    .bind::<Text, _>(instance)
    .execute(conn)?;
    diesel::sql_query("DELETE FROM engine_instances WHERE heartbeat_at < now() - interval '1 day'")
        .execute(conn)
        .map(|_| ())
}

/// Forgets `instance` (clean shutdown, after its leases were released).
pub fn forget_instance(conn: &mut PgConnection, instance: &str) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM engine_instances WHERE id = $1")
        .bind::<Text, _>(instance)
        .execute(conn)
        .map(|_| ())
}

/// Gives back this instance's leases (restart or shutdown): they become due at once.
pub fn release_leases(conn: &mut PgConnection, instance: &str) -> QueryResult<usize> {
    diesel::update(
        deliveries::table
            .filter(deliveries::leased_by.eq(instance))
            .filter(deliveries::status.eq("pending")),
    )
    .set((
        deliveries::leased_until.eq(None::<DateTime<Utc>>),
        deliveries::leased_by.eq(None::<String>),
    ))
    .execute(conn)
}

/// What happened to one leased delivery.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub delivery: Leased,
    /// `sent`, `failed`, `pending` (retry later) or `skipped`.
    pub status: &'static str,
    pub tries: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// The attempt to log (`success` or `failure`, and the reply); none for deferrals and skips.
    pub attempt: Option<(&'static str, String, DateTime<Utc>)>,
    /// For a final failure: `permanent` (5xx, or the email cannot be built) or
    /// `temporary` (4xx, timeouts, connection errors, until the tries ran out).
    pub failure_kind: Option<&'static str>,
}

/// Writes a batch of outcomes in one transaction: delivery rows, attempt rows, run
/// counters, then closes runs with nothing pending and finishes mailings that have no
/// next run and no open run; returns the mailings whose run closed. Only rows still
/// leased by `instance` are updated, so a
/// lease that expired and moved to another instance is not overwritten.
pub fn record(
    conn: &mut PgConnection,
    instance: &str,
    outcomes: &[Outcome],
) -> QueryResult<Vec<Uuid>> {
    if outcomes.is_empty() {
        return Ok(Vec::new());
    }
    conn.transaction(|conn| {
        let ids: Vec<Uuid> = outcomes.iter().map(|o| o.delivery.id).collect();
        let statuses: Vec<&str> = outcomes.iter().map(|o| o.status).collect();
        let tries: Vec<i32> = outcomes.iter().map(|o| o.tries).collect();
        let next: Vec<DateTime<Utc>> = outcomes.iter().map(|o| o.next_attempt_at).collect();
        let kinds: Vec<Option<&str>> = outcomes.iter().map(|o| o.failure_kind).collect();
        #[derive(QueryableByName)]
        struct Updated {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
        }
        // O(batch) whatever the table's size: the rows are found by primary key from the
        // id array and hashed against the per-row values. Left to itself, the planner
        // (usually without statistics on a run's fresh rows, so believing few rows are
        // pending) walks every pending row of `deliveries_pending_idx`, or nests a scan
        // of the table around the batch: O(pending) per batch, O(N^2) per run. Hence
        // the switches (local to this transaction, reset right after) and the status
        // test written so that it does not match that partial index's predicate.
        conn.batch_execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; \
             SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off",
        )?;
        let updated: Vec<Updated> = diesel::sql_query(
            "UPDATE deliveries d SET status = u.status, tries = u.tries, \
                next_attempt_at = CASE WHEN u.status = 'pending' THEN GREATEST(u.next_at, d.next_attempt_at) ELSE u.next_at END, \
                failure_kind = u.kind, leased_until = NULL, leased_by = NULL, updated_at = now() \
             FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $6::text[]) AS u(id, status, tries, next_at, kind) \
             WHERE d.id = ANY($1) AND d.id = u.id \
               AND d.status IS NOT DISTINCT FROM 'pending' AND d.leased_by = $5 \
             RETURNING d.id",
        )
        .bind::<Array<SqlUuid>, _>(&ids)
        .bind::<Array<Text>, _>(&statuses)
        .bind::<Array<Integer>, _>(&tries)
        .bind::<Array<Timestamptz>, _>(&next)
        .bind::<Text, _>(instance)
        .bind::<Array<Nullable<Text>>, _>(&kinds)
        .load(conn)?;
        conn.batch_execute(
            "RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_nestloop; RESET enable_mergejoin",
        )?;
        let kept: std::collections::HashSet<Uuid> = updated.into_iter().map(|u| u.id).collect();
        let logged: Vec<&Outcome> = outcomes.iter().filter(|o| kept.contains(&o.delivery.id) && o.attempt.is_some()).collect();
        if !logged.is_empty() {
            // Time-ordered ids keep the primary key's inserts at the right edge of the index.
            let a_ids: Vec<Uuid> = logged.iter().map(|_| Uuid::now_v7()).collect();
            let d_ids: Vec<Uuid> = logged.iter().map(|o| o.delivery.id).collect();
            let runs_: Vec<Uuid> = logged.iter().map(|o| o.delivery.run_id).collect();
            let mails: Vec<Uuid> = logged.iter().map(|o| o.delivery.mailing_id).collect();
            let owners: Vec<Uuid> = logged.iter().map(|o| o.delivery.owner_id).collect();
            let clients: Vec<Option<Uuid>> = logged.iter().map(|o| o.delivery.client_id).collect();
            let emails: Vec<&str> = logged.iter().map(|o| o.delivery.email.as_str()).collect();
            let at: Vec<DateTime<Utc>> = logged.iter().map(|o| o.attempt.as_ref().map(|a| a.2).unwrap_or_else(Utc::now)).collect();
            let st: Vec<&str> = logged.iter().map(|o| o.attempt.as_ref().map(|a| a.0).unwrap_or("failure")).collect();
            let resp: Vec<&str> = logged.iter().map(|o| o.attempt.as_ref().map(|a| a.1.as_str()).unwrap_or("")).collect();
            diesel::sql_query(
                "INSERT INTO attempts (id, delivery_id, run_id, mailing_id, owner_id, client_id, email, attempted_at, status, server_response) \
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], \
                                      $8::timestamptz[], $9::text[], $10::text[])",
            )
            .bind::<Array<SqlUuid>, _>(&a_ids)
            .bind::<Array<SqlUuid>, _>(&d_ids)
            .bind::<Array<SqlUuid>, _>(&runs_)
            .bind::<Array<SqlUuid>, _>(&mails)
            .bind::<Array<SqlUuid>, _>(&owners)
            .bind::<Array<Nullable<SqlUuid>>, _>(&clients)
            .bind::<Array<Text>, _>(&emails)
            .bind::<Array<Timestamptz>, _>(&at)
            .bind::<Array<Text>, _>(&st)
            .bind::<Array<Text>, _>(&resp)
            .execute(conn)?;
        }
        // Run counters count final outcomes only (a retry is not yet sent or failed).
        let mut per_run: HashMap<Uuid, (i32, i32)> = HashMap::new();
        for o in outcomes.iter().filter(|o| kept.contains(&o.delivery.id)) {
            let e = per_run.entry(o.delivery.run_id).or_default();
            match o.status {
                "sent" => e.0 += 1,
                "failed" => e.1 += 1,
                _ => {}
            }
        }
        let run_ids: Vec<Uuid> = per_run.keys().copied().collect();
        let sent: Vec<i32> = run_ids.iter().map(|r| per_run[r].0).collect();
        let failed: Vec<i32> = run_ids.iter().map(|r| per_run[r].1).collect();
        diesel::sql_query(
            "UPDATE runs r SET sent = r.sent + c.sent, failed = r.failed + c.failed \
             FROM unnest($1::uuid[], $2::int[], $3::int[]) AS c(id, sent, failed) WHERE r.id = c.id",
        )
        .bind::<Array<SqlUuid>, _>(&run_ids)
        .bind::<Array<Integer>, _>(&sent)
        .bind::<Array<Integer>, _>(&failed)
        .execute(conn)?;
        finish_runs(conn, &run_ids)
    })
}

/// Closes runs with no pending delivery, then finishes their mailings when no next run
/// is scheduled and no run is open. Returns the mailings whose run closed.
pub fn finish_runs(conn: &mut PgConnection, run_ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let closed: Vec<Id> = diesel::sql_query(
        "UPDATE runs r SET finished_at = now(), waiting_until = NULL, window_closes_at = NULL, \
            state = CASE WHEN r.state = 'cancelled' THEN 'cancelled' ELSE 'finished' END \
         WHERE r.id = ANY($1) AND r.finished_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = r.id AND d.status = 'pending') \
         RETURNING r.mailing_id AS id",
    )
    .bind::<Array<SqlUuid>, _>(run_ids)
    .load(conn)?;
    let mailings: Vec<Uuid> = closed.into_iter().map(|c| c.id).collect();
    finish_mailings(conn, &mailings)?;
    Ok(mailings)
}

pub fn finish_mailings(conn: &mut PgConnection, mailing_ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    if mailing_ids.is_empty() {
        return Ok(Vec::new());
    }
    let done: Vec<Id> = diesel::sql_query(
        "UPDATE mailings m SET status = 'finished', updated_at = now() \
         WHERE m.id = ANY($1) AND m.status <> 'finished' AND m.next_run_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.mailing_id = m.id AND r.finished_at IS NULL) \
         RETURNING m.id",
    )
    .bind::<Array<SqlUuid>, _>(mailing_ids)
    .load(conn)?;
    Ok(done.into_iter().map(|d| d.id).collect())
}

/// Number of deliveries waiting (for metrics and the CLI's progress).
pub fn run_progress(conn: &mut PgConnection, run: Uuid) -> QueryResult<(i64, i64, i64)> {
    let rows: Vec<(String, i64)> = deliveries::table
        .filter(deliveries::run_id.eq(run))
        .group_by(deliveries::status)
        .select((deliveries::status, diesel::dsl::count_star()))
        .load(conn)?;
    let get = |s: &str| rows.iter().find(|r| r.0 == s).map(|r| r.1).unwrap_or(0);
    Ok((
        get("pending"),
        get("sent"),
        get("failed") + get("skipped") + get("cancelled"),
    ))
}

/// A run's state, window fields and mailing, for [`run_hold`].
type RunHoldRow = (
    String,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    super::mailings::Mailing,
);

/// Whether a run may send now (`None`: `running` and inside its send window, the
/// lease's test), else until when its deliveries wait: a paused run's are parked, a
/// waiting run's wait for the opening, as do a running run's whose window has just
/// closed (the scheduler is about to mark it waiting). A run that is gone holds nothing.
pub fn run_hold(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<DateTime<Utc>>> {
    use super::schema::mailings;
    let row: Option<RunHoldRow> = runs::table
        .inner_join(mailings::table)
        .filter(runs::id.eq(id))
        .select((
            runs::state,
            runs::waiting_until,
            runs::window_closes_at,
            super::mailings::Mailing::as_select(),
        ))
        .first(conn)
        .optional()?;
    let now = Utc::now();
    let soon = now + chrono::Duration::seconds(5);
    Ok(match row {
        None => None,
        Some((state, waiting_until, closes, m)) => match state.as_str() {
            "running" if closes.is_none_or(|c| c > now) => None,
            "running" => match m.window().and_then(|w| w.state_at(m.zone(), now)) {
                Some(crate::domain::WindowState::Closed { opens_at }) => Some(opens_at),
                _ => Some(soon),
            },
            "paused" => Some(parked()),
            "waiting" => Some(waiting_until.unwrap_or(soon)),
            // Cancelled or over: the scheduler's pass cancels what comes back pending.
            _ => Some(now),
        },
    })
}

/// Locks a run for a state change.
pub fn lock_run(conn: &mut PgConnection, id: Uuid) -> QueryResult<Run> {
    runs::table
        .find(id)
        .for_update()
        .select(Run::as_select())
        .first(conn)
}

/// Sets a run's state and its window fields.
pub fn set_run_state(
    conn: &mut PgConnection,
    id: Uuid,
    state: &str,
    reason: Option<&str>,
    waiting_until: Option<DateTime<Utc>>,
    window_closes_at: Option<DateTime<Utc>>,
) -> QueryResult<Run> {
    diesel::update(runs::table.find(id))
        .set((
            runs::state.eq(state),
            runs::reason.eq(reason),
            runs::waiting_until.eq(waiting_until),
            runs::window_closes_at.eq(window_closes_at),
        ))
        .returning(Run::as_returning())
        .get_result(conn)
}

/// Moves a run's pending deliveries that are not on the wire to `until` at the earliest
/// (a closed window's opening, or [`parked`] for a pause). Leased ones are left alone:
/// the recorder holds their locks (waiting for them here would deadlock against it), and
/// the engine, which checks the run before each send, puts back those it has not sent
/// with the run's own hold time (see [`run_hold`]).
pub fn hold_deliveries(
    conn: &mut PgConnection,
    run: Uuid,
    until: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE deliveries SET next_attempt_at = GREATEST(next_attempt_at, $2) \
         WHERE run_id = $1 AND status = 'pending' AND next_attempt_at < $2 \
           AND (leased_until IS NULL OR leased_until < now())",
    )
    .bind::<SqlUuid, _>(run)
    .bind::<Timestamptz, _>(until)
    .execute(conn)
}

/// Makes a run's held deliveries due at `at` (a resume, or a window that opened):
/// every pending one later than `at`, parked ones included. A delivery waiting for its
/// retry past `at` is retried at `at`, a little early, which is harmless.
pub fn release_held(conn: &mut PgConnection, run: Uuid, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE deliveries SET next_attempt_at = $2 \
         WHERE run_id = $1 AND status = 'pending' AND next_attempt_at > $2",
    )
    .bind::<SqlUuid, _>(run)
    .bind::<Timestamptz, _>(at)
    .execute(conn)
}

/// Cancels a run's pending deliveries that are not on the wire (kept, counted, never
/// sent) and adds them to the run's `cancelled` count. Those on the wire are recorded as
/// they end; a later pass cancels any that come back pending.
pub fn cancel_pending(conn: &mut PgConnection, run: Uuid) -> QueryResult<usize> {
    let n = diesel::sql_query(
        "UPDATE deliveries SET status = 'cancelled', updated_at = now(), leased_until = NULL, leased_by = NULL \
         WHERE run_id = $1 AND status = 'pending' AND (leased_until IS NULL OR leased_until < now())",
    )
    .bind::<SqlUuid, _>(run)
    .execute(conn)?;
    if n > 0 {
        diesel::update(runs::table.find(run))
            .set(runs::cancelled.eq(runs::cancelled + i32::try_from(n).unwrap_or(i32::MAX)))
            .execute(conn)?;
    }
    Ok(n)
}

/// Open runs the scheduler must look at now: waiting ones whose window opens, running
/// ones whose window closes, and cancelled ones still closing. Locked, skipping rows
/// another instance holds.
pub fn runs_to_advance(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Run>> {
    runs::table
        .filter(runs::finished_at.is_null())
        .filter(
            runs::state
                .eq("waiting")
                .and(runs::waiting_until.le(now))
                .or(runs::state
                    .eq("running")
                    .and(runs::window_closes_at.le(now)))
                .or(runs::state.eq("cancelled")),
        )
        .order(runs::started_at)
        .limit(limit)
        .for_update()
        .skip_locked()
        .select(Run::as_select())
        .load(conn)
}

/// The open runs in one of `states` of an owner's mailings, locked.
pub fn open_runs_of_owner(
    conn: &mut PgConnection,
    owner: Uuid,
    states: &[&str],
) -> QueryResult<Vec<Uuid>> {
    use super::schema::mailings;
    runs::table
        .filter(runs::finished_at.is_null())
        .filter(runs::state.eq_any(states))
        .filter(
            runs::mailing_id.eq_any(
                mailings::table
                    .filter(mailings::owner_id.eq(owner))
                    .select(mailings::id),
            ),
        )
        .order(runs::id)
        .for_update()
        .select(runs::id)
        .load(conn)
}

/// Asks the scheduler to look at a mailing's open runs again (its window changed).
pub fn recheck_windows(
    conn: &mut PgConnection,
    mailing: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE runs SET \
            waiting_until = CASE WHEN state = 'waiting' THEN LEAST(waiting_until, $2) ELSE waiting_until END, \
            window_closes_at = CASE WHEN state = 'running' THEN $2 ELSE window_closes_at END \
         WHERE mailing_id = $1 AND finished_at IS NULL AND state IN ('running', 'waiting')",
    )
    .bind::<SqlUuid, _>(mailing)
    .bind::<Timestamptz, _>(now)
    .execute(conn)
}

/// Records an occurrence that was not sent (late policy): a finished run with no
/// deliveries, `state: skipped` and the reason.
pub fn insert_skipped_run(
    conn: &mut PgConnection,
    mailing: Uuid,
    scheduled_for: DateTime<Utc>,
    reason: &str,
) -> QueryResult<Run> {
    let now = Utc::now();
    diesel::insert_into(runs::table)
        .values((
            runs::id.eq(Uuid::new_v4()),
            runs::mailing_id.eq(mailing),
            runs::trigger.eq("schedule"),
            runs::state.eq("skipped"),
            runs::reason.eq(reason),
            runs::scheduled_for.eq(scheduled_for),
            runs::started_at.eq(now),
            runs::finished_at.eq(now),
        ))
        .returning(Run::as_returning())
        .get_result(conn)
}
