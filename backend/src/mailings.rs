//! Mailing workflows: create and reschedule, send now, retry the failed, send a test,
//! enable and disable, and the scheduler's pass over due mailings. The rules of
//! SPEC.md's "Mailing logic" live here and in `domain::schedule`; SQL lives in
//! `db::mailings` and `db::deliveries`; HTTP lives in `routes::mailings`.

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use herald_api_types as api;
use uuid::Uuid;

use crate::{
    auth::{extract::Access, AuthUser},
    cache,
    db::{
        self,
        deliveries::{Run, RunPlan, RunRecipients},
        mailings::{Mailing, MailingChanges, NewMailing},
        DbError,
    },
    domain::{
        schedule::{self, LatePolicy},
        template::MessageTemplate,
        MailingStatus, Periodicity, Permission, SendWindow, WindowState, Zone,
    },
    error::FieldErrors,
    state::AppState,
};

#[derive(Debug, thiserror::Error)]
pub enum MailingError {
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// A run that is finished, cancelled or skipped takes no more actions.
    #[error("the run is {0}")]
    RunOver(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for MailingError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => MailingError::NotFound,
            other => MailingError::Db(DbError::Query(other)),
        }
    }
}

fn check(access: Access, what: &str) -> Result<(), MailingError> {
    match access {
        Access::Owner => Ok(()),
        Access::ReadOnly => Err(MailingError::Forbidden(format!(
            "only the owner may {what} this mailing"
        ))),
        Access::Invisible => Err(MailingError::NotFound),
    }
}

/// The validated form of `MailingInput`.
struct ValidMailing {
    name: String,
    message_id: Uuid,
    client_ids: Option<Vec<Uuid>>,
    all_clients: bool,
    start_at: DateTime<Utc>,
    end_at: Option<DateTime<Utc>>,
    periodicity: Periodicity,
    /// None: the owner's profile zone.
    zone: Option<Zone>,
    window: Option<SendWindow>,
    late: LatePolicy,
}

impl ValidMailing {
    fn window_columns(&self) -> (Option<i16>, Option<i16>, Option<i16>) {
        match self.window {
            Some(w) => (Some(w.days.into()), Some(w.from as i16), Some(w.to as i16)),
            None => (None, None, None),
        }
    }

    fn late_columns(&self) -> (bool, Option<i32>) {
        match self.late {
            LatePolicy::CatchUp => (true, None),
            LatePolicy::SkipLaterThan(d) => (false, Some(d.num_seconds() as i32)),
        }
    }
}

/// The most an occurrence may be late under a skip policy: a year.
const MAX_LATE_SECS: i64 = 31_536_000;

fn parse_input(input: api::MailingInput, now: DateTime<Utc>) -> Result<ValidMailing, MailingError> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.add("name", "must be 1 to 200 characters");
    } else if let Err(e) = herald_api_types::text::single_line(&name) {
        errors.add_coded(
            "name",
            "control_character",
            e.message.map(|m| m.to_string()).unwrap_or_default(),
        );
    }
    let periodicity = errors.check("periodicity", input.periodicity.parse::<Periodicity>());
    match (&input.client_ids, input.all_clients) {
        (Some(_), true) => errors.add("client_ids", "give client_ids or all_clients, not both"),
        (None, false) => errors.add(
            "client_ids",
            "choose recipients: client_ids, or all_clients: true",
        ),
        (Some(ids), false) if ids.is_empty() => {
            errors.add("client_ids", "must name at least one recipient")
        }
        (Some(ids), false) if ids.len() > 1_000_000 => {
            errors.add("client_ids", "at most 1,000,000 recipients")
        }
        _ => {}
    }
    if let Some(end) = input.end_at {
        if end <= input.start_at {
            errors.add("end_at", "must be after start_at");
        } else if end <= now {
            errors.add("end_at", "must be in the future");
        }
    }
    let zone = match input.time_zone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => errors.check_coded("time_zone", name.parse::<Zone>()),
    };
    let window = match &input.send_window {
        None => None,
        Some(w) => match SendWindow::parse(w) {
            Ok(w) => Some(w),
            Err((field, e)) => {
                errors.add_coded(
                    format!("send_window.{field}"),
                    "invalid_send_window",
                    e.to_string(),
                );
                None
            }
        },
    };
    let late = match &input.late_policy {
        None => LatePolicy::CatchUp,
        Some(p) if p.catch_up => LatePolicy::CatchUp,
        Some(p) => match p.max_late_secs {
            Some(secs) if (1..=MAX_LATE_SECS).contains(&secs) => {
                LatePolicy::SkipLaterThan(chrono::Duration::seconds(secs))
            }
            _ => {
                errors.add(
                    "late_policy.max_late_secs",
                    "is required without catch_up, from 1 to 31536000 seconds",
                );
                LatePolicy::CatchUp
            }
        },
    };
    if !errors.is_empty() {
        return Err(MailingError::Invalid(errors));
    }
    let mut client_ids = input.client_ids;
    if let Some(ids) = client_ids.as_mut() {
        ids.sort();
        ids.dedup();
    }
    Ok(ValidMailing {
        name,
        message_id: input.message_id,
        client_ids,
        all_clients: input.all_clients,
        start_at: input.start_at,
        end_at: input.end_at,
        periodicity: periodicity.expect("checked above"),
        zone,
        window,
        late,
    })
}

