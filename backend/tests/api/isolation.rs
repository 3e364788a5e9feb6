//! Who sees and changes what: owner, other user, manager, content manager, admin.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

struct Fixture {
    app: TestApp,
    owner: TestUser,
    client: api::Client,
    message: api::Message,
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let owner = app.signed_up_user().await;
    let client = app
        .create_client(&owner, "owned@example.com", "Owned")
        .await;
    let message = app.create_message(&owner, "Owned message").await;
    Fixture {
        app,
        owner,
        client,
        message,
    }
}

fn paths(f: &Fixture) -> [(String, serde_json::Value); 2] {
    [
        (
            format!("/api/v1/clients/{}", f.client.id),
            json!({"email": "hijack@example.com", "full_name": "", "comment": ""}),
        ),
        (
            format!("/api/v1/messages/{}", f.message.id),
            json!({"subject": "hijacked", "body": "x"}),
        ),
    ]
}

#[tokio::test]
async fn another_user_cannot_tell_the_rows_exist() {
    let f = fixture().await;
    let other = f.app.signed_up_user().await;
    for (path, body) in paths(&f) {
        assert_problem(
            f.app.get(&path, Some(&other.token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_problem(
            f.app.put(&path, Some(&other.token), &body).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_problem(
            f.app.delete(&path, Some(&other.token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    for list in ["/api/v1/clients", "/api/v1/messages"] {
        let page: serde_json::Value = f
            .app
            .get(list, Some(&other.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], 0, "{list}");
        let res = f
            .app
            .get(
                &format!("{list}?owner_id={}", f.owner.id),
                Some(&other.token),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    // A content manager has no view_all permissions either.
    let cm = f.app.user_with_role("content_manager").await;
    assert_problem(
        f.app
            .get(&format!("/api/v1/clients/{}", f.client.id), Some(&cm.token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn managers_and_admins_read_everything_but_change_nothing_of_others() {
    let f = fixture().await;
    for role in ["manager", "admin"] {
        let boss = f.app.user_with_role(role).await;
        for (path, body) in paths(&f) {
            assert_eq!(
                f.app.get(&path, Some(&boss.token)).await.status(),
                StatusCode::OK,
                "{role} GET {path}"
            );
            assert_problem(
                f.app.put(&path, Some(&boss.token), &body).await,
                StatusCode::FORBIDDEN,
            )
            .await;
            assert_problem(
                f.app.delete(&path, Some(&boss.token)).await,
                StatusCode::FORBIDDEN,
            )
            .await;
        }
        for list in ["/api/v1/clients", "/api/v1/messages"] {
            let all: serde_json::Value = f
                .app
                .get(list, Some(&boss.token))
                .await
                .json()
                .await
                .unwrap();
            assert!(
                all["total"].as_i64().unwrap() >= 1,
                "{role} sees everyone's {list}"
            );
            let one: serde_json::Value = f
                .app
                .get(
                    &format!("{list}?owner_id={}", f.owner.id),
                    Some(&boss.token),
                )
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(one["total"], 1);
            assert_eq!(one["items"][0]["owner_id"], f.owner.id.to_string());
        }
    }
    // Nothing was changed by the refused requests.
    let c: api::Client = f
        .app
        .get(
            &format!("/api/v1/clients/{}", f.client.id),
            Some(&f.owner.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c, f.client);
}

#[tokio::test]
async fn a_manager_creates_rows_only_in_their_own_lists() {
    let f = fixture().await;
    let manager = f.app.user_with_role("manager").await;
    let mine = f
        .app
        .create_client(&manager, "managers-own@example.com", "M")
        .await;
    assert_eq!(mine.owner_id, manager.id);
    let owners: api::Page<api::Client> = f
        .app
        .get(
            &format!("/api/v1/clients?owner_id={}", f.owner.id),
            Some(&manager.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(owners.items.iter().all(|c| c.owner_id == f.owner.id));
}
