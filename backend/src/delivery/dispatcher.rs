//! Leases due deliveries, sends them, records what happened.
//!
//! The loop is pipelined: while one batch is being sent, the next lease is already
//! running and the outcomes are being written, so the database round trips overlap the
//! SMTP work instead of adding to it. No transaction is ever open during a send: leasing
//! commits before the first byte goes out, and recording is a short transaction after.
//!
//! Outcomes are recorded as they happen, not per batch: each finished send goes to the
//! recorder ([`Dispatcher::recorder`]), which commits whatever has arrived at least every
//! MAIL_RECORD_FLUSH_MS, one flush at a time (so closing a run never races another flush
//! of this instance). A crash (kill -9) therefore re-sends at most the emails on the wire
//! plus those completed within the last flush interval, each with its original
//! Message-ID: their rows stay leased, and the lease is taken back once this instance has
//! missed a few heartbeats (or at once when it restarts under the same INSTANCE_ID).
//! Rows recorded as sent are never leased again.
//!
//! One email's failure stays that email's: an error or even a panic while composing,
//! rendering or sending it fails that delivery, with the reason in its attempt, and the
//! dispatcher carries on (see [`contained`]).

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use futures_util::{stream, FutureExt, StreamExt};
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};
use tracing::Instrument;
use uuid::Uuid;

use super::{
    breaker::{Admission, CircuitBreaker},
    compose::{self, Recipient},
    rate::SendRate,
    retry,
};
use crate::{
    cache,
    db::{
        self,
        deliveries::{Leased, Outcome},
        schema::messages,
        DbError,
    },
    domain::template::MessageTemplate,
    mail::MailError,
    metrics,
    state::AppState,
};

/// How long a lease lasts if its holder dies without releasing it.
const LEASE_SECS: i64 = 15 * 60;
/// During a long run, an owner's cached statistics are refreshed at most this often;
/// a run that closes refreshes them at once.
const STATS_NUDGE: Duration = Duration::from_secs(5);
/// Under a rate limit, a batch holds about this much sending (see [`lease_size`]).
const RATE_LIMITED_BATCH_SECS: i64 = 2;
/// How often to look for due work when nothing wakes us (retries come due by time).
const IDLE_POLL: Duration = Duration::from_millis(500);

type Templates = HashMap<Uuid, Arc<MessageTemplate>>;
/// Compiled templates by message id, with the `updated_at` they were compiled from.
type TemplateCache = HashMap<Uuid, (DateTime<Utc>, Arc<MessageTemplate>)>;
/// id, subject, body, html_body, updated_at.
type MessageRow = (Uuid, String, String, Option<String>, DateTime<Utc>);
/// A leased batch and the templates it needs.
type Ready = (Vec<Leased>, Templates);
/// When a run's state was last asked, and until when it holds its deliveries (none: it
/// may send).
type RunGate = (tokio::time::Instant, Option<DateTime<Utc>>);
/// Outcomes on their way to the recorder.
type OutcomeTx = mpsc::UnboundedSender<Outcome>;

pub struct Dispatcher {
    state: AppState,
    instance: String,
    pub breaker: Arc<CircuitBreaker>,
    rate: SendRate,
    batch: i64,
    /// Compiled templates by message id, valid while the message's updated_at matches.
    cache: Mutex<TemplateCache>,
    /// Set at shutdown: sends not yet begun are handed back instead of started.
    stopping: AtomicBool,
    /// When each owner's cached statistics were last refreshed by this dispatcher.
    stats_nudged: Mutex<HashMap<Uuid, std::time::Instant>>,
    /// When each outcome handed to the recorder and not yet committed was handed over,
    /// oldest first (the recorder commits in that order). See [`Self::hold_for_recorder`].
    unrecorded: Mutex<std::collections::VecDeque<tokio::time::Instant>>,
    /// Signalled after every flush.
    flushed: tokio::sync::Notify,
    /// Whether the runs being sent are still `running` (see [`Self::run_hold`]).
    gate: tokio::sync::Mutex<HashMap<Uuid, RunGate>>,
    /// VERP return paths, when BOUNCE_DOMAIN is set.
    verp: Option<crate::domain::verp::Verp>,
}

