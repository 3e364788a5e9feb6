//! argon2id hashing, always on the blocking pool (it is deliberately slow).

use std::sync::OnceLock;

use argon2::{
    password_hash::{PasswordHasher, PasswordVerifier},
    Argon2,
};

use crate::domain::Password;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(String),
}

/// argon2id v19 with the crate's default (OWASP-recommended) cost.
fn hasher() -> Argon2<'static> {
    Argon2::default()
}

pub async fn hash(password: Password) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_blocking(password.expose()))
        .await
        .map_err(|e| PasswordError::Join(e.to_string()))?
}

pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Checks `candidate` against a stored PHC string. With `None` (no such account) it
/// checks against a fixed dummy hash, so that unknown emails cost the same time as
/// known ones and a timing probe learns nothing about which accounts exist.
pub async fn verify(stored: Option<String>, candidate: String) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = hasher()
            .verify_password(candidate.as_bytes(), stored.as_str())
            .is_ok();
        ok && known
    })
    .await
    .map_err(|e| PasswordError::Join(e.to_string()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("dummy password for unknown accounts 0")
            .expect("argon2 hashes a constant password")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash(Password::parse("correct-horse-9").unwrap())
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(Some(h.clone()), "correct-horse-9".into())
            .await
            .unwrap());
        assert!(!verify(Some(h), "wrong-horse-9".into()).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_account_never_verifies() {
        assert!(
            !verify(None, "dummy password for unknown accounts 0".into())
                .await
                .unwrap()
        );
    }
}
