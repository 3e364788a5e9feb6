//! The password policy, as a type: a `Password` value has passed it.
//!
//! Rules, in order: length (10..=256 characters), at least two character classes, and
//! not guessable: the `zxcvbn` strength estimator, told the account's own email and name
//! (a password made of them is easy to guess for anyone who knows the account), must
//! score it at least 3 of 4 ("safely unguessable: moderate protection from offline
//! slow-hash attacks").

use secrecy::{ExposeSecret, SecretString};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;
/// The lowest acceptable zxcvbn score (0..=4).
pub const MIN_SCORE: u8 = 3;
/// zxcvbn's matching grows fast with the length; its authors estimate only a prefix too.
/// A password whose first 100 characters are strong is strong.
const ESTIMATED_PREFIX: usize = 100;

#[derive(Debug, Clone)]
pub struct Password(SecretString);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("must be at least {MIN_LEN} characters")]
    TooShort,
    #[error("must be at most {MAX_LEN} characters")]
    TooLong,
    #[error("must mix at least two of: letters, digits, other characters")]
    OneClass,
    /// The estimator's reason, e.g. "This is a very common password."
    #[error("is too easy to guess: {0}")]
    Guessable(String),
}

impl WeakPassword {
    /// The machine-readable code of the rule (`error_codes` in a 422).
    pub fn code(&self) -> &'static str {
        match self {
            WeakPassword::TooShort | WeakPassword::TooLong => "length",
            WeakPassword::OneClass | WeakPassword::Guessable(_) => "weak_password",
        }
    }
}

impl Password {
    /// Checks `raw` against the policy. `user_inputs` are the account's own words (its
    /// email and full name): a password built from them counts as guessable.
    pub fn parse(raw: &str, user_inputs: &[&str]) -> Result<Self, WeakPassword> {
        let len = raw.chars().count();
        if len < MIN_LEN {
            return Err(WeakPassword::TooShort);
        }
        if len > MAX_LEN {
            return Err(WeakPassword::TooLong);
        }
        let letters = raw.chars().any(char::is_alphabetic);
        let digits = raw.chars().any(|c| c.is_ascii_digit());
        let others = raw
            .chars()
            .any(|c| !c.is_alphabetic() && !c.is_ascii_digit());
        if [letters, digits, others].iter().filter(|b| **b).count() < 2 {
            return Err(WeakPassword::OneClass);
        }
        if let Some(reason) = guessable(raw, user_inputs) {
            return Err(WeakPassword::Guessable(reason));
        }
        Ok(Password(SecretString::from(raw.to_owned())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// `Some(reason)` when zxcvbn scores the password below [`MIN_SCORE`].
fn guessable(raw: &str, user_inputs: &[&str]) -> Option<String> {
    let prefix: String = raw.chars().take(ESTIMATED_PREFIX).collect();
    // The email's local part and the name's words are what a guesser tries first.
    let mut words: Vec<&str> = Vec::new();
    for input in user_inputs {
        words.push(input);
        words.extend(
            input
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3),
        );
    }
    let estimate = zxcvbn::zxcvbn(&prefix, &words);
    if u8::from(estimate.score()) >= MIN_SCORE {
        return None;
    }
    let feedback = estimate.feedback();
    let warning = feedback.and_then(|f| f.warning()).map(|w| w.to_string());
    let suggestion = feedback
        .and_then(|f| f.suggestions().first())
        .map(|s| s.to_string());
    Some(match (warning, suggestion) {
        (Some(w), Some(s)) => format!("{w} {s}"),
        (Some(w), None) => w,
        (None, Some(s)) => s,
        (None, None) => "add more words or characters that are hard to guess.".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(raw: &str) -> Result<Password, WeakPassword> {
        Password::parse(raw, &[])
    }

    #[test]
    fn policy_examples() {
        assert_eq!(parse("short1").unwrap_err(), WeakPassword::TooShort);
        assert_eq!(
            parse("onlyletterslong").unwrap_err(),
            WeakPassword::OneClass
        );
        assert_eq!(parse("12345678901").unwrap_err(), WeakPassword::OneClass);
        assert!(parse("letters and spaces").is_ok());
        assert!(parse("correct-horse-battery-9").is_ok());
        assert!(parse("a-brand-new-passphrase-7").is_ok());
    }

    #[test]
    fn common_passwords_are_guessable_and_say_why() {
        for weak in [
            "password123",
            "Password1!",
            "qwerty123456",
            "1234567890a",
            "iloveyou12",
        ] {
            match parse(weak) {
                Err(WeakPassword::Guessable(reason)) => {
                    assert!(!reason.is_empty(), "{weak}");
                }
                other => panic!("{weak}: {other:?}"),
            }
        }
        assert_eq!(WeakPassword::Guessable("x".into()).code(), "weak_password");
        assert_eq!(WeakPassword::TooShort.code(), "length");
    }

    #[test]
    fn the_accounts_own_email_and_name_make_a_password_guessable() {
        let pw = "margaretthatcher1925";
        let inputs = ["margaret.thatcher1925@example.com", "Margaret Thatcher"];
        assert!(parse(pw).is_ok() || matches!(parse(pw), Err(WeakPassword::Guessable(_))));
        assert!(matches!(
            Password::parse(pw, &inputs),
            Err(WeakPassword::Guessable(_))
        ));
    }

    #[test]
    fn passwords_at_the_length_limit_are_judged() {
        // Repetitive inputs at the limit: judged on their prefix, without a blow-up.
        assert!(matches!(
            parse(&"1a".repeat(128)),
            Err(WeakPassword::Guessable(_))
        ));
        let strong = format!("{}{}", "correct-horse-battery-9 ", "x".repeat(200));
        assert!(parse(&strong).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics(s in "\\PC{0,400}") {
            let _ = parse(&s);
        }

        #[test]
        fn accepted_passwords_meet_the_length_rule(s in "\\PC{0,40}") {
            if parse(&s).is_ok() {
                prop_assert!(s.chars().count() >= MIN_LEN);
            }
        }
    }
}
