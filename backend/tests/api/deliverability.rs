//! Deliverability (API.md "Suppressions, bounces, complaints, tracking"): the return path
//! of every email names its delivery (VERP) when BOUNCE_DOMAIN is set.

use herald::domain::verp::Verp;
use serde_json::json;

use crate::helpers::*;

const SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";

#[tokio::test]
async fn with_a_bounce_domain_each_email_returns_to_its_own_verp_address() {
    let app = spawn_app_with(|env| {
        env.insert("BOUNCE_DOMAIN".into(), "Bounces.Herald.test".into());
    })
    .await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let verp = Verp::new("bounces.herald.test", SECRET.as_bytes());
    for c in &clients {
        let email = app.smtp.emails_to(&c.email).remove(0);
        assert!(
            email.mail_from.starts_with("bounces+")
                && email.mail_from.ends_with("@bounces.herald.test"),
            "{}",
            email.mail_from
        );
        let delivery = verp.delivery_of(&email.mail_from).expect("a token of ours");
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) FROM deliveries WHERE id = '{delivery}' AND client_id = '{}'",
                c.id
            )),
            1,
            "the token names this recipient's delivery"
        );
        // The readers still see the sender; the Message-ID is the delivery's too.
        assert!(email.header("From").unwrap().contains("herald@herald.test"));
        assert!(email
            .message_id()
            .unwrap()
            .contains(&delivery.simple().to_string()));
    }
}

#[tokio::test]
async fn without_a_bounce_domain_the_return_path_is_mail_from() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let email = app.smtp.emails_to(&clients[0].email).remove(0);
    assert_eq!(email.mail_from, "herald@herald.test");
}

/// A Postfix-style delivery status notification for `original` (a captured email),
/// sent back to `to` (its return path), about `status` (`5.1.1`, `4.2.2`...).
pub(crate) fn dsn(
    to: &str,
    original: &crate::smtp_server::CapturedEmail,
    status: &str,
    report_id: &str,
) -> String {
    let rcpt = &original.rcpt_to[0];
    let action = if status.starts_with('4') {
        "delayed"
    } else {
        "failed"
    };
    format!(
        "Return-Path: <>\r\nDelivered-To: {to}\r\nFrom: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nTo: {to}\r\nMessage-Id: <{report_id}@mx.example.net>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n\
         Final-Recipient: rfc822; {rcpt}\r\nAction: {action}\r\nStatus: {status}\r\n\
         Diagnostic-Code: smtp; {} {status} mailbox problem\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Herald Test <herald@herald.test>\r\nTo: {rcpt}\r\n\
         Message-ID: <{}>\r\nSubject: News\r\n\r\n--B--\r\n",
        if status.starts_with('4') { 452 } else { 550 },
        original.message_id().unwrap(),
    )
}

