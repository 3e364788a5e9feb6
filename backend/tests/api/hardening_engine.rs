//! The delivery engine cannot be stopped by one customer: a poisoned row or template
//! fails only its own delivery (other owners' mail keeps flowing, across restarts too),
//! and a blocked owner's mailings send nothing until the owner is unblocked.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::{helpers::*, smtp_server::Fault};

#[tokio::test]
async fn a_stored_name_with_cr_lf_is_header_encoded_and_every_owner_keeps_receiving_across_a_restart(
) {
    let mut app = spawn_app().await;
    let eve = app.signed_up_user().await;
    let poisoned = app
        .create_client(&eve, "poison@example.com", "Placeholder")
        .await;
    // An old row from before names were checked at the edge.
    app.sql(&format!(
        "UPDATE clients SET full_name = E'Eve\\r\\nBcc: victim@example.com\\x07' WHERE id = '{}'",
        poisoned.id
    ));
    let eve_message = app.create_message(&eve, "For {{ full_name }}").await;
    let (ann, ann_clients, ann_message) = app.user_with_audience(2).await;
    let eve_mailing = app.create_mailing(&eve, json!({"name": "Test mailing", "message_id": eve_message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;
    app.create_mailing(&ann, json!({"name": "Test mailing", "message_id": ann_message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;

    let email = app
        .smtp
        .wait_for_email_to("poison@example.com", MAIL_WAIT)
        .await;
    let to = email.header("To").unwrap_or_default();
    assert!(
        to.starts_with("=?utf-8?"),
        "the name is RFC 2047-encoded: {to:?}"
    );
    let parsed = email.parsed();
    let name = parsed
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        name, "Eve  Bcc: victim@example.com",
        "control characters became spaces"
    );
    assert!(!email.subject().contains(['\r', '\n', '\u{7}']));
    assert_eq!(email.rcpt_to, vec!["poison@example.com".to_string()]);
    assert!(app.smtp.emails_to("victim@example.com").is_empty());
    let run = app.settled(&eve, eve_mailing.id).await.last_run.unwrap();
    assert_eq!((run.sent, run.failed), (1, 0));
    for c in &ann_clients {
        app.smtp.wait_for_email_to(&c.email, MAIL_WAIT).await;
    }

    // This instance stops; another one on the same database carries on sending.
    app.stop_scheduler();
    let twin = app.twin().await;
    let again = twin.create_mailing(&ann, json!({"name": "Test mailing", "message_id": ann_message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;
    let run = twin.settled(&ann, again.id).await.last_run.unwrap();
    assert_eq!((run.sent, run.failed), (2, 0));
}

fn emails_with_prefix(app: &TestApp, prefix: &str) -> usize {
    app.emails_per_recipient(prefix).values().sum()
}

#[tokio::test]
async fn blocking_an_owner_stops_their_sending_until_they_are_unblocked() {
    let app = spawn_app_with(|env| {
        env.insert("MAIL_BATCH_SIZE".into(), "2".into());
        env.insert("MAIL_CONCURRENCY".into(), "1".into());
    })
    .await;
    let manager = app.user_with_role("manager").await;
    let user = app.signed_up_user().await;
    app.import_audience(&user, "blk", 20).await;
    let message = app.create_message(&user, "Hello").await;
    // Slow replies keep the first run going while the owner is blocked.
    app.smtp
        .set_default_fault(Some(Fault::SlowReply(Duration::from_millis(100))));
    let running = app.create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;
    let scheduled = app.create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(2), "periodicity": "once"})).await;
    eventually("the first emails", Duration::from_secs(20), || async {
        (emails_with_prefix(&app, "blk") >= 3).then_some(())
    })
    .await;

    let res = app
        .post(
            &format!("/api/v1/users/{}/block", user.id),
            Some(&manager.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // What was already leased may still go out (a couple of short batches); then nothing.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let paused_at = emails_with_prefix(&app, "blk");
    // Meanwhile the scheduled mailing comes due: it must not start.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        emails_with_prefix(&app, "blk"),
        paused_at,
        "mail went out while the owner was blocked"
    );
    assert!(paused_at < 20, "the run was paused, not finished");
    // The run says why it stopped.
    let run = app.mailing(&manager, running.id).await.last_run.unwrap();
    assert_eq!(run.state, herald_api_types::RunState::Paused);
    assert_eq!(run.reason.as_deref(), Some("owner_blocked"));
    // Nobody resumes it by hand while the owner is blocked.
    let res = app
        .post(
            &format!("/api/v1/runs/{}/resume", run.id),
            Some(&manager.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM runs WHERE mailing_id = '{}'",
            scheduled.id
        )),
        0,
        "the due run waits for the owner to be unblocked"
    );
    // A manual run from the terminal is refused too.
    let err = herald::commands::send(&app.state, running.id)
        .await
        .expect_err("a blocked owner's mailing is not sent");
    assert!(err.to_string().contains("the owner is blocked"), "{err:#}");

    app.smtp.set_default_fault(None);
    let res = app
        .post(
            &format!("/api/v1/users/{}/unblock", user.id),
            Some(&manager.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let run = app.mailing(&manager, running.id).await.last_run.unwrap();
    assert_ne!(
        run.state,
        herald_api_types::RunState::Paused,
        "unblocking resumes it"
    );
    eventually(
        "both mailings to reach everyone",
        Duration::from_secs(30),
        || async {
            let per = app.emails_per_recipient("blk");
            (per.len() == 20 && per.values().all(|n| *n == 2)).then_some(())
        },
    )
    .await;
    for id in [running.id, scheduled.id] {
        let run = app.settled(&user, id).await.last_run.unwrap();
        assert_eq!(run.sent, 20);
    }
}

#[tokio::test]
async fn a_template_bomb_fails_only_its_own_deliveries_as_template_too_large_across_a_restart() {
    let mut app = spawn_app().await;
    let eve = app.signed_up_user().await;
    for i in 0..2 {
        app.create_client(&eve, &format!("bombed{i}@example.com"), "Reader")
            .await;
    }
    // Each line triples a 100 kB string: gigabytes long before anything is emitted.
    let bomb = format!(
        r#"{{% set s = "x" * 100000 %}}{}{{{{ s }}}}"#,
        r#"{% set s = s ~ s ~ s %}"#.repeat(12)
    );
    let res = app
        .post(
            "/api/v1/messages",
            Some(&eve.token),
            &json!({"subject": "Boom", "body": bomb,
                    "html_body": r#"{% for i in range(100000) %}{{ "x" * 1000000 }}{% endfor %}"#}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "it parses, so it is saved"
    );
    let bomb_message: herald_api_types::Message = res.json().await.unwrap();
    let (ann, ann_clients, ann_message) = app.user_with_audience(2).await;
    let bombed = app.create_mailing(&eve, json!({"name": "Test mailing", "message_id": bomb_message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;
    app.create_mailing(&ann, json!({"name": "Test mailing", "message_id": ann_message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;

    let run = app.settled(&eve, bombed.id).await.last_run.unwrap();
    assert_eq!((run.sent, run.failed), (0, 2));
    let log = app.attempts(&eve, bombed.id, "").await;
    assert_eq!(log.total, 2, "a permanent failure, not retried");
    for a in &log.items {
        assert_eq!(a.status, "failure");
        assert!(
            a.server_response.starts_with("template_too_large"),
            "{}",
            a.server_response
        );
    }
    for c in &ann_clients {
        app.smtp.wait_for_email_to(&c.email, MAIL_WAIT).await;
    }
    assert!(app.smtp.emails_to("bombed0@example.com").is_empty());

    // A test send renders the same way, bounded, and says why it cannot send.
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/test", bombed.id),
            Some(&eve.token),
            &json!({}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert!(
        format!("{problem:?}").contains("template_too_large"),
        "{problem:?}"
    );

    // Another instance on the same database carries on; the bomb is not retried.
    app.stop_scheduler();
    let twin = app.twin().await;
    let again = twin.create_mailing(&ann, json!({"name": "Test mailing", "message_id": ann_message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;
    let run = twin.settled(&ann, again.id).await.last_run.unwrap();
    assert_eq!((run.sent, run.failed), (2, 0));
    assert_eq!(twin.attempts(&eve, bombed.id, "").await.total, 2);
}

#[tokio::test]
async fn a_template_that_cannot_parse_is_refused_at_save_naming_the_field_and_line() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    for (field, input) in [
        (
            "subject",
            json!({"subject": "Hi {{ full_name", "body": "x"}),
        ),
        ("body", json!({"subject": "s", "body": "Hello\n\n{% if %}"})),
        (
            "html_body",
            json!({"subject": "s", "body": "x", "html_body": "<p>\n{{ full_name }</p>"}),
        ),
    ] {
        let res = app
            .post("/api/v1/messages", Some(&user.token), &input)
            .await;
        let errors = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors
            .unwrap();
        let text = format!("{:?}", errors.get(field));
        assert!(text.contains("line"), "{field}: {errors:?}");
    }
}

/// p99 of `n` sequential `GET path` answers, in milliseconds.
async fn p99_ms(app: &TestApp, token: &str, path: &str, n: usize) -> f64 {
    let mut took = Vec::with_capacity(n);
    for _ in 0..n {
        let started = std::time::Instant::now();
        let res = app.get(path, Some(token)).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.bytes().await.unwrap();
        took.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    took.sort_by(f64::total_cmp);
    took[(n * 99 / 100).min(n - 1)]
}

/// A measurement, not a check (`cargo test -p herald --test api -- --ignored --nocapture
/// api_latency`): the API's p99 for a page of clients when idle, then while a 3,000
/// recipient run meets an SMTP server that never answers, printed as a ratio.
#[tokio::test]
#[ignore = "measurement; run with --ignored --nocapture"]
async fn api_latency_while_smtp_hangs_against_idle() {
    let app = spawn_app_with(|env| {
        env.insert("SMTP_TIMEOUT_SECS".into(), "5".into());
    })
    .await;
    let user = app.signed_up_user().await;
    app.import_audience(&user, "lat", 3000).await;
    let message = app.create_message(&user, "Latency").await;
    let path = "/api/v1/clients?per_page=100";
    p99_ms(&app, &user.token, path, 20).await; // warm up
    let idle = p99_ms(&app, &user.token, path, 300).await;
    app.smtp
        .set_default_fault(Some(Fault::Stall(Duration::from_secs(60))));
    app.create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let hanging = p99_ms(&app, &user.token, path, 300).await;
    eprintln!(
        "GET {path} p99: idle {idle:.1} ms, while SMTP hangs {hanging:.1} ms, ratio {:.2}",
        hanging / idle
    );
    // And while the engine sends flat out (its database work at its busiest).
    app.smtp.set_default_fault(None);
    let audience = app.count("SELECT count(*) FROM clients") as usize;
    app.create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"})).await;
    eventually("sending to start", Duration::from_secs(30), || async {
        (app.smtp.email_count() > 100).then_some(())
    })
    .await;
    let sending = p99_ms(&app, &user.token, path, 300).await;
    let sent = app.smtp.email_count();
    eprintln!(
        "GET {path} p99: idle {idle:.1} ms, while sending flat out {sending:.1} ms, ratio {:.2} \
         ({sent} of {} emails out by the end)",
        sending / idle,
        audience * 2
    );
}
