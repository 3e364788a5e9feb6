//! The SPA in a real browser: the built app (`frontend/dist`) served by the real backend
//! with a fresh database and the capturing SMTP server, driven in headless Chromium
//! through chromedriver (WebDriver, via fantoccini).
//!
//! Needs Debian's `chromium` and `chromium-driver` and a built SPA; `scripts/test.sh`
//! provides both. Without them these tests fail and say how to get them. Screenshots of
//! the main screens are written to `target/browser-screenshots/`.
//!
//! Overrides: `HERALD_CHROMIUM` (browser binary), `HERALD_CHROMEDRIVER` (driver binary),
//! `HERALD_SPA_DIR` (a built SPA other than `frontend/dist`).

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use std::os::unix::process::CommandExt;

use fantoccini::{elements::Element, key::Key, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use nix::{
    sys::signal::{killpg, Signal},
    unistd::Pid,
};
use serde_json::{json, Value};
use uuid::Uuid;

use herald_api_types as api;

use crate::helpers::{eventually, spawn_app_with, TestApp, PASSWORD};

/// How long a page may take to show what a step waits for.
const TIMEOUT: Duration = Duration::from_secs(20);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("backend/ has a parent")
        .to_path_buf()
}

/// `target/browser-screenshots/` (next to where cargo builds this test).
fn screenshot_dir() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("browser-screenshots")
}

fn find_program(env_var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env_var) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        let usr_bin = Path::new("/usr/bin").join(name);
        if usr_bin.is_file() {
            return Some(usr_bin);
        }
    }
    None
}

const HOW_TO_GET_THEM: &str = "Run the tests with scripts/test.sh, which installs Chromium and \
builds the SPA, or do it by hand: `apt-get install -y --no-install-recommends chromium \
chromium-driver` and `scripts/build-frontend.sh`.";

/// The browser, its driver and the built SPA, or a failure that says how to get them.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    spa: PathBuf,
}