/// How stale the dispatcher's knowledge of a run's state may be: a pause, a cancel or a
/// closing send window stops this instance's sends within about this long, even for
/// deliveries it has already leased (a lease holds up to a few seconds of sending).
const RUN_STATE_TTL: Duration = Duration::from_millis(250);

/// Result of one send, before it becomes an [`Outcome`].
enum SendResult {
    Sent(String),
    Failed(MailError),
    /// The breaker is open or we are shutting down: put back untouched.
    Deferred,
    /// Nobody to send to any more (client deleted or unsubscribed since the run began).
    Skipped,
    /// Its run was paused, cancelled or left its send window after the lease: put back
    /// untouched, due at this time (the run's own hold).
    Held(DateTime<Utc>),
}

/// How many deliveries one lease takes: `MAIL_BATCH_SIZE`, but under a rate limit no more
/// than about [`RATE_LIMITED_BATCH_SECS`] of sending. This keeps a lease, and the one
/// prefetched behind it, far inside `LEASE_SECS` even when several instances share one
/// slow budget: 500 at 1/s would outlive its lease and be sent twice.
fn lease_size(batch_size: usize, rate_per_sec: u32) -> i64 {
    let batch = i64::try_from(batch_size).unwrap_or(i64::MAX).max(1);
    if rate_per_sec == 0 {
        batch
    } else {
        batch.min(i64::from(rate_per_sec) * RATE_LIMITED_BATCH_SECS)
    }
}

