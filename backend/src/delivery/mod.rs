//! The delivery engine: turns pending delivery rows into sent emails.
//!
//! - `dispatcher`: leases batches of due deliveries, sends them concurrently under a
//!   rate limit, and hands each outcome to a recorder that commits what has completed
//!   at least every MAIL_RECORD_FLUSH_MS (never holding a transaction across SMTP); one
//!   email's error or panic fails that delivery only.
//! - `compose`: renders the message for one recipient, with unsubscribe headers.
//! - `retry`: exponential backoff with jitter for temporary failures.
//! - `breaker`: pauses dispatch while the SMTP server is unreachable, probes, resumes.
//! - `rate`: the token bucket behind MAIL_RATE_PER_SEC.

pub mod breaker;
pub mod compose;
pub mod dispatcher;
pub mod rate;
pub mod retry;

pub use dispatcher::Dispatcher;
