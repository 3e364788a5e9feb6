//! `herald bench-send`: end-to-end throughput and memory of the delivery engine,
//! against a bare lettre loop measured in the same run on the same SMTP server.
//!
//! It creates a throwaway database next to DATABASE_URL's, seeds N recipients, runs one
//! mailing through the real engine (ledger, leases, attempts, run counters, statuses)
//! and prints emails/s and peak RSS for both. Peak RSS is the kernel's high-water mark
//! (VmHWM), reset between phases through /proc/self/clear_refs.

use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::{Connection, PgConnection, RunQueryDsl};
use futures_util::{stream, StreamExt};
use lettre::{message::Mailbox, AsyncTransport};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;
use uuid::Uuid;

use crate::{
    config::{MailTransportConfig, Settings},
    db::{
        self, clients::ImportRow, deliveries::RunRecipients, mailings::NewMailing,
        messages::NewMessage, users::NewUser, DbError,
    },
    delivery::Dispatcher,
    mail::{self, MailSetupError},
    mailings, startup,
};

pub struct BenchOptions {
    pub recipients: usize,
    pub smtp_url: String,
    pub concurrency: usize,
    pub skip_baseline: bool,
    /// Also measure lettre's stock pooled transport (slow: Nagle, see mail::smtp).
    pub stock_lettre: bool,
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.to_owned())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

const SUBJECT: &str = "Herald benchmark for {{ full_name }}";
const BODY: &str = "Hello {{ full_name }},\n\nThis is a benchmark email of ordinary length, with a couple of lines\nof text, as a warm-up mailing would have.\n\nRegards,\nHerald";

pub async fn run(mut settings: Settings, opts: BenchOptions) -> anyhow::Result<()> {
    let server = settings.database_url.expose_secret().to_owned();
    let name = format!("herald_bench_{}", Uuid::new_v4().simple());
    let mut url = url::Url::parse(&server).context("DATABASE_URL")?;
    {
        let mut admin = url.clone();
        admin.set_path("/postgres");
        let mut conn = PgConnection::establish(admin.as_str())
            .context("connect to create the bench database")?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn)?;
    }
    url.set_path(&format!("/{name}"));
    let result = bench(&mut settings, url.to_string(), &opts).await;
    let mut admin = url.clone();
    admin.set_path("/postgres");
    if let Ok(mut conn) = PgConnection::establish(admin.as_str()) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn);
    }
    result
}

