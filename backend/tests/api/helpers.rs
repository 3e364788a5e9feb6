//! The one test harness: every test spawns the real application on a random port,
//! with its own freshly created PostgreSQL database and its own capturing SMTP server,
//! and talks to it over HTTP like any client would.

use std::{collections::HashMap, path::PathBuf, time::Duration};

use diesel::{Connection, PgConnection, RunQueryDsl};
use herald::{config::Settings, state::AppState, Application};
use herald_api_types as api;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::smtp_server::TestSmtp;

pub const PUBLIC_URL: &str = "http://herald.test";
pub const PASSWORD: &str = "correct-horse-battery-9";
pub const MAIL_WAIT: Duration = Duration::from_secs(10);

fn server_url() -> String {
    std::env::var("HERALD_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(server: &str, name: &str) -> String {
    let mut url = url::Url::parse(server).expect("HERALD_TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// A database that exists for one test and is dropped with it.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> Self {
        let name = format!("herald_test_{}", Uuid::new_v4().simple());
        let mut conn =
            PgConnection::establish(&server_url()).expect("connect to the test PostgreSQL server");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        TestDatabase {
            url: with_database(&server_url(), &name),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&server_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub http: reqwest::Client,
    pub smtp: TestSmtp,
    pub state: AppState,
    pub static_dir: PathBuf,
    pub db: TestDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app; `configure` may override any environment-style setting.
pub async fn spawn_app_with(configure: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    herald::telemetry::init();
    let db = TestDatabase::create();
    let smtp = TestSmtp::start().await;
    let static_dir =
        std::env::temp_dir().join(format!("herald-static-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(static_dir.join("assets")).unwrap();
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>Herald SPA</title><div id=app></div>",
    )
    .unwrap();
    std::fs::write(
        static_dir.join("assets/herald-0123456789abcdef.js"),
        "console.log('hi')",
    )
    .unwrap();

    let mut env: HashMap<String, String> = [
        ("DATABASE_URL", db.url.clone()),
        ("DATABASE_POOL_SIZE", "4".into()),
        ("BIND", "127.0.0.1:0".into()),
        ("PUBLIC_URL", PUBLIC_URL.into()),
        (
            "JWT_SECRET",
            "test-secret-that-is-at-least-32-bytes-long".into(),
        ),
        ("SMTP_URL", smtp.url()),
        ("SMTP_TIMEOUT_SECS", "5".into()),
        ("MAIL_FROM", "Herald Test <herald@herald.test>".into()),
        ("STATIC_DIR", static_dir.display().to_string()),
        ("MEDIA_DIR", static_dir.join("media").display().to_string()),
        // Apps that get a REDIS_URL share one Redis server: keep their keys apart.
        (
            "REDIS_KEY_PREFIX",
            format!("herald-test-{}", Uuid::new_v4().simple()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    configure(&mut env);
    let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("valid test settings");
    let app = Application::build(settings)
        .await
        .expect("the application starts");
    let port = app.port();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),

        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        smtp,
        state,
        static_dir,
        db,
    }
}

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: Uuid,
    pub email: String,
    pub password: String,
    pub token: String,
    pub refresh_token: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl Serialize,
    ) -> reqwest::Response {
        self.request(
            Method::POST,
            path,
            token,
            Some(&serde_json::to_value(body).unwrap()),
        )
        .await
    }

    pub async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl Serialize,
    ) -> reqwest::Response {
        self.request(
            Method::PUT,
            path,
            token,
            Some(&serde_json::to_value(body).unwrap()),
        )
        .await
    }

    pub async fn patch(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl Serialize,
    ) -> reqwest::Response {
        self.request(
            Method::PATCH,
            path,
            token,
            Some(&serde_json::to_value(body).unwrap()),
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        self.request(Method::DELETE, path, token, None).await
    }

    pub async fn register(&self, email: &str, password: &str, name: &str) -> reqwest::Response {
        self.post(
            "/api/v1/auth/register",
            None,
            &serde_json::json!({"email": email, "password": password, "full_name": name}),
        )
        .await
    }

    /// The token from the newest email to `to` whose link starts with `{PUBLIC_URL}{path}?token=`.
    pub async fn token_from_email(&self, to: &str, path: &str) -> String {
        let prefix = format!("{PUBLIC_URL}{path}?token=");
        let deadline = tokio::time::Instant::now() + MAIL_WAIT;
        loop {
            let link = self
                .smtp
                .emails_to(to)
                .iter()
                .rev()
                .find_map(|e| e.find_link(&prefix));
            if let Some(link) = link {
                return link.trim_start_matches(&prefix).to_string();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no email to {to} with a {path} link"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers through the API, confirms through the emailed link, signs in.
    pub async fn signed_up_user(&self) -> TestUser {
        let email = format!(
            "user-{}@example.com",
            &Uuid::new_v4().simple().to_string()[..12]
        );
        let res = self.register(&email, PASSWORD, "Test User").await;
        assert_eq!(res.status(), StatusCode::CREATED, "register {email}");
        let user: api::User = res.json().await.unwrap();
        let token = self.token_from_email(&email, "/verify-email").await;
        let res = self
            .post(
                "/api/v1/auth/verify-email",
                None,
                &serde_json::json!({"token": token}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let pair: api::TokenPair = self.login(&email, PASSWORD).await.json().await.unwrap();
        TestUser {
            id: user.id,
            email,
            password: PASSWORD.into(),
            token: pair.access_token,
            refresh_token: pair.refresh_token,
        }
    }

    /// A signed-up user moved to a built-in role (roles are managed through the
    /// admin API of a later feature; here the database is set directly).
    pub async fn user_with_role(&self, role: &str) -> TestUser {
        let user = self.signed_up_user().await;
        let mut conn = PgConnection::establish(&self.db.url).unwrap();
        let n = diesel::sql_query(format!(
            "UPDATE users SET role_id = (SELECT id FROM roles WHERE name = '{role}') WHERE id = '{}'",
            user.id
        ))
        .execute(&mut conn)
        .unwrap();
        assert_eq!(n, 1);
        user
    }

    pub fn sql(&self, statement: &str) -> usize {
        let mut conn = PgConnection::establish(&self.db.url).unwrap();
        diesel::sql_query(statement).execute(&mut conn).unwrap()
    }

    pub async fn create_client(&self, user: &TestUser, email: &str, name: &str) -> api::Client {
        let res = self
            .post(
                "/api/v1/clients",
                Some(&user.token),
                &serde_json::json!({"email": email, "full_name": name, "comment": ""}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json().await.unwrap()
    }

    pub async fn create_message(&self, user: &TestUser, subject: &str) -> api::Message {
        let res = self
            .post(
                "/api/v1/messages",
                Some(&user.token),
                &serde_json::json!({"subject": subject, "body": "Hello {{ full_name }}"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json().await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.static_dir);
    }
}

/// Asserts a problem+json answer with this status and returns the problem.
pub async fn assert_problem(res: reqwest::Response, status: StatusCode) -> api::Problem {
    assert_eq!(res.status(), status, "unexpected status");
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/problem+json"),
        "content-type was {ct:?}"
    );
    let problem: api::Problem = res.json().await.expect("a problem document");
    assert_eq!(problem.status, status.as_u16());
    problem
}