pub(crate) async fn ingest(
    app: &TestApp,
    verp: Option<Verp>,
    raw: String,
) -> herald::bounces::Ingested {
    herald::db::run_blocking(&app.state.db, move |conn| {
        herald::bounces::ingest(conn, verp.as_ref(), raw.as_bytes())
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_hard_bounce_to_its_verp_address_suppresses_the_address_once_and_later_runs_skip_it() {
    let app = spawn_app_with(|env| {
        env.insert("BOUNCE_DOMAIN".into(), "bounces.herald.test".into());
    })
    .await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "daily"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let sent = app.smtp.emails_to(&clients[0].email).remove(0);
    let verp = Verp::new("bounces.herald.test", SECRET.as_bytes());
    let report = dsn(&sent.mail_from, &sent, "5.1.1", "r1");

    let outcome = ingest(&app, Some(verp.clone()), report.clone()).await;
    let herald::bounces::Ingested::Matched {
        delivery,
        recorded,
        suppressed,
    } = outcome
    else {
        panic!("matched: {outcome:?}");
    };
    assert_eq!(Some(delivery), verp.delivery_of(&sent.mail_from));
    assert_eq!(
        (recorded, suppressed),
        (1, Some(herald_api_types::SuppressionReason::HardBounce))
    );
    // Read again (a second instance, a re-delivered message): counted once.
    let again = ingest(&app, Some(verp.clone()), report).await;
    assert!(
        matches!(
            again,
            herald::bounces::Ingested::Matched {
                recorded: 0,
                suppressed: None,
                ..
            }
        ),
        "{again:?}"
    );

    let events: herald_api_types::Page<herald_api_types::DeliveryEvent> = app
        .get(
            &format!("/api/v1/mailings/{}/events?type=bounce", m.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events.total, 1);
    let e = &events.items[0];
    assert_eq!(
        (e.kind.as_str(), e.bounce_kind.as_deref(), e.delivery_id),
        ("bounce", Some("hard"), delivery)
    );
    assert_eq!(e.email, clients[0].email);
    assert!(e.detail.starts_with("5.1.1"), "{}", e.detail);
    let sup: herald_api_types::Page<herald_api_types::Suppression> = app
        .get("/api/v1/suppressions?reason=hard_bounce", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sup.total, 1);
    assert_eq!(sup.items[0].email, clients[0].email);
    // Someone else cannot read the mailing's events; bad filters are refused.
    let stranger = app.signed_up_user().await;
    assert_problem(
        app.get(
            &format!("/api/v1/mailings/{}/events", m.id),
            Some(&stranger.token),
        )
        .await,
        reqwest::StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get(
            &format!("/api/v1/mailings/{}/events?type=spam", m.id),
            Some(&user.token),
        )
        .await,
        reqwest::StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    // The next run skips the bounced address.
    app.smtp.clear();
    app.post(
        &format!("/api/v1/mailings/{}/send", m.id),
        Some(&user.token),
        &json!({}),
    )
    .await;
    eventually(
        "the second run",
        std::time::Duration::from_secs(10),
        || async { (app.smtp.emails_to(&clients[1].email).len() == 1).then_some(()) },
    )
    .await;
    assert!(app.smtp.emails_to(&clients[0].email).is_empty());
}

#[tokio::test]
async fn without_verp_reports_match_by_message_id_soft_bounces_count_to_three_and_complaints_suppress(
) {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let first = app.smtp.emails_to(&clients[0].email).remove(0);
    for (i, expect) in [
        (1, None),
        (2, None),
        (3, Some(herald_api_types::SuppressionReason::SoftBounce)),
    ] {
        let report = dsn("herald@herald.test", &first, "4.2.2", &format!("soft{i}"));
        match ingest(&app, None, report).await {
            herald::bounces::Ingested::Matched {
                recorded: 1,
                suppressed,
                ..
            } => assert_eq!(suppressed, expect, "report {i}"),
            other => panic!("report {i}: {other:?}"),
        }
    }
    // An ARF complaint about the other recipient's email.
    let second = app.smtp.emails_to(&clients[1].email).remove(0);
    let arf = format!(
        "From: fbl@isp.example\r\nTo: abuse@herald.test\r\nSubject: complaint\r\nMessage-ID: <arf1@isp.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n\
         --F\r\nContent-Type: text/plain\r\n\r\nAn abuse report.\r\n\r\n\
         --F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: FBL/1.0\r\nVersion: 1\r\n\
         Original-Rcpt-To: <{}>\r\n\r\n\
         --F\r\nContent-Type: message/rfc822\r\n\r\nFrom: <herald@herald.test>\r\nTo: <{}>\r\nSubject: News\r\nMessage-ID: <{}>\r\n\r\nHello\r\n\r\n--F--\r\n",
        clients[1].email,
        clients[1].email,
        second.message_id().unwrap()
    );
    let outcome = ingest(&app, None, arf).await;
    assert!(
        matches!(
            outcome,
            herald::bounces::Ingested::Matched {
                suppressed: Some(herald_api_types::SuppressionReason::Complaint),
                ..
            }
        ),
        "{outcome:?}"
    );
    let events: herald_api_types::Page<herald_api_types::DeliveryEvent> = app
        .get(
            &format!("/api/v1/mailings/{}/events", m.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events.total, 4);
    assert_eq!(
        events
            .items
            .iter()
            .filter(|e| e.kind == "complaint")
            .count(),
        1
    );

    // A report about mail Herald did not send, and ordinary mail, change nothing.
    let foreign = dsn("herald@herald.test", &first, "5.1.1", "x").replace(
        first.message_id().unwrap().as_str(),
        "not-ours@elsewhere.example",
    );
    assert_eq!(
        ingest(&app, None, foreign).await,
        herald::bounces::Ingested::Unmatched
    );
    assert_eq!(
        ingest(
            &app,
            None,
            "From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n".into()
        )
        .await,
        herald::bounces::Ingested::NotAReport
    );
}

#[tokio::test]
async fn the_terminal_ingests_report_files() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let sent = app.smtp.emails_to(&clients[0].email).remove(0);
    let path = std::env::temp_dir().join(format!("herald-bounce-{}.eml", uuid::Uuid::new_v4()));
    std::fs::write(&path, dsn("herald@herald.test", &sent, "5.1.1", "cli1")).unwrap();
    let db = app.db.url.clone();
    let file = path.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["bounces", "ingest"])
            .arg(&file)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", db)
            .env("JWT_SECRET", SECRET)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("address suppressed (hard_bounce)"),
        "{stdout}"
    );
}
