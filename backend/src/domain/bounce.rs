//! Reading bounces (RFC 3464 delivery status notifications, and the common non-standard
//! "failure notice" forms) and complaints (RFC 5965 ARF feedback reports). MIME is
//! mail-parser's job; this module only reads the fields those reports define.
//!
//! A report says what happened (hard bounce: a 5.x.x status; soft: 4.x.x or "delayed";
//! complaint: an ARF report other than `not-spam`) and carries what identifies the email
//! it answers: the address it was sent back to (our VERP return path) and the original's
//! Message-ID (attached whole, or its headers only).

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    HardBounce,
    SoftBounce,
    Complaint,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: Kind,
    /// The recipient it is about (`Final-Recipient`, `Original-Rcpt-To`), when given.
    pub recipient: Option<String>,
    /// The status and the server's words, or the feedback type: shown to the owner.
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounce {
    pub reports: Vec<Report>,
    /// Addresses the report was sent to (`Delivered-To`, `X-Original-To`, `To`...), where
    /// a VERP return path shows up.
    pub addressed_to: Vec<String>,
    /// The Message-ID of the email the report is about.
    pub original_message_id: Option<String>,
    /// The report's own Message-ID.
    pub message_id: Option<String>,
}

fn text_of<'a>(body: &'a PartType<'_>) -> Option<std::borrow::Cow<'a, str>> {
    match body {
        PartType::Text(t) | PartType::Html(t) => Some(std::borrow::Cow::Borrowed(t.as_ref())),
        PartType::Binary(b) | PartType::InlineBinary(b) => Some(String::from_utf8_lossy(b)),
        _ => None,
    }
}

/// One header's value from a block of `Name: value` fields, unfolded and trimmed.
fn field(fields: &Message<'_>, name: &str) -> Option<String> {
    fields
        .header_raw(name)
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
}

/// `rfc822; ann@example.com` -> `ann@example.com`.
fn address_field(value: &str) -> String {
    let v = value.split_once(';').map_or(value, |(_, a)| a);
    v.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

/// The groups of fields of a `message/delivery-status` body (per message, then per
/// recipient), each given to mail-parser's header parser.
fn dsn_reports(body: &str) -> Vec<Report> {
    let normalized = body.replace("\r\n", "\n");
    let parser = MessageParser::new();
    let mut out = Vec::new();
    for group in normalized.split("\n\n").skip(1) {
        let block = format!("{}\n\n", group.trim_matches('\n'));
        let Some(fields) = parser.parse_headers(block.as_bytes()) else {
            continue;
        };
        let action = field(&fields, "Action")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let status = field(&fields, "Status").unwrap_or_default();
        let diagnostic = field(&fields, "Diagnostic-Code").unwrap_or_default();
        let recipient = field(&fields, "Final-Recipient")
            .or_else(|| field(&fields, "Original-Recipient"))
            .map(|v| address_field(&v));
        let class = status.chars().next().or_else(|| {
            diagnostic
                .split(';')
                .next_back()
                .and_then(|d| d.trim().chars().next())
        });
        let kind = match (action.as_str(), class) {
            ("delivered" | "relayed" | "expanded", _) => continue,
            ("delayed", _) => Kind::SoftBounce,
            (_, Some('5')) => Kind::HardBounce,
            (_, Some('4')) => Kind::SoftBounce,
            _ => continue,
        };
        let detail = [status, diagnostic]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Report {
            kind,
            recipient,
            detail,
        });
    }
    out
}

fn feedback_report(body: &str) -> Option<Report> {
    let block = format!("{}\n\n", body.replace("\r\n", "\n").trim_matches('\n'));
    let fields = MessageParser::new().parse_headers(block.as_bytes())?;
    let feedback = field(&fields, "Feedback-Type")
        .unwrap_or_else(|| "abuse".into())
        .to_ascii_lowercase();
    if feedback == "not-spam" {
        return None;
    }
    Some(Report {
        kind: Kind::Complaint,
        recipient: field(&fields, "Original-Rcpt-To").map(|v| address_field(&v)),
        detail: feedback,
    })
}

/// The value of a `Message-ID:` line in quoted text (a non-standard bounce quotes the
/// original's headers in its body).
fn quoted_message_id(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("message-id")
            .then(|| {
                value
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
            .filter(|v| !v.is_empty())
    })
}

