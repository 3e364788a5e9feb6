//! Statistics in people: recipients delivered / failed count distinct addresses by their
//! latest final outcome, and the delivery rate is delivered / (delivered + failed).

use herald_api_types as api;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::{fixtures::*, helpers::*};

async fn stats(app: &TestApp, token: &str, query: &str) -> api::Stats {
    let res = app.get(&format!("/api/v1/stats{query}"), Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "/stats{query}");
    res.json().await.unwrap()
}

async fn mailing_stats(app: &TestApp, token: &str, mailing: Uuid) -> api::MailingStats {
    let res = app
        .get(&format!("/api/v1/stats/mailings/{mailing}"), Some(token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// One attempt of a delivery in state `delivery_status` (`pending` = still being retried).
fn attempt_of_delivery(
    app: &TestApp,
    owner: Uuid,
    (mailing, run): (Uuid, Uuid),
    email: &str,
    status: &str,
    delivery_status: &str,
    at: &str,
) {
    let delivery = Uuid::new_v4();
    app.sql(&format!(
        "INSERT INTO deliveries (id, run_id, mailing_id, email, status, next_attempt_at) \
         VALUES ('{delivery}', '{run}', '{mailing}', '{email}', '{delivery_status}', now() + interval '1 day')"
    ));
    app.sql(&format!(
        "INSERT INTO attempts (id, delivery_id, run_id, mailing_id, owner_id, email, attempted_at, status, server_response) \
         VALUES (gen_random_uuid(), '{delivery}', '{run}', '{mailing}', '{owner}', '{email}', {at}, '{status}', '451 later')"
    ));
}

#[tokio::test]
async fn recipients_count_people_by_their_latest_outcome_not_attempts() {
    // Answers are cached; a short TTL lets the last step see the new outcome.
    let app = spawn_app_with(|env| {
        env.insert("CACHE_TTL_SECS".into(), "1".into());
    })
    .await;
    let owner = app.signed_up_user().await;
    let first = seed_mailing(&app, owner.id, "finished");
    // ann: delivered twice (once in capitals) -> one person delivered.
    // bob: failed two days ago, delivered yesterday -> delivered.
    // cid: delivered two days ago, failed for good yesterday -> failed.
    seed_attempts(
        &app,
        owner.id,
        first,
        &[
            ("ann@example.com", "success"),
            ("ANN@example.com", "success"),
            ("bob@example.com", "failure"),
            ("cid@example.com", "success"),
        ],
        "now() - interval '2 days'",
    );
    let second = seed_mailing(&app, owner.id, "running");
    seed_attempts(
        &app,
        owner.id,
        second,
        &[
            ("bob@example.com", "success"),
            ("cid@example.com", "failure"),
        ],
        "now() - interval '1 day'",
    );
    // dee: failed once, the delivery is still being retried -> not an outcome yet.
    attempt_of_delivery(
        &app,
        owner.id,
        second,
        "dee@example.com",
        "failure",
        "pending",
        "now()",
    );
    // eve: failed and given up -> failed.
    attempt_of_delivery(
        &app,
        owner.id,
        second,
        "eve@example.com",
        "failure",
        "failed",
        "now()",
    );

    let s = stats(&app, &owner.token, "").await;
    assert_eq!((s.attempts_success, s.attempts_failure), (4, 4));
    assert_eq!(s.recipients_delivered, 2, "ann and bob");
    assert_eq!(s.recipients_failed, 2, "cid and eve");
    assert_eq!(s.delivery_rate, Some(0.5));

    // One mailing's own people: in the first, ann and cid were delivered, bob failed.
    let m = mailing_stats(&app, &owner.token, first.0).await;
    assert_eq!((m.recipients_delivered, m.recipients_failed), (2, 1));
    assert!((m.delivery_rate.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    let m = mailing_stats(&app, &owner.token, second.0).await;
    assert_eq!((m.recipients_delivered, m.recipients_failed), (1, 2));

    // dee is delivered on a later try: now counted.
    seed_attempts(
        &app,
        owner.id,
        second,
        &[("dee@example.com", "success")],
        "now()",
    );
    let s = eventually(
        "dee counted",
        std::time::Duration::from_secs(10),
        || async {
            let s = stats(&app, &owner.token, "").await;
            (s.recipients_delivered == 3).then_some(s)
        },
    )
    .await;
    assert_eq!(s.recipients_failed, 2);
}

#[tokio::test]
async fn nobody_reached_means_no_delivery_rate() {
    let app = spawn_app().await;
    let owner = app.signed_up_user().await;
    seed_mailing(&app, owner.id, "created");
    let s = stats(&app, &owner.token, "").await;
    assert_eq!((s.recipients_delivered, s.recipients_failed), (0, 0));
    assert_eq!(s.delivery_rate, None);
    let raw: serde_json::Value = app
        .get("/api/v1/stats", Some(&owner.token))
        .await
        .json()
        .await
        .unwrap();
    assert!(raw["delivery_rate"].is_null());
}

#[tokio::test]
async fn a_manager_picks_one_user_and_everyone_counts_each_address_once_by_its_latest_outcome() {
    let app = spawn_app().await;
    let manager = app.user_with_role("manager").await;
    let ann = app.signed_up_user().await;
    let bob = app.signed_up_user().await;
    let anns = seed_mailing(&app, ann.id, "finished");
    seed_attempts(
        &app,
        ann.id,
        anns,
        &[("x@example.com", "success"), ("y@example.com", "success")],
        "now() - interval '2 days'",
    );
    let bobs = seed_mailing(&app, bob.id, "finished");
    seed_attempts(
        &app,
        bob.id,
        bobs,
        &[("x@example.com", "failure")],
        "now() - interval '1 day'",
    );

    let a = stats(&app, &manager.token, &format!("?owner_id={}", ann.id)).await;
    assert_eq!((a.recipients_delivered, a.recipients_failed), (2, 0));
    assert_eq!(a.delivery_rate, Some(1.0));
    let b = stats(&app, &manager.token, &format!("?owner_id={}", bob.id)).await;
    assert_eq!((b.recipients_delivered, b.recipients_failed), (0, 1));
    // Everyone's: x's latest outcome (Bob's failure) wins; y was delivered.
    let all = stats(&app, &manager.token, "?scope=all").await;
    assert_eq!((all.recipients_delivered, all.recipients_failed), (1, 1));
    assert_eq!(all.delivery_rate, Some(0.5));
    // A plain user cannot pick someone else.
    let res = app
        .get(
            &format!("/api/v1/stats?owner_id={}", bob.id),
            Some(&ann.token),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}
