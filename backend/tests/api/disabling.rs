//! A disabled mailing says who disabled it, when and why; the owner is emailed when a
//! manager did it; a finished mailing has nothing to disable.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_manager_disables_with_a_reason_the_owner_sees_and_gets_by_email() {
    let app = spawn_app().await;
    let (owner, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&owner, json!({"name": "Test mailing", "message_id": message.id, "client_ids": [clients[0].id], "start_at": ahead(3600), "periodicity": "daily"}))
        .await;
    assert_eq!(
        (m.disabled_by, m.disabled_at, m.disabled_reason.as_deref()),
        (None, None, None)
    );
    let manager = app.user_with_role("manager").await;
    let path = format!("/api/v1/mailings/{}", m.id);
    let res = app
        .post(
            &format!("{path}/disable"),
            Some(&manager.token),
            &json!({"reason": "Complaints from <recipients> & partners"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let disabled: api::Mailing = res.json().await.unwrap();
    assert!(!disabled.enabled);
    assert_eq!(disabled.disabled_by, Some(manager.id));
    assert!(disabled.disabled_at.is_some());
    let seen = app.mailing(&owner, m.id).await;
    assert_eq!(
        seen.disabled_reason.as_deref(),
        Some("Complaints from <recipients> & partners")
    );

    let mail = eventually("the owner's notice", MAIL_WAIT, || async {
        app.smtp
            .emails_to(&owner.email)
            .into_iter()
            .find(|e| e.subject() == "Your mailing was disabled")
    })
    .await;
    assert!(mail
        .text_body()
        .contains("Complaints from <recipients> & partners"));
    assert!(mail
        .html_body()
        .unwrap()
        .contains("Complaints from &lt;recipients&gt; &amp; partners"));
    assert!(mail
        .text_body()
        .contains(&format!("{PUBLIC_URL}/mailings/{}", m.id)));

    // Enabling clears who, when and why.
    let enabled: api::Mailing = app
        .post(&format!("{path}/enable"), Some(&owner.token), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(enabled.enabled);
    assert_eq!((enabled.disabled_by, enabled.disabled_reason), (None, None));

    // The owner disabling their own mailing is not emailed about it; no body is fine.
    let emails_before = app.smtp.emails_to(&owner.email).len();
    let res = app
        .http
        .post(app.url(&format!("{path}/disable")))
        .bearer_auth(&owner.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let own: api::Mailing = res.json().await.unwrap();
    assert_eq!(
        (own.disabled_by, own.disabled_reason),
        (Some(owner.id), None)
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.smtp.emails_to(&owner.email).len(), emails_before);
}

#[tokio::test]
async fn disabling_refuses_a_finished_mailing_and_bad_bodies() {
    let app = spawn_app().await;
    let (owner, clients, message) = app.user_with_audience(1).await;
    let done = app
        .create_mailing(&owner, json!({"name": "Test mailing", "message_id": message.id, "client_ids": [clients[0].id], "start_at": ago(1), "periodicity": "once"}))
        .await;
    let done = app.settled(&owner, done.id).await;
    assert_eq!(done.status, "finished");
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/mailings/{}/disable", done.id),
            Some(&owner.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem.detail.unwrap().contains("finished"));

    let open = app
        .create_mailing(&owner, json!({"name": "Test mailing", "message_id": message.id, "client_ids": [clients[0].id], "start_at": ahead(3600), "periodicity": "daily"}))
        .await;
    let path = format!("/api/v1/mailings/{}/disable", open.id);
    assert_problem(
        app.post(
            &path,
            Some(&owner.token),
            &json!({"reason": "x".repeat(501)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let res = app
        .http
        .post(app.url(&path))
        .bearer_auth(&owner.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST).await;
    assert!(
        app.mailing(&owner, open.id).await.enabled,
        "nothing changed"
    );
}
