//! Sign-up, verification, sign-in, token rotation, password reset, profile.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn registering_returns_the_user_and_emails_a_single_use_verification_link() {
    let app = spawn_app().await;
    let res = app.register("Ann@Example.com", PASSWORD, "Ann Smith").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let user: api::User = res.json().await.unwrap();
    assert_eq!(user.email, "Ann@Example.com");
    assert_eq!(user.role, "user");
    assert!(!user.email_verified);
    assert!(user.permissions.is_empty());

    let mail = app
        .smtp
        .wait_for_email_to("Ann@Example.com", MAIL_WAIT)
        .await;
    assert!(
        mail.html_body().is_some(),
        "verification email has an HTML part"
    );
    let token = app
        .token_from_email("Ann@Example.com", "/verify-email")
        .await;

    let first = app
        .post("/api/v1/auth/verify-email", None, &json!({"token": token}))
        .await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let again = app
        .post("/api/v1/auth/verify-email", None, &json!({"token": token}))
        .await;
    assert_problem(again, StatusCode::BAD_REQUEST).await;
    let bogus = app
        .post(
            "/api/v1/auth/verify-email",
            None,
            &json!({"token": "not-a-token"}),
        )
        .await;
    assert_problem(bogus, StatusCode::BAD_REQUEST).await;

    let res = app.login("ann@example.com", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "login is case-insensitive in the email"
    );
}

#[tokio::test]
async fn an_email_can_register_only_once_whatever_its_case() {
    let app = spawn_app().await;
    assert_eq!(
        app.register("bob@example.com", PASSWORD, "Bob")
            .await
            .status(),
        StatusCode::CREATED
    );
    let dup = app.register("BOB@example.COM", PASSWORD, "Bob again").await;
    assert_problem(dup, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn registration_input_is_validated_field_by_field() {
    let app = spawn_app().await;
    let res = app.register("not-an-email", "short", "").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let errors = problem.errors.expect("field errors");
    assert!(errors.contains_key("email"));
    assert!(errors.contains_key("password"));
    assert!(errors.contains_key("full_name"));
}

#[tokio::test]
async fn passwords_of_one_character_class_are_weak() {
    let app = spawn_app().await;
    for weak in ["abcdefghijkl", "123456789012", "short1!"] {
        let res = app.register("weak@example.com", weak, "Weak").await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            problem.errors.unwrap().contains_key("password"),
            "{weak} accepted"
        );
    }
}

#[tokio::test]
async fn login_reveals_account_state_only_with_the_right_password() {
    let app = spawn_app().await;
    app.register("carol@example.com", PASSWORD, "Carol").await;
    // Unverified: wrong password says 401 like an unknown account would...
    assert_problem(
        app.login("carol@example.com", "wrong-password-1").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.login("nobody@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // ...and only the right password learns that the email is unconfirmed.
    let p = assert_problem(
        app.login("carol@example.com", PASSWORD).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(p.detail.unwrap().contains("not confirmed"));
}

#[tokio::test]
async fn a_token_pair_gives_access_and_me_describes_the_caller() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app.get("/api/v1/me", Some(&user.token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: api::User = res.json().await.unwrap();
    assert_eq!(me.id, user.id);
    assert!(me.email_verified);
    assert!(!me.blocked);

    assert_problem(app.get("/api/v1/me", None).await, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.get("/api/v1/me", Some("garbage")).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_whole_login() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let second: api::TokenPair = res.json().await.unwrap();
    assert_eq!(second.token_type, "Bearer");
    assert_ne!(second.refresh_token, user.refresh_token);
    assert_eq!(
        app.get("/api/v1/me", Some(&second.access_token))
            .await
            .status(),
        StatusCode::OK
    );

    // The old token is spent; presenting it again looks like theft...
    let reuse = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(reuse, StatusCode::UNAUTHORIZED).await;
    // ...so the token issued from it dies too.
    let after = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": second.refresh_token}),
        )
        .await;
    assert_problem(after, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn password_reset_sets_a_new_password_and_ends_every_session() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": user.email}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let token = app.token_from_email(&user.email, "/reset-password").await;

    let weak = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "weak"}),
        )
        .await;
    assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY).await;
    let new_password = "a-brand-new-passphrase-7";
    let ok = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": new_password}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    let reused = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": new_password}),
        )
        .await;
    assert_problem(reused, StatusCode::BAD_REQUEST).await;

    assert_problem(
        app.login(&user.email, &user.password).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        app.login(&user.email, new_password).await.status(),
        StatusCode::OK
    );
    let old_refresh = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(old_refresh, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn password_reset_and_resend_do_not_reveal_whether_an_account_exists() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/auth/password-reset",
        "/api/v1/auth/resend-verification",
    ] {
        let res = app
            .post(path, None, &json!({"email": "ghost@example.com"}))
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.smtp.emails_to("ghost@example.com").is_empty());
}

