//! Fixtures for the console, statistics, blog and cache tests: Redis-backed apps, and
//! delivery history written straight into the database (the delivery engine's tables,
//! seeded here so statistics can be checked without sending anything).

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

/// The Redis server the tests may use (`HERALD_TEST_REDIS_URL`, default local).
pub fn redis_url() -> String {
    std::env::var("HERALD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// An app with the server-side cache on.
pub async fn spawn_app_with_redis() -> TestApp {
    spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), redis_url());
    })
    .await
}

/// An app whose Redis is configured but unreachable.
pub async fn spawn_app_with_dead_redis() -> TestApp {
    spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), "redis://127.0.0.1:1".into());
    })
    .await
}

/// A signed-in user of every built-in role, plus a plain user.
pub struct Cast {
    pub user: TestUser,
    pub manager: TestUser,
    pub content_manager: TestUser,
    pub admin: TestUser,
}

impl Cast {
    pub async fn new(app: &TestApp) -> Cast {
        Cast {
            user: app.signed_up_user().await,
            manager: app.user_with_role("manager").await,
            content_manager: app.user_with_role("content_manager").await,
            admin: app.user_with_role("admin").await,
        }
    }

    /// (label, token) for every caller, anonymous included.
    pub fn callers(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("anonymous", None),
            ("user", Some(self.user.token.as_str())),
            ("manager", Some(self.manager.token.as_str())),
            ("content_manager", Some(self.content_manager.token.as_str())),
            ("admin", Some(self.admin.token.as_str())),
        ]
    }
}

/// The status each caller of [`Cast::callers`] gets for this request.
pub async fn statuses(
    app: &TestApp,
    cast: &Cast,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> HashMap<&'static str, StatusCode> {
    let mut out = HashMap::new();
    for (who, token) in cast.callers() {
        let res = app.request(method.clone(), path, token, body).await;
        out.insert(who, res.status());
    }
    out
}

/// Asserts `expected` (caller -> status) for one request.
pub async fn assert_statuses(
    app: &TestApp,
    cast: &Cast,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    expected: &[(&str, StatusCode)],
) {
    let got = statuses(app, cast, method.clone(), path, body).await;
    for (who, status) in expected {
        assert_eq!(got[who], *status, "{who} {method} {path}");
    }
}

/// A mailing of `owner` with one message and one run; returns (mailing id, run id).
pub fn seed_mailing(app: &TestApp, owner: Uuid, status: &str) -> (Uuid, Uuid) {
    let (message, mailing, run) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    app.sql(&format!(
        "INSERT INTO messages (id, owner_id, subject, body) VALUES ('{message}', '{owner}', 'Hi', 'Hello')"
    ));
    app.sql(&format!(
        "INSERT INTO mailings (id, owner_id, message_id, start_at, periodicity, status) \
         VALUES ('{mailing}', '{owner}', '{message}', now(), 'daily', '{status}')"
    ));
    app.sql(&format!(
        "INSERT INTO runs (id, mailing_id, trigger) VALUES ('{run}', '{mailing}', 'manual')"
    ));
    (mailing, run)
}

/// One attempt per (email, status), at `at` (an SQL timestamptz expression).
pub fn seed_attempts(
    app: &TestApp,
    owner: Uuid,
    (mailing, run): (Uuid, Uuid),
    attempts: &[(&str, &str)],
    at: &str,
) {
    for (email, status) in attempts {
        app.sql(&format!(
            "INSERT INTO attempts (id, run_id, mailing_id, owner_id, email, attempted_at, status, server_response) \
             VALUES (gen_random_uuid(), '{run}', '{mailing}', '{owner}', '{email}', {at}, '{status}', '250 OK')"
        ));
    }
}

/// Creates a post as `writer` (a draft).
pub async fn create_post(app: &TestApp, writer: &TestUser, title: &str) -> Value {
    let res = app
        .post(
            "/api/v1/posts",
            Some(&writer.token),
            &json!({"title": title, "body": format!("Body of {title}")}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

/// Creates and publishes a post; returns it as published.
pub async fn published_post(app: &TestApp, writer: &TestUser, title: &str) -> Value {
    let post = create_post(app, writer, title).await;
    let res = app
        .post(
            &format!("/api/v1/posts/{}/publish", post["id"].as_str().unwrap()),
            Some(&writer.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}
