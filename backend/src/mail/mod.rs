//! Outgoing mail: the lettre SMTP transport (pooled, with timeouts), or a console
//! transport that logs each email and saves it as an `.eml` file when no SMTP server
//! is configured (like Django's console backend), so a fresh checkout just works.

pub mod reply;
pub mod smtp;
pub mod templates;

use std::{path::PathBuf, sync::Arc, time::Duration};

use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    Message,
};
use secrecy::ExposeSecret;

use crate::config::{MailSettings, MailTransportConfig};

/// What went wrong with one send, classified for the retry policy and the breaker.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum MailError {
    /// The server answered 4xx: try again later; the server itself is alive.
    #[error("{0}")]
    Temporary(String),
    /// The server answered 5xx, or the message cannot be sent as it is: no retry.
    #[error("{0}")]
    Permanent(String),
    /// No usable answer at all: refused or dropped connection, timeout, garbage reply.
    /// Retried, and counted by the circuit breaker as a sign the server is down.
    #[error("{0}")]
    Connection(String),
}

impl MailError {
    pub fn is_retryable(&self) -> bool {
        !matches!(self, MailError::Permanent(_))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("invalid SMTP_URL: {0}")]
    Url(String),
    #[error("invalid MAIL_FROM {0:?}: {1}")]
    From(String, String),
    #[error("cannot create the outbox directory {0}: {1}")]
    Outbox(PathBuf, std::io::Error),
}

enum Transport {
    Smtp(smtp::SmtpPool),
    Console(PathBuf),
}

/// A cheap-to-clone handle to the configured transport.
#[derive(Clone)]
pub struct Mailer {
    transport: Arc<Transport>,
    from: Mailbox,
    timeout: Duration,
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Self, MailSetupError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| {
                MailSetupError::From(settings.from.clone(), e.to_string())
            })?;
        let transport = match &settings.transport {
            MailTransportConfig::Smtp(url) => {
                let config = smtp::SmtpConfig::from_url(url.expose_secret(), settings.timeout)?;
                // Room for the dispatcher's sessions plus account and test emails.
                Transport::Smtp(smtp::pool(config, settings.concurrency.max(1) + 2)?)
            }
            MailTransportConfig::Console(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| MailSetupError::Outbox(dir.clone(), e))?;
                Transport::Console(dir.clone())
            }
        };
        Ok(Mailer {
            transport: Arc::new(transport),
            from,
            timeout: settings.timeout,
        })
    }

    pub fn from_mailbox(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one message within the SMTP timeout; on success returns the server's reply.
    pub async fn send(&self, message: Message) -> Result<String, MailError> {
        match &*self.transport {
            Transport::Smtp(pool) => {
                let envelope = message.envelope().clone();
                let bytes = message.formatted();
                let exchange = async {
                    let conn = pool.get().await.map_err(|e| match e {
                        deadpool::managed::PoolError::Backend(smtp::ClientError::Smtp(e)) => {
                            classify(&e)
                        }
                        other => MailError::Connection(other.to_string()),
                    })?;
                    let mut flight = smtp::InFlight::new(conn);
                    let result = flight.conn().send(&envelope, &bytes).await;
                    flight.finish();
                    result.map_err(|e| classify(&e))
                };
                // The whole exchange is bounded: connect, every command, the final reply.
                match tokio::time::timeout(self.timeout, exchange).await {
                    Ok(Ok(response)) => Ok(format!(
                        "{} {}",
                        response.code(),
                        response.message().collect::<Vec<_>>().join(" ")
                    )),
                    Ok(Err(e)) => Err(e),
                    Err(_) => Err(MailError::Connection(format!(
                        "no reply within {} s",
                        self.timeout.as_secs_f32()
                    ))),
                }
            }
            Transport::Console(dir) => {
                let bytes = message.formatted();
                let path = dir.join(format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f"),
                    uuid::Uuid::new_v4().simple()
                ));
                tokio::fs::write(&path, &bytes).await.map_err(|e| {
                    MailError::Temporary(format!("cannot write {}: {e}", path.display()))
                })?;
                tracing::info!(path = %path.display(), "email saved (console transport)\n{}", String::from_utf8_lossy(&bytes));
                Ok(format!("250 saved to {}", path.display()))
            }
        }
    }

    /// Fire-and-forget for account emails: the request that caused it has answered;
    /// a failure is logged (and the user can ask for the email again).
    pub fn send_in_background(&self, message: Message, what: &'static str) {
        let mailer = self.clone();
        tokio::spawn(async move {
            if let Err(e) = mailer.send(message).await {
                tracing::warn!(error = %e, what, "account email not sent");
            }
        });
    }
}

/// See [`reply::classify`].
fn classify(e: &lettre::transport::smtp::Error) -> MailError {
    reply::classify(e, error_text(e))
}

