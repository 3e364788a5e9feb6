//! The `herald` command line, run as a real process against the test database.

use std::process::{Command, Output};

use herald_api_types as api;
use serde_json::json;

use crate::helpers::*;

/// Runs `herald ARGS` off the test's runtime (the SMTP server it talks to lives there).
async fn herald(app: &TestApp, args: &[&str]) -> Output {
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
async fn send_runs_a_mailing_from_the_terminal_and_refuses_a_disabled_one() {
    let mut app = spawn_app().await;
    app.stop_scheduler();
    let (user, clients, message) = app.user_with_audience(3).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(86_400), "periodicity": "daily"}))
        .await;
    let out = herald(&app, &["send", &m.id.to_string()]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 sent, 0 failed"));
    for c in &clients {
        assert_eq!(app.smtp.emails_to(&c.email).len(), 1);
    }
    let seen = app.mailing(&user, m.id).await;
    assert_eq!(seen.last_run.unwrap().trigger, "cli");

    app.post(
        &format!("/api/v1/mailings/{}/disable", m.id),
        Some(&user.token),
        &json!({}),
    )
    .await;
    // The refusals, in-process: `main` maps `Refused` to exit code 1 (the process-level
    // exit code is checked by the import test below).
    for (id, why) in [(m.id, "disabled"), (uuid::Uuid::new_v4(), "no mailing")] {
        let err = herald::commands::send(&app.state, id)
            .await
            .expect_err("refused");
        assert!(
            err.downcast_ref::<herald::commands::Refused>().is_some(),
            "{err:#}"
        );
        assert!(err.to_string().contains(why), "{err:#}");
    }
}

#[tokio::test]
async fn send_due_starts_due_runs_and_sends_them() {
    let mut app = spawn_app().await;
    app.stop_scheduler();
    let (user, clients, message) = app.user_with_audience(2).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(3600), "periodicity": "weekly"}))
        .await;
    app.sql(&format!(
        "UPDATE mailings SET next_run_at = now() - interval '1 minute' WHERE id = '{}'",
        m.id
    ));
    let out = herald(&app, &["send-due"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("1 due run(s) started"));
    for c in &clients {
        assert_eq!(app.smtp.emails_to(&c.email).len(), 1);
    }
    let seen: api::Mailing = app.mailing(&user, m.id).await;
    assert_eq!(seen.status, "running");
    assert!(
        seen.next_run_at.unwrap() > chrono::Utc::now(),
        "the schedule moved on"
    );
}

#[tokio::test]
async fn import_clients_reads_a_csv_file_into_a_users_list() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let file = std::env::temp_dir().join(format!(
        "herald-import-{}.csv",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(
        &file,
        "email,full_name,comment\na@example.com,A,\nbad,B,\nb@example.com,B,\n",
    )
    .unwrap();
    let out = herald(
        &app,
        &[
            "import-clients",
            "--owner",
            &user.email,
            file.to_str().unwrap(),
        ],
    )
    .await;
    std::fs::remove_file(&file).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created 2, updated 0, skipped 0, errors 1"),
        "{stdout}"
    );
    assert!(stdout.contains("line 3"));
    let out = herald(
        &app,
        &[
            "import-clients",
            "--owner",
            "nobody@example.com",
            "/dev/null",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn every_command_has_help() {
    for cmd in [
        "serve",
        "migrate",
        "create-admin",
        "send",
        "send-due",
        "import-clients",
        "openapi",
        "bench-send",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args([cmd, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd} --help");
        assert!(!out.stdout.is_empty());
    }
}