/// How a run of `m` starting at `now` begins: inside its send window (until it
/// closes), or waiting for it to open.
pub fn plan_run(m: &Mailing, now: DateTime<Utc>, scheduled_for: Option<DateTime<Utc>>) -> RunPlan {
    let state = m.window().and_then(|w| w.state_at(m.zone(), now));
    RunPlan {
        waiting_until: match state {
            Some(WindowState::Closed { opens_at }) => Some(opens_at),
            _ => None,
        },
        window_closes_at: match state {
            Some(WindowState::Open { closes_at }) => Some(closes_at),
            _ => None,
        },
        scheduled_for,
    }
}

/// Foreign or unknown message and client ids are input errors (422), and say nothing
/// about whether the ids exist for someone else.
fn check_references(
    conn: &mut PgConnection,
    owner: Uuid,
    v: &ValidMailing,
) -> Result<(), MailingError> {
    let mut errors = FieldErrors::new();
    if db::messages::owner_of(conn, v.message_id)? != Some(owner) {
        errors.add("message_id", "is not one of your messages");
    }
    if let Some(ids) = &v.client_ids {
        if db::mailings::count_owned_clients(conn, owner, ids)? != ids.len() as i64 {
            errors.add("client_ids", "every recipient must be one of your clients");
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(MailingError::Invalid(errors))
    }
}

/// Starts the scheduled run of a due mailing and moves its schedule on. The caller
/// holds the mailing's row lock, so no other instance can do the same at once.
pub fn start_scheduled_run(
    conn: &mut PgConnection,
    m: &Mailing,
    now: DateTime<Utc>,
) -> Result<Run, MailingError> {
    let periodicity: Periodicity = m
        .periodicity
        .parse()
        .map_err(|_| MailingError::Conflict("corrupt periodicity".into()))?;
    let due = m.next_run_at.unwrap_or(now);
    let next = schedule::next_after(m.start_at, periodicity, m.zone(), m.end_at, now);
    if m.late_policy().skips(due, now) {
        // Too late to be worth sending: one skipped run stands for the whole stretch of
        // missed occurrences, and the schedule moves on.
        let run = db::deliveries::insert_skipped_run(conn, m.id, due, "late")?;
        let status = if m.status == MailingStatus::Created.as_str() && next.is_some() {
            MailingStatus::Created
        } else {
            MailingStatus::Running
        };
        db::mailings::set_schedule(conn, m.id, status.as_str(), next)?;
        db::deliveries::finish_mailings(conn, &[m.id])?;
        tracing::info!(mailing = %m.id, run = %run.id, late_secs = (now - due).num_seconds(), next_run = ?next, "late occurrence skipped");
        return Ok(run);
    }
    let (run, n) = db::deliveries::create_run(
        conn,
        m,
        "schedule",
        RunRecipients::All,
        plan_run(m, now, Some(due)),
    )?;
    db::mailings::set_schedule(conn, m.id, MailingStatus::Running.as_str(), next)?;
    if n == 0 {
        db::deliveries::finish_mailings(conn, &[m.id])?;
    }
    tracing::info!(mailing = %m.id, run = %run.id, deliveries = n, next_run = ?next, waiting_until = ?run.waiting_until, "scheduled run started");
    Ok(run)
}

/// The first run of a mailing whose start the user just set to now or the past: sent
/// whatever the late policy (the send window still applies).
fn start_asked_run(
    conn: &mut PgConnection,
    m: &Mailing,
    now: DateTime<Utc>,
) -> Result<Run, MailingError> {
    let catch_up = Mailing {
        catch_up: true,
        max_late_secs: None,
        ..m.clone()
    };
    start_scheduled_run(conn, &catch_up, now)
}

/// One scheduler pass: claims every due mailing (in chunks, each a transaction with
/// SKIP LOCKED) and starts its run (late ones may be skipped by their late policy).
/// Returns the owners of the runs started.
pub fn start_due_runs(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, MailingError> {
    const CHUNK: i64 = 50;
    let mut started = Vec::new();
    loop {
        let claimed = conn.transaction(|conn| {
            let due = db::mailings::claim_due(conn, now, CHUNK)?;
            let mut runs = Vec::with_capacity(due.len());
            for m in &due {
                start_scheduled_run(conn, m, now)?;
                runs.push(m.owner_id);
            }
            Ok::<_, MailingError>((due.len() as i64, runs))
        })?;
        started.extend(claimed.1);
        if claimed.0 < CHUNK {
            return Ok(started);
        }
    }
}

/// The API view of a mailing.
pub fn view(
    conn: &mut PgConnection,
    rows: Vec<Mailing>,
) -> Result<Vec<api::Mailing>, MailingError> {
    let counts = db::mailings::recipient_counts(conn, &rows)?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let last = db::deliveries::last_runs(conn, &ids)?;
    let run_ids: Vec<Uuid> = last.values().map(|r| r.id).collect();
    let pending = db::deliveries::pending_counts(conn, &run_ids)?;
    Ok(rows
        .into_iter()
        .map(|m| api::Mailing {
            send_window: m.window().map(SendWindow::to_api),
            late_policy: match m.late_policy() {
                LatePolicy::CatchUp => api::LatePolicy::default(),
                LatePolicy::SkipLaterThan(d) => api::LatePolicy {
                    catch_up: false,
                    max_late_secs: Some(d.num_seconds()),
                },
            },
            recipients_count: counts.get(&m.id).copied().unwrap_or(0),
            last_run: last
                .get(&m.id)
                .map(|r| run_view(r.clone(), pending.get(&r.id).copied().unwrap_or(0))),
            id: m.id,
            owner_id: m.owner_id,
            name: m.name,
            message_id: m.message_id,
            all_clients: m.all_clients,
            start_at: m.start_at,
            end_at: m.end_at,
            periodicity: m.periodicity,
            status: m.status,
            enabled: m.enabled,
            disabled_by: m.disabled_by,
            disabled_at: m.disabled_at,
            disabled_reason: m.disabled_reason,
            next_run_at: m.next_run_at,
            time_zone: m.time_zone,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
        .collect())
}

pub fn run_view(r: Run, pending: i64) -> api::Run {
    let mut state = r.state.parse().unwrap_or(api::RunState::Running);
    if state == api::RunState::Running && r.sent == 0 && r.failed == 0 && r.cancelled == 0 {
        state = api::RunState::Queued;
    }
    api::Run {
        cancelled: r.cancelled.into(),
        state,
        reason: r.reason,
        waiting_until: r.waiting_until,
        scheduled_for: r.scheduled_for,
        id: r.id,
        mailing_id: r.mailing_id,
        trigger: r.trigger,
        started_at: r.started_at,
        finished_at: r.finished_at,
        sent: r.sent.into(),
        failed: r.failed.into(),
        pending,
        recipients: r.recipients.into(),
    }
}

fn view_one(conn: &mut PgConnection, m: Mailing) -> Result<api::Mailing, MailingError> {
    Ok(view(conn, vec![m])?.remove(0))
}

pub async fn create(
    state: &AppState,
    caller: &AuthUser,
    input: api::MailingInput,
) -> Result<api::Mailing, MailingError> {
    let now = Utc::now();
    let v = parse_input(input, now)?;
    let owner = caller.id;
    let created = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            check_references(conn, owner, &v)?;
            let zone = match v.zone {
                Some(z) => z,
                None => db::users::time_zone(conn, owner)?
                    .parse()
                    .unwrap_or_default(),
            };
            let (window_days, window_from, window_to) = v.window_columns();
            let (catch_up, max_late_secs) = v.late_columns();
            let next = schedule::first_run(v.start_at, v.end_at);
            let m = db::mailings::insert(
                conn,
                &NewMailing {
                    id: Uuid::new_v4(),
                    owner_id: owner,
                    name: &v.name,
                    message_id: v.message_id,
                    all_clients: v.all_clients,
                    start_at: v.start_at,
                    end_at: v.end_at,
                    periodicity: v.periodicity.as_str(),
                    status: MailingStatus::Created.as_str(),
                    next_run_at: next,
                    time_zone: zone.name(),
                    window_days,
                    window_from,
                    window_to,
                    catch_up,
                    max_late_secs,
                },
            )?;
            if let Some(ids) = &v.client_ids {
                db::mailings::set_recipients(conn, m.id, ids)?;
            }
            // Due already: the first run starts now, in this transaction (the late
            // policy is for occurrences the scheduler finds late, not for a start the
            // user just asked for).
            let m = if next.is_some_and(|t| t <= now) {
                start_asked_run(conn, &m, now)?;
                db::mailings::find(conn, db::Scope::Owner(owner), m.id)?
            } else {
                m
            };
            view_one(conn, m)
        })
    })
    .await?;
    state.engine_wakeup.notify_one();
    cache::invalidate_stats(state, created.owner_id).await;
    Ok(created)
}

