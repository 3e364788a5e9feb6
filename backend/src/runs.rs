//! Control of runs: pause, resume and cancel (API and CLI), and the scheduler's pass that
//! moves open runs through their mailing's send window and closes cancelled ones.
//!
//! A run's state lives in its row, and the lease (`db::deliveries::lease`) takes a
//! delivery only while its run is `running` and inside its window, so every instance
//! obeys a change at its next lease. Deliveries already leased (on the wire, at most one
//! lease of sending) finish as they are. Held deliveries are also moved out of the
//! lease's way (`hold_deliveries`): a paused run of 200,000 must not make every other
//! owner's lease walk past its rows.

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use herald_api_types::{self as api, RunState};
use uuid::Uuid;

use crate::{
    auth::{extract::Access, AuthUser},
    cache,
    db::{self, deliveries::Run},
    domain::Permission,
    mailings::{plan_run, run_view, MailingError},
    state::AppState,
};

/// What a user (or the CLI) asks of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAction {
    Pause,
    Resume,
    Cancel,
}

impl RunAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RunAction::Pause => "pause",
            RunAction::Resume => "resume",
            RunAction::Cancel => "cancel",
        }
    }
}

fn state_of(run: &Run) -> RunState {
    run.state.parse().unwrap_or(RunState::Running)
}

/// Applies `action` to run `id` (no permission check: callers do that). Repeating the
/// current state is a no-op; any action on a finished, cancelled or skipped run is
/// refused.
pub fn apply(
    conn: &mut PgConnection,
    id: Uuid,
    action: RunAction,
    now: DateTime<Utc>,
) -> Result<Run, MailingError> {
    conn.transaction(|conn| {
        let run = db::deliveries::lock_run(conn, id)?;
        let state = state_of(&run);
        if state.is_over() {
            return Err(MailingError::RunOver(state.as_str()));
        }
        let run = match (action, state) {
            (RunAction::Pause, RunState::Paused)
            | (RunAction::Resume, RunState::Running | RunState::Waiting | RunState::Queued) => run,
            (RunAction::Pause, _) => {
                let run =
                    db::deliveries::set_run_state(conn, id, "paused", Some("by_user"), None, None)?;
                db::deliveries::hold_deliveries(conn, id, db::deliveries::parked())?;
                run
            }
            (RunAction::Resume, _) => {
                let m = db::mailings::find(conn, db::Scope::All(None), run.mailing_id)?;
                // Unblocking resumes it; until then it could not send anyway.
                if db::mailings::owner_blocked(conn, &m)? {
                    return Err(MailingError::Conflict("the owner is blocked".into()));
                }
                resume(conn, &m, id, now)?
            }
            (RunAction::Cancel, _) => {
                db::deliveries::set_run_state(conn, id, "cancelled", Some("by_user"), None, None)?;
                db::deliveries::cancel_pending(conn, id)?;
                db::deliveries::finish_runs(conn, &[id])?;
                db::deliveries::find_run(conn, id)?
            }
        };
        tracing::info!(run = %id, action = action.as_str(), state = %run.state, "run control");
        Ok(run)
    })
}

