//! Request ids: in the `X-Request-Id` header of every answer and on the log lines
//! written while serving the request.

use std::io::{BufRead, BufReader};

use reqwest::StatusCode;

use crate::helpers::*;

fn request_id(res: &reqwest::Response) -> String {
    res.headers()
        .get("x-request-id")
        .expect("an X-Request-Id header")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_callers_id_is_kept() {
    let app = spawn_app().await;
    let a = app.get("/health/live", None).await;
    let b = app.get("/health/live", None).await;
    let (a, b) = (request_id(&a), request_id(&b));
    assert_ne!(a, b, "each request has its own id");
    assert!(uuid::Uuid::parse_str(&a).is_ok(), "{a} is a UUID");

    // Errors too: a problem answer from a handler and one from the router.
    let unauthorized = app.get("/api/v1/me", None).await;
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
    request_id(&unauthorized);
    let missing = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    request_id(&missing);

    // A proxy's id is kept, so one id follows the request through both logs.
    let res = app
        .http
        .get(app.url("/health/live"))
        .header("x-request-id", "edge-7f3a:42")
        .send()
        .await
        .unwrap();
    assert_eq!(request_id(&res), "edge-7f3a:42");
    // One that could forge log lines or headers is replaced.
    let res = app
        .http
        .get(app.url("/health/live"))
        .header("x-request-id", "two words")
        .send()
        .await
        .unwrap();
    assert!(uuid::Uuid::parse_str(&request_id(&res)).is_ok());
}

#[tokio::test]
async fn json_log_lines_name_the_request_they_were_written_for() {
    let mut app = spawn_app().await;
    app.stop_scheduler();
    let mut process = app.serve_process(
        "log-instance",
        &[("LOG_FORMAT", "json"), ("RUST_LOG", "info")],
    );
    process.ready().await;
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/v1/auth/login", process.address))
        .header("x-request-id", "login-probe-1")
        .json(&serde_json::json!({"email": "nobody@example.com", "password": "wrong-password-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(process
        .terminate(std::time::Duration::from_secs(20))
        .await
        .success());

    let stdout = process.child.stdout.take().expect("piped stdout");
    let lines: Vec<serde_json::Value> = BufReader::new(stdout)
        .lines()
        .map(|l| l.unwrap())
        .map(|l| serde_json::from_str(&l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let of_the_request: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| {
            l["spans"]
                .as_array()
                .is_some_and(|spans| spans.iter().any(|s| s["request_id"] == "login-probe-1"))
        })
        .collect();
    let access = of_the_request
        .iter()
        .find(|l| l["fields"]["message"] == "request")
        .unwrap_or_else(|| panic!("no access line for the request in {lines:#?}"));
    assert_eq!(access["fields"]["status"], 401);
    assert_eq!(access["span"]["path"], "/api/v1/auth/login");
}
