//! The password policy, as a type: a `Password` value has passed it.

use secrecy::{ExposeSecret, SecretString};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;

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
}

impl Password {
    pub fn parse(raw: &str) -> Result<Self, WeakPassword> {
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
        Ok(Password(SecretString::from(raw.to_owned())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn policy_examples() {
        assert_eq!(
            Password::parse("short1").unwrap_err(),
            WeakPassword::TooShort
        );
        assert_eq!(
            Password::parse("onlyletterslong").unwrap_err(),
            WeakPassword::OneClass
        );
        assert_eq!(
            Password::parse("12345678901").unwrap_err(),
            WeakPassword::OneClass
        );
        assert!(Password::parse("letters and spaces").is_ok());
        assert!(Password::parse("correct-horse-9").is_ok());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,400}") {
            let _ = Password::parse(&s);
        }

        #[test]
        fn accepted_passwords_meet_the_length_rule(s in "\\PC{0,40}") {
            if Password::parse(&s).is_ok() {
                prop_assert!(s.chars().count() >= MIN_LEN);
            }
        }
    }
}
