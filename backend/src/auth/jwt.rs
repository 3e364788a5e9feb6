//! Short-lived HS256 access tokens. They name the user only: permissions and the
//! blocked flag are read fresh on every request, so a block bites at once.

use chrono::Utc;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub iat: i64,
    pub exp: i64,
    /// Audience-like marker so other HS256 tokens signed with the same key don't pass.
    pub typ: String,
}

const ACCESS: &str = "access";

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl: std::time::Duration) -> Self {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl_secs: ttl.as_secs() as i64,
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    pub fn issue(&self, user_id: Uuid) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            iat: now,
            exp: now + self.ttl_secs,
            typ: ACCESS.into(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user id of a valid, unexpired access token.
    pub fn verify(&self, token: &str) -> Option<Uuid> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        let data = decode::<Claims>(token, &self.decoding, &validation).ok()?;
        (data.claims.typ == ACCESS).then_some(data.claims.sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn issued_tokens_verify_with_the_same_key_only() {
        let keys = JwtKeys::new(&[7u8; 32], Duration::from_secs(60));
        let id = Uuid::new_v4();
        let token = keys.issue(id).unwrap();
        assert_eq!(keys.verify(&token), Some(id));
        let other = JwtKeys::new(&[8u8; 32], Duration::from_secs(60));
        assert_eq!(other.verify(&token), None);
        assert_eq!(keys.verify("garbage"), None);
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = JwtKeys::new(&[7u8; 32], Duration::from_secs(0));
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: Uuid::new_v4(),
            iat: now - 100,
            exp: now - 60,
            typ: ACCESS.into(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert_eq!(keys.verify(&token), None);
    }
}