/// The text the attempt log shows: an SMTP reply as `451 4.4.0 try again later`,
/// anything else as lettre's description with its whole cause chain.
fn error_text(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    if let (Some(code), Some(reply)) = (e.status(), e.source()) {
        return format!("{code} {reply}");
    }
    // lettre's Display already names the first cause; add the deeper ones.
    let mut text = e.to_string();
    let mut source = e.source().and_then(|s| s.source());
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// One header line from any text: control characters (CR, LF, TAB, the rest of C0 and
/// C1) become spaces, so stored data can never break or inject a header; lettre then
/// RFC 2047-encodes whatever is not plain ASCII.
pub fn header_text(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A mailbox whose display name is safe in a header whatever it holds. lettre's
/// `Mailbox` `Display` refuses (fmt::Error) a name with control characters, and its
/// `To`/`From` headers call `to_string()` on it, so such a name panics inside
/// `MessageBuilder::to`: names from old rows (or any other source) pass through here.
pub fn safe_mailbox(mailbox: Mailbox) -> Mailbox {
    let name = mailbox
        .name
        .as_deref()
        .map(|n| header_text(n).trim().to_owned())
        .filter(|n| !n.is_empty());
    Mailbox::new(name, mailbox.email)
}

/// A plain-text email with an optional HTML alternative. Safe for any display name
/// and subject (see [`safe_mailbox`]): account emails and mailings both come here.
pub fn build_message(
    from: &Mailbox,
    to: Mailbox,
    subject: &str,
    text: String,
    html: Option<String>,
) -> Result<Message, lettre::error::Error> {
    build_message_returning_to(from, to, subject, text, html, None)
}

/// [`build_message`] with another envelope sender (`MAIL FROM`, which becomes the
/// Return-Path bounces go to): the VERP address of a mailing's delivery.
pub fn build_message_returning_to(
    from: &Mailbox,
    to: Mailbox,
    subject: &str,
    text: String,
    html: Option<String>,
    return_path: Option<lettre::Address>,
) -> Result<Message, lettre::error::Error> {
    let mut builder = Message::builder()
        .from(safe_mailbox(from.clone()))
        .subject(header_text(subject));
    if let Some(sender) = return_path {
        builder = builder.envelope(lettre::address::Envelope::new(
            Some(sender),
            vec![to.email.clone()],
        )?);
    }
    let builder = builder.to(safe_mailbox(to));
    match html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(text, html)),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(text),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Account emails and mailings alike: whatever a stored name holds, the message
        /// builds and formats (no panic) with a one-line To header.
        #[test]
        fn any_name_makes_a_message(name in "(?s)\\PC{0,40}|[\\x00-\\x1f\\x7f-\\u{9f} a-z]{0,40}") {
            let from: Mailbox = "Herald <news@example.org>".parse().unwrap();
            let to = Mailbox::new(Some(name.clone()), "eve@example.com".parse().unwrap());
            let email = templates::verification(&name, "http://x/v?token=t", Duration::from_secs(3600));
            let raw = build_message(&from, to, &email.subject, email.text, Some(email.html))
                .unwrap()
                .formatted();
            let raw = String::from_utf8(raw).unwrap();
            let headers = &raw[..raw.find("\r\n\r\n").unwrap()];
            // Every header line is printable ASCII; continuation lines start with a space.
            for line in headers.split("\r\n") {
                prop_assert!(line.bytes().all(|b| (0x20..0x7f).contains(&b)), "{:?}", line);
                prop_assert!(!line.starts_with("Bcc"), "{:?}", line);
            }
            prop_assert_eq!(headers.split("\r\n").filter(|l| l.starts_with("To:")).count(), 1);
        }
    }

    #[test]
    fn any_display_name_builds_a_well_formed_message() {
        let from: Mailbox = "Herald <news@example.org>".parse().unwrap();
        for name in [
            "Eve\r\nBcc: victim@example.com",
            "tab\there",
            "bell\u{7}\u{0}nul",
            "c1\u{85}\u{9b}x",
            "\r\n",
            "Ünïcödé\nname",
        ] {
            let to = Mailbox::new(Some(name.into()), "eve@example.com".parse().unwrap());
            let raw = build_message(&from, to, "Subject\r\nBcc: x@example.com", "b".into(), None)
                .unwrap()
                .formatted();
            let raw = String::from_utf8(raw).unwrap();
            let headers = &raw[..raw.find("\r\n\r\n").unwrap()];
            assert!(
                !headers.contains("\nBcc"),
                "{name:?} injected a header: {headers}"
            );
            assert!(
                headers
                    .bytes()
                    .all(|b| b == b'\r' || b == b'\n' || b == b'\t' || !b.is_ascii_control()),
                "{name:?} left a control character: {headers:?}"
            );
        }
    }
}
