//! Bad input is answered with problem+json 4xx, never 5xx.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_names_the_field() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": 5}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(p.errors.is_some());
}

#[tokio::test]
async fn a_wrong_content_type_is_unsupported() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

#[tokio::test]
async fn an_oversized_body_is_too_large() {
    let app = spawn_app().await;
    let huge = format!("{{\"email\": \"{}\"}}", "a".repeat(5 * 1024 * 1024));
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
}

#[tokio::test]
async fn a_malformed_id_in_the_path_is_a_bad_request() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    assert_problem(
        app.get("/api/v1/clients/not-a-uuid", Some(&user.token))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_problem(
        app.get("/api/v1/clients?page=abc", Some(&user.token)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn unknown_api_paths_and_methods_are_problems_not_the_spa() {
    let app = spawn_app().await;
    assert_problem(
        app.get("/api/v1/no-such-thing", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get("/api/v2/clients", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = app
        .request(reqwest::Method::PATCH, "/api/v1/clients", None, None)
        .await;
    assert!(res.status().is_client_error());
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
}

#[tokio::test]
async fn text_with_a_nul_character_is_refused_and_nothing_stored_changes() {
    // Found by the schemathesis run: PostgreSQL cannot store U+0000.
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let message = app.create_message(&user, "Kept").await;
    let res = app
        .put(
            &format!("/api/v1/messages/{}", message.id),
            Some(&user.token),
            &serde_json::json!({"subject": "Bad\u{0}", "body": "x\u{0}y"}),
        )
        .await;
    let p = assert_problem(res, StatusCode::BAD_REQUEST).await;
    assert!(p.detail.unwrap_or_default().contains("NUL"));
    let kept: herald_api_types::Message = app
        .get(
            &format!("/api/v1/messages/{}", message.id),
            Some(&user.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept.subject, "Kept");

    let res = app.get("/api/v1/clients?q=a%00b", Some(&user.token)).await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}
