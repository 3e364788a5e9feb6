//! Deliverability (API.md "Suppressions, bounces, complaints, tracking"): the return path
//! of every email names its delivery (VERP) when BOUNCE_DOMAIN is set.

use herald::domain::verp::Verp;
use serde_json::json;

use crate::helpers::*;

const SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";

#[tokio::test]
async fn with_a_bounce_domain_each_email_returns_to_its_own_verp_address() {
    let app = spawn_app_with(|env| {
        env.insert("BOUNCE_DOMAIN".into(), "Bounces.Herald.test".into());
    })
    .await;
    let (user, clients, message) = app.user_with_audience(2).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let verp = Verp::new("bounces.herald.test", SECRET.as_bytes());
    for c in &clients {
        let email = app.smtp.emails_to(&c.email).remove(0);
        assert!(
            email.mail_from.starts_with("bounces+")
                && email.mail_from.ends_with("@bounces.herald.test"),
            "{}",
            email.mail_from
        );
        let delivery = verp.delivery_of(&email.mail_from).expect("a token of ours");
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) FROM deliveries WHERE id = '{delivery}' AND client_id = '{}'",
                c.id
            )),
            1,
            "the token names this recipient's delivery"
        );
        // The readers still see the sender; the Message-ID is the delivery's too.
        assert!(email.header("From").unwrap().contains("herald@herald.test"));
        assert!(email
            .message_id()
            .unwrap()
            .contains(&delivery.simple().to_string()));
    }
}

#[tokio::test]
async fn without_a_bounce_domain_the_return_path_is_mail_from() {
    let app = spawn_app().await;
    let (user, clients, message) = app.user_with_audience(1).await;
    let m = app
        .create_mailing(
            &user,
            json!({"name": "News", "message_id": message.id, "all_clients": true,
                "start_at": ago(1), "periodicity": "once"}),
        )
        .await;
    app.settled(&user, m.id).await;
    let email = app.smtp.emails_to(&clients[0].email).remove(0);
    assert_eq!(email.mail_from, "herald@herald.test");
}
