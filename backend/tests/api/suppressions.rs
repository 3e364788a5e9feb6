//! The suppression list (API.md "Suppressions, bounces, complaints, tracking"): one list
//! per owner that every run honours, that outlives deleting the client, with CSV in and out.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn suppress(app: &TestApp, user: &TestUser, body: serde_json::Value) -> reqwest::Response {
    app.post("/api/v1/suppressions", Some(&user.token), &body)
        .await
}

async fn list(app: &TestApp, user: &TestUser, query: &str) -> api::Page<api::Suppression> {
    let res = app
        .get(&format!("/api/v1/suppressions{query}"), Some(&user.token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn import(app: &TestApp, user: &TestUser, csv: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/suppressions/import"))
        .bearer_auth(&user.token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_owner_suppresses_addresses_by_hand_and_only_they_can_remove_them() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let other = app.signed_up_user().await;
    let manager = app.user_with_role("manager").await;

    let res = suppress(
        &app,
        &user,
        json!({"email": "Ann@Example.com", "note": "asked by phone"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ann: api::Suppression = res.json().await.unwrap();
    assert_eq!(ann.reason, api::SuppressionReason::Manual);
    assert_eq!(ann.note, "asked by phone");
    assert_eq!(ann.owner_id, user.id);
    // Once per address, whatever its case.
    let p = assert_problem(
        suppress(&app, &user, json!({"email": "ann@example.COM"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("already_suppressed"));
    // Another owner's list is their own.
    assert_eq!(
        suppress(&app, &other, json!({"email": "ann@example.com"}))
            .await
            .status(),
        StatusCode::CREATED
    );
    for (body, field) in [
        (json!({"email": "not-an-address"}), "email"),
        (
            json!({"email": "bob@example.com", "reason": "hard_bounce"}),
            "reason",
        ),
        (
            json!({"email": "bob@example.com", "note": "two\nlines"}),
            "note",
        ),
    ] {
        let p = assert_problem(
            suppress(&app, &user, body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(p.errors.unwrap().contains_key(field));
    }
    suppress(&app, &user, json!({"email": "bob@example.com"})).await;

    let all = list(&app, &user, "").await;
    assert_eq!(all.total, 2);
    assert_eq!(list(&app, &user, "?q=ANN").await.total, 1);
    assert_eq!(list(&app, &user, "?reason=manual").await.total, 2);
    assert_eq!(list(&app, &user, "?reason=complaint").await.total, 0);
    assert_problem(
        app.get("/api/v1/suppressions?reason=spam", Some(&user.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(list(&app, &other, "").await.total, 1, "lists are per owner");
    // A manager sees everyone's, and one owner's with owner_id, but removes nothing.
    let theirs = list(&app, &manager, &format!("?owner_id={}", user.id)).await;
    assert_eq!(theirs.total, 2);
    let path = format!("/api/v1/suppressions/{}", ann.id);
    assert_problem(
        app.delete(&path, Some(&manager.token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.delete(&path, Some(&other.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        app.delete(&path, Some(&user.token)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(list(&app, &user, "").await.total, 1);
    assert_problem(
        app.delete(&path, Some(&user.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn runs_skip_suppressed_addresses_log_each_skip_and_the_list_outlives_the_client() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(3).await;
    let suppressed = &clients[1];
    suppress(
        &app,
        &user,
        json!({"email": suppressed.email.to_uppercase()}),
    )
    .await;
    // Deleting the client and adding it again does not undo the suppression.
    app.delete(
        &format!("/api/v1/clients/{}", suppressed.id),
        Some(&user.token),
    )
    .await;
    let again = app
        .create_client(&user, &suppressed.email, "Back again")
        .await;

    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    let done = app.settled(&user, m.id).await;
    let run = done.last_run.unwrap();
    assert_eq!((run.recipients, run.sent), (2, 2));
    assert!(app.smtp.emails_to(&suppressed.email).is_empty());
    for c in [&clients[0], &clients[2]] {
        assert_eq!(app.smtp.emails_to(&c.email).len(), 1);
    }
    let skipped = app.attempts(&user, m.id, "&status=skipped").await;
    assert_eq!(skipped.total, 1);
    let skip = &skipped.items[0];
    assert_eq!(skip.email, suppressed.email);
    assert_eq!(skip.client_id, Some(again.id));
    assert!(
        skip.server_response.contains("suppression list (manual)"),
        "{}",
        skip.server_response
    );
    // Statistics count sends and failures, not skips.
    let stats: api::Stats = app
        .get("/api/v1/stats", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats.attempts_failure, 0);
}

#[tokio::test]
async fn suppressions_import_and_export_as_csv() {
    let app = spawn_app().await;
    let (user, clients, _) = app.user_with_audience(2).await;
    suppress(&app, &user, json!({"email": "old@example.com"})).await;
    let csv = format!(
        "email,reason,note\n\
         {},unsubscribed,from our old tool\n\
         gone@example.com,hard_bounce,\"550 5.1.1 no such user\"\n\
         old@example.com,complaint,\n\
         not-an-email,,\n\
         ,manual,\n\
         GONE@example.com,,\n\
         x@example.com,spam,\n",
        clients[0].email
    );
    let res = import(&app, &user, &csv).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: api::SuppressionImportReport = res.json().await.unwrap();
    assert_eq!(report.added, 2);
    assert_eq!(report.already, 2, "old@ was there; GONE@ repeats gone@");
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![5, 6, 8]);
    assert_eq!(report.errors[1].message, "email is missing");
    assert_eq!(report.errors[2].value.as_deref(), Some("spam"));
    // An imported unsubscribe shows on the recipient, as the link would have done.
    let c: api::Client = app
        .get(
            &format!("/api/v1/clients/{}", clients[0].id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(c.unsubscribed);
    assert_eq!(
        list(&app, &user, "?reason=hard_bounce").await.items[0].note,
        "550 5.1.1 no such user"
    );

    let res = app
        .get("/api/v1/suppressions/export", Some(&user.token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    assert!(text.starts_with("email,reason,note,created_at\n"), "{text}");
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("gone@example.com,hard_bounce,550 5.1.1 no such user,"));

    // Removing the unsubscribe makes the recipient mailable again.
    let unsub = list(&app, &user, "?reason=unsubscribed").await.items[0].clone();
    app.delete(
        &format!("/api/v1/suppressions/{}", unsub.id),
        Some(&user.token),
    )
    .await;
    let c: api::Client = app
        .get(
            &format!("/api/v1/clients/{}", clients[0].id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!c.unsubscribed);

    // Not CSV, or no email column: refused as a whole.
    let res = app
        .http
        .post(app.url("/api/v1/suppressions/import"))
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_problem(
        import(&app, &user, "address\nx@example.com\n").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}
