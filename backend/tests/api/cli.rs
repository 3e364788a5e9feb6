//! `herald import-clients`, run as the real binary against a test database.

use std::process::Command;

use herald_api_types as api;

use crate::helpers::*;

fn herald(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.db.url)
        .env("JWT_SECRET", "test-secret-that-is-at-least-32-bytes-long")
        .env("MAIL_OUTBOX_DIR", app.static_dir.join("outbox"))
        .env("RUST_LOG", "warn")
        .current_dir(&app.static_dir)
        .output()
        .expect("herald runs")
}

#[tokio::test]
async fn import_clients_from_the_command_line_reports_every_line() {
    let app = spawn_app().await;
    let owner = app.signed_up_user().await;
    app.create_client(&owner, "old@example.com", "Old Name")
        .await;
    let file = app.static_dir.join("clients.csv");
    std::fs::write(
        &file,
        "email,full_name,comment\nnew@example.com,New,hi\nOLD@example.com,New Name,\nnot-an-email,X,\nnew@example.com,Dup,\n",
    )
    .unwrap();

    let out = herald(
        &app,
        &[
            "import-clients",
            "--owner",
            &owner.email.to_uppercase(),
            file.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "some lines were rejected: {stdout}{stderr}"
    );
    assert!(
        stdout.contains("1 created, 1 updated, 1 skipped, 1 rejected"),
        "{stdout}"
    );
    assert!(stderr.contains("line 4:"), "{stderr}");

    let list: api::Page<api::Client> = app
        .get("/api/v1/clients", Some(&owner.token))
        .await
        .json()
        .await
        .unwrap();
    let mut names: Vec<_> = list.items.iter().map(|c| c.full_name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["New", "New Name"]);

    std::fs::write(&file, "email\nclean@example.com\n").unwrap();
    let out = herald(
        &app,
        &[
            "import-clients",
            "--owner",
            &owner.email,
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
}

#[tokio::test]
async fn import_clients_refuses_an_unknown_owner_or_a_missing_file() {
    let app = spawn_app().await;
    let file = app.static_dir.join("c.csv");
    std::fs::write(&file, "email\na@example.com\n").unwrap();
    let out = herald(
        &app,
        &[
            "import-clients",
            "--owner",
            "ghost@example.com",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ghost@example.com"));
    let out = herald(
        &app,
        &[
            "import-clients",
            "--owner",
            "ghost@example.com",
            "/nonexistent.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let help = herald(&app, &["import-clients", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--owner"));
}
