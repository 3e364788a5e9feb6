//! Accounts, hardened (issue 12): nobody can lock an owner out, make the process hash
//! without bound, bomb an inbox through reset links, or keep a refresh token in
//! JavaScript's reach; errors say what went wrong in a machine-readable `code`.

use std::{collections::HashMap, process::Command, time::Duration};

use herald_api_types as api;
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

use crate::{fixtures::redis_url, helpers::*};

/// An app that takes the client IP from `X-Forwarded-For`, so one test can be many IPs.
async fn spawn_behind_proxy(extra: &[(&str, &str)]) -> TestApp {
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    spawn_app_with(move |env| {
        env.insert("TRUST_FORWARDED_FOR".into(), "true".into());
        env.extend(extra);
    })
    .await
}

async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", ip)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

fn status_counts(statuses: &[StatusCode]) -> HashMap<u16, usize> {
    let mut counts = HashMap::new();
    for s in statuses {
        *counts.entry(s.as_u16()).or_insert(0) += 1;
    }
    counts
}

async fn forty_parallel_wrong_logins(app: &TestApp) -> HashMap<u16, usize> {
    let attempts = (0..40).map(|i| async move {
        login_from(
            app,
            "203.0.113.40",
            &format!("guess{i}@example.com"),
            "wrong-password-1",
        )
        .await
        .status()
    });
    status_counts(&futures_util::future::join_all(attempts).await)
}

fn assert_at_most_twenty_checked(counts: &HashMap<u16, usize>) {
    // 401 is the answer of a checked (hashed) password; everything else is a 429
    // counted before any hashing.
    let checked = counts.get(&401).copied().unwrap_or(0);
    let refused = counts.get(&429).copied().unwrap_or(0);
    assert_eq!(checked + refused, 40, "only 401 and 429: {counts:?}");
    assert!(checked <= 20, "{checked} passwords checked: {counts:?}");
    assert!(refused >= 20, "{counts:?}");
}

#[tokio::test]
async fn forty_parallel_wrong_logins_from_one_ip_reach_the_password_check_at_most_twenty_times() {
    let app = spawn_behind_proxy(&[]).await;
    assert_at_most_twenty_checked(&forty_parallel_wrong_logins(&app).await);
    let redis = redis_url();
    let app = spawn_behind_proxy(&[("REDIS_URL", redis.as_str())]).await;
    assert_at_most_twenty_checked(&forty_parallel_wrong_logins(&app).await);
}

#[tokio::test]
async fn a_burst_beyond_hashing_capacity_is_answered_429_never_5xx() {
    let app = spawn_behind_proxy(&[("PASSWORD_HASH_CONCURRENCY", "1")]).await;
    // Every attempt from its own IP: no login limit applies, only the hashing bound.
    let attempts = (0..40).map(|i| {
        let app = &app;
        async move {
            let res = login_from(
                app,
                &format!("198.18.0.{i}"),
                &format!("someone{i}@example.com"),
                "wrong-password-1",
            )
            .await;
            let status = res.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert!(res.headers().contains_key(header::RETRY_AFTER));
            }
            status
        }
    });
    let counts = status_counts(&futures_util::future::join_all(attempts).await);
    let answered = counts.get(&401).copied().unwrap_or(0) + counts.get(&429).copied().unwrap_or(0);
    assert_eq!(answered, 40, "only 401 and 429: {counts:?}");
    assert!(counts.get(&429).copied().unwrap_or(0) > 0, "{counts:?}");
}