fn tools() -> Tools {
    let spa = std::env::var("HERALD_SPA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("frontend/dist"));
    assert!(
        spa.join("index.html").is_file(),
        "the browser tests need the built SPA, but {} is missing. {HOW_TO_GET_THEM}",
        spa.join("index.html").display()
    );
    let chromium = find_program("HERALD_CHROMIUM", &["chromium", "chromium-browser"])
        .unwrap_or_else(|| {
            panic!("the browser tests need Chromium (not found). {HOW_TO_GET_THEM}")
        });
    let chromedriver =
        find_program("HERALD_CHROMEDRIVER", &["chromedriver"]).unwrap_or_else(|| {
            panic!("the browser tests need chromedriver (not found). {HOW_TO_GET_THEM}")
        });
    Tools {
        chromium,
        chromedriver,
        spa,
    }
}

/// The real app serving the real SPA.
async fn spawn_app_with_spa(tools: &Tools) -> TestApp {
    let spa = tools.spa.display().to_string();
    spawn_app_with(|env| {
        env.insert("STATIC_DIR".into(), spa);
    })
    .await
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// One headless Chromium, driven through its own chromedriver.
struct Browser {
    client: Option<Client>,
    driver: Child,
    profile: PathBuf,
    base: String,
    /// Prefix of this test's screenshot files.
    test: &'static str,
}

impl Browser {
    async fn open(app: &TestApp, tools: &Tools, test: &'static str) -> Browser {
        Browser::open_with(app, tools, test, &[]).await
    }

    /// With extra Chromium flags (e.g. `--force-dark-mode`).
    async fn open_with(
        app: &TestApp,
        tools: &Tools,
        test: &'static str,
        extra_args: &[&str],
    ) -> Browser {
        let port = free_port();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            // Its own process group, with the Chromium it starts: see `Drop`.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e}. {HOW_TO_GET_THEM}",
                    tools.chromedriver.display()
                )
            });
        let profile =
            std::env::temp_dir().join(format!("herald-chromium-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&profile).unwrap();
        let mut browser = Browser {
            client: None,
            driver,
            profile,
            base: app.address.clone(),
            test,
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while reqwest::get(format!("{url}/status")).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {url} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools.chromium.display().to_string(),
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--disable-sync",
                    "--lang=en-US",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", browser.profile.display()),
                ],
                "prefs": { "intl.accept_languages": "en-US,en" }
            }
        });
        let mut capabilities = capabilities;
        if let Some(args) = capabilities["goog:chromeOptions"]["args"].as_array_mut() {
            args.extend(extra_args.iter().map(|a| json!(a)));
        }
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver could not start {}: {e}. {HOW_TO_GET_THEM}",
                    tools.chromium.display()
                )
            });
        browser.client = Some(client);
        browser
    }

    fn c(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    async fn goto(&self, path: &str) {
        self.c()
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    async fn path(&self) -> String {
        let url = self.c().current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits until the address bar's path (and query) satisfies `check`.
    async fn wait_path(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let path = self.path().await;
            if check(&path) {
                return path;
            }
            if Instant::now() > deadline {
                self.shot("FAILED-wait-path").await;
                panic!("waited for the path to be {what}; it is {path}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first element matching `css`, waiting for it to appear.
    async fn el(&self, css: &str) -> Element {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(e) = self.c().find(Locator::Css(css)).await {
                return e;
            }
            if Instant::now() > deadline {
                self.shot("FAILED-find").await;
                panic!("no element matches {css} on {}", self.path().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn count(&self, css: &str) -> usize {
        self.c()
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    /// Waits until exactly `n` elements match `css`.
    async fn wait_count(&self, css: &str, n: usize) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self.count(css).await;
            if found == n {
                return;
            }
            if Instant::now() > deadline {
                self.shot("FAILED-count").await;
                panic!("waited for {n} elements matching {css}; there are {found}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn text(&self, css: &str) -> String {
        self.el(css).await.text().await.unwrap_or_default()
    }

    /// Waits until the first element matching `css` contains `needle`.
    async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(e) = self.c().find(Locator::Css(css)).await {
                if let Ok(text) = e.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                }
            }
            if Instant::now() > deadline {
                self.shot("FAILED-text").await;
                let now = match self.c().find(Locator::Css(css)).await {
                    Ok(e) => e.text().await.unwrap_or_default(),
                    Err(_) => "<no such element>".into(),
                };
                panic!("waited for {css} to contain {needle:?}; it has {now:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.c()
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Clicks the first element matching `css` (scrolled to the middle of the window, so
    /// the sticky header never covers it).
    async fn click(&self, css: &str) {
        let e = self.el(css).await;
        let arg = serde_json::to_value(&e).unwrap();
        self.js("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await;
        e.click()
            .await
            .unwrap_or_else(|err| panic!("click {css}: {err}"));
    }

    /// Types into a field, replacing what it held.
    async fn fill(&self, css: &str, text: &str) {
        let e = self.el(css).await;
        e.clear()
            .await
            .unwrap_or_else(|err| panic!("clear {css}: {err}"));
        if text.is_empty() {
            // WebDriver's clear does not fire `input` as a keyboard would.
            self.set_value(css, "").await;
        } else {
            e.send_keys(text)
                .await
                .unwrap_or_else(|err| panic!("type into {css}: {err}"));
        }
    }

    /// Presses Enter in a field (submits its form).
    async fn enter(&self, css: &str) {
        let enter: char = Key::Enter.into();
        self.el(css)
            .await
            .send_keys(&enter.to_string())
            .await
            .unwrap_or_else(|err| panic!("press Enter in {css}: {err}"));
    }

    /// Sets a field's value the way typing would end (for inputs such as
    /// `datetime-local`, whose typing differs between locales).
    async fn set_value(&self, css: &str, value: &str) {
        let e = self.el(css).await;
        self.js(
            "const [el, v] = arguments; el.value = v; \
             el.dispatchEvent(new Event('input', {bubbles: true})); \
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![serde_json::to_value(&e).unwrap(), json!(value)],
        )
        .await;
    }

    async fn select_label(&self, css: &str, label: &str) {
        self.el(css)
            .await
            .select_by_label(label)
            .await
            .unwrap_or_else(|err| panic!("choose {label:?} in {css}: {err}"));
    }

    async fn local_storage(&self, key: &str) -> Option<String> {
        self.js(
            "return localStorage.getItem(arguments[0]);",
            vec![json!(key)],
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// Saves `target/browser-screenshots/<test>-<name>.png`.
    async fn shot(&self, name: &str) {
        let Ok(png) = self.c().screenshot().await else {
            return;
        };
        let dir = screenshot_dir();
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{}-{name}.png", self.test)), png);
    }

    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that failed never closed its session: killing chromedriver alone would
        // leave its Chromium running, so the whole process group goes.
        if let Ok(pid) = i32::try_from(self.driver.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Signs in through the form and waits for the mailings page.
async fn sign_in(browser: &Browser, email: &str, password: &str) {
    browser.goto("/login").await;
    browser.fill("#email", email).await;
    browser.fill("#password", password).await;
    browser.enter("#password").await;
    browser.wait_path("/mailings", |p| p == "/mailings").await;
}

/// A local date-time (`datetime-local` value) `days` from now, in the browser's zone.
async fn local_input_in_days(browser: &Browser, days: i64) -> String {
    browser
        .js(
            "const d = new Date(Date.now() + arguments[0] * 86400000); \
             const p = (n) => String(n).padStart(2, '0'); \
             return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;",
            vec![json!(days)],
        )
        .await
        .as_str()
        .expect("a string")
        .to_owned()
}

#[tokio::test]
async fn a_new_user_signs_up_and_sends_a_mailing_in_the_browser() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let b = Browser::open(&app, &tools, "flow").await;
    let email = format!(
        "ann-{}@example.com",
        &Uuid::new_v4().simple().to_string()[..8]
    );

    // Sign up.
    b.goto("/").await;
    b.wait_text("h1", "Keep your customers warm").await;
    b.shot("01-home").await;
    b.click("a.button[href='/register']").await;
    b.wait_path("/register", |p| p == "/register").await;
    b.fill("#full_name", "Ann Sender").await;
    b.fill("#email", &email).await;
    b.fill("#password", "short").await;
    b.enter("#password").await;
    // The server's field error appears under the password input, which takes the focus.
    b.wait_text("#password-error", "at least 10 characters")
        .await;
    b.shot("02-register-error").await;
    b.fill("#password", PASSWORD).await;
    // The password can be shown while typing, and hidden again.
    let kind = "return document.querySelector('#password').type;";
    assert_eq!(b.js(kind, vec![]).await, json!("password"));
    b.click("#password-reveal").await;
    assert_eq!(b.js(kind, vec![]).await, json!("text"));
    b.wait_text("#password-reveal", "Hide").await;
    b.click("#password-reveal").await;
    assert_eq!(b.js(kind, vec![]).await, json!("password"));
    b.enter("#password").await;
    b.wait_text("#register-done", &email).await;

    // Confirm from the link in the captured email.
    let token = app.token_from_email(&email, "/verify-email").await;
    b.goto(&format!("/verify-email?token={token}")).await;
    b.wait_text("#verify-ok", "confirmed").await;
    b.shot("03-verified").await;

    // Sign in (Enter submits).
    b.click("#main a.button[href='/login']").await;
    b.wait_path("/login", |p| p.starts_with("/login")).await;
    // The address just signed up with is already filled in.
    let prefilled = b
        .js("return document.querySelector('#email').value;", vec![])
        .await;
    assert_eq!(prefilled, json!(email));
    b.shot("04-login").await;
    b.fill("#password", PASSWORD).await;
    b.enter("#password").await;
    b.wait_path("/mailings", |p| p == "/mailings").await;
    b.wait_text(".empty", "No mailings yet").await;
    b.wait_text(".nav-user", "Ann Sender").await;

    // Recipients: one through the form (after an inline error), more from CSV.
    b.click("nav a[href='/recipients']").await;
    b.wait_text(".empty", "no recipients yet").await;
    b.click(".page-actions a[href='/recipients/new']").await;
    b.fill("#email", "not-an-email").await;
    b.fill("#full_name", "Broken").await;
    b.enter("#full_name").await;
    b.wait_text("#email-error", "not a valid email").await;
    b.shot("05-recipient-error").await;
    b.fill("#email", "reader-one@example.com").await;
    b.fill("#full_name", "Reader One").await;
    b.enter("#full_name").await;
    b.wait_path("/recipients", |p| p == "/recipients").await;
    b.wait_text("#recipients-table", "reader-one@example.com")
        .await;

    b.click("a[href='/recipients/import']").await;
    b.el("#csv-text").await;
    b.set_value(
        "#csv-text",
        "email,full_name,comment\nreader-two@example.com,Reader Two,VIP\nnot-an-email,Broken,\nreader-three@example.com,Reader Three,\nREADER-TWO@example.com,Again,\n",
    )
    .await;
    b.click("button[type='submit']").await;
    b.wait_text("#import-created", "2").await;
    b.wait_text("#import-errors", "email").await;
    let errors = b.text("#import-errors tbody").await;
    assert!(errors.starts_with('3'), "{errors}");
    assert!(
        errors.contains("not-an-email"),
        "the offending value is shown: {errors}"
    );
    let repeats = b.text("#import-duplicates tbody").await;
    assert!(
        repeats.contains("READER-TWO@example.com") && repeats.starts_with('5'),
        "{repeats}"
    );
    b.shot("06-import-report").await;

    b.click("a.import-view-recipients").await;
    b.wait_count("#recipients-table tbody tr", 3).await;
    b.fill("#search", "two").await;
    b.wait_count("#recipients-table tbody tr", 1).await;
    b.wait_path("?q=two", |p| p == "/recipients?q=two").await;
    b.fill("#search", "").await;
    b.wait_count("#recipients-table tbody tr", 3).await;
    // Column headers sort, and the order is kept in the URL.
    b.click("#sort-email").await;
    b.wait_path("?sort=email&order=asc", |p| {
        p.contains("sort=email") && p.contains("order=asc")
    })
    .await;
    b.wait_text(
        "#recipients-table tbody tr:first-child",
        "reader-one@example.com",
    )
    .await;
    b.click("#sort-email").await;
    b.wait_path("order=desc", |p| p.contains("order=desc"))
        .await;
    b.wait_text(
        "#recipients-table tbody tr:first-child",
        "reader-two@example.com",
    )
    .await;
    b.shot("07-recipients").await;

    // A message, previewed for a chosen recipient.
    b.click("nav a[href='/messages']").await;
    b.click(".page-actions a[href='/messages/new']").await;
    // A misspelled placeholder is flagged while typing, with what was meant.
    b.fill("#subject", "News for {{ fullname }}").await;
    b.wait_text("#placeholder-warnings", "did you mean full_name?")
        .await;
    b.shot("08a-unknown-placeholder").await;
    b.fill("#subject", "News for {{ full_name }}").await;
    b.fill("#body", "Dear {{ full_name }},\nthis goes to {{email}}.")
        .await;
    b.wait_text("#preview-subject", "News for Jane Doe").await;
    assert_eq!(b.count("#placeholder-warnings").await, 0);
    b.select_label("#preview-recipient", "Reader Two <reader-two@example.com>")
        .await;
    b.wait_text("#preview-subject", "News for Reader Two").await;
    b.wait_text("#preview-body", "this goes to reader-two@example.com.")
        .await;
    b.shot("08-message-editor").await;
    b.click("button[type='submit']").await;
    b.wait_path("/messages", |p| p == "/messages").await;
    b.wait_text("#messages-table", "News for {{ full_name }}")
        .await;

    // A daily mailing starting tomorrow, to the chosen recipients.
    b.click("nav a[href='/mailings']").await;
    b.click(".page-actions a[href='/mailings/new']").await;
    // A new mailing starts now by default: saving would send, and the button says so.
    b.wait_text("button[type='submit']", "Save and send now")
        .await;
    b.fill("#name", "Readers' weekly").await;
    b.select_label("#message_id", "News for {{ full_name }}")
        .await;
    b.wait_count("#recipient-picker input.pick", 3).await;
    b.click("#pick-page").await;
    b.wait_text("#picked-count", "3").await;
    let tomorrow = local_input_in_days(&b, 1).await;
    b.set_value("#start_at", &tomorrow).await;
    b.el("#periodicity")
        .await
        .select_by_value("daily")
        .await
        .unwrap();
    b.wait_text("button[type='submit']", "Save").await;
    assert!(!b.text("button[type='submit']").await.contains("send"));
    b.shot("09-mailing-editor").await;
    b.click("button[type='submit']").await;
    let path = b
        .wait_path("a mailing's page", |p| {
            p.starts_with("/mailings/") && p.len() == "/mailings/".len() + 36
        })
        .await;
    let mailing_id: Uuid = path["/mailings/".len()..].parse().unwrap();
    b.wait_text("#mailing-title", "Readers' weekly").await;
    b.wait_text(".fact-message", "News for {{ full_name }}")
        .await;
    b.wait_text(".badges", "Created").await;
    b.wait_text("#fact-recipients", "3").await;
    b.wait_text(
        "section[aria-labelledby='runs-title'] .empty",
        "No runs yet",
    )
    .await;

    // Send now asks first, saying to how many; No sends nothing.
    b.click("#action-send").await;
    b.wait_text(".action-bar .confirm", "Send to 3 recipients now?")
        .await;
    b.click(".action-bar .confirm-no").await;
    b.el("#action-send").await;
    assert!(app.smtp.emails_to("reader-one@example.com").is_empty());
    // Yes: the run's attempts appear in the log without a reload.
    b.click("#action-send").await;
    b.click(".action-bar .confirm-yes").await;
    b.wait_text("#action-done", "Sending has started").await;
    b.wait_count("#attempts-table tr.attempt-success", 3).await;
    b.wait_text("#runs-table", "By hand").await;
    b.wait_text("#runs-table .run-recipients", "3").await;
    b.wait_text("#attempts-table", "reader-one@example.com")
        .await;
    b.wait_text(".badges", "Running").await;
    b.shot("10-mailing-detail").await;
    b.js(
        "document.getElementById('runs-title').scrollIntoView();",
        vec![],
    )
    .await;
    b.shot("11-delivery-log").await;
    // Every recipient got the message, rendered for them.
    let mail = app
        .smtp
        .wait_for_email_to("reader-two@example.com", Duration::from_secs(10))
        .await;
    assert_eq!(mail.subject(), "News for Reader Two");
    assert!(mail
        .text_body()
        .contains("this goes to reader-two@example.com."));

    // The log's failure filter: nothing failed.
    b.click("#attempts-failure").await;
    b.wait_text(
        "section[aria-labelledby='attempts-title'] .empty",
        "No delivery attempts",
    )
    .await;
    b.click("#attempts-all").await;
    b.wait_count("#attempts-table tr.attempt-success", 3).await;

    // The list shows the mailing's status and the last run's counts.
    b.click(".breadcrumb a[href='/mailings']").await;
    b.wait_text("#mailings-table .mailing-name", "Readers' weekly")
        .await;
    b.wait_text(
        "#mailings-table .mailing-subject",
        "News for {{ full_name }}",
    )
    .await;
    b.wait_text("#mailings-table", "Running").await;
    b.wait_text("#mailings-table", "✓ 3").await;
    b.shot("12-mailings").await;
    b.el("#filter-status")
        .await
        .select_by_value("finished")
        .await
        .unwrap();
    b.wait_text(".empty", "No mailing matches").await;
    b.wait_path("?status=finished", |p| p.contains("status=finished"))
        .await;

    // The same page in Russian: texts, dates and numbers follow the language.
    b.goto(&format!("/mailings/{mailing_id}")).await;
    b.click("#lang-ru").await;
    b.wait_text("#action-send", "Отправить сейчас").await;
    b.wait_text("#runs-table", "Вручную").await;
    b.wait_text("#fact-next-run", "г.").await;
    b.shot("13-mailing-detail-ru").await;
    b.click("#lang-en").await;
    b.wait_text("#action-send", "Send now").await;

    // Phone width.
    b.c().set_window_size(390, 844).await.unwrap();
    b.goto(&format!("/mailings/{mailing_id}")).await;
    b.wait_count("#attempts-table tr.attempt-success", 3).await;
    b.shot("14-mailing-detail-phone").await;
    b.click(".nav-toggle").await;
    b.wait_text("#nav-menu.open", "Recipients").await;
    b.shot("15-menu-phone").await;
    b.goto("/recipients").await;
    b.wait_count("#recipients-table tbody tr", 3).await;
    b.shot("16-recipients-phone").await;

    // Sign out.
    b.c().set_window_size(1280, 900).await.unwrap();
    b.goto("/profile").await;
    b.wait_text("#profile-email", &email).await;
    b.shot("17-profile").await;
    b.click("#sign-out").await;
    b.wait_path("/", |p| p == "/").await;
    b.wait_text("nav", "Sign in").await;
    assert_eq!(b.local_storage("herald.refresh_token").await, None);
    b.close().await;
}

#[tokio::test]
async fn a_manager_blocks_a_user_who_is_then_signed_out_at_their_next_action() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let manager = app.user_with_role("manager").await;
    let admin = app.user_with_role("admin").await;
    let user = app.signed_up_user().await;
    let b = Browser::open(&app, &tools, "blocked").await;
    sign_in(&b, &user.email, &user.password).await;
    b.wait_text(".empty", "No mailings yet").await;

    // The user has a mailing; the manager sees it among everyone's, with its owner, and
    // may disable it but not edit it.
    let client = app
        .create_client(&user, "reader@example.com", "Reader")
        .await;
    let message = app.create_message(&user, "Hello {{ full_name }}").await;
    let mailing = app
        .create_mailing(
            &user,
            json!({"name": "Test mailing", "message_id": message.id, "client_ids": [client.id],
               "start_at": crate::helpers::ahead(86_400), "periodicity": "daily"}),
        )
        .await;
    let m = Browser::open(&app, &tools, "blocked-manager").await;
    sign_in(&m, &manager.email, &manager.password).await;
    // The same rule as recipients and messages: one's own first, everyone's when asked.
    m.wait_text(".empty", "No mailings yet").await;
    m.el("#scope").await.select_by_value("all").await.unwrap();
    m.wait_path("everyone's, in the URL", |p| p.contains("all=true"))
        .await;
    m.wait_text("#mailings-table tr.row-foreign td.owner", &user.email)
        .await;
    assert_eq!(
        m.count("#mailings-table tr.row-foreign a[href$='/edit']")
            .await,
        0
    );
    m.click("#mailings-table tr.row-foreign .mailing-toggle")
        .await;
    m.wait_text("#mailings-table tr.row-foreign", "Disabled")
        .await;
    m.wait_text("#mailings-table tr.row-foreign .mailing-toggle", "Enable")
        .await;
    m.shot("00-mailings-manager").await;
    m.click("#mailings-table tr.row-foreign .mailing-toggle")
        .await;
    m.wait_text("#mailings-table tr.row-foreign .mailing-toggle", "Disable")
        .await;

    // From the mailing's page, with a reason the owner then reads there.
    m.goto(&format!("/mailings/{}", mailing.id)).await;
    m.click("#action-disable").await;
    m.fill("#disable-reason", "Too many complaints this week")
        .await;
    m.click("#disable-confirm").await;
    m.wait_text("#disabled-reason", "Too many complaints this week")
        .await;
    m.wait_text("#disabled-by", "by a manager").await;
    m.wait_text("#fact-next-run", "None while disabled").await;
    b.goto(&format!("/mailings/{}", mailing.id)).await;
    b.wait_text("#disabled-reason", "Too many complaints this week")
        .await;
    b.shot("00-mailing-disabled-owner").await;
    m.click("#action-enable").await;
    m.el("#action-disable").await;

    // Others' recipients and messages: listed when asked for, and read-only.
    m.click("nav a[href='/recipients']").await;
    m.wait_text(".empty", "You have no recipients yet").await;
    m.el("#scope").await.select_by_value("all").await.unwrap();
    m.wait_text("#recipients-table tr.row-foreign td.owner", &user.email)
        .await;
    let foreign_controls = "tr.row-foreign .cell-actions a, tr.row-foreign .cell-actions button";
    assert_eq!(
        m.count(&format!("#recipients-table {foreign_controls}"))
            .await,
        0
    );
    m.shot("00a-recipients-everyone").await;
    m.click("#recipients-table tr.row-foreign td a").await;
    m.wait_text(".notice-info", "belongs to another user").await;
    assert_eq!(
        m.js("return document.getElementById('email').disabled;", vec![])
            .await,
        json!(true)
    );
    assert_eq!(m.count("form button[type='submit']").await, 0);
    m.click("nav a[href='/messages']").await;
    m.wait_text(".empty", "No messages yet").await;
    m.el("#scope").await.select_by_value("all").await.unwrap();
    m.wait_text("#messages-table tr.row-foreign td.owner", &user.email)
        .await;
    assert_eq!(
        m.count(&format!("#messages-table {foreign_controls}"))
            .await,
        0
    );
    m.click("#messages-table tr.row-foreign td a").await;
    m.wait_text(".notice-info", "belongs to another user").await;
    assert_eq!(m.count("form button[type='submit']").await, 0);

    // The manager finds the user and blocks them, after saying yes.
    m.click("nav a[href='/admin/users']").await;
    let row = format!("#users-table tr[data-email='{}']", user.email);
    m.wait_text(&row, "Active").await;
    m.fill("#search", &user.email[..12]).await;
    m.wait_count("#users-table tbody tr", 1).await;
    // No block button on one's own row, nor on an admin's (a manager may not block one).
    m.fill("#search", "").await;
    let own = format!("#users-table tr[data-email='{}']", manager.email);
    m.wait_text(&own, "you").await;
    assert_eq!(m.count(&format!("{own} .block-toggle")).await, 0);
    let admin_row = format!("#users-table tr[data-email='{}']", admin.email);
    m.wait_text(&admin_row, "Administrator").await;
    assert_eq!(m.count(&format!("{admin_row} .block-toggle")).await, 0);
    m.click(&format!("{row} .block-toggle")).await;
    m.wait_text(&format!("{row} .confirm"), "Block").await;
    m.shot("01-confirm").await;
    m.click(&format!("{row} .confirm-yes")).await;
    m.wait_text(&row, "Blocked").await;
    m.wait_text(&format!("{row} .block-toggle"), "Unblock")
        .await;
    m.shot("02-users").await;
    m.c().set_window_size(390, 844).await.unwrap();
    m.goto("/admin/users").await;
    m.wait_text(&row, "Blocked").await;
    m.shot("03-users-phone").await;
    m.close().await;

    // Their next action is refused, the refresh too, and they are back at sign-in.
    b.click("nav a[href='/recipients']").await;
    b.wait_path("/login?next=…", |p| p.starts_with("/login?next="))
        .await;
    b.wait_text("#session-ended", "session has ended").await;
    assert_eq!(b.local_storage("herald.access_token").await, None);
    assert_eq!(b.local_storage("herald.refresh_token").await, None);
    b.shot("04-signed-out").await;

    // Signing in again says why it cannot.
    b.fill("#email", &user.email).await;
    b.fill("#password", &user.password).await;
    b.enter("#password").await;
    b.wait_text(".notice-error", "blocked").await;
    b.shot("05-blocked").await;
    b.close().await;
}

#[tokio::test]
async fn the_statistics_page_shows_the_figures_and_the_chart_after_a_send() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let (user, clients, message) = app.user_with_audience(3).await;
    let ids: Vec<Uuid> = clients.iter().map(|c| c.id).collect();
    let mailing = app
        .create_mailing(
            &user,
            json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids,
                   "start_at": crate::helpers::ago(60), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, mailing.id).await;

    let b = Browser::open(&app, &tools, "stats").await;
    sign_in(&b, &user.email, &user.password).await;
    b.click("nav a[href='/stats']").await;
    b.wait_text("#stat-mailings-total", "1").await;
    b.wait_text("#stat-attempts-success", "3").await;
    b.wait_text("#stat-attempts-failure", "0").await;
    b.wait_text("#stat-unique-recipients", "3").await;
    b.wait_text("#stat-messages-delivered", "3").await;
    b.wait_text("#live-title + .empty", "Nothing is being sent")
        .await;
    // The chart is drawn: the canvas has pixels, and says what it shows.
    b.el("#stats-chart").await;
    let drawn = b
        .js(
            "const c = document.getElementById('stats-chart'); \
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; \
             let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n;",
            vec![],
        )
        .await;
    assert!(drawn.as_u64().unwrap_or(0) > 500, "the canvas is blank");
    let label = b
        .js(
            "return document.getElementById('stats-chart').getAttribute('aria-label');",
            vec![],
        )
        .await;
    assert!(label.as_str().unwrap().contains("3 delivered"), "{label}");
    b.shot("01-stats").await;

    // The period and the language change the chart's labels.
    b.el("#stats-days")
        .await
        .select_by_value("7")
        .await
        .unwrap();
    b.click("#lang-ru").await;
    b.wait_text("#chart-title", "Доставки по дням").await;
    b.shot("02-stats-ru").await;
    b.click("#lang-en").await;
    b.c().set_window_size(390, 844).await.unwrap();
    b.goto("/stats").await;
    b.wait_text("#stat-attempts-success", "3").await;
    b.el("#stats-chart").await;
    b.shot("03-stats-phone").await;
    b.close().await;
}

#[tokio::test]
async fn the_statistics_page_follows_a_run_in_progress_live() {
    let tools = tools();
    let spa = tools.spa.display().to_string();
    // Two emails a second, one at a time: forty recipients take about twenty seconds, more
    // than the page needs to notice the run (10 s at most) and show it moving.
    let app = spawn_app_with(|env| {
        env.insert("STATIC_DIR".into(), spa);
        env.insert("MAIL_RATE_PER_SEC".into(), "2".into());
        env.insert("MAIL_CONCURRENCY".into(), "1".into());
    })
    .await;
    let (user, clients, message) = app.user_with_audience(40).await;
    let b = Browser::open(&app, &tools, "stats-live").await;
    sign_in(&b, &user.email, &user.password).await;
    b.click("nav a[href='/stats']").await;
    b.wait_text("#live-title + .empty", "Nothing is being sent")
        .await;

    // A run that starts while the page is open shows up there by itself.
    let ids: Vec<Uuid> = clients.iter().map(|c| c.id).collect();
    app.create_mailing(
        &user,
        json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids,
               "start_at": crate::helpers::ago(60), "periodicity": "once"}),
    )
    .await;
    b.el(".live-run progress").await;
    b.js(
        "document.querySelector('.live-run').scrollIntoView();",
        vec![],
    )
    .await;
    let done = || async {
        let value = b
            .js(
                "const p = document.querySelector('.live-run progress'); \
                 return p ? [Number(p.value), Number(p.max)] : null;",
                vec![],
            )
            .await;
        value.as_array().map(|v| {
            (
                v[0].as_u64().expect("a progress value"),
                v[1].as_u64().expect("a progress max"),
            )
        })
    };
    let (first, total) = done().await.expect("the run's progress bar");
    assert_eq!(total, 40, "the progress bar counts every recipient");
    assert!(
        first < total,
        "the run is still in progress when first seen"
    );
    b.shot("01-live").await;

    // Without reloading, the bar moves on as emails go out...
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match done().await {
            Some((now, _)) if now > first => break,
            None => break, // finished in between: the list emptied, checked below
            _ if Instant::now() > deadline => panic!("the progress bar never moved"),
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    // ...and when the run ends it leaves the list and the figures count every email.
    b.wait_text("#live-title + .empty", "Nothing is being sent")
        .await;
    b.wait_text("#stat-attempts-success", "40").await;
    b.close().await;
}

/// A 1x1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82";

#[tokio::test]
async fn a_content_manager_writes_and_publishes_a_post_that_appears_on_the_blog() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let writer = app.user_with_role("content_manager").await;
    let b = Browser::open(&app, &tools, "blog").await;
    b.goto("/blog").await;
    b.wait_text(".empty", "No posts yet").await;

    sign_in(&b, &writer.email, &writer.password).await;
    b.click("nav a[href='/admin/posts']").await;
    b.wait_text(".empty", "No posts yet").await;
    b.click(".page-actions a[href='/admin/posts/new']").await;
    b.wait_text(".image-card", "Save the post first").await;
    // A title is required: the server's error shows under it.
    b.set_value("#body", "Nothing yet").await;
    b.click("button[type='submit']").await;
    b.wait_text("#title-error", "1 to 300").await;

    b.fill("#title", "Warm-up tips").await;
    b.set_value(
        "#body",
        "Some **bold** advice.\n\n- one\n- two\n\n<script>window.pwned = 1</script>\n\n[bad](javascript:alert(1))",
    )
    .await;
    b.wait_text("#post-preview strong", "bold").await;
    b.wait_text("#post-preview", "<script>window.pwned = 1</script>")
        .await;
    b.enter("#title").await;
    let path = b
        .wait_path("the new post's page", |p| {
            p.starts_with("/admin/posts/") && p.ends_with("?created=true")
        })
        .await;
    let id: Uuid = path["/admin/posts/".len().."/admin/posts/".len() + 36]
        .parse()
        .unwrap();
    b.wait_text("#post-saved", "Saved").await;
    b.wait_text(".publish-bar", "Draft").await;

    // An illustration, uploaded as multipart.
    let file = std::env::temp_dir().join(format!("herald-{}.png", Uuid::new_v4().simple()));
    std::fs::write(&file, PNG).unwrap();
    b.el("#image")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    b.click("#image-upload").await;
    b.wait_text("#image-done", "saved").await;
    let _ = std::fs::remove_file(&file);
    b.el(".preview img.blog-post-image").await;

    // Not on the blog while a draft; there once published.
    b.click("#publish-toggle").await;
    b.wait_text(".publish-bar", "Published").await;
    b.wait_text("#publish-toggle", "Unpublish").await;
    b.shot("01-editor").await;
    b.click("nav a[href='/admin/posts']").await;
    b.wait_text("#posts-table", "Warm-up tips").await;
    b.wait_text("#posts-table", "Published").await;
    b.shot("02-posts").await;

    b.click("nav a[href='/blog']").await;
    b.wait_text("#blog-list", "Warm-up tips").await;
    b.wait_text("#blog-list", "Some bold advice.").await;
    b.el("#blog-list img").await;
    b.shot("03-blog").await;
    b.click(&format!("#blog-list h2 a[href='/blog/{id}']"))
        .await;
    b.wait_text("#post-title", "Warm-up tips").await;
    b.wait_text("#post-body strong", "bold").await;
    b.wait_text("#post-byline", "view").await;
    // Raw HTML is text, and script links go nowhere.
    b.wait_text("#post-body", "<script>window.pwned = 1</script>")
        .await;
    assert_eq!(b.count("#post-body script").await, 0);
    assert_eq!(
        b.js("return window.pwned === undefined;", vec![]).await,
        json!(true)
    );
    let href = b
        .js(
            "return [...document.querySelectorAll('#post-body a')].map(a => a.getAttribute('href')).join(' ');",
            vec![],
        )
        .await;
    assert!(!href.as_str().unwrap().contains("javascript"), "{href}");
    b.shot("04-post").await;
    b.c().set_window_size(390, 844).await.unwrap();
    b.goto("/blog").await;
    b.wait_text("#blog-list", "Warm-up tips").await;
    b.shot("05-blog-phone").await;

    // The home page shows it too, as plain text, and leads to it.
    b.goto("/").await;
    b.wait_text("#home-posts", "Warm-up tips").await;
    b.wait_text("#home-posts", "Some bold advice.").await;
    b.shot("06-home-phone").await;
    b.click(&format!("#home-posts h2 a[href='/blog/{id}']"))
        .await;
    b.wait_text("#post-title", "Warm-up tips").await;

    // Anyone can read it, and each read counts.
    let views = |v: &Value| v["views"].as_i64().unwrap();
    let post: Value = app
        .get(&format!("/api/v1/posts/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(views(&post) >= 2, "{post}");
    b.close().await;
}

#[tokio::test]
async fn an_admin_creates_a_role_with_chosen_permissions() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let admin = app.user_with_role("admin").await;
    let b = Browser::open(&app, &tools, "roles").await;
    sign_in(&b, &admin.email, &admin.password).await;
    b.click("nav a[href='/admin/roles']").await;
    b.wait_text("#roles-table tr[data-role='manager']", "users.block")
        .await;
    // Built-in roles cannot be edited.
    assert_eq!(
        b.count("#roles-table tr[data-role='admin'] .role-edit")
            .await,
        0
    );

    b.click("#role-new").await;
    b.wait_count(".perm-list input[type='checkbox']", 10).await;
    b.fill("#role-name", "Bad Name").await;
    b.click("#perm-stats-view_all").await;
    b.enter("#role-name").await;
    b.wait_text("#role-name-error", "lowercase").await;
    b.shot("01-role-error").await;
    b.fill("#role-name", "auditor").await;
    b.click("#perm-users-view").await;
    b.enter("#role-name").await;
    b.wait_text("#role-done", "created").await;
    let row = "#roles-table tr[data-role='auditor']";
    b.wait_text(row, "stats.view_all").await;
    b.wait_text(row, "users.view").await;
    b.shot("02-roles").await;

    // Edit: drop a permission.
    b.click(&format!("{row} .role-edit")).await;
    b.click("#perm-users-view").await;
    b.enter("#role-name").await;
    b.wait_text("#role-done", "saved").await;
    b.wait_count(&format!("{row} code"), 1).await;

    // The new role can be given to a user from the users table.
    let user = app.signed_up_user().await;
    b.click("nav a[href='/admin/users']").await;
    let select = format!("#role-{}", user.id);
    // Picking a role only proposes it: "No" changes nothing...
    b.el(&select)
        .await
        .select_by_value("auditor")
        .await
        .unwrap();
    b.wait_text(".role-confirm", &format!("Make {}", user.email))
        .await;
    b.click(".role-confirm .confirm-no").await;
    b.el(&format!("{select}:not([disabled])")).await;
    let before: Value = app
        .get("/api/v1/me", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["role"], "user");
    // ...and "Yes" assigns it.
    b.el(&select)
        .await
        .select_by_value("auditor")
        .await
        .unwrap();
    b.click(".role-confirm .confirm-yes").await;
    b.wait_text("#users-done", &user.email).await;
    let me: Value = app
        .get("/api/v1/me", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "auditor");
    b.shot("03-users-admin").await;
    b.close().await;
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_without_the_user_noticing() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let user = app.signed_up_user().await;
    let b = Browser::open(&app, &tools, "refresh").await;
    sign_in(&b, &user.email, &user.password).await;
    // The refresh token is the server's HttpOnly cookie, never in localStorage.
    assert_eq!(b.local_storage("herald.refresh_token").await, None);

    b.js(
        "localStorage.setItem('herald.access_token', 'expired.or.revoked');",
        vec![],
    )
    .await;
    b.click("nav a[href='/recipients']").await;
    b.wait_text(".empty", "no recipients yet").await;
    assert_eq!(b.path().await, "/recipients");
    let access = b.local_storage("herald.access_token").await.unwrap();
    assert_ne!(access, "expired.or.revoked");
    assert_eq!(b.local_storage("herald.refresh_token").await, None);
    b.close().await;
}

#[tokio::test]
async fn deleting_asks_first_and_no_keeps_the_row() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let user = app.signed_up_user().await;
    app.create_client(&user, "keep@example.com", "Keep").await;
    app.create_client(&user, "gone@example.com", "Gone").await;
    let b = Browser::open(&app, &tools, "delete").await;
    sign_in(&b, &user.email, &user.password).await;
    b.click("nav a[href='/recipients']").await;
    b.wait_count("#recipients-table tbody tr", 2).await;

    // The first click asks; "No" leaves everything as it was.
    let delete = "button[aria-label='Delete gone@example.com']";
    b.click(delete).await;
    b.wait_text("#recipients-table .confirm", "Delete for good?")
        .await;
    b.shot("01-confirm").await;
    b.click("#recipients-table .confirm-no").await;
    b.el(delete).await;
    assert_eq!(b.count("#recipients-table tbody tr").await, 2);

    // "Yes, delete" deletes that row only.
    b.click(delete).await;
    b.click("#recipients-table .confirm-yes").await;
    b.wait_count("#recipients-table tbody tr", 1).await;
    b.wait_text("#recipients-table", "keep@example.com").await;
    let left: api::Page<api::Client> = app
        .get("/api/v1/clients", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(left.total, 1);
    assert_eq!(left.items[0].email, "keep@example.com");
    b.close().await;
}

#[tokio::test]
async fn the_language_switch_changes_the_texts_and_is_remembered() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let b = Browser::open(&app, &tools, "language").await;
    b.goto("/").await;
    b.wait_text("h1", "Keep your customers warm").await;
    b.wait_text("nav", "Sign in").await;

    b.click("#lang-ru").await;
    b.wait_text("h1", "Напоминайте о себе клиентам").await;
    b.wait_text("nav", "Войти").await;
    assert_eq!(b.local_storage("herald.lang").await.as_deref(), Some("ru"));

    // Remembered after a reload, and the page declares its language.
    b.c().refresh().await.unwrap();
    b.wait_text("h1", "Напоминайте о себе клиентам").await;
    let lang = b.js("return document.documentElement.lang;", vec![]).await;
    assert_eq!(lang, json!("ru"));
    b.shot("01-home-ru").await;

    b.goto("/login").await;
    b.wait_text("label[for='email']", "Электронная почта").await;
    b.fill("#email", "nobody@example.com").await;
    b.fill("#password", "wrong-password-1").await;
    b.enter("#password").await;
    b.wait_text(".notice-error", "Неверный адрес или пароль")
        .await;
    b.shot("02-login-ru").await;

    b.click("#lang-en").await;
    b.wait_text("label[for='email']", "Email").await;
    b.wait_text(".notice-error", "Wrong email or password")
        .await;
    b.c().refresh().await.unwrap();
    b.wait_text("h1", "Sign in").await;
    b.close().await;

    // The dark colour scheme, for a look at it.
    let dark = Browser::open_with(&app, &tools, "language", &["--force-dark-mode"]).await;
    dark.goto("/register").await;
    dark.fill("#email", "not-an-email").await;
    dark.enter("#email").await;
    dark.wait_text("#email-error", "not a valid email").await;
    dark.shot("03-register-dark").await;
    // An address that already has an account: the form offers sign-in and a reset.
    let existing = app.signed_up_user().await;
    dark.fill("#full_name", "Someone Again").await;
    dark.fill("#email", &existing.email).await;
    dark.fill("#password", PASSWORD).await;
    dark.enter("#password").await;
    dark.wait_text("#email-error", "already registered").await;
    dark.wait_text("#email-taken-help", "Is it yours?").await;
    assert_eq!(
        dark.count("#email-taken-help a[href='/reset-password']")
            .await,
        1
    );
    dark.close().await;
}

/// How many distinct rows the main menu's entries sit on (1 = one line).
async fn menu_rows(b: &Browser) -> i64 {
    b.js(
        "const tops = [...document.querySelectorAll('#nav-menu .nav-link, #nav-menu button, #nav-menu .lang-switch')] \
           .filter(e => e.offsetParent !== null) \
           .map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)); \
         const rows = []; \
         for (const t of tops) { if (!rows.some(r => Math.abs(r - t) < 8)) rows.push(t); } \
         return rows.length;",
        vec![],
    )
    .await
    .as_i64()
    .unwrap()
}

/// Whether the page is wider than the window (something overflows sideways).
async fn overflow_px(b: &Browser) -> i64 {
    b.js(
        "return document.documentElement.scrollWidth - window.innerWidth;",
        vec![],
    )
    .await
    .as_i64()
    .unwrap()
}

#[tokio::test]
async fn an_admins_menu_fits_one_line_on_a_laptop_and_pages_fit_a_phone_in_both_languages() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let admin = app.user_with_role("admin").await;
    let (user, _, _message) = app.user_with_audience(3).await;
    // Enough recipients for the picker to page, with long addresses.
    app.import_audience(&user, "a-rather-long-recipient-address-number-", 40)
        .await;
    app.sql(&format!(
        "UPDATE users SET full_name = 'Анастасия Константинопольская' WHERE id = '{}'",
        admin.id
    ));

    let b = Browser::open(&app, &tools, "layout").await;
    b.c().set_window_size(1366, 900).await.unwrap();
    sign_in(&b, &admin.email, &admin.password).await;
    for (lang, mailings) in [("en", "Mailings"), ("ru", "Рассылки")] {
        b.click(&format!("#lang-{lang}")).await;
        b.wait_text("#nav-menu", mailings).await;
        b.goto("/admin/users").await;
        b.el("#users-table").await;
        assert_eq!(
            menu_rows(&b).await,
            1,
            "the admin's menu wraps at 1366 px ({lang})"
        );
        b.shot(&format!("01-admin-menu-{lang}")).await;
    }
    b.click("#lang-en").await;
    b.close().await;

    // A phone: no page is wider than the screen, the recipient picker included.
    let p = Browser::open(&app, &tools, "layout-phone").await;
    p.c().set_window_size(390, 844).await.unwrap();
    sign_in(&p, &user.email, &user.password).await;
    for lang in ["en", "ru"] {
        p.goto("/mailings").await;
        p.el(".nav-toggle").await;
        p.js(
            "localStorage.setItem('herald.lang', arguments[0]);",
            vec![json!(lang)],
        )
        .await;
        for path in [
            "/mailings/new",
            "/recipients",
            "/recipients/suppressions",
            "/messages",
            "/stats",
            "/profile",
        ] {
            p.goto(path).await;
            p.el("h1").await;
            if path == "/mailings/new" {
                p.wait_count("#recipient-picker input.pick", 10).await;
                let sticking_out = p
                    .js(
                        "const card = document.querySelector('#recipient-picker').closest('.card').getBoundingClientRect();                          return [...document.querySelectorAll('#recipient-picker, #recipient-picker *')]                            .filter(e => e.getBoundingClientRect().right > card.right + 0.5).length;",
                        vec![],
                    )
                    .await;
                assert_eq!(
                    sticking_out,
                    json!(0),
                    "the picker sticks out of its card ({lang})"
                );
            }
            let over = overflow_px(&p).await;
            assert!(
                over <= 0,
                "{path} ({lang}) is {over} px wider than a 390 px phone"
            );
        }
        p.goto("/mailings/new").await;
        p.wait_count("#recipient-picker input.pick", 10).await;
        p.shot(&format!("02-picker-phone-{lang}")).await;
    }
    p.close().await;
}

#[tokio::test]
async fn retry_failed_asks_first_and_retries_refused_addresses_only_when_ticked() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let (user, clients, message) = app.user_with_audience(1).await;
    app.smtp
        .push_faults([crate::smtp_server::Fault::RejectRcpt {
            code: 550,
            text: "5.1.1 no such user".into(),
        }]);
    let mailing = app
        .create_mailing(
            &user,
            json!({"name": "Refused once", "message_id": message.id, "client_ids": [clients[0].id],
                   "start_at": crate::helpers::ago(60), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, mailing.id).await;

    let b = Browser::open(&app, &tools, "retry").await;
    sign_in(&b, &user.email, &user.password).await;
    b.goto(&format!("/mailings/{}", mailing.id)).await;
    // By default only temporary failures are retried: here there are none.
    b.click("#action-retry").await;
    b.wait_text(".action-bar .confirm", "failed temporarily")
        .await;
    b.click(".action-bar .confirm-yes").await;
    b.wait_text(".notice-error", "temporarily").await;
    assert!(app.smtp.emails_to(&clients[0].email).is_empty());
    // Ticked: the refused address is tried again.
    b.click("#retry-permanent").await;
    b.click("#action-retry").await;
    b.wait_text(".action-bar .confirm", "refused addresses included")
        .await;
    b.shot("01-retry-confirm").await;
    b.click(".action-bar .confirm-yes").await;
    b.wait_text("#action-done", "Sending has started").await;
    b.wait_text("#runs-table", "Retry").await;
    app.smtp
        .wait_for_email_to(&clients[0].email, crate::helpers::MAIL_WAIT)
        .await;
    b.close().await;
}

#[tokio::test]
async fn pages_left_open_notice_a_scheduled_run_that_starts() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let soon = |secs: i64| (chrono::Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339();
    // Signed in first: the mailing must still be waiting when its page has loaded, so the
    // slow part (a browser and a sign-in, seconds on a loaded CI machine) comes before.
    let b = Browser::open(&app, &tools, "live").await;
    sign_in(&b, &user.email, &user.password).await;
    let mailing = app
        .create_mailing(
            &user,
            json!({"name": "Starts soon", "message_id": message.id,
                   "client_ids": [clients[0].id, clients[1].id],
                   "start_at": soon(10), "periodicity": "once"}),
        )
        .await;
    b.goto(&format!("/mailings/{}", mailing.id)).await;
    b.wait_text(
        "section[aria-labelledby='runs-title'] .empty",
        "No runs yet",
    )
    .await;
    // Nobody touches the page: the run appears when it starts, with its attempts.
    b.wait_text("#runs-table", "Schedule").await;
    b.wait_count("#attempts-table tr.attempt-success", 2).await;
    b.wait_text(".badges", "Finished").await;

    // The list, too, follows a mailing whose run comes due while it is open.
    let later = app
        .create_mailing(
            &user,
            json!({"name": "Starts later", "message_id": message.id,
                   "client_ids": [clients[0].id], "start_at": soon(10), "periodicity": "once"}),
        )
        .await;
    b.goto("/mailings").await;
    let row = format!("#mailings-table tr:has(a[href='/mailings/{}'])", later.id);
    b.wait_text(&row, "Created").await;
    b.wait_text(&row, "✓ 1").await;
    b.close().await;
}

#[tokio::test]
async fn a_mailing_in_another_zone_is_shown_in_its_time_then_paused_and_cancelled() {
    let tools = tools();
    let spa = tools.spa.display().to_string();
    // One email a second: thirty recipients keep the run going while the page acts on it.
    let app = spawn_app_with(|env| {
        env.insert("STATIC_DIR".into(), spa);
        env.insert("MAIL_RATE_PER_SEC".into(), "1".into());
        env.insert("MAIL_CONCURRENCY".into(), "1".into());
    })
    .await;
    let (user, clients, message) = app.user_with_audience(30).await;
    let b = Browser::open(&app, &tools, "zones-and-control").await;
    sign_in(&b, &user.email, &user.password).await;

    // Tokyo wall time, a minute ago: saving sends at once.
    let tokyo = chrono_tz::Asia::Tokyo;
    let start = (chrono::Utc::now() - chrono::Duration::minutes(1)).with_timezone(&tokyo);
    b.goto("/mailings/new").await;
    b.fill("#name", "Tokyo morning").await;
    b.select_label("#message_id", &message.subject).await;
    b.click("#recipients-all").await;
    b.set_value("#time_zone", "Asia/Tokyo").await;
    b.wait_text("#zone-note", "Asia/Tokyo").await;
    b.set_value("#start_at", &start.format("%Y-%m-%dT%H:%M").to_string())
        .await;
    b.wait_text("button[type='submit']", "Save and send now")
        .await;
    b.shot("01-editor-zone").await;
    b.click("button[type='submit']").await;
    b.wait_path("the mailing's page", |p| {
        p.starts_with("/mailings/") && p.len() == "/mailings/".len() + 36
    })
    .await;

    // Shown in the mailing's own time, with the reader's clock beside it.
    b.wait_text("#fact-zone", "Asia/Tokyo").await;
    let shown = b.text("#fact-start").await;
    let hour = start.format("%-I:%M").to_string();
    assert!(shown.contains(&hour), "{shown:?} shows Tokyo's {hour}");
    assert!(shown.contains("your time"), "{shown:?}");

    // Pause: the run stops sending and says so.
    b.wait_text("#run-progress .run-state", "Sending").await;
    b.click("#run-pause").await;
    b.wait_text("#run-progress .run-state", "Paused").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sent = clients
        .iter()
        .filter(|c| !app.smtp.emails_to(&c.email).is_empty())
        .count();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let still = clients
        .iter()
        .filter(|c| !app.smtp.emails_to(&c.email).is_empty())
        .count();
    assert_eq!(sent, still, "nothing is sent while paused");
    b.shot("02-paused").await;

    // Cancel asks first; then the run is over and nothing more goes out.
    b.click("#run-cancel").await;
    b.wait_text(".run-controls .confirm", "will never be sent")
        .await;
    b.click(".run-controls .confirm-yes").await;
    b.wait_text("#runs-table", "Cancelled").await;
    assert_eq!(b.count("#run-pause").await, 0);
    b.shot("03-cancelled").await;
    let after = clients
        .iter()
        .filter(|c| !app.smtp.emails_to(&c.email).is_empty())
        .count();
    assert!(after < 30, "cancelled deliveries are never sent ({after})");
    b.close().await;
}

#[tokio::test]
async fn an_owner_keeps_a_suppression_list_in_the_browser() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let user = app.signed_up_user().await;
    let b = Browser::open(&app, &tools, "suppressions").await;
    sign_in(&b, &user.email, &user.password).await;
    b.click("nav a[href='/recipients']").await;
    b.click(".suppressions-link").await;
    b.wait_path("the suppression list", |p| p == "/recipients/suppressions")
        .await;
    b.wait_text("main", "No suppressed addresses").await;

    b.fill("#suppression-email", "Gone@Example.com").await;
    b.fill("#suppression-note", "asked us by phone").await;
    b.click("#suppression-add-title ~ form button[type='submit']")
        .await;
    b.wait_text("#suppression-added", "Gone@Example.com").await;
    b.wait_text("#suppressions-table", "asked us by phone")
        .await;
    b.wait_text("#suppressions-table", "Added by hand").await;
    // Twice is refused, saying why.
    b.fill("#suppression-email", "gone@example.com").await;
    b.click("#suppression-add-title ~ form button[type='submit']")
        .await;
    b.wait_text(".notice-error", "already on your suppression list")
        .await;
    b.shot("01-list").await;

    // The reason filter is kept in the URL.
    b.el("#suppressions-reason")
        .await
        .select_by_value("complaint")
        .await
        .unwrap();
    b.wait_path("the filter in the URL", |p| p.contains("reason=complaint"))
        .await;
    b.wait_text("main", "No suppressed addresses").await;
    b.goto("/recipients/suppressions").await;
    b.wait_text("#suppressions-table", "Gone@Example.com").await;

    // Removing asks first.
    b.click("#suppressions-table .button-ghost-danger").await;
    b.click("#suppressions-table .confirm-yes").await;
    b.wait_text("main", "No suppressed addresses").await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM suppressions WHERE owner_id = '{}'",
            user.id
        )),
        0
    );
    b.close().await;
}

// --- Issue 14, webapp-rest ------------------------------------------------------------------

#[tokio::test]
async fn an_admin_invites_a_user_who_sets_a_password_and_signs_in_with_the_address_filled_in() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let admin = app.user_with_role("admin").await;
    let b = Browser::open(&app, &tools, "invite").await;
    sign_in(&b, &admin.email, &admin.password).await;
    b.click("nav a[href='/admin/users']").await;
    b.el("#users-table").await;
    b.click("#invite summary").await;
    b.fill("#invite-email", "ivy@example").await;
    b.fill("#invite-name", "Ivy Invited").await;
    b.select_label("#invite-role", "Manager").await;
    b.enter("#invite-name").await;
    // A bad address is named next to its field, in a sentence.
    b.wait_text("#invite-email-error", "").await;
    b.fill("#invite-email", "ivy@example.com").await;
    b.enter("#invite-name").await;
    b.wait_text("#invite-sent", "ivy@example.com").await;
    b.wait_text("#users-table", "ivy@example.com").await;
    b.shot("01-invited").await;
    // The same address again: the server's email_taken, in words.
    b.fill("#invite-email", "IVY@example.com").await;
    b.fill("#invite-name", "Ivy Again").await;
    b.enter("#invite-name").await;
    b.wait_text("#invite .notice-error", "already").await;

    // A phone fits the form.
    b.c().set_window_size(390, 844).await.unwrap();
    let over = overflow_px(&b).await;
    assert!(
        over <= 0,
        "the users page with the invitation form is {over} px too wide"
    );
    b.c().set_window_size(1280, 900).await.unwrap();
    b.click("#sign-out").await;
    b.wait_path("sign-in page", |p| p.starts_with("/login") || p == "/")
        .await;

    // The invitee opens the emailed link, in Russian.
    let link = app
        .smtp
        .emails_to("ivy@example.com")
        .iter()
        .rev()
        .find_map(|e| {
            e.find_link(&format!(
                "{}/accept-invite?token=",
                crate::helpers::PUBLIC_URL
            ))
        })
        .expect("an invitation email with its link");
    let path = link
        .trim_start_matches(crate::helpers::PUBLIC_URL)
        .to_owned();
    b.goto(&path).await;
    b.click("#lang-ru").await;
    b.wait_text("h1", "Добро пожаловать").await;
    b.wait_text("#accept-address", "ivy@example.com").await;
    b.fill("#password", "ivyinvited").await;
    b.fill("#password_repeat", "ivyinvited").await;
    b.enter("#password_repeat").await;
    b.wait_text("#password-error", "").await;
    b.shot("02-accept-weak-ru").await;
    b.fill("#password", "a-brand-new-passphrase-7").await;
    b.fill("#password_repeat", "a-brand-new-passphrase-7").await;
    b.enter("#password_repeat").await;
    b.wait_text("#accept-done", "Пароль задан").await;
    b.click("#accept-sign-in a").await;
    b.wait_path("/login", |p| p.starts_with("/login")).await;
    let filled = b
        .js("return document.querySelector('#email').value;", vec![])
        .await;
    assert_eq!(filled, json!("ivy@example.com"));
    b.fill("#password", "a-brand-new-passphrase-7").await;
    b.enter("#password").await;
    b.wait_path("/mailings", |p| p == "/mailings").await;
    // A manager: the users page is in the menu.
    b.el("nav a[href='/admin/users']").await;
    b.shot("03-invitee-signed-in").await;
    // The link was single-use.
    b.click("#sign-out").await;
    b.goto(&path).await;
    b.fill("#password", "another-fine-passphrase-8").await;
    b.fill("#password_repeat", "another-fine-passphrase-8")
        .await;
    b.enter("#password_repeat").await;
    b.wait_text(".notice-error", "уже использована").await;
    b.close().await;
}

/// The texts of the first cell of each row of a table.
async fn first_cells(b: &Browser, table: &str) -> Vec<String> {
    let v = b
        .js(
            "return [...document.querySelectorAll(arguments[0] + ' tbody tr td:first-child a')] \
               .map(a => a.textContent.trim());",
            vec![json!(table)],
        )
        .await;
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn lists_sort_by_their_headers_in_the_url_and_edits_say_saved_and_errors_name_what_is_in_the_way(
) {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let (user, _clients, first) = app.user_with_audience(1).await;
    let beta = app.create_message(&user, "Beta news").await;
    let alpha = app.create_message(&user, "Alpha news").await;
    let mut mailings = Vec::new();
    for (name, message) in [("Zulu weekly", first.id), ("Alpha daily", beta.id)] {
        mailings.push(
            app.create_mailing(
                &user,
                json!({"name": name, "message_id": message, "all_clients": true,
                       "start_at": crate::helpers::ahead(86_400), "periodicity": "weekly"}),
            )
            .await,
        );
    }

    let b = Browser::open(&app, &tools, "lists").await;
    sign_in(&b, &user.email, &user.password).await;
    // Mailings: newest first, then by name either way, kept in the URL across a reload.
    b.wait_count("#mailings-table tbody tr", 2).await;
    assert_eq!(
        first_cells(&b, "#mailings-table").await,
        ["Alpha daily", "Zulu weekly"]
    );
    b.click("#sort-name").await;
    b.wait_path("sorted by name", |p| {
        p.contains("sort=name") && p.contains("order=asc")
    })
    .await;
    b.el("#mailings-table th[aria-sort='ascending'] #sort-name")
        .await;
    b.click("#sort-name").await;
    b.wait_path("by name, descending", |p| p.contains("order=desc"))
        .await;
    b.wait_text("#mailings-table tbody tr:first-child", "Zulu weekly")
        .await;
    b.c().refresh().await.unwrap();
    b.wait_text("#mailings-table tbody tr:first-child", "Zulu weekly")
        .await;
    b.el("#mailings-table th[aria-sort='descending'] #sort-name")
        .await;
    b.click("#sort-created_at").await;
    b.wait_path("by creation", |p| p.contains("sort=created_at"))
        .await;
    b.wait_text("#mailings-table tbody tr:first-child", "Zulu weekly")
        .await;

    // Messages: by subject.
    b.click("nav a[href='/messages']").await;
    b.wait_count("#messages-table tbody tr", 3).await;
    b.click("#sort-subject").await;
    b.wait_path("by subject", |p| p.contains("sort=subject"))
        .await;
    b.wait_text("#messages-table tbody tr:first-child", "Alpha news")
        .await;
    b.shot("01-messages-sorted").await;

    // An edit that leaves the page says so on the next one, in a live region.
    b.goto(&format!("/messages/{}", alpha.id)).await;
    b.fill("#subject", "Alpha news, revised").await;
    b.enter("#subject").await;
    b.wait_path("/messages", |p| {
        p.starts_with("/messages") && !p.contains(&alpha.id.to_string())
    })
    .await;
    b.wait_text("#flash[role='status']", "The message is saved.")
        .await;
    // ...and only there.
    b.click("nav a[href='/mailings']").await;
    b.wait_count("#mailings-table tbody tr", 2).await;
    assert_eq!(b.text("#flash").await, "");

    // Deleting a message a mailing uses: the error names and links the mailing.
    b.click("nav a[href='/messages']").await;
    let row = format!(
        "#messages-table tbody tr:has(a[href='/messages/{}'])",
        beta.id
    );
    b.click(&format!("{row} .button-ghost-danger")).await;
    b.click(&format!("{row} .confirm-yes")).await;
    b.wait_text(".notice-error", "the mailings below use it")
        .await;
    b.wait_text(".notice-error .used-by a", "Alpha daily").await;
    b.shot("02-message-in-use").await;
    b.click(".notice-error .used-by a").await;
    b.wait_path("the mailing", |p| {
        p == format!("/mailings/{}", mailings[1].id)
    })
    .await;

    // In Russian: the server's conflict by its code, not its English words.
    b.click("#lang-ru").await;
    b.click("#action-retry").await;
    b.click(".action-bar .confirm-yes").await;
    b.wait_text(".notice-error", "Нет получателей с временной ошибкой")
        .await;
    b.shot("03-retry-refused-ru").await;
    b.close().await;
}

#[tokio::test]
async fn the_boot_text_and_the_delivery_log_follow_the_readers_language() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let (user, clients, message) = app.user_with_audience(1).await;
    app.smtp
        .push_faults([crate::smtp_server::Fault::RejectRcpt {
            code: 451,
            text: "4.3.0 try later".into(),
        }]);
    let b = Browser::open(&app, &tools, "words-ru").await;
    sign_in(&b, &user.email, &user.password).await;
    let mailing = app
        .create_mailing(
            &user,
            json!({"name": "Greylisted", "message_id": message.id, "client_ids": [clients[0].id],
                   "start_at": crate::helpers::ago(60), "periodicity": "once"}),
        )
        .await;
    eventually("a failed try", Duration::from_secs(30), || async {
        let n = app.count(&format!(
            "SELECT count(*) FROM attempts WHERE mailing_id = '{}' AND status = 'failure'",
            mailing.id
        ));
        (n > 0).then_some(())
    })
    .await;
    b.click("#lang-ru").await;
    b.goto(&format!("/mailings/{}", mailing.id)).await;
    // A retry note of Herald's own is said in Russian; the server's reply stays as it was.
    b.wait_text("#attempts-table", "попытка 1 из").await;
    b.wait_text("#attempts-table", "4.3.0 try later").await;
    b.shot("01-delivery-log-ru").await;

    // The boot text, before the app starts: both languages in the page, and the loader
    // keeps the reader's (the stored choice, else the browser's language).
    let html = app.get("/", None).await.text().await.unwrap();
    assert!(html.contains("Loading Herald") && html.contains("Загрузка Herald"));
    let boot = html
        .split("src=\"")
        .find_map(|s| {
            s.strip_prefix("/boot")
                .map(|rest| format!("/boot{}", &rest[..rest.find('"').unwrap()]))
        })
        .expect("index.html loads the boot script");
    let boot_js = app.get(&boot, None).await.text().await.unwrap();
    assert!(boot_js.contains("herald.lang") && boot_js.contains("Загрузка Herald"));
    b.close().await;
}

#[tokio::test]
async fn a_manager_picks_one_user_on_the_statistics_page_and_sees_people_beside_attempts() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let manager = app.user_with_role("manager").await;
    let ann = app.signed_up_user().await;
    let mailing = crate::fixtures::seed_mailing(&app, ann.id, "finished");
    // Three people: two delivered (one after a failure), one failed for good.
    crate::fixtures::seed_attempts(
        &app,
        ann.id,
        mailing,
        &[
            ("x@example.com", "failure"),
            ("y@example.com", "success"),
            ("z@example.com", "failure"),
        ],
        "now() - interval '1 hour'",
    );
    crate::fixtures::seed_attempts(
        &app,
        ann.id,
        mailing,
        &[("x@example.com", "success")],
        "now()",
    );

    let b = Browser::open(&app, &tools, "stats-people").await;
    sign_in(&b, &manager.email, &manager.password).await;
    b.click("nav a[href='/stats']").await;
    b.wait_text("#stat-recipients-delivered", "0").await;
    b.wait_text("#stat-delivery-rate", "—").await;
    // One user's figures: people beside attempts.
    b.el(&format!("#stats-scope option[value='{}']", ann.id))
        .await;
    b.el("#stats-scope")
        .await
        .select_by_value(&ann.id.to_string())
        .await
        .unwrap();
    b.wait_text("#stat-attempts-failure", "2").await;
    b.wait_text("#stat-recipients-delivered", "2").await;
    b.wait_text("#stat-recipients-failed", "1").await;
    b.wait_text("#stat-delivery-rate", "66.7%").await;
    b.shot("01-one-user").await;
    b.click("#lang-ru").await;
    b.wait_text("#stat-delivery-rate", "66,7").await;
    b.wait_text("#stats-figures", "Получили письмо").await;
    b.c().set_window_size(390, 844).await.unwrap();
    let over = overflow_px(&b).await;
    assert!(
        over <= 0,
        "the statistics page is {over} px too wide on a phone"
    );
    b.shot("02-one-user-ru-phone").await;
    b.close().await;
}

#[tokio::test]
async fn a_bounce_shows_on_the_mailing_page_and_its_address_on_the_suppression_list() {
    let tools = tools();
    let app = spawn_app_with_spa(&tools).await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "Bounced", "message_id": message.id, "all_clients": true,
                   "start_at": crate::helpers::ago(60), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let sent = app.smtp.emails_to(&clients[0].email).remove(0);
    let report = crate::deliverability::dsn("herald@herald.test", &sent, "5.1.1", "b1");
    crate::deliverability::ingest(&app, None, report).await;

    let b = Browser::open(&app, &tools, "bounces").await;
    sign_in(&b, &user.email, &user.password).await;
    b.goto(&format!("/mailings/{}", m.id)).await;
    b.wait_text("#events-table", "Hard bounce").await;
    b.wait_text("#events-table", &clients[0].email).await;
    b.wait_text("#events-table", "5.1.1").await;
    b.shot("01-mailing-events").await;
    b.goto("/recipients/suppressions").await;
    b.wait_text("#suppressions-table", "Hard bounce").await;
    b.close().await;
}
