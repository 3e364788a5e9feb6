//! VERP return paths: every email's envelope sender is `bounces+TOKEN@BOUNCE_DOMAIN`, so
//! a bounce names the exact delivery it answers (SPEC.md "Deliverability").
//!
//! TOKEN is the delivery id and an HMAC-SHA256 tag over it (64 bits, keyed from the
//! server's secret): nothing needs storing, a bounce is matched without a lookup table,
//! and nobody without the key can make a token that points at a delivery (a forged
//! bounce cannot suppress someone else's recipient). 32 + 16 hex characters keep the
//! local part within SMTP's 64.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

const PREFIX: &str = "bounces+";
const TAG_HEX: usize = 16;

#[derive(Clone)]
pub struct Verp {
    domain: String,
    key: [u8; 32],
}

impl std::fmt::Debug for Verp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verp")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Verp {
    /// `secret` is the server's own (JWT_SECRET); the key is derived for this use only.
    pub fn new(domain: &str, secret: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(b"herald verp return path v1\0");
        h.update(secret);
        Verp {
            domain: domain.trim().trim_start_matches('@').to_ascii_lowercase(),
            key: h.finalize().into(),
        }
    }

    fn tag(&self, delivery: Uuid) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(delivery.as_bytes());
        hex(&mac.finalize().into_bytes()[..TAG_HEX / 2])
    }

    /// The envelope sender of delivery `delivery`'s email.
    pub fn address(&self, delivery: Uuid) -> String {
        format!(
            "{PREFIX}{}{}@{}",
            delivery.simple(),
            self.tag(delivery),
            self.domain
        )
    }

    /// The delivery a bounce address names, if it is one of ours and its tag is right.
    pub fn delivery_of(&self, address: &str) -> Option<Uuid> {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, domain) = address.rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(&self.domain) {
            return None;
        }
        let token = local
            .get(..PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PREFIX))
            .and_then(|_| local.get(PREFIX.len()..))?
            .to_ascii_lowercase();
        if token.len() != 32 + TAG_HEX {
            return None;
        }
        let (id, tag) = token.split_at(32);
        let delivery = Uuid::try_parse(id).ok()?;
        bool::from(self.tag(delivery).as_bytes().ct_eq(tag.as_bytes())).then_some(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_names_its_delivery_and_nothing_else_does() {
        let verp = Verp::new("Bounces.Example.org", b"a secret of the server");
        let id = Uuid::new_v4();
        let address = verp.address(id);
        let local = address.split('@').next().unwrap();
        assert!(local.len() <= 64, "{address}");
        assert!(address.ends_with("@bounces.example.org"));
        assert_eq!(verp.delivery_of(&address), Some(id));
        assert_eq!(
            verp.delivery_of(&format!("<{}>", address.to_uppercase())),
            Some(id)
        );
        // Another id with this tag, a changed tag, another domain, another key: no.
        let other = Uuid::new_v4();
        let forged = address.replace(&id.simple().to_string(), &other.simple().to_string());
        assert_eq!(verp.delivery_of(&forged), None);
        let mut bad_tag = address.clone();
        bad_tag.replace_range(40..41, if &address[40..41] == "0" { "1" } else { "0" });
        assert_eq!(verp.delivery_of(&bad_tag), None);
        assert_eq!(
            verp.delivery_of(&address.replace("bounces.example.org", "example.org")),
            None
        );
        assert_eq!(
            Verp::new("bounces.example.org", b"another secret").delivery_of(&address),
            None
        );
        for junk in [
            "",
            "@",
            "bounces+@bounces.example.org",
            "news@bounces.example.org",
            "bounces+zz@bounces.example.org",
        ] {
            assert_eq!(verp.delivery_of(junk), None, "{junk}");
        }
    }
}
