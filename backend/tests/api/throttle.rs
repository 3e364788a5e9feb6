//! Failed sign-ins are limited per (account, client IP) and per client IP, with 429 +
//! Retry-After (all requests here come from 127.0.0.1, so "the account" below is the
//! pair; `hardening_accounts` varies the IP).

use reqwest::StatusCode;

use crate::{fixtures::*, helpers::*};

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn spawn_throttled(max_per_account: u32, max_per_ip: u32, redis: Option<String>) -> TestApp {
    spawn_app_with(|env| {
        env.insert("LOGIN_MAX_FAILURES".into(), max_per_account.to_string());
        env.insert("LOGIN_MAX_FAILURES_PER_IP".into(), max_per_ip.to_string());
        env.insert("LOGIN_FAILURE_WINDOW_SECS".into(), "600".into());
        if let Some(url) = redis {
            env.insert("REDIS_URL".into(), url);
        }
    })
    .await
}

async fn account_is_throttled_after_the_limit(app: &TestApp) {
    let user = app.signed_up_user().await;
    for _ in 0..3 {
        assert_problem(
            app.login(&user.email, "wrong-password-1").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    // Even the right password waits now, and the email's case does not matter.
    let res = app.login(&user.email.to_uppercase(), &user.password).await;
    let wait = retry_after(&res);
    assert!((1..=600).contains(&wait), "Retry-After {wait}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    // Other accounts are not affected.
    let other = app.signed_up_user().await;
    assert_eq!(
        app.login(&other.email, &other.password).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn too_many_failed_logins_for_an_account_answer_429_with_retry_after() {
    let app = spawn_throttled(3, 100, None).await;
    account_is_throttled_after_the_limit(&app).await;
}

#[tokio::test]
async fn the_account_limit_holds_with_redis_and_with_redis_down() {
    let app = spawn_throttled(3, 100, Some(redis_url())).await;
    account_is_throttled_after_the_limit(&app).await;
    let app = spawn_throttled(3, 100, Some("redis://127.0.0.1:1".into())).await;
    account_is_throttled_after_the_limit(&app).await;
}

#[tokio::test]
async fn a_successful_login_resets_the_account_counter() {
    let app = spawn_throttled(3, 100, Some(redis_url())).await;
    let user = app.signed_up_user().await;
    for round in 0..3 {
        for _ in 0..2 {
            assert_eq!(
                app.login(&user.email, "wrong-password-1").await.status(),
                StatusCode::UNAUTHORIZED,
                "round {round}"
            );
        }
        assert_eq!(
            app.login(&user.email, &user.password).await.status(),
            StatusCode::OK,
            "round {round}: two failures stay under the limit of three"
        );
    }
}

#[tokio::test]
async fn failures_from_one_ip_are_limited_across_accounts() {
    let app = spawn_throttled(100, 4, None).await;
    let user = app.signed_up_user().await;
    for i in 0..4 {
        assert_eq!(
            app.login(&format!("nobody{i}@example.com"), "wrong-password-1")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = app.login(&user.email, &user.password).await;
    assert!(retry_after(&res) > 0);
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn counters_in_redis_are_shared_by_every_instance() {
    let prefix = format!("herald-shared-{}", uuid::Uuid::new_v4().simple());
    let spawn = |prefix: String| {
        spawn_app_with(move |env| {
            env.insert("REDIS_URL".into(), redis_url());
            env.insert("REDIS_KEY_PREFIX".into(), prefix);
            env.insert("LOGIN_MAX_FAILURES".into(), "2".into());
        })
    };
    let first = spawn(prefix.clone()).await;
    let second = spawn(prefix).await;
    for _ in 0..2 {
        first.login("shared@example.com", "wrong-password-1").await;
    }
    let res = second.login("shared@example.com", "wrong-password-1").await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
}
