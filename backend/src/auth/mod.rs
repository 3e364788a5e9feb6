//! Authentication: password hashing, JWT access tokens, single-use opaque tokens and
//! the `AuthUser` extractor through which every handler learns who is calling.

pub mod extract;
pub mod jwt;
pub mod password;
pub mod throttle;
pub mod tokens;

pub use extract::AuthUser;
