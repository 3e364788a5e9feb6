//! Invitations: an administrator invites someone by email with a role; the invitee sets
//! a password through the emailed single-use link and signs in with that role.

use herald_api_types as api;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{fixtures::*, helpers::*};

const INVITEE_PASSWORD: &str = "a-brand-new-passphrase-7";

async fn invite(app: &TestApp, admin: &TestUser, email: &str, role: &str) -> reqwest::Response {
    app.post(
        "/api/v1/users/invite",
        Some(&admin.token),
        &json!({"email": email, "full_name": "Ivy Invited", "role": role}),
    )
    .await
}

/// The token of the newest invitation link to `to` (the link also carries `&email=`).
async fn invite_token(app: &TestApp, to: &str) -> String {
    let rest = app.token_from_email(to, "/accept-invite").await;
    rest.split('&').next().unwrap().to_owned()
}

async fn accept(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/accept-invite",
        None,
        &json!({"token": token, "password": password}),
    )
    .await
}

#[tokio::test]
async fn inviting_needs_roles_manage() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    assert_statuses(
        &app,
        &cast,
        Method::POST,
        "/api/v1/users/invite",
        Some(&json!({"email": "someone@example.com", "full_name": "Some One", "role": "user"})),
        &[
            ("anonymous", StatusCode::UNAUTHORIZED),
            ("user", StatusCode::FORBIDDEN),
            ("content_manager", StatusCode::FORBIDDEN),
            ("manager", StatusCode::FORBIDDEN),
            ("admin", StatusCode::CREATED),
        ],
    )
    .await;
}

#[tokio::test]
async fn an_invitee_sets_a_password_through_the_emailed_link_and_signs_in_with_the_role_given() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    let res = invite(&app, &admin, "ivy@example.com", "manager").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let user: api::User = res.json().await.unwrap();
    assert_eq!(user.email, "ivy@example.com");
    assert_eq!(user.full_name, "Ivy Invited");
    assert_eq!(user.role, "manager");
    assert!(!user.email_verified);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'user.invite' AND target_user_id = '{}'",
            user.id
        )),
        1
    );

    // Nobody can sign in to the account before the invitation is accepted.
    let res = app.login("ivy@example.com", INVITEE_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let token = invite_token(&app, "ivy@example.com").await;
    let email = app.smtp.emails_to("ivy@example.com").pop().unwrap();
    assert!(email.text_body().contains("invited you to Herald"));
    assert!(email.text_body().contains(&format!(
        "/accept-invite?token={token}&email=ivy%40example.com"
    )));
    // The token is stored hashed, never as sent.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM user_tokens WHERE kind = 'invite' AND encode(token_hash, 'escape') LIKE '%{token}%'"
        )),
        0
    );
    let res = accept(&app, &token, INVITEE_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let res = app.login("ivy@example.com", INVITEE_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let pair: api::TokenPair = res.json().await.unwrap();
    let me: api::User = app
        .get("/api/v1/me", Some(&pair.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert!(me.email_verified);
    assert_eq!(me.role, "manager");
    assert!(me.permissions.iter().any(|p| p == "users.view"));

    // Single use.
    let p = assert_problem(
        accept(&app, &token, "another-fine-passphrase-8").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("invalid_token"));
}

#[tokio::test]
async fn inviting_an_existing_address_is_a_conflict() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    let existing = app.signed_up_user().await;
    let p = assert_problem(
        invite(&app, &admin, &existing.email.to_uppercase(), "user").await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("email_taken"));
    // An invitation still open holds its address too.
    assert_eq!(
        invite(&app, &admin, "twice@example.com", "user")
            .await
            .status(),
        StatusCode::CREATED
    );
    let p = assert_problem(
        invite(&app, &admin, "twice@example.com", "user").await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("email_taken"));
}

#[tokio::test]
async fn bad_invitations_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    let p = assert_problem(
        invite(&app, &admin, "mary@example", "user").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p.errors.unwrap().contains_key("email"));
    let p = assert_problem(
        invite(&app, &admin, "nobody@example.com", "emperor").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p.error_codes.unwrap()["role"], vec!["unknown_role"]);
    let res = app
        .post(
            "/api/v1/users/invite",
            Some(&admin.token),
            &json!({"email": "tab@example.com", "full_name": "Tab\tName", "role": "user"}),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(p.errors.unwrap().contains_key("full_name"));
    // Nothing was created by the refused requests.
    assert_eq!(
        app.count(
            "SELECT count(*) FROM users WHERE email IN ('nobody@example.com', 'tab@example.com')"
        ),
        0
    );
}

#[tokio::test]
async fn accepting_refuses_weak_passwords_and_bad_or_expired_tokens() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    assert_eq!(
        invite(&app, &admin, "wes@example.com", "user")
            .await
            .status(),
        StatusCode::CREATED
    );
    let token = invite_token(&app, "wes@example.com").await;

    let p = assert_problem(
        accept(&app, &token, "Password123!").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("weak_password"));
    // The invitee's own address is guessable.
    let p = assert_problem(
        accept(&app, &token, "wes@example.com1").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("weak_password"));

    let p = assert_problem(
        accept(&app, "not-a-token", INVITEE_PASSWORD).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("invalid_token"));

    // Expired: refused; the refused tries did not spend or extend it.
    app.sql(
        "UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE kind = 'invite'",
    );
    assert_problem(
        accept(&app, &token, INVITEE_PASSWORD).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    app.sql("UPDATE user_tokens SET expires_at = now() + interval '1 hour' WHERE kind = 'invite'");
    assert_eq!(
        accept(&app, &token, INVITEE_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    // A verify-email or reset token is not an invitation token, nor the reverse.
    let p = assert_problem(
        app.post("/api/v1/auth/verify-email", None, &json!({"token": token}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("invalid_token"));
}
