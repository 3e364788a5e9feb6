//! Mailings: scheduling rules, sending, runs, attempts, access.

use std::time::Duration;

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn ids(clients: &[api::Client]) -> Vec<uuid::Uuid> {
    clients.iter().map(|c| c.id).collect()
}

#[tokio::test]
async fn a_mailing_starting_later_waits_for_its_time() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let start = ahead(3600);
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": start, "periodicity": "daily"}))
        .await;
    assert_eq!(m.status, "created");
    assert_eq!(m.recipients_count, 2);
    assert!(m.last_run.is_none());
    assert_eq!(
        m.next_run_at.unwrap().timestamp(),
        chrono::DateTime::parse_from_rfc3339(&start)
            .unwrap()
            .timestamp()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(app.smtp.email_count(), 1, "only the verification email");
}

#[tokio::test]
async fn a_due_mailing_is_sent_at_once_to_every_subscribed_recipient() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(3).await;
    // The third recipient unsubscribes first.
    app.sql(&format!(
        "UPDATE clients SET unsubscribed_at = now() WHERE id = '{}'",
        clients[2].id
    ));
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ago(60), "periodicity": "once"}))
        .await;
    assert_eq!(m.status, "running");
    assert!(
        m.last_run.is_some(),
        "the first run started with the request"
    );
    assert_eq!(m.next_run_at, None, "a once mailing has no next run");

    let m = app.settled(&user, m.id).await;
    let run = m.last_run.unwrap();
    assert_eq!(
        (run.sent, run.failed, run.pending, run.trigger.as_str()),
        (2, 0, 0, "schedule")
    );
    assert_eq!(m.status, "finished");

    let first = app
        .smtp
        .wait_for_email_to(&clients[0].email, MAIL_WAIT)
        .await;
    assert_eq!(first.subject(), "News for Reader 0");
    assert!(first.text_body().contains("Hello Reader 0"));
    assert!(
        app.smtp.emails_to(&clients[2].email).is_empty(),
        "unsubscribed recipients are skipped"
    );
    let attempts = app.attempts(&user, m.id, "").await;
    assert_eq!(attempts.total, 2);
    assert!(attempts
        .items
        .iter()
        .all(|a| a.status == "success" && a.server_response.starts_with("250")));
}

#[tokio::test]
async fn a_future_start_fires_by_itself() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(1), "periodicity": "once"}))
        .await;
    assert_eq!(m.status, "created");
    app.smtp
        .wait_for_email_to(&clients[0].email, MAIL_WAIT)
        .await;
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.status, "finished");
    assert_eq!(m.last_run.unwrap().trigger, "schedule");
}

