//! The mail scheduler: an actix Arbiter (its own thread and event loop) that starts due
//! runs every SCHEDULER_INTERVAL_SECS and keeps the dispatcher sending. The API never
//! sends mail itself; it writes runs and wakes this loop, so HTTP stays responsive
//! whatever the SMTP server does.
//!
//! The dispatcher runs supervised: if its task ever ends abnormally (a panic that got
//! past the per-delivery containment), the reason is logged and it is restarted at once.
//! A heartbeat task keeps this instance's leases its own (see `db::deliveries::lease`).

use std::sync::Arc;

use chrono::Utc;
use tokio::sync::watch;

use crate::{
    db::{self},
    delivery::Dispatcher,
    mailings::{self, MailingError},
    state::AppState,
};

/// One scheduler pass: start every due run, and move open runs through their send
/// windows. Returns how many runs were started or moved.
pub async fn run_once(state: &AppState) -> Result<usize, MailingError> {
    let (started, moved) = db::run_blocking(&state.db, |conn| {
        let now = Utc::now();
        let started = mailings::start_due_runs(conn, now)?;
        let moved = crate::runs::advance(conn, now)?;
        Ok::<_, MailingError>((started.len(), moved))
    })
    .await?;
    if started + moved > 0 {
        state.engine_wakeup.notify_one();
    }
    Ok(started + moved)
}

/// Stops the scheduler when told to, or when dropped.
pub struct SchedulerHandle {
    stop: watch::Sender<bool>,
    done: Option<std::sync::mpsc::Receiver<()>>,
}

impl SchedulerHandle {
    /// Asks the loops to stop and waits (bounded) for in-flight sends to be recorded
    /// and leases released.
    pub fn shutdown(&mut self, wait: std::time::Duration) {
        let _ = self.stop.send(true);
        if let Some(done) = self.done.take() {
            let _ = done.recv_timeout(wait);
        }
    }
}

impl Drop for SchedulerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Starts the scheduler and dispatcher on a dedicated actix Arbiter. Under an actix
/// System (`herald serve`) the arbiter belongs to it; elsewhere (tests on a plain
/// tokio runtime) it gets a System of its own on its own thread.
pub fn start(state: AppState, instance: String) -> SchedulerHandle {
    let (stop_tx, stop_rx) = watch::channel(false);
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let task = async move {
        run(state, instance, stop_rx).await;
        let _ = done_tx.send(());
    };
    if actix_rt::System::try_current().is_some() {
        let arbiter = actix_rt::Arbiter::new();
        arbiter.spawn(async move {
            task.await;
            actix_rt::Arbiter::current().stop();
        });
    } else {
        std::thread::Builder::new()
            .name("herald-scheduler".into())
            .spawn(move || {
                actix_rt::System::new().block_on(task);
            })
            .expect("spawn the scheduler thread");
    }
    SchedulerHandle {
        stop: stop_tx,
        done: Some(done_rx),
    }
}

async fn run(state: AppState, instance: String, mut stop: watch::Receiver<bool>) {
    let dispatcher = Dispatcher::new(state.clone(), instance);
    // Alive before the first lease: leases of an instance with no fresh heartbeat are
    // fair game for the others.
    if let Err(e) = dispatcher.heartbeat().await {
        tracing::warn!(error = %e, "cannot record the engine heartbeat");
    }
    match dispatcher.release_leases().await {
        Ok(n) if n > 0 => tracing::info!(
            released = n,
            "took back this instance's leases from before a restart"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not release old leases"),
    }
    let beating = actix_rt::spawn(Arc::clone(&dispatcher).keep_alive(stop.clone()));
    let sender = actix_rt::spawn(supervise(Arc::clone(&dispatcher), stop.clone()));
    let interval = state
        .settings
        .scheduler_interval
        .max(std::time::Duration::from_millis(50));
    tracing::info!(
        instance = dispatcher.instance(),
        interval_secs = interval.as_secs_f32(),
        "scheduler started"
    );
    loop {
        match run_once(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(runs = n, "started due runs"),
            Err(e) => tracing::warn!(error = %e, "scheduler pass failed; trying again next tick"),
        }
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(interval) => {}
        }
    }
    dispatcher.begin_shutdown();
    let _ = sender.await;
    let _ = beating.await;
    if let Err(e) = dispatcher.forget().await {
        tracing::warn!(error = %e, "could not remove this instance's heartbeat");
    }
    tracing::info!("scheduler stopped");
}

/// Keeps the dispatcher running until `stop` flips: if its task dies (a panic), logs why
/// and starts it again at once, after handing its leases back so nothing waits for them
/// to expire.
async fn supervise(dispatcher: Arc<Dispatcher>, stop: watch::Receiver<bool>) {
    let run_stop = stop.clone();
    supervised(stop, move |restart| {
        let dispatcher = Arc::clone(&dispatcher);
        let stop = run_stop.clone();
        async move {
            if restart {
                if let Err(e) = dispatcher.release_leases().await {
                    tracing::warn!(error = %e, "could not release leases before restarting");
                }
            }
            dispatcher.run(stop).await
        }
    })
    .await;
}

/// Runs the task `start(restarted)` makes until it ends normally or `stop` flips; when
/// it ends abnormally (a panic) logs why and starts it again (after a short pause, so a
/// task that dies at every start does not spin). Returns how many times it started.
async fn supervised<F, Fut>(stop: watch::Receiver<bool>, mut start: F) -> usize
where
    F: FnMut(bool) -> Fut,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let mut starts = 0;
    loop {
        let task = actix_rt::spawn(start(starts > 0));
        starts += 1;
        match task.await {
            Ok(()) => return starts,
            Err(e) if *stop.borrow() => {
                tracing::warn!(error = %e, "the dispatcher ended abnormally while stopping");
                return starts;
            }
            Err(e) => {
                let why = if e.is_panic() {
                    crate::delivery::dispatcher::panic_message(e.into_panic().as_ref())
                } else {
                    e.to_string()
                };
                tracing::error!(reason = %why, restarts = starts, "the dispatcher died; restarting it");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[actix_rt::test]
    async fn a_dispatcher_that_panics_is_restarted_until_it_ends_normally() {
        let (_stop_tx, stop) = watch::channel(false);
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&runs);
        let starts = supervised(stop, move |restart| {
            let runs = Arc::clone(&seen);
            async move {
                let n = runs.fetch_add(1, Ordering::SeqCst);
                assert_eq!(restart, n > 0);
                if n < 2 {
                    panic!("dispatcher bug number {n}");
                }
            }
        })
        .await;
        assert_eq!(starts, 3);
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }
}
