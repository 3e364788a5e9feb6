//! Message templates.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_message_can_be_created_listed_changed_and_deleted() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/messages",
            Some(&user.token),
            &json!({"subject": "Hi {{ full_name }}", "body": "Text", "html_body": "<p>Text</p>"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let m: api::Message = res.json().await.unwrap();
    assert_eq!(m.html_body.as_deref(), Some("<p>Text</p>"));

    let list: api::Page<api::Message> = app
        .get("/api/v1/messages?q=hi", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.total, 1);

    let path = format!("/api/v1/messages/{}", m.id);
    let res = app
        .put(
            &path,
            Some(&user.token),
            &json!({"subject": "Changed", "body": "New"}),
        )
        .await;
    let changed: api::Message = res.json().await.unwrap();
    assert_eq!(changed.subject, "Changed");
    assert_eq!(changed.html_body, None, "PUT replaces the whole message");

    assert_eq!(
        app.delete(&path, Some(&user.token)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.get(&path, Some(&user.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn subjects_must_be_one_non_empty_line() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    for subject in ["", "   ", "two\nlines"] {
        let res = app
            .post(
                "/api/v1/messages",
                Some(&user.token),
                &json!({"subject": subject, "body": "x"}),
            )
            .await;
        let errors = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors
            .unwrap();
        assert!(errors.contains_key("subject"), "{subject:?} accepted");
    }
}

#[tokio::test]
async fn a_message_used_by_a_mailing_cannot_be_deleted() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let m = app.create_message(&user, "In use").await;
    app.sql(&format!(
        "INSERT INTO mailings (id, owner_id, message_id, start_at, periodicity) VALUES (gen_random_uuid(), '{}', '{}', now() + interval '1 day', 'once')",
        user.id, m.id
    ));
    let res = app
        .delete(&format!("/api/v1/messages/{}", m.id), Some(&user.token))
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(
        app.get(&format!("/api/v1/messages/{}", m.id), Some(&user.token))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_misspelled_placeholder_is_refused_naming_it_with_a_suggestion() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/messages",
            Some(&user.token),
            &serde_json::json!({
                "subject": "Hello {{ fullname }}",
                "body": "Dear {{ full_name | default(\"customer\") }}, from {{ attributes.city }}.\n{{ emial }}",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "unknown_placeholder");
    assert_eq!(
        problem["errors"]["subject"][0],
        "unknown placeholder fullname (did you mean full_name?)"
    );
    assert_eq!(
        problem["errors"]["body"][0],
        "unknown placeholder emial (did you mean email?)"
    );
    assert_eq!(problem["error_codes"]["body"][0], "unknown_placeholder");
    // Fallbacks, attributes and names the template binds itself are fine.
    let res = app
        .post(
            "/api/v1/messages",
            Some(&user.token),
            &serde_json::json!({
                "subject": "Hello {{ full_name | default(\"customer\") }}",
                "body": "{% set city = attributes.city | default(\"your city\") %}News from {{ city }}\n{% for i in range(2) %}{{ i }}{% endfor %}",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}