/// Replaces a mailing's message, recipients and schedule. A new start time that is
/// already due starts a run at once (as on creation); an unchanged start does not.
pub async fn update(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    input: api::MailingInput,
) -> Result<api::Mailing, MailingError> {
    let now = Utc::now();
    let v = parse_input(input, now)?;
    let caller = caller.clone();
    let updated = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            check(
                caller.access(
                    db::mailings::owner_of(conn, id)?,
                    Permission::MailingsViewAll,
                ),
                "change",
            )?;
            let old = db::mailings::lock(conn, id)?;
            check_references(conn, caller.id, &v)?;
            // PUT replaces the mailing, but a zone left out keeps the one it has.
            let zone = v.zone.unwrap_or_else(|| old.zone());
            let (window_days, window_from, window_to) = v.window_columns();
            let (catch_up, max_late_secs) = v.late_columns();
            let start_moved = old.start_at != v.start_at;
            let next = if old.status == MailingStatus::Created.as_str() || start_moved {
                schedule::first_run(v.start_at, v.end_at)
            } else {
                schedule::next_after(v.start_at, v.periodicity, zone, v.end_at, now)
            };
            let has_runs = old.status != MailingStatus::Created.as_str();
            let status = match (has_runs, next) {
                (false, _) => MailingStatus::Created,
                (true, Some(_)) => MailingStatus::Running,
                (true, None) if old.status == MailingStatus::Finished.as_str() => {
                    MailingStatus::Finished
                }
                (true, None) => MailingStatus::Running,
            };
            let m = db::mailings::update(
                conn,
                id,
                &MailingChanges {
                    name: &v.name,
                    message_id: v.message_id,
                    all_clients: v.all_clients,
                    start_at: v.start_at,
                    end_at: v.end_at,
                    periodicity: v.periodicity.as_str(),
                    status: status.as_str(),
                    next_run_at: next,
                    updated_at: now,
                    time_zone: zone.name(),
                    window_days,
                    window_from,
                    window_to,
                    catch_up,
                    max_late_secs,
                },
            )?;
            match &v.client_ids {
                Some(ids) => db::mailings::set_recipients(conn, id, ids)?,
                None => db::mailings::set_recipients(conn, id, &[])?,
            }
            // A new window or zone applies to the runs already open, at the scheduler's
            // next pass (until then the lease holds them, as at a closing).
            if (window_days, window_from, window_to)
                != (old.window_days, old.window_from, old.window_to)
                || zone != old.zone()
            {
                db::deliveries::recheck_windows(conn, id, now)?;
            }
            if start_moved && m.enabled && next.is_some_and(|t| t <= now) {
                start_asked_run(conn, &m, now)?;
            } else if next.is_none() {
                db::deliveries::finish_mailings(conn, &[id])?;
            }
            let m = db::mailings::find(conn, db::Scope::Owner(caller.id), id)?;
            view_one(conn, m)
        })
    })
    .await?;
    state.engine_wakeup.notify_one();
    cache::invalidate_stats(state, updated.owner_id).await;
    Ok(updated)
}