#[tokio::test]
async fn missed_periodic_runs_are_caught_up_by_one_run() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    // Started ten days and an hour ago: ten daily occurrences were missed.
    let start = chrono::Utc::now() - chrono::Duration::days(10) - chrono::Duration::hours(1);
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": start.to_rfc3339(), "periodicity": "daily"}))
        .await;
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.status, "running");
    let expected_next = start + chrono::Duration::days(11);
    assert_eq!(
        m.next_run_at.unwrap().timestamp(),
        expected_next.timestamp()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runs: api::Page<api::Run> = app
        .get(
            &format!("/api/v1/mailings/{}/runs", m.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs.total, 1, "one catch-up run, not a burst");
    assert_eq!(app.smtp.emails_to(&clients[0].email).len(), 1);
}

#[tokio::test]
async fn emails_carry_unsubscribe_headers_and_the_link_works_for_later_runs() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ago(1), "periodicity": "daily"}))
        .await;
    let mail = app
        .smtp
        .wait_for_email_to(&clients[0].email, MAIL_WAIT)
        .await;
    let list_unsubscribe = mail.header("List-Unsubscribe").unwrap();
    assert_eq!(
        mail.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let link = list_unsubscribe
        .trim_matches(|c| c == '<' || c == '>')
        .to_string();
    assert!(link.starts_with(&format!("{PUBLIC_URL}/u/")));
    assert!(
        !link.contains(&clients[0].id.to_string()),
        "the link does not expose the client id"
    );
    assert!(mail.text_body().contains(&link), "footer link in the body");
    assert!(mail.message_id().is_some());

    let path = link.trim_start_matches(PUBLIC_URL);
    let page = app.get(path, None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("method=\"post\""));
    // One-click, as a mail client does it (RFC 8058).
    let res = app
        .http
        .post(app.url(path))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
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

    app.settled(&user, m.id).await;
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/send", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.last_run.unwrap().sent, 0);
    assert_eq!(
        app.smtp.emails_to(&clients[0].email).len(),
        1,
        "no email after unsubscribing"
    );
    assert_problem(
        app.get("/u/not-a-real-token-000000000000", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn recipients_and_message_must_be_the_callers_own() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let (_other, their_clients, their_message) = app.user_with_audience(1).await;
    let res = app
        .post("/api/v1/mailings", Some(&user.token), &json!({"name": "Test mailing", "message_id": message.id, "client_ids": [clients[0].id, their_clients[0].id], "start_at": ahead(60), "periodicity": "once"}))
        .await;
    assert!(assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .errors
        .unwrap()
        .contains_key("client_ids"));
    let res = app
        .post("/api/v1/mailings", Some(&user.token), &json!({"name": "Test mailing", "message_id": their_message.id, "client_ids": ids(&clients), "start_at": ahead(60), "periodicity": "once"}))
        .await;
    assert!(assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .errors
        .unwrap()
        .contains_key("message_id"));
}

#[tokio::test]
async fn invalid_schedules_are_refused_field_by_field() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let cases = [
        (
            json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(60), "periodicity": "hourly"}),
            "periodicity",
        ),
        (
            json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(60), "end_at": ahead(30), "periodicity": "daily"}),
            "end_at",
        ),
        (
            json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "all_clients": true, "start_at": ahead(60), "periodicity": "daily"}),
            "client_ids",
        ),
        (
            json!({"name": "Test mailing", "message_id": message.id, "client_ids": [], "start_at": ahead(60), "periodicity": "daily"}),
            "client_ids",
        ),
        (
            json!({"name": "Test mailing", "message_id": message.id, "start_at": ahead(60), "periodicity": "daily"}),
            "client_ids",
        ),
        (
            json!({"message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(60), "periodicity": "daily"}),
            "name",
        ),
        (
            json!({"name": "  ", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(60), "periodicity": "daily"}),
            "name",
        ),
        (
            json!({"name": "Spring\r\nsale", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(60), "periodicity": "daily"}),
            "name",
        ),
        (
            json!({"name": "x".repeat(201), "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(60), "periodicity": "daily"}),
            "name",
        ),
    ];
    for (body, field) in cases {
        let res = app.post("/api/v1/mailings", Some(&user.token), &body).await;
        let errors = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors
            .unwrap();
        assert!(
            errors.contains_key(field),
            "{body} should fail on {field}: {errors:?}"
        );
    }
    let res = app.post("/api/v1/mailings", Some(&user.token), &json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": "yesterday", "periodicity": "daily"})).await;
    assert!(res.status().is_client_error());
}

#[tokio::test]
async fn send_now_runs_at_once_without_moving_the_schedule_and_refuses_disabled_or_finished() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(86_400), "periodicity": "weekly"}))
        .await;
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/send", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let started: api::RunStarted = res.json().await.unwrap();
    let after = app.settled(&user, m.id).await;
    let run = after.last_run.unwrap();
    assert_eq!(
        (run.id, run.trigger.as_str(), run.sent),
        (started.run_id, "manual", 2)
    );
    assert_eq!(
        after.next_run_at, m.next_run_at,
        "send now does not move the schedule"
    );
    assert_eq!(after.status, "running");

    let disabled: api::Mailing = app
        .post(
            &format!("/api/v1/mailings/{}/disable", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!disabled.enabled);
    assert_problem(
        app.post(
            &format!("/api/v1/mailings/{}/send", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;

    let once = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ago(1), "periodicity": "once"}))
        .await;
    let once = app.settled(&user, once.id).await;
    assert_eq!(once.status, "finished");
    assert_problem(
        app.post(
            &format!("/api/v1/mailings/{}/send", once.id),
            Some(&user.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn a_disabled_mailing_is_not_sent_by_schedule_until_enabled() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(1), "periodicity": "once"}))
        .await;
    app.post(
        &format!("/api/v1/mailings/{}/disable", m.id),
        Some(&user.token),
        &json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert!(app.smtp.emails_to(&clients[0].email).is_empty());
    assert_eq!(app.mailing(&user, m.id).await.status, "created");
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/enable", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.smtp
        .wait_for_email_to(&clients[0].email, MAIL_WAIT)
        .await;
}

#[tokio::test]
async fn managers_see_and_disable_any_mailing_but_change_nothing_else() {
    let app = spawn_app().await;
    let (owner, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&owner, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(3600), "periodicity": "daily"}))
        .await;
    let path = format!("/api/v1/mailings/{}", m.id);
    let body = json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(60), "periodicity": "once"});

    let manager = app.user_with_role("manager").await;
    assert_eq!(
        app.get(&path, Some(&manager.token)).await.status(),
        StatusCode::OK
    );
    assert_problem(
        app.put(&path, Some(&manager.token), &body).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.delete(&path, Some(&manager.token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.post(&format!("{path}/send"), Some(&manager.token), &json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .post(&format!("{path}/disable"), Some(&manager.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.json::<api::Mailing>().await.unwrap().enabled);
    let all: api::Page<api::Mailing> = app
        .get(
            &format!("/api/v1/mailings?owner_id={}", owner.id),
            Some(&manager.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.total, 1);
    assert_eq!(
        app.get(&format!("{path}/attempts"), Some(&manager.token))
            .await
            .status(),
        StatusCode::OK
    );

    for stranger in [
        app.signed_up_user().await,
        app.user_with_role("content_manager").await,
    ] {
        for res in [
            app.get(&path, Some(&stranger.token)).await,
            app.put(&path, Some(&stranger.token), &body).await,
            app.delete(&path, Some(&stranger.token)).await,
            app.post(&format!("{path}/send"), Some(&stranger.token), &json!({}))
                .await,
            app.post(&format!("{path}/enable"), Some(&stranger.token), &json!({}))
                .await,
            app.get(&format!("{path}/runs"), Some(&stranger.token))
                .await,
            app.get(&format!("{path}/attempts"), Some(&stranger.token))
                .await,
            app.get(&format!("{path}/recipients"), Some(&stranger.token))
                .await,
        ] {
            assert_problem(res, StatusCode::NOT_FOUND).await;
        }
        let list: api::Page<api::Mailing> = app
            .get("/api/v1/mailings", Some(&stranger.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list.total, 0);
    }
    // The owner still finds it as it was, apart from the enabled flag.
    let seen = app.mailing(&owner, m.id).await;
    assert_eq!(
        (seen.start_at, seen.periodicity.as_str(), seen.enabled),
        (m.start_at, "daily", false)
    );
}

#[tokio::test]
async fn updating_replaces_recipients_and_a_moved_due_start_sends_at_once() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(3).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": [clients[0].id], "start_at": ahead(3600), "periodicity": "once"}))
        .await;
    let res = app
        .put(&format!("/api/v1/mailings/{}", m.id), Some(&user.token), &json!({"name": "Test mailing", "message_id": message.id, "client_ids": [clients[1].id, clients[2].id], "start_at": ago(1), "periodicity": "once"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let updated: api::Mailing = res.json().await.unwrap();
    assert_eq!(updated.recipients_count, 2);
    let recipients: api::Page<api::Client> = app
        .get(
            &format!("/api/v1/mailings/{}/recipients?q=reader%202", m.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(recipients.total, 1);
    app.settled(&user, m.id).await;
    assert!(app.smtp.emails_to(&clients[0].email).is_empty());
    assert_eq!(app.smtp.emails_to(&clients[2].email).len(), 1);
}

#[tokio::test]
async fn an_all_clients_mailing_takes_the_list_as_it_is_at_each_run() {
    let app = spawn_app().await;
    let (user, _clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(3600), "periodicity": "daily"}))
        .await;
    assert_eq!(m.recipients_count, 1);
    let late = app.create_client(&user, "late@example.com", "Late").await;
    app.post(
        &format!("/api/v1/mailings/{}/send", m.id),
        Some(&user.token),
        &json!({}),
    )
    .await;
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.last_run.unwrap().sent, 2);
    app.smtp.wait_for_email_to(&late.email, MAIL_WAIT).await;
}

#[tokio::test]
async fn a_test_send_goes_only_to_the_caller_rendered_for_the_first_recipient() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(3600), "periodicity": "once"}))
        .await;
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/test", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = app.smtp.wait_for_email_to(&user.email, MAIL_WAIT).await;
    let mail = if mail.subject().starts_with("News") {
        mail
    } else {
        eventually("the test email", MAIL_WAIT, || async {
            app.smtp
                .emails_to(&user.email)
                .into_iter()
                .find(|e| e.subject().starts_with("News"))
        })
        .await
    };
    assert_eq!(mail.subject(), "News for Reader 0");
    assert!(app.smtp.emails_to(&clients[0].email).is_empty());
    assert!(
        app.mailing(&user, m.id).await.last_run.is_none(),
        "a test is not a run"
    );
}

#[tokio::test]
async fn deleting_a_mailing_frees_its_message() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(3600), "periodicity": "once"}))
        .await;
    assert_problem(
        app.delete(
            &format!("/api/v1/messages/{}", message.id),
            Some(&user.token),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        app.delete(&format!("/api/v1/mailings/{}", m.id), Some(&user.token))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(
            &format!("/api/v1/messages/{}", message.id),
            Some(&user.token)
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn message_templates_that_do_not_compile_are_refused() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/messages",
            Some(&user.token),
            &json!({"subject": "ok", "body": "Hi {{ full_name"}),
        )
        .await;
    assert!(assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .errors
        .unwrap()
        .contains_key("body"));
}

#[tokio::test]
async fn mailing_lists_filter_by_status_and_enabled() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let later = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(3600), "periodicity": "once"}))
        .await;
    let now = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": ids(&clients), "start_at": ago(1), "periodicity": "once"}))
        .await;
    app.settled(&user, now.id).await;
    let created: api::Page<api::Mailing> = app
        .get("/api/v1/mailings?status=created", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        created.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![later.id]
    );
    let finished: api::Page<api::Mailing> = app
        .get("/api/v1/mailings?status=finished", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        finished.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![now.id]
    );
    let disabled: api::Page<api::Mailing> = app
        .get("/api/v1/mailings?enabled=false", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(disabled.total, 0);
    assert_problem(
        app.get("/api/v1/mailings?status=bogus", Some(&user.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let all: api::Page<api::Attempt> = app
        .get(
            &format!("/api/v1/attempts?mailing_id={}&status=success", now.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.total, 1);
}

#[tokio::test]
async fn two_mailings_of_one_message_are_told_apart_by_their_names() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let spring = app
        .create_mailing(&user, json!({"name": "  Spring sale  ", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(3600), "periodicity": "once"}))
        .await;
    let autumn = app
        .create_mailing(&user, json!({"name": "Autumn sale", "message_id": message.id, "client_ids": ids(&clients), "start_at": ahead(7200), "periodicity": "once"}))
        .await;
    assert_eq!(spring.name, "Spring sale", "surrounding spaces are trimmed");
    let list: api::Page<api::Mailing> = app
        .get("/api/v1/mailings", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    let mut names: Vec<&str> = list.items.iter().map(|m| m.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["Autumn sale", "Spring sale"]);
    // Renaming is an edit like any other.
    let res = app
        .put(
            &format!("/api/v1/mailings/{}", autumn.id),
            Some(&user.token),
            &json!({"name": "Autumn sale (VIP)", "message_id": message.id, "client_ids": ids(&clients), "start_at": autumn.start_at, "periodicity": "once"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.mailing(&user, autumn.id).await.name,
        "Autumn sale (VIP)"
    );
}

#[tokio::test]
async fn a_run_keeps_the_number_of_recipients_it_started_with() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(3).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"}))
        .await;
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.last_run.as_ref().unwrap().recipients, 3);
    app.delete(
        &format!("/api/v1/clients/{}", clients[0].id),
        Some(&user.token),
    )
    .await;
    let m = app.mailing(&user, m.id).await;
    assert_eq!(m.recipients_count, 2, "the mailing would reach two now");
    assert_eq!(m.last_run.unwrap().recipients, 3, "its run had three");
    let runs: api::Page<api::Run> = app
        .get(
            &format!("/api/v1/mailings/{}/runs", m.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs.items[0].recipients, 3);
}
