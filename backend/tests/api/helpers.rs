//! The one test harness: every test spawns the real application on a random port,
//! with its own freshly created PostgreSQL database and its own capturing SMTP server,
//! and talks to it over HTTP like any client would.

use std::{collections::HashMap, path::PathBuf, sync::Arc, time::Duration};

use diesel::{Connection, PgConnection, RunQueryDsl};
use herald::{config::Settings, scheduler::SchedulerHandle, state::AppState, Application};
use herald_api_types as api;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::smtp_server::TestSmtp;

pub const PUBLIC_URL: &str = "http://herald.test";
pub const PASSWORD: &str = "correct-horse-battery-9";
pub const MAIL_WAIT: Duration = Duration::from_secs(10);

/// The test PostgreSQL server, in plain text unless `HERALD_TEST_DATABASE_URL` names an
/// `sslmode`. With TLS (libpq's default `prefer` takes it when the server offers it),
/// OpenSSL's exit-time cleanup can race connections still closing in pool threads and
/// abort the test binary after every test has passed ("double free or corruption",
/// SIGABRT; seen on a cold CI run).
fn server_url() -> String {
    let raw = std::env::var("HERALD_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut url = url::Url::parse(&raw).expect("HERALD_TEST_DATABASE_URL is a URL");
    if !url.query_pairs().any(|(k, _)| k == "sslmode") {
        url.query_pairs_mut().append_pair("sslmode", "disable");
    }
    url.to_string()
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
    pub db: Arc<TestDatabase>,
    /// The settings this instance was started with (to start a twin on the same database).
    pub env: HashMap<String, String>,
    /// `http://127.0.0.1:PORT` of the separate `/metrics` listener when `METRICS_BIND` is set.
    pub metrics_address: Option<String>,
    _scheduler: Option<SchedulerHandle>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app; `configure` may override any environment-style setting.
pub async fn spawn_app_with(configure: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    // The in-process apps' logs only when asked for (`TEST_LOG=1 cargo test ...`): a
    // full run would otherwise print thousands of lines around the results.
    if std::env::var_os("TEST_LOG").is_some() {
        herald::telemetry::init();
    }
    let db = Arc::new(TestDatabase::create());
    let smtp = TestSmtp::start().await;
    let mut env: HashMap<String, String> = [
        ("DATABASE_URL", db.url.clone()),
        ("DATABASE_POOL_SIZE", "6".into()),
        ("BIND", "127.0.0.1:0".into()),
        ("PUBLIC_URL", PUBLIC_URL.into()),
        (
            "JWT_SECRET",
            "test-secret-that-is-at-least-32-bytes-long".into(),
        ),
        ("SMTP_URL", smtp.url()),
        ("SMTP_TIMEOUT_SECS", "5".into()),
        ("MAIL_FROM", "Herald Test <herald@herald.test>".into()),
        // Fast engine for tests: tick, retries and breaker in fractions of a second.
        ("SCHEDULER_INTERVAL_SECS", "0.1".into()),
        ("MAIL_RETRY_BACKOFF_SECS", "0.1".into()),
        ("MAIL_BREAKER_COOLDOWN_SECS", "0.3".into()),
        ("MAIL_MAX_TRIES", "4".into()),
        // Apps that get a REDIS_URL share one Redis server: keep their keys apart
        // (a twin instance copies this, so twins share their cache as in production).
        (
            "REDIS_KEY_PREFIX",
            format!("herald-test-{}", Uuid::new_v4().simple()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    configure(&mut env);
    start(db, smtp, env).await
}

async fn start(db: Arc<TestDatabase>, smtp: TestSmtp, mut env: HashMap<String, String>) -> TestApp {
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
    // A test may serve the real SPA build instead of the fixture.
    env.entry("STATIC_DIR".into())
        .or_insert_with(|| static_dir.display().to_string());
    env.insert(
        "MEDIA_DIR".into(),
        static_dir.join("media").display().to_string(),
    );
    let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("valid test settings");
    let mut app = Application::build(settings)
        .await
        .expect("the application starts");
    let port = app.port();
    let metrics_address = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
    let state = app.state().clone();
    let scheduler = app.take_scheduler();
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
        env,
        metrics_address,
        _scheduler: scheduler,
    }
}

impl TestApp {
    /// Stops this instance's scheduler and dispatcher (another process does the sending).
    pub fn stop_scheduler(&mut self) {
        if let Some(mut s) = self._scheduler.take() {
            s.shutdown(Duration::from_secs(5));
        }
    }

    /// Another instance of Herald on the same database and SMTP server (scale-out).
    pub async fn twin(&self) -> TestApp {
        start(self.db.clone(), self.smtp.clone(), self.env.clone()).await
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

    /// The value of a `SELECT count(*) ...` (or any one-bigint query) on this database.
    pub fn count(&self, query: &str) -> i64 {
        let mut conn = PgConnection::establish(&self.db.url).unwrap();
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "({query})"
        )))
        .get_result(&mut conn)
        .unwrap()
    }

    /// A user with `n` recipients `{prefix}{i}@example.com`, imported in one CSV request.
    pub async fn import_audience(&self, user: &TestUser, prefix: &str, n: usize) {
        let mut csv = String::from("email,full_name,comment\n");
        for i in 0..n {
            csv.push_str(&format!("{prefix}{i}@example.com,Reader {i},\n"));
        }
        let res = self
            .http
            .post(self.url("/api/v1/clients/import"))
            .bearer_auth(&user.token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
    }

    /// How many emails each recipient whose address starts with `prefix` received.
    pub fn emails_per_recipient(&self, prefix: &str) -> HashMap<String, usize> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for e in self.smtp.emails() {
            for r in e.rcpt_to.into_iter().filter(|r| r.starts_with(prefix)) {
                *seen.entry(r).or_default() += 1;
            }
        }
        seen
    }

    /// A real `herald serve` process on this app's database and SMTP server, named
    /// `instance` in delivery leases, with `extra` settings on top of this app's.
    pub fn serve_process(&self, instance: &str, extra: &[(&str, &str)]) -> ServeProcess {
        let port = free_port();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_herald"));
        cmd.arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(&self.env)
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("INSTANCE_ID", instance)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        if extra.iter().any(|(k, _)| *k == "LOG_FORMAT") {
            cmd.stdout(std::process::Stdio::piped());
        }
        ServeProcess {
            child: cmd.spawn().expect("start herald serve"),
            address: format!("http://127.0.0.1:{port}"),
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `herald serve` child process; killed (SIGKILL) if still running when dropped.
pub struct ServeProcess {
    pub child: std::process::Child,
    pub address: String,
}

impl ServeProcess {
    /// Waits until the process answers its liveness probe.
    pub async fn ready(&mut self) {
        let url = format!("{}/health/live", self.address);
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("herald serve exited early: {status}");
            }
            if let Ok(res) = http.get(&url).send().await {
                if res.status().is_success() {
                    return;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "herald serve never listened"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then waits (bounded) for the exit status.
    pub async fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("send SIGTERM");
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for herald serve") {
                return status;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "herald serve still running {within:?} after SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no chance to clean anything up.
    pub fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

impl TestApp {
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
        if let Some(mut s) = self._scheduler.take() {
            s.shutdown(Duration::from_secs(5));
        }
        let _ = std::fs::remove_dir_all(&self.static_dir);
    }
}

/// Polls `check` until it returns `Some`, failing with `what` at the deadline.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
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

impl TestApp {
    pub async fn create_mailing(&self, user: &TestUser, body: serde_json::Value) -> api::Mailing {
        let res = self
            .post("/api/v1/mailings", Some(&user.token), &body)
            .await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "create mailing: {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn mailing(&self, user: &TestUser, id: Uuid) -> api::Mailing {
        self.get(&format!("/api/v1/mailings/{id}"), Some(&user.token))
            .await
            .json()
            .await
            .unwrap()
    }

    /// Waits until the mailing's newest run has settled every delivery.
    pub async fn settled(&self, user: &TestUser, id: Uuid) -> api::Mailing {
        eventually("the run to finish", Duration::from_secs(20), || async {
            let m = self.mailing(user, id).await;
            m.last_run
                .as_ref()
                .is_some_and(|r| r.finished_at.is_some())
                .then_some(m)
        })
        .await
    }

    pub async fn attempts(
        &self,
        user: &TestUser,
        mailing: Uuid,
        query: &str,
    ) -> api::Page<api::Attempt> {
        self.get(
            &format!("/api/v1/mailings/{mailing}/attempts?per_page=100{query}"),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap()
    }

    /// A user with `n` recipients `r{i}-<tag>@example.com` and a message.
    pub async fn user_with_audience(&self, n: usize) -> (TestUser, Vec<api::Client>, api::Message) {
        let user = self.signed_up_user().await;
        let mut clients = Vec::new();
        for i in 0..n {
            clients.push(
                self.create_client(
                    &user,
                    &format!("r{i}-{}@example.com", &user.id.simple().to_string()[..8]),
                    &format!("Reader {i}"),
                )
                .await,
            );
        }
        let message = self.create_message(&user, "News for {{ full_name }}").await;
        (user, clients, message)
    }
}

pub fn ago(secs: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::seconds(secs)).to_rfc3339()
}

pub fn ahead(secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339()
}