/// Running again: inside its window (or with none) at once, else waiting for it.
fn resume(
    conn: &mut PgConnection,
    m: &db::mailings::Mailing,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Run, MailingError> {
    let plan = plan_run(m, now, None);
    let run = match plan.waiting_until {
        Some(opens) => {
            let run = db::deliveries::set_run_state(conn, id, "waiting", None, Some(opens), None)?;
            db::deliveries::release_held(conn, id, opens)?;
            run
        }
        None => {
            let run = db::deliveries::set_run_state(
                conn,
                id,
                "running",
                None,
                None,
                plan.window_closes_at,
            )?;
            db::deliveries::release_held(conn, id, now)?;
            run
        }
    };
    Ok(run)
}

/// `POST /runs/{id}/{pause|resume|cancel}`: the mailing's owner, or anyone with
/// `mailings.disable` who can see it; others get 404 (or 403 if they may only look).
pub async fn control(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    action: RunAction,
) -> Result<api::Run, MailingError> {
    let caller = caller.clone();
    let (run, pending, owner) = db::run_blocking(&state.db, move |conn| {
        let run = db::deliveries::find_run(conn, id)?;
        let owner = db::mailings::owner_of(conn, run.mailing_id)?;
        let access = caller.access(owner, Permission::MailingsViewAll);
        let may_act =
            access == Access::Owner || (owner.is_some() && caller.has(Permission::MailingsDisable));
        if !may_act {
            return Err(match access {
                Access::Invisible => MailingError::NotFound,
                _ => MailingError::Forbidden(format!(
                    "only the owner (or someone with mailings.disable) may {} this run",
                    action.as_str()
                )),
            });
        }
        let run = apply(conn, id, action, Utc::now())?;
        let pending = db::deliveries::pending_counts(conn, &[id])?
            .get(&id)
            .copied()
            .unwrap_or(0);
        Ok((run, pending, owner))
    })
    .await?;
    if action == RunAction::Resume {
        state.engine_wakeup.notify_one();
    }
    if let Some(owner) = owner {
        cache::invalidate_stats(state, owner).await;
    }
    Ok(run_view(run, pending))
}

/// Blocking an owner pauses their open runs (reason `owner_blocked`); the lease already
/// skips a blocked owner's deliveries, this makes the runs say so and moves their
/// deliveries out of everyone else's leases. Returns how many runs were paused.
pub fn pause_for_blocked_owner(
    conn: &mut PgConnection,
    owner: Uuid,
) -> Result<usize, MailingError> {
    let ids = db::deliveries::open_runs_of_owner(conn, owner, &["running", "waiting"])?;
    for id in &ids {
        db::deliveries::set_run_state(conn, *id, "paused", Some("owner_blocked"), None, None)?;
        db::deliveries::hold_deliveries(conn, *id, db::deliveries::parked())?;
    }
    Ok(ids.len())
}

/// Unblocking resumes the runs that blocking paused (not those paused by hand).
pub fn resume_for_unblocked_owner(
    conn: &mut PgConnection,
    owner: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, MailingError> {
    let ids = db::deliveries::open_runs_of_owner(conn, owner, &["paused"])?;
    let mut resumed = 0;
    for id in ids {
        let run = db::deliveries::lock_run(conn, id)?;
        if run.reason.as_deref() != Some("owner_blocked") {
            continue;
        }
        let m = db::mailings::find(conn, db::Scope::All(None), run.mailing_id)?;
        resume(conn, &m, id, now)?;
        resumed += 1;
    }
    Ok(resumed)
}

/// The scheduler's pass over open runs whose window opened or closed, and cancelled ones
/// whose last deliveries came back from the wire. Returns how many runs it moved.
pub fn advance(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<usize, MailingError> {
    const CHUNK: i64 = 50;
    let mut moved = 0;
    loop {
        let n = conn.transaction(|conn| {
            let runs = db::deliveries::runs_to_advance(conn, now, CHUNK)?;
            for run in &runs {
                match state_of(run) {
                    RunState::Cancelled => {
                        db::deliveries::cancel_pending(conn, run.id)?;
                        db::deliveries::finish_runs(conn, &[run.id])?;
                    }
                    _ => {
                        let m = db::mailings::find(conn, db::Scope::All(None), run.mailing_id)?;
                        let plan = plan_run(&m, now, None);
                        match plan.waiting_until {
                            Some(opens) => {
                                db::deliveries::set_run_state(conn, run.id, "waiting", None, Some(opens), None)?;
                                db::deliveries::hold_deliveries(conn, run.id, opens)?;
                                tracing::info!(run = %run.id, until = %opens, "send window closed; run waits");
                            }
                            None => {
                                db::deliveries::set_run_state(conn, run.id, "running", None, None, plan.window_closes_at)?;
                                db::deliveries::release_held(conn, run.id, now)?;
                                tracing::info!(run = %run.id, closes = ?plan.window_closes_at, "send window open; run sends");
                            }
                        }
                    }
                }
            }
            Ok::<_, MailingError>(runs.len())
        })?;
        moved += n;
        if (n as i64) < CHUNK {
            return Ok(moved);
        }
    }
}
