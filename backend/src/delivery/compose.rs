//! One recipient's email: rendered subject and bodies, a stable Message-ID derived from
//! the delivery id (a resend after a crash carries the same id, so receivers can
//! de-duplicate), RFC 8058 one-click unsubscribe headers and a footer link.

use lettre::message::{
    header::{HeaderName, HeaderValue},
    Mailbox,
};
use uuid::Uuid;

use crate::{domain::template::MessageTemplate, mail};

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("recipient address {0:?} is not valid: {1}")]
    Address(String, String),
    #[error("{0}")]
    Template(String),
    #[error("cannot build the email: {0}")]
    Build(String),
}

pub struct Recipient<'a> {
    pub delivery_id: Uuid,
    pub email: &'a str,
    pub full_name: &'a str,
    pub unsubscribe_token: &'a str,
    /// The envelope sender for bounces (VERP), when BOUNCE_DOMAIN is set.
    pub return_path: Option<String>,
}

pub fn unsubscribe_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/u/{token}")
}

/// The domain part of the sender, for Message-IDs.
pub fn message_id_domain(from: &Mailbox) -> String {
    from.email.domain().to_owned()
}

pub fn message_id(delivery_id: Uuid, domain: &str) -> String {
    format!("<{}@{domain}>", delivery_id.simple())
}

pub fn compose(
    template: &MessageTemplate,
    from: &Mailbox,
    public_url: &str,
    to: &Recipient<'_>,
) -> Result<lettre::Message, ComposeError> {
    compose_as(template, from, public_url, to, (to.full_name, to.email))
}

/// Like [`compose`], but with the placeholders filled as for someone else: a test send
/// shows the first recipient's rendering in the sender's own inbox.
pub fn compose_as(
    template: &MessageTemplate,
    from: &Mailbox,
    public_url: &str,
    to: &Recipient<'_>,
    (name, email): (&str, &str),
) -> Result<lettre::Message, ComposeError> {
    let rendered = template
        .render(name, email)
        .map_err(|e| ComposeError::Template(e.to_string()))?;
    let address = to
        .email
        .parse()
        .map_err(|e: lettre::address::AddressError| {
            ComposeError::Address(to.email.into(), e.to_string())
        })?;
    let name = (!to.full_name.is_empty()).then(|| to.full_name.to_owned());
    let mailbox = Mailbox::new(name, address);
    let unsubscribe = unsubscribe_url(public_url, to.unsubscribe_token);
    let text = format!(
        "{}\n\n--\nTo stop receiving these emails: {unsubscribe}\n",
        rendered.text.trim_end()
    );
    let html = rendered.html.map(|html| {
        let footer = format!(
            "<hr><p style=\"font-size:12px;color:#666\"><a href=\"{unsubscribe}\">Unsubscribe</a> from these emails.</p>"
        );
        match html.rfind("</body>") {
            Some(i) => format!("{}{footer}{}", &html[..i], &html[i..]),
            None => format!("{html}{footer}"),
        }
    });
    let return_path = match &to.return_path {
        Some(rp) => Some(rp.parse().map_err(|e: lettre::address::AddressError| {
            ComposeError::Build(format!("return path {rp:?}: {e}"))
        })?),
        None => None,
    };
    let mut message =
        mail::build_message_returning_to(from, mailbox, &rendered.subject, text, html, return_path)
            .map_err(|e| ComposeError::Build(e.to_string()))?;
    let headers = message.headers_mut();
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("Message-ID"),
        message_id(to.delivery_id, &message_id_domain(from)),
    ));
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("List-Unsubscribe"),
        format!("<{unsubscribe}>"),
    ));
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click".into(),
    ));
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carries_a_stable_message_id_and_one_click_unsubscribe() {
        let t = MessageTemplate::compile(
            "Hi {{ full_name }}",
            "Body",
            Some("<html><body><p>x</p></body></html>"),
        )
        .unwrap();
        let from: Mailbox = "Herald <news@example.org>".parse().unwrap();
        let id = Uuid::new_v4();
        let to = Recipient {
            delivery_id: id,
            email: "ann@example.com",
            full_name: "Ann",
            unsubscribe_token: "tok",
            return_path: None,
        };
        let raw = String::from_utf8(
            compose(&t, &from, "https://h.example", &to)
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(raw.contains(&format!("Message-ID: <{}@example.org>", id.simple())));
        assert!(raw.contains("List-Unsubscribe: <https://h.example/u/tok>"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("Subject: Hi Ann"));
    }

    #[test]
    fn invalid_recipient_addresses_are_refused() {
        let t = MessageTemplate::compile("s", "b", None).unwrap();
        let from: Mailbox = "n@example.org".parse().unwrap();
        let to = Recipient {
            delivery_id: Uuid::new_v4(),
            email: "not an address",
            full_name: "",
            unsubscribe_token: "t",
            return_path: None,
        };
        assert!(matches!(
            compose(&t, &from, "http://x", &to),
            Err(ComposeError::Address(..))
        ));
    }
}
