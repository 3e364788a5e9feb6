//! Hardening (issue 12): input that would break a header is refused at every edge,
//! an unsubscribe outlives the client row, failures of a finished mailing can be
//! retried, exports cannot smuggle spreadsheet formulas, every answer carries the
//! security headers, and `/metrics` is not public.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::{helpers::*, smtp_server::Fault};

async fn import(app: &TestApp, user: &TestUser, csv: &str) -> api::ImportReport {
    let res = app
        .http
        .post(app.url("/api/v1/clients/import"))
        .bearer_auth(&user.token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn recipient_names_with_line_breaks_or_control_characters_are_refused_everywhere() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    for name in [
        "Eve\r\nBcc: all@victims.test",
        "Eve\nX",
        "Eve\tTab",
        "Eve\u{7}",
        "Eve\u{85}",
    ] {
        let problem = assert_problem(
            app.post(
                "/api/v1/clients",
                Some(&user.token),
                &json!({"email": "eve@example.com", "full_name": name}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(
            problem.errors.as_ref().unwrap().contains_key("full_name"),
            "{name:?}: {problem:?}"
        );
    }
    // PUT too, and the stored row is untouched.
    let c = app.create_client(&user, "ann@example.com", "Ann").await;
    assert_problem(
        app.put(
            &format!("/api/v1/clients/{}", c.id),
            Some(&user.token),
            &json!({"email": "ann@example.com", "full_name": "Ann\r\nX"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let stored: api::Client = app
        .get(&format!("/api/v1/clients/{}", c.id), Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored.full_name, "Ann");
    // CSV import refuses such lines one by one and keeps the others.
    let report = import(
        &app,
        &user,
        "email,full_name\nbob@example.com,\"Bob\r\nBcc: x@evil.test\"\ncid@example.com,Cid\n",
    )
    .await;
    assert_eq!((report.created, report.errors.len()), (1, 1));
    assert_eq!(report.errors[0].line, 2);
    assert!(report.errors[0].message.contains("one line"));
}

#[tokio::test]
async fn an_address_without_a_dotted_domain_is_not_a_recipient() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    for email in ["a@b", "ann@localhost", "ann@example."] {
        let problem = assert_problem(
            app.post(
                "/api/v1/clients",
                Some(&user.token),
                &json!({"email": email, "full_name": "A"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem.errors.unwrap().contains_key("email"), "{email}");
    }
}

#[tokio::test]
async fn an_unsubscribe_survives_deleting_and_adding_the_client_again() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "daily"}))
        .await;
    let leaver = &clients[0];
    let mail = app.smtp.wait_for_email_to(&leaver.email, MAIL_WAIT).await;
    let link = mail.header("List-Unsubscribe").unwrap();
    let path = link
        .trim_matches(|c| c == '<' || c == '>')
        .trim_start_matches(PUBLIC_URL)
        .to_string();
    let res = app.http.post(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    app.settled(&user, m.id).await;

    // Deleted, then added again in another case, through the API...
    let res = app
        .delete(&format!("/api/v1/clients/{}", leaver.id), Some(&user.token))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let again = app
        .create_client(&user, &leaver.email.to_uppercase(), "Back Again")
        .await;
    assert!(again.unsubscribed, "the new row carries the unsubscribe");
    // ...and once more through a CSV import.
    app.delete(&format!("/api/v1/clients/{}", again.id), Some(&user.token))
        .await;
    let report = import(&app, &user, &format!("email\n{}\n", leaver.email)).await;
    assert_eq!(report.created, 1);
    let list: api::Page<api::Client> = app
        .get(
            &format!("/api/v1/clients?q={}", leaver.email),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(list.items[0].unsubscribed);

    // A new run mails the others only.
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/send", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let run = app.settled(&user, m.id).await.last_run.unwrap();
    assert_eq!(run.sent, 1);
    assert_eq!(
        app.smtp.emails_to(&leaver.email).len(),
        1,
        "only the first email"
    );
    assert_eq!(app.smtp.emails_to(&clients[1].email).len(), 2);
    // Another owner's list is not affected by this owner's unsubscribe.
    let other = app.signed_up_user().await;
    let theirs = app.create_client(&other, &leaver.email, "Theirs").await;
    assert!(!theirs.unsubscribed);
}

#[tokio::test]
async fn failures_of_a_finished_once_mailing_can_be_retried() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    // Temporary failures use up the recipient's tries (MAIL_MAX_TRIES = 4), so the
    // only run of this once mailing ends with a failure and the mailing is finished.
    app.smtp.set_default_fault(Some(Fault::RejectRcpt {
        code: 451,
        text: "4.3.0 try again later".into(),
    }));
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"}))
        .await;
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.status, "finished");
    let run = m.last_run.unwrap();
    assert_eq!((run.sent, run.failed), (0, 1));
    assert_eq!(app.attempts(&user, m.id, "").await.total, 4);

    app.smtp.set_default_fault(None);
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/retry-failed", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let started: serde_json::Value = res.json().await.unwrap();
    let m = app.settled(&user, m.id).await;
    let retry = m.last_run.unwrap();
    assert_eq!(retry.id.to_string(), started["run_id"]);
    assert_eq!(retry.trigger, "retry");
    assert_eq!((retry.sent, retry.failed), (1, 0));
    assert_eq!(m.status, "finished");
    assert_eq!(app.smtp.emails_to(&clients[0].email).len(), 1);
    // Nothing failed any more: another retry has nothing to do.
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
}

#[tokio::test]
async fn exported_cells_cannot_start_a_spreadsheet_formula_and_import_back_exactly() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let names = [
        "=HYPERLINK(\"http://evil.test\",\"x\")",
        "+1 555 0100",
        "-minus",
        "@SUM(A1:A9)",
    ];
    for (i, name) in names.iter().enumerate() {
        app.create_client(&user, &format!("f{i}@example.com"), name)
            .await;
    }
    let res = app.get("/api/v1/clients/export", Some(&user.token)).await;
    let csv = res.text().await.unwrap();
    for line in csv.lines().skip(1) {
        let name_cell = line.split(',').nth(1).unwrap().trim_start_matches('"');
        assert!(
            name_cell.starts_with('\''),
            "the name cell is neutralised: {line}"
        );
    }
    // The same file imported by another user gives the same names back.
    let other = app.signed_up_user().await;
    let report = import(&app, &other, &csv).await;
    assert_eq!(report.created, names.len() as i64);
    let list: api::Page<api::Client> = app
        .get("/api/v1/clients?per_page=100", Some(&other.token))
        .await
        .json()
        .await
        .unwrap();
    let mut got: Vec<String> = list.items.into_iter().map(|c| c.full_name).collect();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;

    let spa = app.get("/mailings/some/deep/link", None).await;
    assert_eq!(spa.status(), StatusCode::OK);
    let csp = spa.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");

    for res in [
        app.get("/api/v1/me", Some(&user.token)).await,
        app.get("/api/v1/home", None).await,
        app.get("/api/v1/nope", None).await,
        app.get("/health/live", None).await,
        spa,
    ] {
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{}", res.url());
        assert_eq!(
            h["referrer-policy"],
            "strict-origin-when-cross-origin",
            "{}",
            res.url()
        );
    }

    // Authenticated API answers are never cached; public and statistics answers keep
    // their own policies even when a token is sent.
    let me = app.get("/api/v1/me", Some(&user.token)).await;
    assert_eq!(me.headers()["cache-control"], "no-store");
    let clients = app.get("/api/v1/clients", Some(&user.token)).await;
    assert_eq!(clients.headers()["cache-control"], "no-store");
    let home = app.get("/api/v1/home", Some(&user.token)).await;
    assert_eq!(home.headers()["cache-control"], "public, max-age=30");
    let stats = app.get("/api/v1/stats", Some(&user.token)).await;
    assert!(stats.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("private"));

    // Token pages send no referrer; Swagger UI runs under a policy of its own.
    let unsubscribe = app.get("/u/not-a-real-token-000000000000", None).await;
    assert_eq!(unsubscribe.headers()["referrer-policy"], "no-referrer");
    let swagger = app.get("/swagger-ui/", None).await;
    assert_eq!(swagger.status(), StatusCode::OK);
    let csp = swagger.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set() {
    let app = spawn_app_with(|env| {
        env.insert("METRICS_TOKEN".into(), "metrics-token-0123456789".into());
    })
    .await;
    assert_problem(app.get("/metrics", None).await, StatusCode::NOT_FOUND).await;
    assert_problem(
        app.get("/metrics", Some("metrics-token-wrong")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = app.get("/metrics", Some("metrics-token-0123456789")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("herald_emails_sent_total"));
}

#[tokio::test]
async fn with_a_metrics_listener_the_public_one_answers_404() {
    let app = spawn_app_with(|env| {
        env.insert("METRICS_BIND".into(), "127.0.0.1:0".into());
    })
    .await;
    assert_problem(app.get("/metrics", None).await, StatusCode::NOT_FOUND).await;
    let metrics = app.metrics_address.clone().expect("a metrics listener");
    let res = app
        .http
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("herald_http_requests_total"));
    // That listener serves nothing else.
    let res = app
        .http
        .get(format!("{metrics}/api/v1/home"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