#[tokio::test]
async fn failures_from_one_ip_do_not_lock_the_owner_out_from_another() {
    let app = spawn_behind_proxy(&[]).await;
    let owner = app.signed_up_user().await;
    for _ in 0..5 {
        assert_problem(
            login_from(&app, "203.0.113.5", &owner.email, "wrong-password-1").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    // That IP is done with this account, even with the right password...
    let res = login_from(&app, "203.0.113.5", &owner.email, &owner.password).await;
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    let p = assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(p.code.as_deref(), Some("too_many_requests"));
    // ...but the owner, elsewhere, signs in.
    assert_eq!(
        login_from(&app, "198.51.100.9", &owner.email, &owner.password)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn over_the_account_limit_only_ips_that_failed_on_it_are_refused() {
    let app = spawn_behind_proxy(&[("LOGIN_MAX_FAILURES_PER_ACCOUNT", "3")]).await;
    let owner = app.signed_up_user().await;
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        assert_problem(
            login_from(&app, ip, &owner.email, "wrong-password-1").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    // A guessing IP is refused before its password is even looked at...
    assert_problem(
        login_from(&app, "203.0.113.1", &owner.email, &owner.password).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    // ...while an IP that never failed here signs in with the right password.
    assert_eq!(
        login_from(&app, "192.0.2.77", &owner.email, &owner.password)
            .await
            .status(),
        StatusCode::OK
    );
}

async fn reset(app: &TestApp, email: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/password-reset",
        None,
        &json!({"email": email}),
    )
    .await
    .status()
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/password-reset/confirm",
        None,
        &json!({"token": token, "password": password}),
    )
    .await
    .status()
}

#[tokio::test]
async fn thirty_resets_in_a_second_send_one_email_and_only_the_newest_link_works() {
    let app = spawn_app_with(|env| {
        env.insert("ACCOUNT_EMAIL_INTERVAL_SECS".into(), "2".into());
    })
    .await;
    let user = app.signed_up_user().await;
    app.smtp.clear();
    let burst = (0..30).map(|_| reset(&app, &user.email));
    let statuses = futures_util::future::join_all(burst).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::ACCEPTED));
    let first = app.token_from_email(&user.email, "/reset-password").await;
    // The burst's stragglers (sent off the request path) would show up by now.
    app.smtp.wait_for_count(1, MAIL_WAIT).await;
    assert_eq!(app.smtp.emails_to(&user.email).len(), 1);

    // After the interval, a new request sends a new link...
    let (app_ref, email) = (&app, user.email.as_str());
    eventually("a second reset email", MAIL_WAIT, || async move {
        reset(app_ref, email).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        (app_ref.smtp.emails_to(email).len() >= 2).then_some(())
    })
    .await;
    let newest = app.token_from_email(&user.email, "/reset-password").await;
    assert_ne!(first, newest);
    // ...and the older link is dead.
    assert_eq!(
        confirm(&app, &first, "a-brand-new-passphrase-7").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        confirm(&app, &newest, "a-brand-new-passphrase-7").await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn resend_verification_is_limited_per_address_too() {
    let app = spawn_app().await;
    app.register("eve@example.com", PASSWORD, "Eve").await;
    app.smtp.wait_for_count(1, MAIL_WAIT).await;
    for _ in 0..10 {
        let res = app
            .post(
                "/api/v1/auth/resend-verification",
                None,
                &json!({"email": "eve@example.com"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    app.smtp.wait_for_count(2, MAIL_WAIT).await;
    // A reset for another address goes out after them: by then any extra would have too.
    let other = app.signed_up_user().await;
    reset(&app, &other.email).await;
    app.token_from_email(&other.email, "/reset-password").await;
    assert_eq!(app.smtp.emails_to("eve@example.com").len(), 2);
}

#[tokio::test]
async fn guessable_passwords_are_refused_with_the_reason_everywhere() {
    let app = spawn_app().await;
    let res = app
        .register("frank@example.com", "Password123!", "Frank")
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.code.as_deref(), Some("weak_password"));
    assert_eq!(p.error_codes.unwrap()["password"], vec!["weak_password"]);
    let message = &p.errors.unwrap()["password"][0];
    assert!(message.starts_with("is too easy to guess: "), "{message}");
    // One's own email is guessable.
    let res = app
        .register(
            "grace.hopper@example.com",
            "grace.hopper@example.com1",
            "Grace Hopper",
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;

    let user = app.signed_up_user().await;
    let res = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"current_password": user.password, "new_password": "qwerty123456"}),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        p.error_codes.unwrap()["new_password"],
        vec!["weak_password"]
    );

    reset(&app, &user.email).await;
    let token = app.token_from_email(&user.email, "/reset-password").await;
    let res = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "iloveyou1234"}),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.code.as_deref(), Some("weak_password"));
    // The refused attempt did not spend the link.
    assert_eq!(
        confirm(&app, &token, "a-brand-new-passphrase-7").await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn create_admin_with_a_guessable_password_exits_2_saying_why() {
    let app = spawn_app().await;
    let (db, smtp) = (app.db.url.clone(), app.smtp.url());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["create-admin", "--email", "root@example.com"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", db)
            .env("SMTP_URL", smtp)
            .env("JWT_SECRET", "test-secret-that-is-at-least-32-bytes-long")
            .env("HERALD_ADMIN_PASSWORD", "password1234")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run herald")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("password: is too easy to guess"),
        "{stderr}"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users WHERE email = 'root@example.com'"),
        0
    );
}

#[tokio::test]
async fn names_with_line_breaks_or_control_characters_are_refused_with_422() {
    let app = spawn_app().await;
    for bad in ["Ann\r\nBcc: victim@example.com", "Tab\there", "Bell\u{7}"] {
        let res = app.register("ann@example.com", PASSWORD, bad).await;
        let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            p.error_codes.unwrap()["full_name"],
            vec!["control_character"],
            "{bad:?}"
        );
        assert_eq!(p.code.as_deref(), Some("control_character"));
    }
    // Nothing was created, not even with a weak password next to the bad name.
    let res = app.register("ann@example.com", "short", "A\nB").await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.code.as_deref(), Some("validation_failed"));
    assert_eq!(app.count("SELECT count(*) AS n FROM users"), 0);

    let user = app.signed_up_user().await;
    let res = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"full_name": "Renamed\r\nX-Injected: 1"}),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        p.error_codes.unwrap()["full_name"],
        vec!["control_character"]
    );
    let me: api::User = app
        .get("/api/v1/me", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.full_name, "Test User");
}

