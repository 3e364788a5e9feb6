//! Health, OpenAPI, Swagger UI and the SPA.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn liveness_and_readiness_report_the_dependencies() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health/live", None).await.status(), StatusCode::OK);
    let ready: herald_api_types::Health =
        app.get("/health/ready", None).await.json().await.unwrap();
    assert_eq!(
        (
            ready.status.as_str(),
            ready.database.as_str(),
            ready.redis.as_str()
        ),
        ("ok", "ok", "disabled")
    );
}

#[tokio::test]
async fn readiness_sees_redis_up_or_down_without_failing() {
    let redis =
        std::env::var("HERALD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let app = spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), redis);
    })
    .await;
    let ready: herald_api_types::Health =
        app.get("/health/ready", None).await.json().await.unwrap();
    assert_eq!(ready.redis, "ok");

    let dead = spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), "redis://127.0.0.1:1".into());
    })
    .await;
    let res = dead.get("/health/ready", None).await;
    assert_eq!(res.status(), StatusCode::OK, "Redis is optional");
    let ready: herald_api_types::Health = res.json().await.unwrap();
    assert_eq!(ready.redis, "unavailable");
}

#[tokio::test]
async fn the_committed_openapi_document_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json"))
        .expect("openapi/openapi.json exists: regenerate with `cargo run -p herald -- openapi > openapi/openapi.json`");
    assert!(
        committed == herald::openapi::document_json(),
        "openapi/openapi.json is stale: regenerate with `cargo run -p herald -- openapi > openapi/openapi.json`"
    );
    let app = spawn_app().await;
    let served: serde_json::Value = app
        .get("/api-docs/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(served, committed);
    assert!(served["components"]["securitySchemes"]["bearer"].is_object());
    for path in [
        "/api/v1/auth/login",
        "/api/v1/clients/{id}",
        "/api/v1/messages",
        "/api/v1/me",
        "/health/ready",
    ] {
        assert!(served["paths"][path].is_object(), "{path} is documented");
    }
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let res = app.get("/swagger-ui/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger"), "Swagger UI page");
    assert!(!html.contains("cdn") && !html.contains("unpkg"), "no CDN");
    let init = app
        .get("/swagger-ui/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api-docs/openapi.json"));
}

#[tokio::test]
async fn the_spa_answers_client_side_routes_and_caches_hashed_assets_forever() {
    let app = spawn_app().await;
    for path in ["/", "/mailings/123", "/verify-email?token=abc"] {
        let res = app.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        assert!(res.text().await.unwrap().contains("Herald SPA"));
    }
    let res = app.get("/assets/herald-0123456789abcdef.js", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(res.headers().contains_key("etag"));
    let res = app.get("/../../etc/passwd", None).await;
    assert!(
        res.text().await.unwrap().contains("Herald SPA"),
        "no traversal out of STATIC_DIR"
    );
}
