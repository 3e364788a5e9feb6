//! Opaque single-use tokens (email verification, password reset, refresh).
//!
//! A token is 32 random bytes, base64url-encoded, handed to the user once. The
//! database stores only its SHA-256, and lookups go by that digest: a database leak
//! reveals no usable token, and because the lookup key is a hash of a 256-bit secret,
//! timing differences in the index lookup reveal nothing about valid tokens.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_unique_and_url_safe() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn hash_is_stable_and_ignores_surrounding_whitespace() {
        assert_eq!(hash_token("abc"), hash_token(" abc\n"));
        assert_ne!(hash_token("abc"), hash_token("abd"));
        assert_eq!(hash_token("abc").len(), 32);
    }
}