pub async fn delete(state: &AppState, caller: &AuthUser, id: Uuid) -> Result<(), MailingError> {
    let c = caller.clone();
    db::run_blocking(&state.db, move |conn| {
        check(
            c.access(
                db::mailings::owner_of(conn, id)?,
                Permission::MailingsViewAll,
            ),
            "delete",
        )?;
        db::mailings::delete(conn, c.id, id).map_err(MailingError::from)
    })
    .await?;
    cache::invalidate_stats(state, caller.id).await;
    Ok(())
}

/// Starts a manual run at once (API "send now", CLI). Does not move the schedule.
pub async fn send_now(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    trigger: &'static str,
    who: RunRecipients,
) -> Result<Uuid, MailingError> {
    let owner = caller.id;
    let caller = caller.clone();
    let run = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            check(
                caller.access(
                    db::mailings::owner_of(conn, id)?,
                    Permission::MailingsViewAll,
                ),
                "send",
            )?;
            let m = db::mailings::lock(conn, id)?;
            start_manual_run(conn, &m, trigger, who)
        })
    })
    .await?;
    state.engine_wakeup.notify_one();
    cache::invalidate_stats(state, owner).await;
    Ok(run)
}

/// The rules of a manual run, for callers that already hold the row lock.
pub fn start_manual_run(
    conn: &mut PgConnection,
    m: &Mailing,
    trigger: &str,
    who: RunRecipients,
) -> Result<Uuid, MailingError> {
    if !m.enabled {
        return Err(MailingError::Conflict("the mailing is disabled".into()));
    }
    // A finished mailing sends nothing new, but its failures may still be retried: the
    // common case is a `once` mailing whose only run had failures.
    let retry = match who {
        RunRecipients::LastFailed { include_permanent } => Some(include_permanent),
        RunRecipients::All => None,
    };
    if m.status == MailingStatus::Finished.as_str() && retry.is_none() {
        return Err(MailingError::Conflict("the mailing is finished".into()));
    }
    if db::mailings::owner_blocked(conn, m)? {
        return Err(MailingError::Conflict("the owner is blocked".into()));
    }
    if let Some(include_permanent) = retry {
        if !db::deliveries::has_failed_recipients(conn, m.id, include_permanent)? {
            return Err(MailingError::Conflict(if include_permanent {
                "no recipient's last delivery failed".into()
            } else {
                "no recipient's last delivery failed temporarily (permanent failures are retried only with include_permanent=true)".into()
            }));
        }
    }
    let (run, n) =
        db::deliveries::create_run(conn, m, trigger, who, plan_run(m, Utc::now(), None))?;
    if m.status == MailingStatus::Created.as_str() {
        db::mailings::set_schedule(conn, m.id, MailingStatus::Running.as_str(), m.next_run_at)?;
    }
    if n == 0 {
        db::deliveries::finish_mailings(conn, &[m.id])?;
    }
    tracing::info!(mailing = %m.id, run = %run.id, deliveries = n, trigger, "manual run started");
    Ok(run.id)
}

