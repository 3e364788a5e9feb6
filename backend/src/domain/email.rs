//! An email address that has passed validation, normalised once at the edge.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a valid email address")]
pub struct InvalidEmail;

impl EmailAddress {
    /// Trims surrounding whitespace and keeps the case the user typed (uniqueness is
    /// case-insensitive in the database); refuses anything `validator` would refuse,
    /// and addresses without a dot-free-of-edges domain.
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let s = raw.trim();
        if s.len() > 254 || !validator::ValidateEmail::validate_email(&s) {
            return Err(InvalidEmail);
        }
        // Header injection guard: lettre would refuse these too, but fail early.
        if s.chars()
            .any(|c| c.is_control() || c == ',' || c == '<' || c == '>')
        {
            return Err(InvalidEmail);
        }
        // A mailable domain has at least two labels (`a@b` is a local name, not a
        // recipient anyone can reach), none of them empty.
        let domain = s.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return Err(InvalidEmail);
        }
        Ok(EmailAddress(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_and_trims() {
        assert_eq!(
            EmailAddress::parse("  Ann@Example.com ").unwrap().as_str(),
            "Ann@Example.com"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "a b@example.com",
            "ann@exa mple.com",
            "a\r\n@x.com",
            "a@b",
            "ann@localhost",
            "ann@example.",
            "ann@.example.com",
            "ann@example..com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_accepted_values_round_trip(s in "\\PC{0,300}") {
            if let Ok(e) = EmailAddress::parse(&s) {
                prop_assert_eq!(EmailAddress::parse(e.as_str()).unwrap(), e.clone());
                prop_assert!(e.as_str().contains('@'));
            }
        }

        #[test]
        fn simple_generated_addresses_are_accepted(local in "[a-z0-9._%+-]{1,30}", domain in "[a-z0-9]{1,20}\\.[a-z]{2,6}") {
            prop_assume!(!local.starts_with('.') && !local.ends_with('.') && !local.contains(".."));
            let raw = format!("{local}@{domain}");
            prop_assert!(EmailAddress::parse(&raw).is_ok(), "{} refused", raw);
        }
    }
}
