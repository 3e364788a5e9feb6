//! Roles CRUD, the permission list and the audit log (all for `roles.manage`).

use herald_api_types as api;
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::{fixtures::*, helpers::*};

const ADMIN_ONLY: [(&str, StatusCode); 5] = [
    ("anonymous", StatusCode::UNAUTHORIZED),
    ("user", StatusCode::FORBIDDEN),
    ("content_manager", StatusCode::FORBIDDEN),
    ("manager", StatusCode::FORBIDDEN),
    ("admin", StatusCode::OK),
];

async fn create_role(app: &TestApp, admin: &TestUser, name: &str, perms: &[&str]) -> api::Role {
    let res = app
        .post(
            "/api/v1/roles",
            Some(&admin.token),
            &json!({"name": name, "permissions": perms}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

#[tokio::test]
async fn roles_permissions_and_the_audit_log_are_for_admins_only() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    for path in ["/api/v1/roles", "/api/v1/permissions", "/api/v1/audit-log"] {
        assert_statuses(&app, &cast, Method::GET, path, None, &ADMIN_ONLY).await;
    }
    let body = json!({"name": "editor", "permissions": ["posts.write"]});
    let mut expected = ADMIN_ONLY.to_vec();
    expected[4] = ("admin", StatusCode::CREATED);
    assert_statuses(
        &app,
        &cast,
        Method::POST,
        "/api/v1/roles",
        Some(&body),
        &expected,
    )
    .await;
    let editor: Vec<api::Role> = app
        .get("/api/v1/roles", Some(&cast.admin.token))
        .await
        .json()
        .await
        .unwrap();
    let editor = editor.into_iter().find(|r| r.name == "editor").unwrap();
    let path = format!("/api/v1/roles/{}", editor.id);
    let change = json!({"name": "editor", "permissions": ["posts.write", "posts.publish"]});
    assert_statuses(&app, &cast, Method::PUT, &path, Some(&change), &ADMIN_ONLY).await;
    for (who, token) in cast.callers().into_iter().take(4) {
        let res = app.delete(&path, token).await;
        assert!(
            matches!(
                res.status(),
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ),
            "{who} DELETE {path}: {}",
            res.status()
        );
    }
    assert_eq!(
        app.delete(&path, Some(&cast.admin.token)).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn built_in_roles_are_listed_with_their_users() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    app.signed_up_user().await;
    let roles: Vec<api::Role> = app
        .get("/api/v1/roles", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    for builtin in ["user", "manager", "content_manager", "admin"] {
        assert!(names.contains(&builtin), "{builtin} in {names:?}");
    }
    let admin_role = roles.iter().find(|r| r.name == "admin").unwrap();
    assert!(admin_role.builtin);
    assert_eq!(admin_role.users, 1);
    assert!(admin_role.permissions.contains(&"roles.manage".to_string()));
    assert_eq!(roles.iter().find(|r| r.name == "user").unwrap().users, 1);

    let perms: Vec<api::PermissionInfo> = app
        .get("/api/v1/permissions", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(perms.len(), 10);
    assert!(perms
        .iter()
        .all(|p| admin_role.permissions.contains(&p.name) && !p.description.is_empty()));
}

#[tokio::test]
async fn a_custom_role_is_created_assigned_renamed_and_deleted_with_an_audit_trail() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    let role = create_role(
        &app,
        &admin,
        "support",
        &["users.view", "clients.view_all", "users.view"],
    )
    .await;
    assert_eq!(role.permissions, vec!["clients.view_all", "users.view"]);
    assert!(!role.builtin);

    let helper = app.signed_up_user().await;
    let res = app
        .put(
            &format!("/api/v1/users/{}/role", helper.id),
            Some(&admin.token),
            &json!({"role": "support"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/users", Some(&helper.token)).await.status(),
        StatusCode::OK
    );
    assert_problem(
        app.post(
            &format!("/api/v1/users/{}/block", admin.id),
            Some(&helper.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let path = format!("/api/v1/roles/{}", role.id);
    let problem = assert_problem(
        app.delete(&path, Some(&admin.token)).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem.detail.unwrap().contains("assigned"));

    let renamed: api::Role = app
        .put(
            &path,
            Some(&admin.token),
            &json!({"name": "helpdesk", "permissions": ["users.view"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((renamed.name.as_str(), renamed.users), ("helpdesk", 1));
    assert_problem(
        app.get(
            "/api/v1/clients?owner_id=00000000-0000-4000-8000-000000000000",
            Some(&helper.token),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    app.put(
        &format!("/api/v1/users/{}/role", helper.id),
        Some(&admin.token),
        &json!({"role": "user"}),
    )
    .await;
    assert_eq!(
        app.delete(&path, Some(&admin.token)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.delete(&path, Some(&admin.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let log: api::Page<api::AuditEntry> = app
        .get("/api/v1/audit-log?per_page=100", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "role.delete",
            "user.role",
            "role.update",
            "user.role",
            "role.create"
        ],
        "newest first"
    );
    assert!(log
        .items
        .iter()
        .all(|e| e.actor_id == Some(admin.id)
            && e.actor_email.as_deref() == Some(admin.email.as_str())));
    assert_eq!(log.items[1].target_user_id, Some(helper.id));
    assert_eq!(
        log.items[1].target_email.as_deref(),
        Some(helper.email.as_str())
    );
    assert_eq!(log.items[2].details["to"]["name"], "helpdesk");

    let page: api::Page<api::AuditEntry> = app
        .get(
            &format!(
                "/api/v1/audit-log?per_page=1&page=2&target_user_id={}",
                helper.id
            ),
            Some(&admin.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (2, 1));
    let only: api::Page<api::AuditEntry> = app
        .get("/api/v1/audit-log?action=role.create", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(only.total, 1);
}

#[tokio::test]
async fn role_names_and_permissions_are_validated_field_by_field() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    let problem = assert_problem(
        app.post(
            "/api/v1/roles",
            Some(&admin.token),
            &json!({"name": "Bad Name", "permissions": ["users.view", "root.everything"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let errors = problem.errors.unwrap();
    assert!(errors.contains_key("name"));
    assert!(errors["permissions"][0].contains("root.everything"));
    assert_problem(
        app.post("/api/v1/roles", Some(&admin.token), &json!({"name": "x1"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    create_role(&app, &admin, "auditor", &[]).await;
    assert_problem(
        app.post(
            "/api/v1/roles",
            Some(&admin.token),
            &json!({"name": "auditor", "permissions": []}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/roles",
            Some(&admin.token),
            &json!({"name": "manager", "permissions": []}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn built_in_roles_cannot_be_changed_renamed_or_deleted() {
    let app = spawn_app().await;
    let admin = app.user_with_role("admin").await;
    let roles: Vec<api::Role> = app
        .get("/api/v1/roles", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    for role in roles.iter().filter(|r| r.builtin) {
        let path = format!("/api/v1/roles/{}", role.id);
        assert_problem(
            app.put(
                &path,
                Some(&admin.token),
                &json!({"name": format!("{}_x", role.name), "permissions": role.permissions}),
            )
            .await,
            StatusCode::CONFLICT,
        )
        .await;
        assert_problem(
            app.delete(&path, Some(&admin.token)).await,
            StatusCode::CONFLICT,
        )
        .await;
    }
    assert_problem(
        app.put(
            &format!("/api/v1/roles/{}", Uuid::new_v4()),
            Some(&admin.token),
            &json!({"name": "ghost", "permissions": []}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let after: Vec<api::Role> = app
        .get("/api/v1/roles", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after, roles, "nothing changed");
}