/// Disable or enable: the owner, or anyone with `mailings.disable` who can see it.
/// Disabling records who, when and why (`reason`); a finished mailing has nothing left
/// to disable (409). When someone other than the owner disables it, the owner is
/// emailed the reason.
pub async fn set_enabled(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    enabled: bool,
    reason: Option<String>,
) -> Result<api::Mailing, MailingError> {
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if let Some(r) = &reason {
        if r.contains('\0') || r.chars().count() > 500 {
            let mut e = FieldErrors::new();
            e.add(
                "reason",
                "must be at most 500 characters, without NUL characters",
            );
            return Err(MailingError::Invalid(e));
        }
    }
    let caller = caller.clone();
    let (m, notify) = db::run_blocking(&state.db, move |conn| {
        let owner = db::mailings::owner_of(conn, id)?;
        let visible = caller.access(owner, Permission::MailingsViewAll) != Access::Invisible
            || (owner.is_some() && caller.has(Permission::MailingsDisable));
        if !visible {
            return Err(MailingError::NotFound);
        }
        if owner != Some(caller.id) && !caller.has(Permission::MailingsDisable) {
            return Err(MailingError::Forbidden(
                "requires the mailings.disable permission".into(),
            ));
        }
        conn.transaction(|conn| {
            let current = db::mailings::lock(conn, id)?;
            if !enabled && current.status == MailingStatus::Finished.as_str() {
                return Err(MailingError::Conflict("the mailing is finished".into()));
            }
            if current.enabled == enabled {
                // Nothing changes: keep who disabled it and why.
                return Ok((view_one(conn, current)?, None));
            }
            let m = db::mailings::set_enabled(conn, id, enabled, caller.id, reason.as_deref())?;
            tracing::info!(mailing = %id, by = %caller.id, enabled, "mailing enabled flag changed");
            let notify = if !enabled && m.owner_id != caller.id {
                let (owner, _) = db::users::find_with_role(conn, m.owner_id)?;
                let subject = db::messages::find(conn, db::Scope::All(None), m.message_id)
                    .map(|msg| msg.subject)
                    .unwrap_or_default();
                Some((owner, subject))
            } else {
                None
            };
            Ok((view_one(conn, m)?, notify))
        })
    })
    .await?;
    if let Some((owner, subject)) = notify {
        notify_disabled(state, &owner, &subject, &m);
    }
    if enabled {
        state.engine_wakeup.notify_one();
    }
    cache::invalidate_stats(state, m.owner_id).await;
    Ok(m)
}

