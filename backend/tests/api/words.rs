//! Errors name what they are about, with a stable `code` for clients to branch on:
//! a message in use names its mailings, a refused upload names the formats accepted,
//! and each conflict of mailings, recipients and roles has its own code.

use reqwest::{multipart, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::{fixtures::*, helpers::*};

#[tokio::test]
async fn deleting_a_message_in_use_names_the_mailings_that_use_it() {
    let app = spawn_app().await;
    let (user, _clients, message) = app.user_with_audience(1).await;
    let mut ids = Vec::new();
    for name in ["Spring sale", "Autumn news"] {
        let m = app
            .create_mailing(
                &user,
                json!({"name": name, "message_id": message.id, "all_clients": true,
                       "start_at": ahead(86_400), "periodicity": "once"}),
            )
            .await;
        ids.push(m.id);
    }
    let p = assert_problem(
        app.delete(
            &format!("/api/v1/messages/{}", message.id),
            Some(&user.token),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("message_in_use"));
    let detail = p.detail.unwrap();
    assert!(
        detail.contains("\"Spring sale\"") && detail.contains("\"Autumn news\""),
        "{detail}"
    );
    let used_by = p.used_by.expect("used_by names the mailings");
    assert_eq!(
        used_by
            .iter()
            .map(|u| (u.kind.as_str(), u.id, u.name.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("mailing", ids[0], "Spring sale"),
            ("mailing", ids[1], "Autumn news")
        ]
    );
    // One mailing: named alone.
    app.delete(&format!("/api/v1/mailings/{}", ids[1]), Some(&user.token))
        .await;
    let p = assert_problem(
        app.delete(
            &format!("/api/v1/messages/{}", message.id),
            Some(&user.token),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(p
        .detail
        .unwrap()
        .starts_with("the message is used by the mailing \"Spring sale\""));
    assert_eq!(p.used_by.unwrap().len(), 1);
}

#[tokio::test]
async fn a_non_image_upload_says_which_formats_are_accepted() {
    let app = spawn_app().await;
    let writer = app.user_with_role("content_manager").await;
    let post = create_post(&app, &writer, "Picky").await;
    let part = multipart::Part::bytes(b"just text, honestly".to_vec())
        .file_name("notes.txt")
        .mime_str("text/plain")
        .unwrap();
    let res = app
        .http
        .put(app.url(&format!(
            "/api/v1/posts/{}/image",
            post["id"].as_str().unwrap()
        )))
        .multipart(multipart::Form::new().part("image", part))
        .bearer_auth(&writer.token)
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_eq!(p.code.as_deref(), Some("unsupported_image"));
    assert!(
        p.detail.unwrap().contains("PNG, JPEG, WebP or GIF"),
        "names the formats"
    );
}

#[tokio::test]
async fn conflicts_carry_codes_clients_can_translate() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;

    // Retrying with nothing failed: the code says there are no temporary failures.
    let m = app
        .create_mailing(
            &user,
            json!({"name": "Weekly", "message_id": message.id, "all_clients": true,
                   "start_at": ahead(86_400), "periodicity": "weekly"}),
        )
        .await;
    let p = assert_problem(
        app.post(
            &format!("/api/v1/mailings/{}/retry-failed", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("no_temporary_failures"));
    let p = assert_problem(
        app.post(
            &format!(
                "/api/v1/mailings/{}/retry-failed?include_permanent=true",
                m.id
            ),
            Some(&user.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("nothing_to_retry"));
    // A disabled mailing cannot be sent.
    app.post(
        &format!("/api/v1/mailings/{}/disable", m.id),
        Some(&user.token),
        &json!({}),
    )
    .await;
    let p = assert_problem(
        app.post(
            &format!("/api/v1/mailings/{}/send", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("mailing_disabled"));

    // The same recipient twice.
    let p = assert_problem(
        app.post(
            "/api/v1/clients",
            Some(&user.token),
            &json!({"email": clients[0].email.to_uppercase(), "full_name": "Again", "comment": ""}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("recipient_exists"));

    // Roles and one's own account.
    let admin = app.user_with_role("admin").await;
    let p = assert_problem(
        app.post(
            &format!("/api/v1/users/{}/block", admin.id),
            Some(&admin.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("own_account"));
    let roles: Vec<serde_json::Value> = app
        .get("/api/v1/roles", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    let builtin: Uuid = roles.iter().find(|r| r["name"] == "manager").unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let p = assert_problem(
        app.delete(&format!("/api/v1/roles/{builtin}"), Some(&admin.token))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("role_builtin"));
    let role = json!({"name": "auditor", "permissions": ["stats.view_all"]});
    app.post("/api/v1/roles", Some(&admin.token), &role).await;
    let p = assert_problem(
        app.post("/api/v1/roles", Some(&admin.token), &role).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p.code.as_deref(), Some("role_name_taken"));
}
