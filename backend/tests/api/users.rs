//! The user console: listing, blocking, unblocking, assigning roles, and the audit trail.

use herald_api_types as api;
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::{fixtures::*, helpers::*};

fn audit_rows(app: &TestApp, action: &str, target: Uuid) -> usize {
    app.sql(&format!(
        "SELECT 1 FROM audit_log WHERE action = '{action}' AND target_user_id = '{target}'"
    ))
}

#[tokio::test]
async fn listing_users_needs_users_view() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    assert_statuses(
        &app,
        &cast,
        Method::GET,
        "/api/v1/users",
        None,
        &[
            ("anonymous", StatusCode::UNAUTHORIZED),
            ("user", StatusCode::FORBIDDEN),
            ("content_manager", StatusCode::FORBIDDEN),
            ("manager", StatusCode::OK),
            ("admin", StatusCode::OK),
        ],
    )
    .await;
}

#[tokio::test]
async fn the_user_list_searches_email_and_name_and_filters_blocked_accounts() {
    let app = spawn_app().await;
    let manager = app.user_with_role("manager").await;
    let ann = app.signed_up_user().await;
    app.sql(&format!(
        "UPDATE users SET full_name = 'Ann Zebrafish' WHERE id = '{}'",
        ann.id
    ));
    let bob = app.signed_up_user().await;

    let page: api::Page<api::User> = app
        .get("/api/v1/users?q=zebraFISH", Some(&manager.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id, ann.id);
    let by_email: api::Page<api::User> = app
        .get(
            &format!("/api/v1/users?q={}", &bob.email[..12]),
            Some(&manager.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_email.items.len(), 1);
    assert_eq!(by_email.items[0].id, bob.id);

    let res = app
        .post(
            &format!("/api/v1/users/{}/block", bob.id),
            Some(&manager.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let blocked: api::Page<api::User> = app
        .get("/api/v1/users?blocked=true", Some(&manager.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        blocked.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![bob.id]
    );
    let active: api::Page<api::User> = app
        .get(
            "/api/v1/users?blocked=false&per_page=1",
            Some(&manager.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active.total, 2, "ann and the manager");
    assert_eq!(active.items.len(), 1);
    assert!(active.items.iter().all(|u| !u.blocked));
    assert_problem(
        app.get("/api/v1/users?blocked=maybe", Some(&manager.token))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn a_blocked_users_token_fails_at_the_next_request_and_their_sessions_end() {
    let app = spawn_app().await;
    let manager = app.user_with_role("manager").await;
    let victim = app.signed_up_user().await;
    assert_eq!(
        app.get("/api/v1/me", Some(&victim.token)).await.status(),
        StatusCode::OK
    );

    let res = app
        .post(
            &format!("/api/v1/users/{}/block", victim.id),
            Some(&manager.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let user: api::User = res.json().await.unwrap();
    assert!(user.blocked);

    assert_problem(
        app.get("/api/v1/me", Some(&victim.token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": victim.refresh_token}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.login(&victim.email, &victim.password).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        app.sql(&format!(
            "SELECT 1 FROM user_tokens WHERE user_id = '{}' AND kind = 'refresh' AND used_at IS NULL",
            victim.id
        )),
        0,
        "every refresh token is revoked"
    );
    assert_eq!(
        app.sql(&format!(
            "SELECT 1 FROM audit_log WHERE action = 'user.block' AND target_user_id = '{}' \
             AND actor_id = '{}' AND created_at > now() - interval '1 minute'",
            victim.id, manager.id
        )),
        1,
        "one audit row naming actor, action, target and time"
    );

    // Blocking again changes nothing and is not logged twice.
    let again = app
        .post(
            &format!("/api/v1/users/{}/block", victim.id),
            Some(&manager.token),
            &json!({}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(audit_rows(&app, "user.block", victim.id), 1);
}

#[tokio::test]
async fn unblocking_restores_sign_in_and_is_audited() {
    let app = spawn_app().await;
    let manager = app.user_with_role("manager").await;
    let victim = app.signed_up_user().await;
    let path = format!("/api/v1/users/{}", victim.id);
    app.post(&format!("{path}/block"), Some(&manager.token), &json!({}))
        .await;
    let res = app
        .post(&format!("{path}/unblock"), Some(&manager.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.json::<api::User>().await.unwrap().blocked);
    assert_eq!(
        app.login(&victim.email, &victim.password).await.status(),
        StatusCode::OK
    );
    assert_eq!(audit_rows(&app, "user.unblock", victim.id), 1);
}

#[tokio::test]
async fn blocking_and_unblocking_need_users_block() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    let target = app.signed_up_user().await;
    for action in ["block", "unblock"] {
        assert_statuses(
            &app,
            &cast,
            Method::POST,
            &format!("/api/v1/users/{}/{action}", target.id),
            Some(&json!({})),
            &[
                ("anonymous", StatusCode::UNAUTHORIZED),
                ("user", StatusCode::FORBIDDEN),
                ("content_manager", StatusCode::FORBIDDEN),
                ("manager", StatusCode::OK),
                ("admin", StatusCode::OK),
            ],
        )
        .await;
    }
    assert_problem(
        app.post(
            &format!("/api/v1/users/{}/block", Uuid::new_v4()),
            Some(&cast.manager.token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn nobody_can_block_themselves() {
    let app = spawn_app().await;
    for role in ["manager", "admin"] {
        let boss = app.user_with_role(role).await;
        let problem = assert_problem(
            app.post(
                &format!("/api/v1/users/{}/block", boss.id),
                Some(&boss.token),
                &json!({}),
            )
            .await,
            StatusCode::CONFLICT,
        )
        .await;
        assert!(problem.detail.unwrap().contains("your own"));
        assert_eq!(
            app.get("/api/v1/me", Some(&boss.token)).await.status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn a_manager_cannot_block_an_admin_but_an_admin_can_block_a_manager() {
    let app = spawn_app().await;
    let manager = app.user_with_role("manager").await;
    let admin = app.user_with_role("admin").await;
    assert_problem(
        app.post(
            &format!("/api/v1/users/{}/block", admin.id),
            Some(&manager.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/users/{}/block", manager.id),
            Some(&admin.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn assigning_a_role_needs_roles_manage_and_applies_at_once() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    let target = app.signed_up_user().await;
    let path = format!("/api/v1/users/{}/role", target.id);
    assert_statuses(
        &app,
        &cast,
        Method::PUT,
        &path,
        Some(&json!({"role": "manager"})),
        &[
            ("anonymous", StatusCode::UNAUTHORIZED),
            ("user", StatusCode::FORBIDDEN),
            ("content_manager", StatusCode::FORBIDDEN),
            ("manager", StatusCode::FORBIDDEN),
            ("admin", StatusCode::OK),
        ],
    )
    .await;
    // The new permissions hold with the token the target already has.
    assert_eq!(
        app.get("/api/v1/users", Some(&target.token)).await.status(),
        StatusCode::OK
    );
    let me: api::User = app
        .get("/api/v1/me", Some(&target.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.role, "manager");
    assert!(me.permissions.contains(&"users.block".to_string()));
    let details = app.sql(&format!(
        "SELECT 1 FROM audit_log WHERE action = 'user.role' AND target_user_id = '{}' \
         AND details->>'from' = 'user' AND details->>'to' = 'manager'",
        target.id
    ));
    assert_eq!(details, 1);

    let back = app
        .put(&path, Some(&cast.admin.token), &json!({"role": "user"}))
        .await;
    assert_eq!(back.json::<api::User>().await.unwrap().role, "user");
    assert_problem(
        app.get("/api/v1/users", Some(&target.token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn an_unknown_role_is_a_validation_error_and_ones_own_role_is_fixed() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    let target = app.signed_up_user().await;
    let problem = assert_problem(
        app.put(
            &format!("/api/v1/users/{}/role", target.id),
            Some(&admin.token),
            &json!({"role": "emperor"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem.errors.unwrap().contains_key("role"));
    assert_problem(
        app.put(
            &format!("/api/v1/users/{}/role", admin.id),
            Some(&admin.token),
            &json!({"role": "user"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_problem(
        app.put(
            &format!("/api/v1/users/{}/role", Uuid::new_v4()),
            Some(&admin.token),
            &json!({"role": "user"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.put(
            &format!("/api/v1/users/{}/role", target.id),
            Some(&admin.token),
            &json!({"rolle": "user"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}