/// Emails the owner that a manager disabled their mailing (fire and forget: the
/// change is made; a lost email is logged).
fn notify_disabled(state: &AppState, owner: &db::users::User, subject: &str, m: &api::Mailing) {
    let link = format!("{}/mailings/{}", state.settings.public_url, m.id);
    let email = crate::mail::templates::mailing_disabled(
        &owner.full_name,
        subject,
        m.disabled_reason.as_deref(),
        &link,
    );
    // A name from before names were checked may hold a line break: never in a header.
    let name: String = owner
        .full_name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let Ok(address) = owner.email.parse() else {
        tracing::warn!(user = %owner.id, "stored email address does not parse; email not sent");
        return;
    };
    let to = lettre::message::Mailbox::new((!name.trim().is_empty()).then_some(name), address);
    match crate::mail::build_message(
        state.mailer.from_mailbox(),
        to,
        &email.subject,
        email.text,
        Some(email.html),
    ) {
        Ok(message) => state
            .mailer
            .send_in_background(message, "mailing disabled notice"),
        Err(e) => tracing::error!(error = %e, "cannot build the mailing-disabled email"),
    }
}

/// Sends the message, rendered for the mailing's first recipient, to the caller only.
pub async fn send_test(state: &AppState, caller: &AuthUser, id: Uuid) -> Result<(), MailingError> {
    let c = caller.clone();
    let (message, first) = db::run_blocking(&state.db, move |conn| {
        check(
            c.access(
                db::mailings::owner_of(conn, id)?,
                Permission::MailingsViewAll,
            ),
            "test",
        )?;
        let m = db::mailings::find(conn, db::Scope::Owner(c.id), id)?;
        let message = db::messages::find(conn, db::Scope::Owner(c.id), m.message_id)?;
        let (first, _) =
            db::mailings::recipients(conn, &m, None, db::PageRequest::new(Some(1), Some(1)))?;
        Ok::<_, MailingError>((message, first.into_iter().next()))
    })
    .await?;
    let (name, email) = first
        .map(|c| (c.full_name, c.email))
        .unwrap_or_else(|| ("Test Recipient".into(), caller.email.clone()));
    let from = state.mailer.from_mailbox().clone();
    let public_url = state.settings.public_url.clone();
    let max_output = state.settings.mail.template_max_output;
    let me = caller.email.clone();
    // Compiling and rendering are CPU work bounded by fuel and the output cap: off the
    // async executor, like every other blocking step of a request.
    let msg = tokio::task::spawn_blocking(move || {
        let template = MessageTemplate::compile(
            &message.subject,
            &message.body,
            message.html_body.as_deref(),
        )
        .map_err(|(field, e)| {
            MailingError::Conflict(format!("the message's {field} does not compile: {e}"))
        })?
        .with_max_output(max_output);
        let to = crate::delivery::compose::Recipient {
            delivery_id: Uuid::new_v4(),
            email: &me,
            full_name: "",
            // `/u/test` is a page saying the email was a test (nobody to unsubscribe).
            unsubscribe_token: "test",
            return_path: None,
        };
        crate::delivery::compose::compose_as(&template, &from, &public_url, &to, (&name, &email))
            .map_err(|e| MailingError::Conflict(e.to_string()))
    })
    .await
    .map_err(|e| MailingError::from(db::DbError::Join(e.to_string())))??;
    state.mailer.send_in_background(msg, "mailing test");
    Ok(())
}
