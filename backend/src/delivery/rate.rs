//! MAIL_RATE_PER_SEC as a token bucket (governor); 0 means unlimited.

use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

pub struct SendRate(Option<DefaultDirectRateLimiter>);

impl SendRate {
    pub fn new(per_sec: u32) -> Self {
        SendRate(NonZeroU32::new(per_sec).map(|n| RateLimiter::direct(Quota::per_second(n))))
    }

    /// Waits for a token (returns at once when unlimited).
    pub async fn acquire(&self) {
        if let Some(limiter) = &self.0 {
            limiter.until_ready().await;
        }
    }
}
