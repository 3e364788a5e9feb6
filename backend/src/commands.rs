//! Operator commands that do real work from the terminal: `send`, `send-due`,
//! `import-clients`. They use the same domain code as the API and the scheduler.

use std::time::Duration;

use anyhow::{bail, Context};
use diesel::Connection;
use indicatif::{ProgressBar, ProgressStyle};
use uuid::Uuid;

use crate::{
    db::{self, deliveries::RunRecipients, DbError},
    delivery::Dispatcher,
    mailings::{self, MailingError},
    recipients, scheduler,
    state::AppState,
};

fn cli_instance() -> String {
    format!("cli:{}", std::process::id())
}

/// Refusals a user should read as such (exit code 1), not as crashes.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// `herald send MAILING_ID`: a manual run, sent from this process with a progress bar.
pub async fn send(state: &AppState, mailing: Uuid) -> anyhow::Result<()> {
    let run_id = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let m = db::mailings::lock(conn, mailing)?;
            mailings::start_manual_run(conn, &m, "cli", RunRecipients::All)
        })
    })
    .await
    .map_err(|e| match e {
        MailingError::NotFound => anyhow::Error::new(Refused(format!("no mailing {mailing}"))),
        MailingError::Conflict(why) => anyhow::Error::new(Refused(format!("refused: {why}"))),
        other => anyhow::Error::new(other),
    })?;
    let (pending, _, _) = progress(state, run_id).await?;
    let bar = ProgressBar::new(pending as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    let dispatcher = Dispatcher::new(state.clone(), cli_instance());
    let result = async {
        loop {
            let handled = dispatcher.drain().await?;
            let (pending, sent, failed) = progress(state, run_id).await?;
            bar.set_position((sent + failed) as u64);
            bar.set_message(format!("sent {sent}, failed {failed}"));
            if pending == 0 {
                return Ok::<_, anyhow::Error>((sent, failed));
            }
            if handled == 0 {
                // A run outside its send window (or paused meanwhile) is left to the
                // server's scheduler rather than waited for here.
                let run = db::run_blocking(&state.db, move |conn| {
                    db::deliveries::find_run(conn, run_id).map_err(DbError::from)
                })
                .await?;
                if run.state != "running" {
                    bar.finish_and_clear();
                    let until = run
                        .waiting_until
                        .map(|t| format!(" until {t}"))
                        .unwrap_or_default();
                    println!(
                        "run {run_id} is {}{until}: {sent} sent so far, {pending} pending; the scheduler of `herald serve` continues it",
                        run.state
                    );
                    return Ok((sent, failed));
                }
                // Retries are waiting for their time, or the breaker holds dispatch.
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
    .await;
    let _ = dispatcher.release_leases().await;
    let (sent, failed) = result?;
    bar.finish_and_clear();
    println!("run {run_id}: {sent} sent, {failed} failed");
    Ok(())
}

async fn progress(state: &AppState, run: Uuid) -> anyhow::Result<(i64, i64, i64)> {
    Ok(db::run_blocking(&state.db, move |conn| {
        db::deliveries::run_progress(conn, run).map_err(DbError::from)
    })
    .await?)
}

/// `herald bounces ingest [FILE...]`: standard input when no file is named.
pub async fn ingest_bounces(state: &AppState, files: &[std::path::PathBuf]) -> anyhow::Result<()> {
    let mut messages = Vec::new();
    if files.is_empty() {
        let raw = tokio::task::spawn_blocking(|| {
            let mut raw = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut raw).map(|_| raw)
        })
        .await??;
        messages.push(("-".to_owned(), raw));
    } else {
        for f in files {
            let raw = tokio::fs::read(f)
                .await
                .with_context(|| format!("cannot read {}", f.display()))?;
            messages.push((f.display().to_string(), raw));
        }
    }
    let verp = state
        .settings
        .mail
        .bounce_domain
        .as_deref()
        .map(|d| crate::domain::verp::Verp::new(d, state.settings.jwt_secret_bytes()));
    for (name, raw) in messages {
        let verp = verp.clone();
        let outcome = db::run_blocking(&state.db, move |conn| {
            crate::bounces::ingest(conn, verp.as_ref(), &raw)
        })
        .await?;
        match outcome {
            crate::bounces::Ingested::NotAReport => {
                println!("{name}: not a bounce or complaint; ignored")
            }
            crate::bounces::Ingested::Unmatched => {
                println!("{name}: a report, but not about an email Herald sent; ignored")
            }
            crate::bounces::Ingested::Matched {
                delivery,
                recorded: 0,
                ..
            } => {
                println!("{name}: delivery {delivery}: already recorded")
            }
            crate::bounces::Ingested::Matched {
                delivery,
                suppressed,
                ..
            } => match suppressed {
                Some(reason) => println!(
                    "{name}: delivery {delivery}: recorded; address suppressed ({})",
                    reason.as_str()
                ),
                None => println!("{name}: delivery {delivery}: recorded"),
            },
        }
    }
    Ok(())
}

/// `herald runs pause|resume|cancel RUN_ID`.
pub async fn control_run(
    state: &AppState,
    run: Uuid,
    action: crate::runs::RunAction,
) -> anyhow::Result<()> {
    let r = db::run_blocking(&state.db, move |conn| {
        crate::runs::apply(conn, run, action, chrono::Utc::now())
    })
    .await
    .map_err(|e| match e {
        MailingError::NotFound => anyhow::Error::new(Refused(format!("no run {run}"))),
        MailingError::RunOver(state) => anyhow::Error::new(Refused(format!(
            "refused: run {run} is {state}; only queued, running, waiting or paused runs can be paused, resumed or cancelled"
        ))),
        other => anyhow::Error::new(other),
    })?;
    if action == crate::runs::RunAction::Resume {
        state.engine_wakeup.notify_one();
    }
    match r.waiting_until {
        Some(until) => println!("run {run}: {} (its send window opens at {until})", r.state),
        None => println!("run {run}: {}", r.state),
    }
    Ok(())
}

/// `herald send-due`: one scheduler pass, then send whatever is due now.
pub async fn send_due(state: &AppState) -> anyhow::Result<()> {
    let started = scheduler::run_once(state).await?;
    let dispatcher = Dispatcher::new(state.clone(), cli_instance());
    let sent = dispatcher.drain().await;
    let _ = dispatcher.release_leases().await;
    println!("{started} due run(s) started, {} deliveries handled", sent?);
    Ok(())
}

/// `herald import-clients --owner EMAIL FILE.csv`.
pub async fn import_clients(
    state: &AppState,
    owner: &str,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let owner_email = owner.to_owned();
    let found = db::run_blocking(&state.db, move |conn| {
        db::users::find_by_email(conn, &owner_email).map_err(DbError::from)
    })
    .await?;
    let Some((user, _)) = found else {
        bail!(Refused(format!("no user with email {owner}")))
    };
    let data = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let report = recipients::import(&state.db, user.id, data)
        .await
        .context("import failed")?;
    println!(
        "created {}, updated {}, skipped {}, errors {}",
        report.created,
        report.updated,
        report.skipped,
        report.errors.len()
    );
    for e in report.errors.iter().take(50) {
        println!("  line {}: {}", e.line, e.message);
    }
    Ok(())
}