#[tokio::test]
async fn problems_carry_a_machine_readable_code() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let dup = app.register(&user.email, PASSWORD, "Again").await;
    let p = assert_problem(dup, StatusCode::CONFLICT).await;
    assert_eq!(p.code.as_deref(), Some("email_taken"));
    let wrong = app.login(&user.email, "wrong-password-1").await;
    let p = assert_problem(wrong, StatusCode::UNAUTHORIZED).await;
    assert_eq!(p.code.as_deref(), Some("invalid_credentials"));
    let missing = app.get("/api/v1/no-such-route", Some(&user.token)).await;
    let p = assert_problem(missing, StatusCode::NOT_FOUND).await;
    assert_eq!(p.code.as_deref(), Some("not_found"));
    let short = app.register("x@example.com", "short", "X").await;
    let p = assert_problem(short, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.error_codes.unwrap()["password"], vec!["length"]);
    // Fields without a code of their own still line up with their messages.
    let raw: Value = app
        .register("not-an-email", PASSWORD, "X")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        raw["errors"]["email"].as_array().unwrap().len(),
        raw["error_codes"]["email"].as_array().unwrap().len()
    );
}

fn set_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("herald_refresh="))
        .expect("a herald_refresh cookie")
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("herald_refresh=")
        .to_owned()
}

async fn with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.http
        .post(app.url(path))
        .header(header::COOKIE, format!("herald_refresh={cookie}"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_sets_the_refresh_token_as_a_strict_http_only_cookie() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app.login(&user.email, &user.password).await;
    let cookie = set_cookie(&res);
    let pair: api::TokenPair = res.json().await.unwrap();
    assert_eq!(cookie_value(&cookie), pair.refresh_token);
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
        "Max-Age=",
    ] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "PUBLIC_URL is http here: {cookie}"
    );

    let https = spawn_app_with(|env| {
        env.insert("PUBLIC_URL".into(), "https://herald.example".into());
    })
    .await;
    // (Emailed links point at the https site, so the account is made directly.)
    herald::accounts::create_admin(&https.state, "root@example.com", PASSWORD)
        .await
        .unwrap();
    let cookie = set_cookie(&https.login("root@example.com", PASSWORD).await);
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn refresh_and_logout_work_with_the_cookie_alone() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = with_cookie(&app, "/api/v1/auth/refresh", &user.refresh_token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let rotated = cookie_value(&set_cookie(&res));
    let pair: api::TokenPair = res.json().await.unwrap();
    assert_eq!(rotated, pair.refresh_token);
    assert_ne!(rotated, user.refresh_token);

    let res = with_cookie(&app, "/api/v1/auth/logout", &rotated).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookie(&res);
    assert_eq!(cookie_value(&cleared), "");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_problem(
        with_cookie(&app, "/api/v1/auth/refresh", &rotated).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // No token anywhere: refresh is refused, logout is a no-op.
    let none = app.post("/api/v1/auth/refresh", None, &json!({})).await;
    assert_problem(none, StatusCode::UNAUTHORIZED).await;
    let none = app.post("/api/v1/auth/logout", None, &json!({})).await;
    assert_eq!(none.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn logout_with_an_already_rotated_refresh_token_ends_the_whole_login() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    let current: api::TokenPair = res.json().await.unwrap();
    // The spent token is presented to logout (a stolen copy, a stale tab)...
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // ...and the token issued from it dies with it.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": current.refresh_token}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}
