//! `GET /metrics`: Prometheus text format.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn metrics_report_requests_by_route_and_status_and_the_delivery_figures() {
    let app = spawn_app().await;
    app.get("/api/v1/home", None).await;
    app.get(&format!("/api/v1/posts/{}", uuid::Uuid::new_v4()), None)
        .await;
    herald::metrics::email_sent();
    herald::metrics::email_failed();
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    for needle in [
        r#"herald_http_requests_total{method="GET",route="/api/v1/home",status="200"}"#,
        r#"herald_http_requests_total{method="GET",route="/api/v1/posts/{id}",status="404"}"#,
        r#"herald_http_request_duration_seconds_bucket{method="GET",route="/api/v1/home",le="0.1"}"#,
        "herald_emails_sent_total",
        "herald_emails_failed_total",
        "herald_deliveries_pending",
        "herald_smtp_circuit_open",
        "herald_cache_requests_total",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(
        !text.contains(&uuid::Uuid::nil().to_string()) && !text.contains("route=\"/api/v1/posts/0"),
        "routes are patterns, not raw paths"
    );
}
