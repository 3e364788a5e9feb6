//! Mailings on people's time (API.md "Time, windows and control of runs"): time zones,
//! send windows, the late policy, and pausing, resuming and cancelling runs from the API
//! and the terminal, also with two instances on one database.

use std::{process::Command, time::Duration};

use chrono::{Datelike, Utc};
use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::*;

fn weekday_name(d: chrono::Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.num_days_from_monday() as usize]
}

/// Every day but today and tomorrow (UTC): closed now, even if the test crosses midnight.
fn days_but_today_and_tomorrow() -> Vec<&'static str> {
    let today = Utc::now().weekday();
    let tomorrow = today.succ();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .into_iter()
        .filter(|d| *d != weekday_name(today) && *d != weekday_name(tomorrow))
        .collect()
}

async fn run_of(app: &TestApp, user: &TestUser, mailing: Uuid) -> api::Run {
    app.mailing(user, mailing).await.last_run.expect("a run")
}

async fn control(app: &TestApp, user: &TestUser, run: Uuid, action: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/runs/{run}/{action}"),
        Some(&user.token),
        &json!({}),
    )
    .await
}

async fn control_ok(app: &TestApp, user: &TestUser, run: Uuid, action: &str) -> api::Run {
    let res = control(app, user, run, action).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{action}: {text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn a_mailing_lives_in_a_zone_with_a_window_and_a_late_policy_and_bad_ones_are_refused() {
    let app = spawn_app().await;
    let (user, _, message) = app.user_with_audience(1).await;

    // The profile's zone is the default for new mailings.
    let me: api::User = app
        .get("/api/v1/me", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.time_zone, "UTC");
    let res = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"time_zone": "Asia/Kathmandu"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: api::User = res.json().await.unwrap();
    assert_eq!(me.time_zone, "Asia/Kathmandu");
    let p = assert_problem(
        app.patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"time_zone": "Mars/Olympus"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        p.error_codes.unwrap()["time_zone"],
        vec!["unknown_time_zone"]
    );

    let base = json!({"name": "Zoned", "message_id": message.id, "all_clients": true,
        "start_at": ahead(86_400), "periodicity": "daily"});
    let m = app.create_mailing(&user, base.clone()).await;
    assert_eq!(m.time_zone, "Asia/Kathmandu");
    assert_eq!(m.send_window, None);
    assert_eq!(
        m.late_policy,
        api::LatePolicy {
            catch_up: true,
            max_late_secs: None
        }
    );

    let mut full = base.clone();
    full["time_zone"] = json!("America/St_Johns");
    full["send_window"] = json!({"days": ["sat", "mon", "fri"], "from": "09:30", "to": "24:00"});
    full["late_policy"] = json!({"catch_up": false, "max_late_secs": 3600});
    let m = app.create_mailing(&user, full.clone()).await;
    assert_eq!(m.time_zone, "America/St_Johns");
    assert_eq!(
        m.send_window,
        Some(api::SendWindow {
            days: vec![api::Weekday::Mon, api::Weekday::Fri, api::Weekday::Sat],
            from: "09:30".into(),
            to: "24:00".into(),
        })
    );
    assert_eq!(
        m.late_policy,
        api::LatePolicy {
            catch_up: false,
            max_late_secs: Some(3600)
        }
    );

    // PUT without a zone keeps the mailing's own; without a window removes it.
    let res = app
        .put(
            &format!("/api/v1/mailings/{}", m.id),
            Some(&user.token),
            &base,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let m2: api::Mailing = res.json().await.unwrap();
    assert_eq!(m2.time_zone, "America/St_Johns");
    assert_eq!(m2.send_window, None);

    for (patch, field, code) in [
        (
            json!({"time_zone": "Europe/Atlantis"}),
            "time_zone",
            "unknown_time_zone",
        ),
        (
            json!({"time_zone": "utc"}),
            "time_zone",
            "unknown_time_zone",
        ),
        (
            json!({"send_window": {"days": [], "from": "09:00", "to": "17:00"}}),
            "send_window.days",
            "invalid_send_window",
        ),
        (
            json!({"send_window": {"days": ["mon"], "from": "17:00", "to": "09:00"}}),
            "send_window.from",
            "invalid_send_window",
        ),
        (
            json!({"send_window": {"days": ["mon"], "from": "09:00", "to": "09:00"}}),
            "send_window.from",
            "invalid_send_window",
        ),
        (
            json!({"send_window": {"days": ["mon"], "from": "09:00", "to": "25:00"}}),
            "send_window.to",
            "invalid_send_window",
        ),
        (
            json!({"late_policy": {"catch_up": false}}),
            "late_policy.max_late_secs",
            "invalid",
        ),
        (
            json!({"late_policy": {"catch_up": false, "max_late_secs": 0}}),
            "late_policy.max_late_secs",
            "invalid",
        ),
    ] {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let p = assert_problem(
            app.post("/api/v1/mailings", Some(&user.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let codes = p.error_codes.expect("error codes");
        assert_eq!(
            codes.get(field),
            Some(&vec![code.to_string()]),
            "{patch}: {codes:?}"
        );
    }
    // Unknown weekdays are refused by the body's shape (still a problem document).
    let mut body = base.clone();
    body["send_window"] = json!({"days": ["funday"], "from": "09:00", "to": "17:00"});
    let res = app.post("/api/v1/mailings", Some(&user.token), &body).await;
    assert!(res.status().is_client_error());
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
}

#[tokio::test]
async fn a_run_outside_its_window_waits_and_sends_when_the_window_opens() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(3).await;
    app.smtp.clear(); // the sign-up email
    let mut body = json!({"name": "Office hours", "message_id": message.id, "all_clients": true,
        "start_at": ago(1), "periodicity": "daily", "time_zone": "UTC",
        "send_window": {"days": days_but_today_and_tomorrow(), "from": "00:00", "to": "24:00"}});
    let m = app.create_mailing(&user, body.clone()).await;
    let run = m.last_run.clone().expect("the run started at once");
    assert_eq!(run.state, api::RunState::Waiting);
    let until = run.waiting_until.expect("waiting_until");
    assert!(until > Utc::now() + chrono::Duration::hours(1), "{until}");
    assert_eq!(run.pending, 3);

    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        app.smtp.email_count(),
        0,
        "nothing is sent outside the window"
    );
    assert_eq!(
        run_of(&app, &user, m.id).await.state,
        api::RunState::Waiting
    );

    // The owner widens the window to today: the waiting run goes at the next pass.
    body["send_window"] = json!({"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "24:00"});
    body["start_at"] = json!(m.start_at);
    let res = app
        .put(
            &format!("/api/v1/mailings/{}", m.id),
            Some(&user.token),
            &body,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done = app.settled(&user, m.id).await;
    let run = done.last_run.unwrap();
    assert_eq!(run.state, api::RunState::Finished);
    assert_eq!(run.waiting_until, None);
    assert_eq!(run.sent, 3);
    for c in &clients {
        assert_eq!(app.smtp.emails_to(&c.email).len(), 1);
    }
}

#[tokio::test]
async fn a_window_that_closes_stops_the_run_until_it_opens_again() {
    let app = spawn_app_with(|env| {
        env.insert("MAIL_RATE_PER_SEC".into(), "5".into());
    })
    .await;
    let (user, _, message) = app.user_with_audience(30).await;
    app.smtp.clear(); // the sign-up email
    let m = app
        .create_mailing(
            &user,
            json!({"name": "Closing", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once",
                "send_window": {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "24:00"}}),
        )
        .await;
    eventually("some sent", Duration::from_secs(10), || async {
        (app.smtp.email_count() >= 2).then_some(())
    })
    .await;
    // The window closes (as if its closing time had come): the run stops leasing and waits.
    app.sql(&format!(
        "UPDATE mailings SET window_days = {} WHERE id = '{}'",
        days_but_today_and_tomorrow()
            .iter()
            .map(|d| 1
                << ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .position(|x| x == d)
                    .unwrap())
            .sum::<i32>(),
        m.id
    ));
    app.sql(&format!(
        "UPDATE runs SET window_closes_at = now() WHERE mailing_id = '{}'",
        m.id
    ));
    let run = eventually("the run to wait", Duration::from_secs(5), || async {
        let r = run_of(&app, &user, m.id).await;
        (r.state == api::RunState::Waiting).then_some(r)
    })
    .await;
    assert!(run.waiting_until.unwrap() > Utc::now());
    // In-flight emails finish; then nothing more goes out.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let stopped_at = app.smtp.email_count();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.smtp.email_count(),
        stopped_at,
        "no sending while the window is closed"
    );
    assert!(stopped_at < 30);
    // The held deliveries are out of the lease's way until the opening (those the
    // engine had leased are put back with the same time).
    eventually("every delivery held", Duration::from_secs(5), || async {
        let leased = app.count(&format!(
            "SELECT count(*) FROM deliveries WHERE mailing_id = '{}' AND status = 'pending' AND leased_by IS NOT NULL",
            m.id
        ));
        (leased == 0).then_some(())
    })
    .await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM deliveries WHERE mailing_id = '{}' AND status = 'pending' AND next_attempt_at < now() + interval '1 hour'",
            m.id
        )),
        0
    );
}

#[tokio::test]
async fn late_occurrences_are_skipped_when_the_policy_says_so_and_caught_up_otherwise() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let strict = app
        .create_mailing(
            &user,
            json!({"name": "Strict", "message_id": message.id, "all_clients": true,
                "start_at": ahead(3600), "periodicity": "daily",
                "late_policy": {"catch_up": false, "max_late_secs": 600}}),
        )
        .await;
    let lenient = app
        .create_mailing(
            &user,
            json!({"name": "Lenient", "message_id": message.id, "all_clients": true,
                "start_at": ahead(3600), "periodicity": "daily"}),
        )
        .await;
    // The service was down for three days: both mailings' occurrences are overdue.
    app.sql(&format!(
        "UPDATE mailings SET start_at = now() - interval '3 days 2 hours', \
         next_run_at = now() - interval '3 days 2 hours' WHERE id IN ('{}', '{}')",
        strict.id, lenient.id
    ));
    let skipped = eventually(
        "the strict one to be skipped",
        Duration::from_secs(10),
        || async { app.mailing(&user, strict.id).await.last_run },
    )
    .await;
    assert_eq!(skipped.state, api::RunState::Skipped);
    assert_eq!(skipped.reason.as_deref(), Some("late"));
    assert_eq!(
        (skipped.recipients, skipped.sent, skipped.pending),
        (0, 0, 0)
    );
    assert!(skipped.scheduled_for.unwrap() < Utc::now() - chrono::Duration::days(3));
    assert!(skipped.finished_at.is_some());
    // One skipped run for the stretch, and the schedule moved on to the next occurrence.
    let strict_now = app.mailing(&user, strict.id).await;
    let next = strict_now.next_run_at.expect("a next run");
    assert!(next > Utc::now() && next < Utc::now() + chrono::Duration::days(1));
    let runs: api::Page<api::Run> = app
        .get(
            &format!("/api/v1/mailings/{}/runs", strict.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs.total, 1);

    // Catch-up (the default) sends once for the whole stretch.
    let caught = app.settled(&user, lenient.id).await;
    assert_eq!(caught.last_run.unwrap().sent, 2);
    for c in &clients {
        assert_eq!(
            app.smtp.emails_to(&c.email).len(),
            1,
            "only the lenient mailing sent"
        );
    }
}

#[tokio::test]
async fn a_run_is_paused_resumed_and_cancelled_across_two_instances() {
    let app = spawn_app_with(|env| {
        env.insert("MAIL_RATE_PER_SEC".into(), "10".into());
    })
    .await;
    // A second instance on the same database that only serves the API.
    let mut other = app.twin().await;
    other.stop_scheduler();
    let (user, _, message) = app.user_with_audience(40).await;
    let stranger = app.signed_up_user().await;
    app.smtp.clear(); // the sign-up emails
    let m = app
        .create_mailing(
            &user,
            json!({"name": "Controlled", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    let run_id = m.last_run.unwrap().id;
    eventually("some sent", Duration::from_secs(10), || async {
        (app.smtp.email_count() >= 3).then_some(())
    })
    .await;

    // Someone else's run is not there for them.
    assert_problem(
        control(&other, &stranger, run_id, "pause").await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let paused = control_ok(&other, &user, run_id, "pause").await;
    assert_eq!(paused.state, api::RunState::Paused);
    assert_eq!(paused.reason.as_deref(), Some("by_user"));
    // Pausing again changes nothing.
    assert_eq!(
        control_ok(&other, &user, run_id, "pause").await.state,
        api::RunState::Paused
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let during_pause = app.smtp.email_count();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.smtp.email_count(),
        during_pause,
        "the sending instance obeys the pause"
    );
    assert!(during_pause < 40);
    assert_eq!(run_of(&app, &user, m.id).await.state, api::RunState::Paused);

    let resumed = control_ok(&other, &user, run_id, "resume").await;
    assert!(matches!(
        resumed.state,
        api::RunState::Running | api::RunState::Queued
    ));
    eventually("sending again", Duration::from_secs(10), || async {
        (app.smtp.email_count() > during_pause + 2).then_some(())
    })
    .await;

    let cancelled = control_ok(&app, &user, run_id, "cancel").await;
    assert_eq!(cancelled.state, api::RunState::Cancelled);
    let run = eventually(
        "the cancelled run to close",
        Duration::from_secs(10),
        || async {
            let r = run_of(&app, &user, m.id).await;
            r.finished_at.is_some().then_some(r)
        },
    )
    .await;
    assert_eq!(run.state, api::RunState::Cancelled);
    assert_eq!(run.pending, 0);
    assert!(run.cancelled > 0);
    assert_eq!(run.sent + run.failed + run.cancelled, 40, "{run:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.smtp.email_count() as i64,
        run.sent,
        "cancelled deliveries are never sent"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM deliveries WHERE run_id = '{run_id}' AND status = 'cancelled'"
        )),
        run.cancelled,
        "cancelled deliveries are kept"
    );
    let done = app.mailing(&user, m.id).await;
    assert_eq!(done.status, "finished");

    for action in ["pause", "resume", "cancel"] {
        let p = assert_problem(
            control(&app, &user, run_id, action).await,
            StatusCode::CONFLICT,
        )
        .await;
        assert_eq!(p.code.as_deref(), Some("run_over"));
    }
    assert_problem(
        control(&app, &user, Uuid::new_v4(), "pause").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Runs `herald ARGS` against the test database.
async fn herald(app: &TestApp, args: &[&str]) -> std::process::Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (db, smtp) = (app.db.url.clone(), app.smtp.url());
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(&args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", db)
            .env("SMTP_URL", smtp)
            .env("JWT_SECRET", "test-secret-that-is-at-least-32-bytes-long")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run herald")
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_terminal_pauses_resumes_and_cancels_runs_and_says_why_it_refuses() {
    let app = spawn_app().await;
    let (user, _, message) = app.user_with_audience(2).await;
    app.smtp.clear(); // the sign-up email
                      // Waiting for a window that is closed today, so the run stays open for the commands.
    let m = app
        .create_mailing(
            &user,
            json!({"name": "CLI", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once",
                "send_window": {"days": days_but_today_and_tomorrow(), "from": "08:00", "to": "09:00"}}),
        )
        .await;
    let run = m.last_run.unwrap().id.to_string();

    let out = herald(&app, &["runs", "pause", &run]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("paused"));
    assert_eq!(run_of(&app, &user, m.id).await.state, api::RunState::Paused);

    let out = herald(&app, &["runs", "resume", &run]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("waiting") && stdout.contains("window opens"),
        "{stdout}"
    );
    assert_eq!(
        run_of(&app, &user, m.id).await.state,
        api::RunState::Waiting
    );

    let out = herald(&app, &["runs", "cancel", &run]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = run_of(&app, &user, m.id).await;
    assert_eq!(
        (r.state, r.cancelled, r.pending),
        (api::RunState::Cancelled, 2, 0)
    );
    assert_eq!(app.smtp.email_count(), 0);

    let out = herald(&app, &["runs", "resume", &run]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is cancelled"));
    let unknown = Uuid::new_v4().to_string();
    let out = herald(&app, &["runs", "pause", &unknown]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("no run {unknown}")));
}

#[tokio::test]
async fn renaming_a_mailing_does_not_hold_its_run_but_a_new_window_is_applied_to_it() {
    let app = spawn_app_with(|env| {
        env.insert("MAIL_RATE_PER_SEC".into(), "5".into());
    })
    .await;
    let (user, _, message) = app.user_with_audience(20).await;
    let mut body = json!({"name": "Before", "message_id": message.id, "all_clients": true,
        "start_at": ago(1), "periodicity": "once"});
    let m = app.create_mailing(&user, body.clone()).await;
    body["start_at"] = json!(m.start_at);
    body["name"] = json!("After");
    let path = format!("/api/v1/mailings/{}", m.id);
    assert_eq!(
        app.put(&path, Some(&user.token), &body).await.status(),
        StatusCode::OK
    );
    let held = |app: &TestApp| {
        app.count(&format!(
            "SELECT count(*) FROM runs WHERE mailing_id = '{}' AND window_closes_at IS NOT NULL",
            m.id
        ))
    };
    assert_eq!(held(&app), 0, "a new name changes nothing for the open run");
    body["send_window"] =
        json!({"days": days_but_today_and_tomorrow(), "from": "00:00", "to": "24:00"});
    assert_eq!(
        app.put(&path, Some(&user.token), &body).await.status(),
        StatusCode::OK
    );
    let run = eventually(
        "the run to wait for its new window",
        Duration::from_secs(5),
        || async {
            let r = run_of(&app, &user, m.id).await;
            (r.state == api::RunState::Waiting).then_some(r)
        },
    )
    .await;
    assert!(run.waiting_until.is_some());
}
