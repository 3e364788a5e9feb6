//! The delivery engine against a misbehaving SMTP server: every failure is recorded,
//! temporary ones are retried, permanent ones are not, an outage pauses dispatch, and
//! no recipient is lost or sent twice, across instances and crashes.

use std::{collections::HashMap, time::Duration};

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::{helpers::*, smtp_server::Fault};

async fn send_to_all(app: &TestApp, user: &TestUser, message: &api::Message) -> api::Mailing {
    app.create_mailing(user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await
}

fn temp(code: u16) -> Fault {
    Fault::RejectRcpt {
        code,
        text: format!("{}.4.0 try again later", code / 100),
    }
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_and_delivered_once() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    app.smtp.push_faults([temp(451)]);
    let m = app
        .settled(&user, send_to_all(&app, &user, &message).await.id)
        .await;
    assert_eq!(m.last_run.unwrap().sent, 1);
    assert_eq!(app.smtp.emails_to(&clients[0].email).len(), 1);
    let log = app.attempts(&user, m.id, "").await;
    let statuses: Vec<_> = log
        .items
        .iter()
        .rev()
        .map(|a| (a.status.as_str(), &a.server_response[..3]))
        .collect();
    assert_eq!(statuses, vec![("failure", "451"), ("success", "250")]);
    assert!(log.items[1].server_response.contains("try 1 of 4"));
}

#[tokio::test]
async fn a_permanent_refusal_is_recorded_and_not_retried() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    app.smtp.push_faults([Fault::RejectRcpt {
        code: 550,
        text: "5.1.1 no such user".into(),
    }]);
    let m = app
        .settled(&user, send_to_all(&app, &user, &message).await.id)
        .await;
    let run = m.last_run.unwrap();
    assert_eq!((run.sent, run.failed), (1, 1));
    let failures = app.attempts(&user, m.id, "&status=failure").await;
    assert_eq!(failures.total, 1);
    assert!(
        failures.items[0].server_response.contains("550")
            && failures.items[0].server_response.contains("no such user")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.attempts(&user, m.id, "").await.total,
        2,
        "no retry of a 5xx"
    );
    let delivered = clients
        .iter()
        .filter(|c| app.smtp.emails_to(&c.email).len() == 1)
        .count();
    assert_eq!(delivered, 1);

    // Retry-failed leaves a permanent refusal alone by default (nothing qualifies)...
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/mailings/{}/retry-failed", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem.detail.unwrap().contains("include_permanent"));
    // ...and, when asked to include permanent failures, makes a run over only the failed
    // recipient, even though the once mailing is finished.
    let res = app
        .post(
            &format!(
                "/api/v1/mailings/{}/retry-failed?include_permanent=true",
                m.id
            ),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let retry = app.settled(&user, m.id).await.last_run.unwrap();
    assert_eq!((retry.sent, retry.failed), (1, 0));
    for c in &clients {
        assert_eq!(app.smtp.emails_to(&c.email).len(), 1, "{}", c.email);
    }
    // Sending the whole mailing again is still refused.
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/send", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn retry_failed_resends_only_to_those_whose_last_delivery_failed() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(3).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(86_400), "periodicity": "daily"}))
        .await;
    assert_problem(
        app.post(
            &format!("/api/v1/mailings/{}/retry-failed", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    app.smtp.push_faults([Fault::RejectRcpt {
        code: 550,
        text: "5.7.1 blocked".into(),
    }]);
    app.post(
        &format!("/api/v1/mailings/{}/send", m.id),
        Some(&user.token),
        &json!({}),
    )
    .await;
    let first = app.settled(&user, m.id).await.last_run.unwrap();
    assert_eq!((first.sent, first.failed), (2, 1));
    let res = app
        .post(
            &format!(
                "/api/v1/mailings/{}/retry-failed?include_permanent=true",
                m.id
            ),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let retry = app.settled(&user, m.id).await.last_run.unwrap();
    assert_eq!((retry.sent, retry.failed), (1, 0));
    for c in &clients {
        assert_eq!(
            app.smtp.emails_to(&c.email).len(),
            1,
            "{} got exactly one email",
            c.email
        );
    }
}

#[tokio::test]
async fn temporary_failures_give_up_after_the_configured_tries() {
    let app = spawn_app_with(|env| {
        env.insert("MAIL_MAX_TRIES".into(), "3".into());
    })
    .await;
    let (user, _clients, message) = app.user_with_audience(1).await;
    app.smtp.set_default_fault(Some(temp(421)));
    let m = app
        .settled(&user, send_to_all(&app, &user, &message).await.id)
        .await;
    assert_eq!(m.last_run.unwrap().failed, 1);
    let log = app.attempts(&user, m.id, "").await;
    assert_eq!(log.total, 3);
    assert!(log.items[0]
        .server_response
        .contains("gave up after 3 tries"));
}

#[tokio::test]
async fn a_reply_slower_than_the_timeout_is_a_retried_failure() {
    let app = spawn_app_with(|env| {
        env.insert("SMTP_TIMEOUT_SECS".into(), "0.5".into());
    })
    .await;
    let (user, clients, message) = app.user_with_audience(1).await;
    app.smtp.push_faults([Fault::Stall(Duration::from_secs(2))]);
    let m = app
        .settled(&user, send_to_all(&app, &user, &message).await.id)
        .await;
    assert_eq!(m.last_run.unwrap().sent, 1);
    let log = app.attempts(&user, m.id, "&status=failure").await;
    assert!(
        log.items[0].server_response.contains("no reply within"),
        "{}",
        log.items[0].server_response
    );
    assert_eq!(app.smtp.emails_to(&clients[0].email).len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_and_a_garbage_reply_are_failures_not_crashes() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    app.smtp
        .push_faults([Fault::DropMidData, Fault::MalformedReply]);
    let m = app
        .settled(&user, send_to_all(&app, &user, &message).await.id)
        .await;
    assert_eq!(m.last_run.unwrap().sent, 2);
    assert_eq!(app.attempts(&user, m.id, "&status=failure").await.total, 2);
    for c in &clients {
        assert!(!app.smtp.emails_to(&c.email).is_empty());
    }
    assert_eq!(app.get("/health/live", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_outage_pauses_dispatch_instead_of_burning_retries_and_resumes_by_itself() {
    let app = spawn_app_with(|env| {
        env.insert("MAIL_BREAKER_THRESHOLD".into(), "2".into());
        env.insert("MAIL_CONCURRENCY".into(), "1".into());
        env.insert("MAIL_MAX_TRIES".into(), "3".into());
    })
    .await;
    let (user, clients, message) = app.user_with_audience(6).await;
    app.smtp.set_refusing(true);
    let m = send_to_all(&app, &user, &message).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let during = app.attempts(&user, m.id, "").await;
    // Without a breaker, 6 recipients x 3 tries would all have been spent by now.
    assert!(
        during.total < 10,
        "{} attempts burned during the outage",
        during.total
    );
    let gave_up = during
        .items
        .iter()
        .filter(|a| a.server_response.contains("gave up"))
        .count();
    assert!(gave_up <= 1, "{gave_up} recipients lost during the outage");

    app.smtp.set_refusing(false);
    let m = app.settled(&user, m.id).await;
    let run = m.last_run.unwrap();
    assert!(run.sent >= 5, "dispatch resumed: {run:?}");
    for c in &clients {
        assert!(
            app.smtp.emails_to(&c.email).len() <= 1,
            "{} got a duplicate",
            c.email
        );
    }
}

#[tokio::test]
async fn the_api_answers_while_the_smtp_server_hangs() {
    let app = spawn_app_with(|env| {
        env.insert("SMTP_TIMEOUT_SECS".into(), "5".into());
    })
    .await;
    let (user, _clients, message) = app.user_with_audience(3).await;
    app.smtp
        .set_default_fault(Some(Fault::Stall(Duration::from_secs(6))));
    send_to_all(&app, &user, &message).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    for _ in 0..5 {
        assert_eq!(
            app.get("/api/v1/mailings", Some(&user.token))
                .await
                .status(),
            StatusCode::OK
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "API blocked for {:?}",
        started.elapsed()
    );
    app.smtp.set_default_fault(None);
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_email_exactly_once() {
    let app = spawn_app_with(|env| {
        env.insert("MAIL_BATCH_SIZE".into(), "20".into());
    })
    .await;
    let twin = app.twin().await;
    let user = app.signed_up_user().await;
    app.import_audience(&user, "many", 300).await;
    let message = app.create_message(&user, "Scale").await;
    // Created through the twin: both schedulers and dispatchers race for the work.
    let m = twin.create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(1), "periodicity": "once"})).await;
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.last_run.as_ref().unwrap().sent, 300);
    let runs: api::Page<api::Run> = app
        .get(
            &format!("/api/v1/mailings/{}/runs", m.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs.total, 1, "the due run was claimed once");
    let mut per_rcpt: HashMap<String, usize> = HashMap::new();
    for e in app.smtp.emails() {
        for r in e.rcpt_to {
            *per_rcpt.entry(r).or_default() += 1;
        }
    }
    let many: Vec<_> = per_rcpt
        .iter()
        .filter(|(k, _)| k.starts_with("many"))
        .collect();
    assert_eq!(many.len(), 300);
    assert!(many.iter().all(|(_, n)| **n == 1), "someone got two emails");
}

#[tokio::test]
async fn a_killed_process_resumes_its_run_after_restart_without_losing_anyone() {
    let mut app = spawn_app().await;
    let user = app.signed_up_user().await;
    // Only the separate `herald serve` processes below may send.
    app.stop_scheduler();
    app.import_audience(&user, "crash", 40).await;
    let message = app.create_message(&user, "Crash test").await;
    let m = app.create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(1), "periodicity": "once"})).await;

    app.smtp
        .set_default_fault(Some(Fault::SlowReply(Duration::from_millis(150))));
    let settings = [("MAIL_CONCURRENCY", "2"), ("MAIL_BATCH_SIZE", "10")];
    let mut first = app.serve_process("crash-test-instance", &settings);
    eventually("some emails to go out", Duration::from_secs(30), || async {
        (app.smtp.email_count() >= 10).then_some(())
    })
    .await;
    first.kill(); // SIGKILL: no chance to release leases
    let before = app.smtp.email_count();
    assert!(before < 41, "the run was cut short ({before} emails)");

    app.smtp.set_default_fault(None);
    let _second = app.serve_process("crash-test-instance", &settings);
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.last_run.unwrap().sent, 40);
    let mut seen: HashMap<String, Vec<String>> = HashMap::new();
    for e in app.smtp.emails() {
        if e.rcpt_to[0].starts_with("crash") {
            seen.entry(e.rcpt_to[0].clone())
                .or_default()
                .push(e.message_id().unwrap_or_default());
        }
    }
    assert_eq!(seen.len(), 40, "every recipient got the email");
    for (rcpt, ids) in &seen {
        assert!(ids.len() <= 2, "{rcpt} got {} copies", ids.len());
        assert!(
            ids.iter().all(|id| id == &ids[0]),
            "a resend carries the same Message-ID"
        );
    }
}

#[tokio::test]
async fn finished_runs_show_in_cached_statistics_and_metrics_at_once() {
    let redis =
        std::env::var("HERALD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let app = spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), redis);
        env.insert("CACHE_TTL_SECS".into(), "3600".into());
    })
    .await;
    let (user, _clients, message) = app.user_with_audience(2).await;
    let before: api::Stats = app
        .get("/api/v1/stats", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        before.attempts_success, 0,
        "cached now, with an hour to live"
    );
    app.smtp.push_faults([Fault::RejectRcpt {
        code: 550,
        text: "5.1.1 unknown".into(),
    }]);
    let m = app
        .settled(&user, send_to_all(&app, &user, &message).await.id)
        .await;
    let after: api::Stats = app
        .get("/api/v1/stats", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            after.attempts_success,
            after.attempts_failure,
            after.mailings_finished
        ),
        (1, 1, 1),
        "{m:?}"
    );

    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    assert!(value("herald_emails_sent_total") >= 1.0, "{metrics}");
    assert!(value("herald_emails_failed_total") >= 1.0);
}

#[tokio::test]
async fn retry_failed_takes_temporary_failures_only_unless_permanent_ones_are_asked_for() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    // Every transaction is refused: one recipient for good (550), then the other
    // temporarily (451) until its tries run out (MAIL_MAX_TRIES = 4).
    app.smtp.set_default_fault(Some(temp(451)));
    app.smtp.push_faults([Fault::RejectRcpt {
        code: 550,
        text: "5.1.1 no such user".into(),
    }]);
    let m = app
        .settled(&user, send_to_all(&app, &user, &message).await.id)
        .await;
    assert_eq!(m.last_run.as_ref().unwrap().failed, 2);
    let failures = app.attempts(&user, m.id, "&status=failure").await;
    let refused_for_good = failures
        .items
        .iter()
        .find(|a| a.server_response.starts_with("550"))
        .unwrap()
        .email
        .clone();
    let refused_for_now = clients
        .iter()
        .map(|c| c.email.clone())
        .find(|e| *e != refused_for_good)
        .unwrap();
    app.smtp.set_default_fault(None);

    let retry = |query: &'static str| {
        let app = &app;
        let path = format!("/api/v1/mailings/{}/retry-failed{query}", m.id);
        let token = user.token.clone();
        async move { app.post(&path, Some(&token), &json!({})).await }
    };
    assert_eq!(retry("").await.status(), StatusCode::ACCEPTED);
    let run = app.settled(&user, m.id).await.last_run.unwrap();
    assert_eq!(
        (run.trigger.as_str(), run.sent, run.failed),
        ("retry", 1, 0)
    );
    assert_eq!(app.smtp.emails_to(&refused_for_now).len(), 1);
    assert!(
        app.smtp.emails_to(&refused_for_good).is_empty(),
        "a 5xx is not retried by default"
    );

    // Only the permanent failure is left: the default has nothing to do, the option does.
    assert_problem(retry("").await, StatusCode::CONFLICT).await;
    assert_eq!(
        retry("?include_permanent=true").await.status(),
        StatusCode::ACCEPTED
    );
    app.settled(&user, m.id).await;
    assert_eq!(app.smtp.emails_to(&refused_for_good).len(), 1);
    assert_problem(
        retry("?include_permanent=yes").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}
