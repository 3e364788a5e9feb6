//! The pages a recipient sees behind the unsubscribe link: who sends, which address
//! (masked), in the recipient's language, with an undo; test emails point to a page
//! that says it was a test.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn page(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    lang: &str,
) -> (StatusCode, String) {
    let res = app
        .http
        .request(method, app.url(path))
        .header("Accept-Language", lang)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

#[tokio::test]
async fn the_unsubscribe_page_names_sender_and_masked_address_in_the_recipients_language_and_can_be_undone(
) {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    // The sender's name is printed as text, never as markup.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&user.token),
            &json!({"full_name": "<b>Acme</b> & Co"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "daily"}))
        .await;
    let reader = &clients[0];
    let mail = app.smtp.wait_for_email_to(&reader.email, MAIL_WAIT).await;
    let path = mail
        .header("List-Unsubscribe")
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>')
        .trim_start_matches(PUBLIC_URL)
        .to_string();
    let masked = format!("{}***@example.com", &reader.email[..1]);

    let (status, html) = page(&app, reqwest::Method::GET, &path, "ru-RU,ru;q=0.9,en;q=0.8").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("lang=\"ru\"") && html.contains("Отписаться"),
        "{html}"
    );
    assert!(html.contains(&masked), "{html}");
    assert!(
        !html.contains(&reader.email),
        "the full address is not shown"
    );
    assert!(
        html.contains("&lt;b&gt;Acme") && html.contains("&amp; Co") && !html.contains("<b>"),
        "{html}"
    );

    let (status, html) = page(&app, reqwest::Method::POST, &path, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("You are unsubscribed") && html.contains("undo\""),
        "{html}"
    );
    let c: api::Client = app
        .get(&format!("/api/v1/clients/{}", reader.id), Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert!(c.unsubscribed);

    // Undo from the page: subscribed again, and the next run mails the address again.
    let (status, html) = page(&app, reqwest::Method::POST, &format!("{path}/undo"), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("subscribed again"), "{html}");
    let c: api::Client = app
        .get(&format!("/api/v1/clients/{}", reader.id), Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert!(!c.unsubscribed);
    app.settled(&user, m.id).await;
    app.post(
        &format!("/api/v1/mailings/{}/send", m.id),
        Some(&user.token),
        &json!({}),
    )
    .await;
    assert_eq!(app.settled(&user, m.id).await.last_run.unwrap().sent, 1);
    assert_eq!(app.smtp.emails_to(&reader.email).len(), 2);

    let (status, _) = page(
        &app,
        reqwest::Method::POST,
        "/u/not-a-real-token-000000000000/undo",
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_test_emails_unsubscribe_link_shows_a_page_saying_it_was_a_test() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "client_ids": [clients[0].id], "start_at": ahead(3600), "periodicity": "daily"}))
        .await;
    let res = app
        .post(
            &format!("/api/v1/mailings/{}/test", m.id),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let test_mail = eventually("the test email", MAIL_WAIT, || async {
        app.smtp
            .emails_to(&user.email)
            .into_iter()
            .find(|e| e.header("List-Unsubscribe").is_some())
    })
    .await;
    assert_eq!(
        test_mail.header("List-Unsubscribe").as_deref(),
        Some(format!("<{PUBLIC_URL}/u/test>").as_str())
    );
    let (status, html) = page(&app, reqwest::Method::GET, "/u/test", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("This was a test email"), "{html}");
    let (_, html) = page(&app, reqwest::Method::GET, "/u/test", "ru").await;
    assert!(html.contains("тестовое письмо"), "{html}");
}
