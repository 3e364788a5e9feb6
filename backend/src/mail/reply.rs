//! What an SMTP server's answer means for the retry policy and the circuit breaker.
//! lettre parses replies; this decides what a refusal's code means for Herald.

use lettre::transport::smtp::response::{Code, Severity};

use super::MailError;

/// A refusal by its reply code: 4xx is temporary (the server is alive and asks us to
/// come back), 5xx permanent. A positive code here (lettre reports none as errors) is
/// an answer out of sequence: a connection-level failure, like a garbled reply.
pub fn classify_code(code: Code, text: String) -> MailError {
    match code.severity {
        Severity::TransientNegativeCompletion => MailError::Temporary(text),
        Severity::PermanentNegativeCompletion => MailError::Permanent(text),
        Severity::PositiveCompletion | Severity::PositiveIntermediate => {
            MailError::Connection(text)
        }
    }
}

/// A lettre SMTP error: refusals by their code, everything else (network, timeout, a
/// reply that does not parse) connection-level.
pub fn classify(e: &lettre::transport::smtp::Error, text: String) -> MailError {
    match e.status() {
        Some(code) => classify_code(code, text),
        None => MailError::Connection(text),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lettre::transport::smtp::response::Response;
    use proptest::prelude::*;

    use super::*;

    /// What the send path makes of a raw reply: lettre's parser, then our rules.
    fn classify_reply(raw: &str) -> Result<String, MailError> {
        match Response::from_str(raw) {
            Ok(r) if r.is_positive() => Ok(r.message().collect::<Vec<_>>().join(" ")),
            Ok(r) => {
                let text = format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" "));
                Err(classify_code(r.code(), text))
            }
            Err(e) => Err(MailError::Connection(e.to_string())),
        }
    }

    #[test]
    fn known_replies() {
        assert!(classify_reply("250 2.0.0 Ok: queued\r\n").is_ok());
        assert_eq!(
            classify_reply("451 4.7.1 Greylisted\r\n"),
            Err(MailError::Temporary("451 4.7.1 Greylisted".into()))
        );
        assert!(matches!(
            classify_reply("550 5.1.1 No such user\r\n"),
            Err(MailError::Permanent(_))
        ));
        assert!(matches!(
            classify_reply("hello there\r\n"),
            Err(MailError::Connection(_))
        ));
    }

    proptest! {
        #[test]
        fn arbitrary_replies_never_panic(raw in any::<String>()) {
            let _ = classify_reply(&raw);
        }

        #[test]
        fn arbitrary_bytes_read_as_text_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = classify_reply(&String::from_utf8_lossy(&raw));
        }

        #[test]
        fn refusals_follow_the_first_digit(
            code in 400u16..600,
            lines in proptest::collection::vec("[ -~]{0,60}", 1..4),
        ) {
            // A (possibly multi-line) reply: "NNN-text" lines, then "NNN text".
            let mut raw = String::new();
            for (i, line) in lines.iter().enumerate() {
                let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                raw.push_str(&format!("{code}{sep}{line}\r\n"));
            }
            match classify_reply(&raw) {
                Err(MailError::Temporary(_)) => prop_assert!(code < 500),
                Err(MailError::Permanent(_)) => prop_assert!(code >= 500),
                // lettre only knows the second digit's categories 0-5.
                Err(MailError::Connection(_)) => prop_assert!(code / 10 % 10 > 5),
                Ok(_) => prop_assert!(false, "a {} reply was taken as success", code),
            }
        }

        #[test]
        fn replies_without_a_code_are_connection_failures(raw in "[^0-9]\\PC{0,80}\r\n") {
            prop_assert!(matches!(classify_reply(&raw), Err(MailError::Connection(_))));
        }
    }
}