async fn bench(settings: &mut Settings, db_url: String, opts: &BenchOptions) -> anyhow::Result<()> {
    let n = opts.recipients;
    settings.database_url = SecretString::from(db_url);
    settings.mail.transport = MailTransportConfig::Smtp(SecretString::from(opts.smtp_url.clone()));
    settings.mail.concurrency = opts.concurrency;
    settings.mail.rate_per_sec = 0;
    let state = startup::prepare_state(settings.clone()).await?;
    println!(
        "Herald bench-send: {n} recipients, concurrency {}, batch {}, SMTP {}",
        opts.concurrency, settings.mail.batch_size, opts.smtp_url
    );

    // Seed: one user, N clients (batched upserts), one message, one mailing.
    let seed_started = Instant::now();
    let (mailing_id, owner) = db::run_blocking(&state.db, move |conn| {
        let role = db::users::role_by_name(conn, "user")?;
        let user = db::users::insert(
            conn,
            &NewUser {
                id: Uuid::new_v4(),
                email: "bench-owner@example.com",
                password_hash: "x",
                full_name: "Bench",
                role_id: role.id,
                email_verified_at: None,
            },
        )?;
        let mut rows = Vec::with_capacity(5_000);
        for i in 0..n {
            rows.push(ImportRow {
                email: format!("r{i}@bench.example.com"),
                full_name: format!("Reader {i}"),
                comment: String::new(),
            });
            if rows.len() == 5_000 || i + 1 == n {
                db::clients::upsert_batch(conn, user.id, &rows)?;
                rows.clear();
            }
        }
        let message = db::messages::insert(
            conn,
            &NewMessage {
                id: Uuid::new_v4(),
                owner_id: user.id,
                subject: SUBJECT,
                body: BODY,
                html_body: None,
            },
        )?;
        let m = db::mailings::insert(
            conn,
            &NewMailing {
                id: Uuid::new_v4(),
                owner_id: user.id,
                name: "bench-send",
                message_id: message.id,
                all_clients: true,
                start_at: chrono::Utc::now() + chrono::Duration::days(365),
                end_at: None,
                periodicity: "once",
                status: "created",
                next_run_at: None,
                time_zone: "UTC",
                window_days: None,
                window_from: None,
                window_to: None,
                catch_up: true,
                max_late_secs: None,
            },
        )?;
        Ok::<_, DbError>((m.id, user.id))
    })
    .await?;
    println!("seeded in {:.1} s", seed_started.elapsed().as_secs_f64());
    let _ = owner;

    if opts.stock_lettre {
        stock_lettre(&state.mailer, opts, n).await?;
    }
    let baseline = if opts.skip_baseline {
        None
    } else {
        Some(bare_loop(&state.mailer, opts, n).await?)
    };

    // The engine, end to end: run creation (the ledger INSERT), leasing, sending,
    // recording attempts and counters, closing the run and the mailing.
    reset_peak_rss();
    let started = Instant::now();
    let run_id = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let m = db::mailings::lock(conn, mailing_id)?;
            mailings::start_manual_run(conn, &m, "cli", RunRecipients::All)
        })
    })
    .await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let dispatcher = Dispatcher::new(state.clone(), "bench".into());
    let engine = tokio::spawn(dispatcher.run(stop_rx));
    loop {
        let run = db::run_blocking(&state.db, move |conn| {
            db::deliveries::find_run(conn, run_id).map_err(DbError::from)
        })
        .await?;
        if run.finished_at.is_some() {
            let secs = started.elapsed().as_secs_f64();
            let _ = stop_tx.send(true);
            let _ = engine.await;
            let rate = n as f64 / secs;
            println!(
                "herald engine (ledger + attempts + statuses): {rate:.0} emails/s ({secs:.2} s; sent {}, failed {}), peak RSS {:.1} MB",
                run.sent,
                run.failed,
                peak_rss_mb()
            );
            if let Some(b) = baseline {
                println!("ratio engine / baseline: {:.2}", rate / b);
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

fn bench_message(from: &Mailbox, i: usize) -> lettre::Message {
    let to: Mailbox = format!("Reader {i} <r{i}@bench.example.com>")
        .parse()
        .expect("valid address");
    let body = BODY.replace("{{ full_name }}", &format!("Reader {i}"));
    let subject = SUBJECT.replace("{{ full_name }}", &format!("Reader {i}"));
    mail::build_message(from, to, &subject, body, None).expect("valid message")
}

/// The baseline: a bare loop sending the same N messages with the same concurrency over
/// the same SMTP client (lettre on Herald's TCP_NODELAY pool): no ledger, no attempts.
async fn bare_loop(mailer: &mail::Mailer, opts: &BenchOptions, n: usize) -> anyhow::Result<f64> {
    let from = mailer.from_mailbox().clone();
    reset_peak_rss();
    let started = Instant::now();
    let failures = stream::iter(0..n)
        .map(|i| {
            let msg = bench_message(&from, i);
            async move { mailer.send(msg).await.is_err() }
        })
        .buffer_unordered(opts.concurrency.max(1))
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    let secs = started.elapsed().as_secs_f64();
    let rate = n as f64 / secs;
    println!("baseline (bare lettre loop, same pool): {rate:.0} emails/s ({secs:.2} s, {failures} failed), peak RSS {:.1} MB", peak_rss_mb());
    Ok(rate)
}

/// lettre's stock pooled transport, for reference: Nagle stays on there.
async fn stock_lettre(mailer: &mail::Mailer, opts: &BenchOptions, n: usize) -> anyhow::Result<f64> {
    let url = lettre_url(&opts.smtp_url)?;
    let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&url)?
        .pool_config(
            lettre::transport::smtp::PoolConfig::new().max_size(opts.concurrency as u32 * 2),
        )
        .build();
    let from = mailer.from_mailbox().clone();
    reset_peak_rss();
    let started = Instant::now();
    let failures = stream::iter(0..n)
        .map(|i| {
            let (transport, msg) = (&transport, bench_message(&from, i));
            async move { transport.send(msg).await.is_err() }
        })
        .buffer_unordered(opts.concurrency.max(1))
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    let secs = started.elapsed().as_secs_f64();
    let rate = n as f64 / secs;
    println!("reference (lettre's stock pooled transport): {rate:.0} emails/s ({secs:.2} s, {failures} failed), peak RSS {:.1} MB", peak_rss_mb());
    Ok(rate)
}

/// For lettre's stock transport, the baseline's (Herald's own client reads `SMTP_URL`
/// in `mail::smtp::SmtpConfig`).
/// Translates Herald's `SMTP_URL` (`?tls=none|starttls|tls`) into lettre's dialect
/// (`smtp://` plain, `?tls=required` for STARTTLS, `smtps://` for implicit TLS).
/// lettre's own `required` / `opportunistic` values pass through.
fn lettre_url(raw: &str) -> Result<String, MailSetupError> {
    let mut url = url::Url::parse(raw).map_err(|e| MailSetupError::Url(e.to_string()))?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err(MailSetupError::Url(format!(
            "scheme must be smtp or smtps, not {:?}",
            url.scheme()
        )));
    }
    let mut tls = None;
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(k, v)| {
            if k == "tls" {
                tls = Some(v.into_owned());
                None
            } else {
                Some((k.into_owned(), v.into_owned()))
            }
        })
        .collect();
    let lettre_tls = match tls.as_deref() {
        None | Some("none") => None,
        Some("starttls") | Some("required") => Some("required"),
        Some("opportunistic") => Some("opportunistic"),
        Some("tls") => {
            url.set_scheme("smtps")
                .map_err(|_| MailSetupError::Url("cannot switch to smtps".into()))?;
            None
        }
        Some(other) => {
            return Err(MailSetupError::Url(format!(
                "tls must be none, starttls or tls, not {other:?}"
            )))
        }
    };
    url.set_query(None);
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in &others {
            q.append_pair(k, v);
        }
        if let Some(t) = lettre_tls {
            q.append_pair("tls", t);
        }
    }
    let mut s = url.to_string();
    if s.ends_with('?') {
        s.pop();
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_url_dialects_translate() {
        assert_eq!(
            lettre_url("smtp://127.0.0.1:2525?tls=none").unwrap(),
            "smtp://127.0.0.1:2525"
        );
        assert_eq!(
            lettre_url("smtp://u:p@mail.example.com:587?tls=starttls").unwrap(),
            "smtp://u:p@mail.example.com:587?tls=required"
        );
        assert_eq!(
            lettre_url("smtp://mail.example.com?tls=tls").unwrap(),
            "smtps://mail.example.com"
        );
        assert_eq!(
            lettre_url("smtp://mail.example.com").unwrap(),
            "smtp://mail.example.com"
        );
        assert!(lettre_url("smtp://x?tls=maybe").is_err());
        assert!(lettre_url("http://x").is_err());
    }
}