impl Dispatcher {
    pub fn new(state: AppState, instance: String) -> Arc<Self> {
        let mail = &state.settings.mail;
        let verp = mail
            .bounce_domain
            .as_deref()
            .map(|d| crate::domain::verp::Verp::new(d, state.settings.jwt_secret_bytes()));
        Arc::new(Dispatcher {
            breaker: Arc::new(CircuitBreaker::new(
                mail.breaker_threshold,
                mail.breaker_cooldown,
            )),
            rate: SendRate::new(mail.rate_per_sec, &state.cache),
            stopping: AtomicBool::new(false),
            stats_nudged: Mutex::new(HashMap::new()),
            batch: lease_size(mail.batch_size, mail.rate_per_sec),
            instance,
            state,
            cache: Mutex::new(HashMap::new()),
            unrecorded: Mutex::new(std::collections::VecDeque::new()),
            flushed: tokio::sync::Notify::new(),
            gate: tokio::sync::Mutex::new(HashMap::new()),
            verp,
        })
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Shutdown begins: sends already on the wire finish (bounded by the SMTP timeout)
    /// and are recorded; the rest of the batch is put back as pending, untouched.
    pub fn begin_shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    async fn lease(&self, limit: i64) -> Result<Vec<Leased>, DbError> {
        let instance = self.instance.clone();
        let stale = self.stale_after().as_secs_f64();
        db::run_blocking(&self.state.db, move |conn| {
            db::deliveries::lease(conn, &instance, limit, LEASE_SECS, stale).map_err(DbError::from)
        })
        .await
    }

    /// How long an instance may stay silent before its leases are taken back.
    fn stale_after(&self) -> Duration {
        self.state.settings.mail.heartbeat * crate::config::HEARTBEATS_BEFORE_TAKEOVER
    }

    /// Records that this instance is alive (see `db::deliveries::lease`).
    pub async fn heartbeat(&self) -> Result<(), DbError> {
        let instance = self.instance.clone();
        db::run_blocking(&self.state.db, move |conn| {
            db::deliveries::heartbeat(conn, &instance).map_err(DbError::from)
        })
        .await
    }

    /// Heartbeats every INSTANCE_HEARTBEAT_SECS until `stop` flips.
    pub async fn keep_alive(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let every = self.state.settings.mail.heartbeat;
        loop {
            if let Err(e) = self.heartbeat().await {
                tracing::warn!(error = %e, "cannot record the engine heartbeat");
            }
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }

    /// Forgets this instance's heartbeat (clean shutdown, after releasing its leases).
    pub async fn forget(&self) -> Result<(), DbError> {
        let instance = self.instance.clone();
        db::run_blocking(&self.state.db, move |conn| {
            db::deliveries::forget_instance(conn, &instance).map_err(DbError::from)
        })
        .await
    }

    /// The recorder: receives each outcome as its send completes and commits what has
    /// arrived at least every MAIL_RECORD_FLUSH_MS, one flush at a time. Returns once the
    /// senders are gone and everything received is committed, with the first flush error
    /// if any (every error is logged as it happens; the rows stay leased and go again).
    async fn recorder(
        &self,
        mut outcomes: mpsc::UnboundedReceiver<Outcome>,
    ) -> Result<(), DbError> {
        let every = self.state.settings.mail.record_flush;
        let mut last_flush = tokio::time::Instant::now();
        let mut first_error = None;
        loop {
            let Some(first) = outcomes.recv().await else {
                return first_error.map_or(Ok(()), Err);
            };
            let mut batch = vec![first];
            let mut open = true;
            // Gather until one interval has passed since the last flush began; outcomes
            // that arrived during that flush are already waiting and go in this one.
            let deadline = last_flush + every;
            while open {
                tokio::select! {
                    o = outcomes.recv() => match o {
                        Some(o) => batch.push(o),
                        None => open = false,
                    },
                    _ = tokio::time::sleep_until(deadline) => break,
                }
            }
            while let Ok(o) = outcomes.try_recv() {
                batch.push(o);
            }
            last_flush = tokio::time::Instant::now();
            let n = batch.len();
            if let Err(e) = self.record(batch).await {
                tracing::error!(error = %e, "cannot record delivery outcomes; leases will expire and be retried");
                first_error.get_or_insert(e);
            }
            // Done with, committed or not (a failed commit leaves the rows leased).
            {
                let mut unrecorded = self.unrecorded.lock().unwrap_or_else(|p| p.into_inner());
                let n = n.min(unrecorded.len());
                unrecorded.drain(..n);
            }
            self.flushed.notify_waiters();
            if !open {
                return first_error.map_or(Ok(()), Err);
            }
        }
    }

    /// A lease and the templates its rows need, in one step: the prefetch does both while
    /// the previous batch is on the wire, so the next batch starts sending at once.
    async fn lease_ready(&self, limit: i64) -> Result<Ready, DbError> {
        let leased = self.lease(limit).await?;
        if leased.is_empty() {
            return Ok((leased, Templates::new()));
        }
        match self.templates(&leased).await {
            Ok(t) => Ok((leased, t)),
            Err(e) => {
                tracing::warn!(error = %e, "cannot load message templates; leases will expire and be retried");
                Err(e)
            }
        }
    }

    async fn record(&self, outcomes: Vec<Outcome>) -> Result<(), DbError> {
        let instance = self.instance.clone();
        let sent = outcomes.iter().filter(|o| o.status == "sent").count();
        let failed = outcomes.iter().filter(|o| o.status == "failed").count();
        let mut owners: HashMap<Uuid, Uuid> = HashMap::new();
        let mut moved = std::collections::HashSet::new();
        for o in &outcomes {
            owners.insert(o.delivery.mailing_id, o.delivery.owner_id);
            if matches!(o.status, "sent" | "failed") {
                moved.insert(o.delivery.owner_id);
            }
        }
        let closed = db::run_blocking(&self.state.db, move |conn| {
            db::deliveries::record(conn, &instance, &outcomes).map_err(DbError::from)
        })
        .await?;
        (0..sent).for_each(|_| metrics::email_sent());
        (0..failed).for_each(|_| metrics::email_failed());
        // Statistics change with every email; their cache is refreshed when a run closes,
        // and during a long run every STATS_NUDGE at most (not per batch: recomputing the
        // figures costs far more than recording a batch).
        let mut closing = std::collections::HashSet::new();
        for mailing in closed {
            tracing::info!(mailing = %mailing, "run finished");
            closing.extend(owners.get(&mailing).copied());
        }
        let due: Vec<Uuid> = {
            let mut last = self
                .stats_nudged
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = std::time::Instant::now();
            let due: Vec<Uuid> = moved
                .union(&closing)
                .copied()
                .filter(|owner| {
                    closing.contains(owner)
                        || last
                            .get(owner)
                            .is_none_or(|at| now.duration_since(*at) >= STATS_NUDGE)
                })
                .collect();
            for owner in &due {
                last.insert(*owner, now);
            }
            due
        };
        for owner in due {
            cache::invalidate_stats(&self.state, owner).await;
        }
        Ok(())
    }

    /// Compiles (or reuses) the templates of the messages this batch needs.
    async fn templates(&self, leased: &[Leased]) -> Result<Templates, DbError> {
        let mut ids: Vec<Uuid> = leased.iter().map(|d| d.message_id).collect();
        ids.sort();
        ids.dedup();
        let rows: Vec<MessageRow> = db::run_blocking(&self.state.db, move |conn| {
            messages::table
                .filter(messages::id.eq_any(&ids))
                .select((
                    messages::id,
                    messages::subject,
                    messages::body,
                    messages::html_body,
                    messages::updated_at,
                ))
                .load(conn)
                .map_err(DbError::from)
        })
        .await?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 1_000 {
            cache.clear();
        }
        let mut out = Templates::new();
        for (id, subject, body, html, updated) in rows {
            let fresh = cache
                .get(&id)
                .filter(|(at, _)| *at == updated)
                .map(|(_, t)| t.clone());
            let template = match fresh {
                Some(t) => t,
                None => match MessageTemplate::compile(&subject, &body, html.as_deref()) {
                    Ok(t) => {
                        let t = Arc::new(
                            t.with_max_output(self.state.settings.mail.template_max_output),
                        );
                        cache.insert(id, (updated, t.clone()));
                        t
                    }
                    // Saved messages are validated; a broken one fails its deliveries below.
                    Err((field, e)) => {
                        tracing::error!(message = %id, field, error = %e, "message template does not compile");
                        continue;
                    }
                },
            };
            out.insert(id, template);
        }
        Ok(out)
    }

    async fn send_one(&self, d: &Leased, templates: &Templates, probe: bool) -> SendResult {
        if self.stopping() {
            return SendResult::Deferred;
        }
        self.hold_for_recorder().await;
        if self.stopping() {
            return SendResult::Deferred;
        }
        // Asked before waiting for the rate limit (a held run's deliveries should not use
        // up the budget) and again right before the send (see below).
        if let Some(until) = self.run_hold(d.run_id).await {
            return SendResult::Held(until);
        }
        let Some(token) = d.unsubscribe_token.as_deref() else {
            return SendResult::Skipped;
        };
        let Some(template) = templates.get(&d.message_id) else {
            return SendResult::Failed(MailError::Permanent(
                "the message template does not compile".into(),
            ));
        };
        if !probe {
            match self.breaker.admit() {
                Admission::Go => {}
                Admission::Probe => {
                    // We were handed the probe slot mid-batch: use it for this send.
                }
                Admission::Wait(_) => return SendResult::Deferred,
            }
        }
        let recipient = Recipient {
            delivery_id: d.id,
            email: &d.email,
            full_name: &d.full_name,
            unsubscribe_token: token,
            return_path: self.verp.as_ref().map(|v| v.address(d.id)),
        };
        let message = match compose::compose(
            template,
            self.state.mailer.from_mailbox(),
            &self.state.settings.public_url,
            &recipient,
        ) {
            Ok(m) => m,
            Err(e) => return SendResult::Failed(MailError::Permanent(e.to_string())),
        };
        self.rate.acquire().await;
        if self.stopping() {
            return SendResult::Deferred;
        }
        // Asked again right before the send (a send may wait for the rate limit): paused,
        // cancelled or outside its window since it was leased means put back untouched
        // (the lease does not take it again while the run is held).
        if let Some(until) = self.run_hold(d.run_id).await {
            return SendResult::Held(until);
        }
        let result = self.state.mailer.send(message).await;
        match &result {
            Err(MailError::Connection(_)) => self.breaker.on_connection_failure(),
            _ => self.breaker.on_success(),
        }
        match result {
            Ok(reply) => SendResult::Sent(reply),
            Err(e) => SendResult::Failed(e),
        }
    }

    /// `None` while run `id` may still send (`running` and inside its window), else
    /// until when its deliveries wait. Asked of the database at most every
    /// [`RUN_STATE_TTL`] per run (one query for all the sends of a run in that time); if
    /// the database cannot say, the lease's answer stands.
    async fn run_hold(&self, id: Uuid) -> Option<DateTime<Utc>> {
        let mut gate = self.gate.lock().await;
        let now = tokio::time::Instant::now();
        if let Some((at, open)) = gate.get(&id) {
            if now.duration_since(*at) < RUN_STATE_TTL {
                return *open;
            }
        }
        let hold = db::run_blocking(&self.state.db, move |conn| {
            db::deliveries::run_hold(conn, id).map_err(DbError::from)
        })
        .await
        .unwrap_or(None);
        if gate.len() > 10_000 {
            gate.clear();
        }
        gate.insert(id, (now, hold));
        hold
    }

    fn outcome(&self, d: Leased, result: SendResult) -> Outcome {
        let now = Utc::now();
        let max = self.state.settings.mail.max_tries.max(1) as i32;
        let tries = d.tries + 1;
        let mut failure_kind = None;
        let (status, tries, next, attempt) = match result {
            SendResult::Sent(reply) => ("sent", tries, now, Some(("success", reply, now))),
            SendResult::Failed(MailError::Permanent(why)) => {
                failure_kind = Some("permanent");
                ("failed", tries, now, Some(("failure", why, now)))
            }
            SendResult::Failed(e) if tries >= max => {
                failure_kind = Some("temporary");
                (
                    "failed",
                    tries,
                    now,
                    Some(("failure", format!("{e} (gave up after {tries} tries)"), now)),
                )
            }
            SendResult::Failed(e) => {
                let wait = retry::backoff(self.state.settings.mail.retry_backoff, tries as u32);
                let next =
                    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                let note = format!(
                    "{e} (try {tries} of {max}; next in {:.0} s)",
                    wait.as_secs_f64()
                );
                ("pending", tries, next, Some(("failure", note, now)))
            }
            SendResult::Deferred => ("pending", d.tries, now, None),
            SendResult::Held(until) => ("pending", d.tries, until, None),
            SendResult::Skipped => ("skipped", d.tries, now, None),
        };
        Outcome {
            delivery: d,
            status,
            tries,
            next_attempt_at: next,
            attempt,
            failure_kind,
        }
    }

    /// Sends a leased batch, handing each outcome to the recorder as soon as it is known.
    async fn send_batch(
        &self,
        leased: Vec<Leased>,
        templates: &Templates,
        probe: bool,
        recorder: &OutcomeTx,
    ) {
        let concurrency = self.state.settings.mail.concurrency.max(1);
        stream::iter(leased)
            .map(|d| {
                // Log lines about this send name its run, mailing and delivery.
                let run = tracing::info_span!("run", run = %d.run_id, mailing = %d.mailing_id);
                let span = tracing::info_span!(parent: &run, "send", delivery = %d.id);
                async move {
                    let r = contained(self.send_one(&d, templates, probe)).await;
                    if let SendResult::Failed(e) = &r {
                        tracing::debug!(error = %e, "send failed");
                    }
                    self.outcome(d, r)
                }
                .instrument(span)
            })
            .buffer_unordered(concurrency)
            .for_each(|outcome| {
                self.hand_over(recorder, outcome);
                std::future::ready(())
            })
            .await
    }

    /// Gives one outcome to the recorder, noting when (see [`Self::hold_for_recorder`]).
    fn hand_over(&self, recorder: &OutcomeTx, outcome: Outcome) {
        self.unrecorded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(tokio::time::Instant::now());
        // The receiver lives until every sender is gone (see `run`, `dispatch_once`).
        let _ = recorder.send(outcome);
    }

    /// Waits, before a new send starts, while the oldest outcome not yet committed is
    /// older than two flush intervals. When the database is slow (a flush takes longer
    /// than the interval), sending slows down with it instead of piling up sent but
    /// unrecorded emails, which a crash would send twice: those stay within about two
    /// intervals of sending plus what is on the wire.
    async fn hold_for_recorder(&self) {
        let every = self.state.settings.mail.record_flush;
        loop {
            let oldest = self
                .unrecorded
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .front()
                .copied();
            match oldest {
                Some(at) if at.elapsed() > every * 2 => {
                    // Bounded wait: a flush that ends between the check and here is not
                    // missed for longer than one interval.
                    let _ = tokio::time::timeout(every, self.flushed.notified()).await;
                }
                _ => return,
            }
        }
    }

    /// Hands rows leased but not sent back as pending (breaker open, shutting down).
    fn defer_all(&self, rows: Vec<Leased>, recorder: &OutcomeTx) {
        for d in rows {
            self.hand_over(recorder, self.outcome(d, SendResult::Deferred));
        }
    }

    /// One lease-send-record cycle. Returns how many deliveries it handled (0: none due,
    /// or the breaker holds dispatch).
    pub async fn dispatch_once(&self) -> Result<usize, DbError> {
        let (limit, probe) = match self.breaker.admit() {
            Admission::Go => (self.batch, false),
            Admission::Probe => (1, true),
            Admission::Wait(_) => return Ok(0),
        };
        // Without the long-running loop (CLI, `send-due`) no heartbeat task runs: prove
        // liveness per batch, or other instances would take these leases back at once.
        self.heartbeat().await?;
        let (leased, templates) = self.lease_ready(limit).await?;
        if leased.is_empty() {
            if probe {
                self.breaker.abandon_probe();
            }
            return Ok(0);
        }
        let n = leased.len();
        let (tx, rx) = mpsc::unbounded_channel();
        let send = async move {
            self.send_batch(leased, &templates, probe, &tx).await;
        };
        let ((), recorded) = tokio::join!(send, self.recorder(rx));
        recorded?;
        Ok(n)
    }

    /// Sends until nothing is due right now (one `send-due` pass, the CLI, tests).
    pub async fn drain(&self) -> Result<usize, DbError> {
        let mut total = 0;
        loop {
            let n = self.dispatch_once().await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// Gives back this instance's leases (at start, after a crash, and at shutdown).
    pub async fn release_leases(&self) -> Result<usize, DbError> {
        let instance = self.instance.clone();
        db::run_blocking(&self.state.db, move |conn| {
            db::deliveries::release_leases(conn, &instance).map_err(DbError::from)
        })
        .await
    }

    /// The long-running loop: pipelined lease -> send -> record until `stop` flips;
    /// then everything received is recorded before the leases are released.
    pub async fn run(self: Arc<Self>, stop: watch::Receiver<bool>) {
        // A restart after a panic: what the dead recorder held is gone with it.
        self.unrecorded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        let (tx, rx) = mpsc::unbounded_channel();
        let sending = Arc::clone(&self).send_loop(stop, tx);
        // Flush errors are logged by the recorder; the loop carries on regardless.
        let ((), _) = tokio::join!(sending, self.recorder(rx));
        match self.release_leases().await {
            Ok(n) if n > 0 => tracing::info!(released = n, "released delivery leases"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not release leases; they expire by themselves")
            }
        }
    }

    async fn send_loop(self: Arc<Self>, mut stop: watch::Receiver<bool>, recorder: OutcomeTx) {
        let wakeup = self.state.engine_wakeup.clone();
        let mut prefetched: Option<JoinHandle<Result<Ready, DbError>>> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            let admission = self.breaker.admit();
            metrics::set_smtp_circuit_open(!matches!(admission, Admission::Go));
            let (leased, probe) = match (admission, prefetched.take()) {
                (Admission::Wait(d), pre) => {
                    if let Some(pre) = pre {
                        // Leased while the breaker was still closed: hand those back via
                        // the deferral path below rather than sitting on them.
                        if let Ok(Ok((rows, _))) = pre.await {
                            self.defer_all(rows, &recorder);
                        }
                    }
                    Self::idle(&mut stop, &wakeup, d.min(IDLE_POLL * 4)).await;
                    continue;
                }
                (Admission::Probe, pre) => {
                    if let Some(pre) = pre {
                        pre.abort();
                    }
                    (self.lease_ready(1).await, true)
                }
                (Admission::Go, Some(pre)) => (
                    pre.await
                        .unwrap_or_else(|e| Err(DbError::Join(e.to_string()))),
                    false,
                ),
                (Admission::Go, None) => (self.lease_ready(self.batch).await, false),
            };
            let (leased, templates) = match leased {
                Ok(ready) => ready,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot lease deliveries; retrying shortly");
                    Self::idle(&mut stop, &wakeup, IDLE_POLL * 4).await;
                    continue;
                }
            };
            if leased.is_empty() {
                if probe {
                    self.breaker.abandon_probe();
                }
                Self::idle(&mut stop, &wakeup, IDLE_POLL).await;
                continue;
            }
            if !probe && leased.len() as i64 == self.batch {
                // More is probably waiting: lease it while this batch is on the wire.
                let me = self.clone();
                prefetched = Some(tokio::spawn(async move { me.lease_ready(me.batch).await }));
            }
            self.send_batch(leased, &templates, probe, &recorder).await;
        }
        if let Some(pre) = prefetched.take() {
            if let Ok(Ok((rows, _))) = pre.await {
                self.defer_all(rows, &recorder);
            }
        }
    }

    async fn idle(stop: &mut watch::Receiver<bool>, wakeup: &tokio::sync::Notify, wait: Duration) {
        tokio::select! {
            _ = stop.changed() => {}
            _ = wakeup.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Runs one delivery's work so that a panic in it (a bug, a library tripping over odd
/// data) fails that delivery with the panic's message instead of unwinding through the
/// dispatcher and stopping every owner's mail.
async fn contained(work: impl std::future::Future<Output = SendResult>) -> SendResult {
    match std::panic::AssertUnwindSafe(work).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let why = panic_message(panic.as_ref());
            tracing::error!(panic = %why, "sending one email panicked; that delivery fails");
            SendResult::Failed(MailError::Permanent(format!(
                "internal error while preparing or sending this email: {why}"
            )))
        }
    }
}

/// The text of a panic payload (`panic!` with a literal or a formatted message).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_while_sending_one_email_fails_that_delivery_only() {
        let r = contained(async { panic!("boom at {}", 42) }).await;
        match r {
            SendResult::Failed(MailError::Permanent(why)) => {
                assert!(why.contains("boom at 42"), "{why}")
            }
            _ => panic!("expected a permanent failure"),
        }
        assert!(matches!(
            contained(async { SendResult::Sent("250 ok".into()) }).await,
            SendResult::Sent(_)
        ));
    }

    #[test]
    fn without_a_rate_limit_a_lease_takes_the_configured_batch() {
        assert_eq!(lease_size(500, 0), 500);
        assert_eq!(lease_size(0, 0), 1);
    }

    #[test]
    fn under_a_rate_limit_a_lease_holds_a_couple_of_seconds_of_sending() {
        assert_eq!(lease_size(500, 2), 4);
        assert_eq!(lease_size(500, 1), 2);
        assert_eq!(lease_size(500, 10_000), 500);
        assert_eq!(lease_size(3, 100), 3);
    }
}