#[tokio::test]
async fn resending_verification_invalidates_the_older_link() {
    let app = spawn_app().await;
    app.register("dave@example.com", PASSWORD, "Dave").await;
    let first = app
        .token_from_email("dave@example.com", "/verify-email")
        .await;
    let res = app
        .post(
            "/api/v1/auth/resend-verification",
            None,
            &json!({"email": "DAVE@example.com"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    app.smtp.wait_for_count(2, MAIL_WAIT).await;
    let second = app
        .token_from_email("dave@example.com", "/verify-email")
        .await;
    assert_ne!(first, second);
    assert_problem(
        app.post("/api/v1/auth/verify-email", None, &json!({"token": first}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        app.post("/api/v1/auth/verify-email", None, &json!({"token": second}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn profile_changes_need_the_current_password_for_a_new_password() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"full_name": "Renamed"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<api::User>().await.unwrap().full_name, "Renamed");

    let missing = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"new_password": "another-pass-99"}),
        )
        .await;
    assert!(assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .errors
        .unwrap()
        .contains_key("current_password"));
    let wrong = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"current_password": "nope-nope-1", "new_password": "another-pass-99"}),
        )
        .await;
    assert!(assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .errors
        .unwrap()
        .contains_key("current_password"));
    let ok = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"current_password": user.password, "new_password": "another-pass-99"}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        app.login(&user.email, "another-pass-99").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_blocked_users_access_token_fails_on_the_very_next_request() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    assert_eq!(
        app.get("/api/v1/me", Some(&user.token)).await.status(),
        StatusCode::OK
    );
    app.sql(&format!(
        "UPDATE users SET blocked_at = now() WHERE id = '{}'",
        user.id
    ));
    assert_problem(
        app.get("/api/v1/me", Some(&user.token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.login(&user.email, &user.password).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(refresh, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn secrets_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let mut conn = <diesel::PgConnection as diesel::Connection>::establish(&app.db.url).unwrap();
    use diesel::prelude::*;
    use herald::db::schema::{user_tokens, users};
    let hash: String = users::table
        .find(user.id)
        .select(users::password_hash)
        .first(&mut conn)
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    let stored: Vec<Vec<u8>> = user_tokens::table
        .select(user_tokens::token_hash)
        .load(&mut conn)
        .unwrap();
    assert!(!stored.is_empty());
    for h in stored {
        assert_eq!(h.len(), 32, "a SHA-256 digest, not the token");
        assert_ne!(h, user.refresh_token.as_bytes());
    }
}

#[tokio::test]
async fn create_admin_makes_a_verified_account_with_every_permission() {
    let app = spawn_app().await;
    herald::accounts::create_admin(&app.state, "root@example.com", PASSWORD)
        .await
        .unwrap();
    let pair: api::TokenPair = app
        .login("root@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let me: api::User = app
        .get("/api/v1/me", Some(&pair.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.role, "admin");
    assert!(me.permissions.contains(&"roles.manage".to_string()));
    assert_eq!(me.permissions.len(), herald::domain::Permission::ALL.len());
}