/// Reads a message that may be a bounce or a complaint; `None` when it is neither.
pub fn read(raw: &[u8]) -> Option<Bounce> {
    let message = MessageParser::new().parse(raw)?;
    let mut bounce = Bounce {
        message_id: message.message_id().map(str::to_owned),
        ..Bounce::default()
    };
    for name in [
        "Delivered-To",
        "X-Original-To",
        "Envelope-To",
        "X-Envelope-To",
        "To",
    ] {
        if let Some(v) = message.header_raw(name) {
            for part in v.split(',') {
                let a = part.rsplit_once('<').map_or(part, |(_, a)| a);
                let a = a.trim().trim_end_matches('>').trim();
                if a.contains('@') {
                    bounce.addressed_to.push(a.to_owned());
                }
            }
        }
    }
    let mut text_bodies = Vec::new();
    for part in &message.parts {
        if part.is_content_type("message", "delivery-status") {
            if let Some(t) = text_of(&part.body) {
                bounce.reports.extend(dsn_reports(&t));
            }
        } else if part.is_content_type("message", "feedback-report") {
            if let Some(t) = text_of(&part.body) {
                bounce.reports.extend(feedback_report(&t));
            }
        } else if let PartType::Message(original) = &part.body {
            bounce.original_message_id = bounce
                .original_message_id
                .or_else(|| original.message_id().map(str::to_owned));
        } else if part.is_content_type("text", "rfc822-headers") {
            if let Some(t) = text_of(&part.body) {
                let block = format!("{}\n\n", t.replace("\r\n", "\n").trim_matches('\n'));
                if let Some(h) = MessageParser::new().parse_headers(block.as_bytes()) {
                    bounce.original_message_id = bounce
                        .original_message_id
                        .or_else(|| h.message_id().map(str::to_owned));
                }
            }
        } else if part.is_content_type("text", "plain") || part.content_type().is_none() {
            if let Some(t) = text_of(&part.body) {
                text_bodies.push(t.into_owned());
            }
        }
    }
    if bounce.reports.is_empty() {
        // Non-standard bounces (qmail's "failure notice", some providers): a mailer
        // daemon's message whose text gives a status code and quotes the original.
        let from = message
            .header_raw("From")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let subject = message.subject().unwrap_or_default().to_ascii_lowercase();
        let daemon = ["mailer-daemon", "postmaster"]
            .iter()
            .any(|d| from.contains(d));
        let looks = [
            "failure notice",
            "undeliver",
            "delivery status notification",
            "returned mail",
            "delivery failure",
        ]
        .iter()
        .any(|s| subject.contains(s));
        if !(daemon && looks) {
            return None;
        }
        let text = text_bodies.join("\n");
        let code = text
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .find(|w| {
                let b = w.as_bytes();
                (b.len() == 5 && b[1] == b'.' && b[3] == b'.' && matches!(b[0], b'4' | b'5'))
                    || (b.len() == 3 && matches!(b[0], b'4' | b'5') && w.parse::<u16>().is_ok())
            })?;
        bounce.reports.push(Report {
            kind: if code.starts_with('5') {
                Kind::HardBounce
            } else {
                Kind::SoftBounce
            },
            recipient: None,
            detail: text
                .lines()
                .find(|l| l.contains(code))
                .unwrap_or(code)
                .trim()
                .chars()
                .take(500)
                .collect(),
        });
        bounce.original_message_id = bounce
            .original_message_id
            .or_else(|| quoted_message_id(&text));
    }
    Some(bounce)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const POSTFIX_DSN: &str = include_str!("../../tests/fixtures/bounces/postfix-hard.eml");
    const GMAIL_DSN: &str = include_str!("../../tests/fixtures/bounces/gmail-soft.eml");
    const ARF: &str = include_str!("../../tests/fixtures/bounces/arf-yahoo.eml");
    const QMAIL: &str = include_str!("../../tests/fixtures/bounces/qmail-failure-notice.eml");

    #[test]
    fn a_postfix_dsn_is_a_hard_bounce_naming_the_original() {
        let b = read(POSTFIX_DSN.as_bytes()).unwrap();
        assert_eq!(b.reports.len(), 1);
        assert_eq!(b.reports[0].kind, Kind::HardBounce);
        assert_eq!(
            b.reports[0].recipient.as_deref(),
            Some("nobody@example.net")
        );
        assert!(
            b.reports[0].detail.starts_with("5.1.1"),
            "{}",
            b.reports[0].detail
        );
        assert_eq!(
            b.original_message_id.as_deref(),
            Some("0f5c3e7a9b2d4c1e8f6a5b4c3d2e1f00@herald.test")
        );
        assert!(
            b.addressed_to.iter().any(|a| a.starts_with("bounces+")),
            "{:?}",
            b.addressed_to
        );
    }

    #[test]
    fn a_delay_is_soft_and_a_complaint_is_a_complaint() {
        let b = read(GMAIL_DSN.as_bytes()).unwrap();
        assert_eq!(b.reports[0].kind, Kind::SoftBounce);
        let c = read(ARF.as_bytes()).unwrap();
        assert_eq!(
            c.reports,
            vec![Report {
                kind: Kind::Complaint,
                recipient: Some("reader@example.com".into()),
                detail: "abuse".into()
            }]
        );
        assert_eq!(
            c.original_message_id.as_deref(),
            Some("7a1b2c3d4e5f60718293a4b5c6d7e8f9@herald.test")
        );
    }

    #[test]
    fn a_qmail_failure_notice_is_read_from_its_text() {
        let b = read(QMAIL.as_bytes()).unwrap();
        assert_eq!(b.reports[0].kind, Kind::HardBounce);
        assert_eq!(
            b.original_message_id.as_deref(),
            Some("11112222333344445555666677778888@herald.test")
        );
    }

    #[test]
    fn ordinary_mail_is_not_a_bounce() {
        assert_eq!(
            read(b"From: ann@example.com\r\nTo: x@herald.test\r\nSubject: hello\r\n\r\nHi!\r\n"),
            None
        );
        assert_eq!(read(b""), None);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_read_without_panicking(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let _ = read(&raw);
        }
    }
}
