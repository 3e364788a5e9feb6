//! MAIL_RATE_PER_SEC: a token bucket shared by every instance through Redis, so N
//! `herald serve` processes together stay under the SMTP provider's limit; 0 means
//! unlimited.
//!
//! The shared bucket is GCRA (the generic cell rate algorithm: one "theoretical arrival
//! time" per key) in a Lua script, so taking a token is one atomic round trip and uses
//! Redis's clock, not the instances'. The burst is one second's worth, as the local
//! bucket's. Without Redis (unset, down, or too slow; see [`Cache::run`]) each instance
//! falls back to its own in-process bucket (governor) at the full rate: during a Redis
//! outage N instances may send up to N times the rate, which beats stopping altogether.

use std::{num::NonZeroU32, sync::LazyLock, time::Duration};

use deadpool_redis::redis;
use governor::{clock::Clock, DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::cache::Cache;

/// Takes one token if one is free; otherwise answers how many microseconds until one is.
/// KEYS[1]: the bucket; ARGV[1]: microseconds per token; ARGV[2]: burst tolerance in µs.
const TAKE_TOKEN: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - tolerance > now then return tat - tolerance - now end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return 0
";

static TAKE_TOKEN_SCRIPT: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(TAKE_TOKEN));

pub struct SendRate {
    local: Option<DefaultDirectRateLimiter>,
    shared: Option<SharedBucket>,
}

struct SharedBucket {
    cache: Cache,
    key: String,
    interval_us: u64,
    tolerance_us: u64,
}

/// The answer of one try at taking a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Taken,
    /// None is free yet; try again after this long.
    Wait(Duration),
}

impl SendRate {
    /// `cache` supplies the Redis pool and key prefix (a cache without Redis gives a
    /// purely local bucket).
    pub fn new(per_sec: u32, cache: &Cache) -> Self {
        let Some(rate) = NonZeroU32::new(per_sec) else {
            return SendRate {
                local: None,
                shared: None,
            };
        };
        let interval_us = 1_000_000 / u64::from(rate.get());
        SendRate {
            local: Some(RateLimiter::direct(Quota::per_second(rate))),
            shared: cache.enabled().then(|| SharedBucket {
                cache: cache.clone(),
                key: format!("{}:rate:smtp", cache.prefix()),
                interval_us: interval_us.max(1),
                tolerance_us: interval_us * u64::from(rate.get() - 1),
            }),
        }
    }

    /// Waits for a token (returns at once when unlimited).
    pub async fn acquire(&self) {
        loop {
            match self.try_acquire().await {
                Token::Taken => return,
                Token::Wait(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// One try at taking a token: from the shared bucket while Redis answers, else from
    /// this process's own.
    pub async fn try_acquire(&self) -> Token {
        let Some(local) = &self.local else {
            return Token::Taken;
        };
        if let Some(shared) = &self.shared {
            if let Some(token) = shared.try_take().await {
                return token;
            }
        }
        match local.check() {
            Ok(()) => Token::Taken,
            Err(not_until) => Token::Wait(not_until.wait_time_from(local.clock().now())),
        }
    }
}

impl SharedBucket {
    /// `None` when Redis cannot be asked right now.
    async fn try_take(&self) -> Option<Token> {
        let wait_us = self
            .cache
            .run("rate limit", async |conn| {
                // EVALSHA, loading the script on the first NOSCRIPT.
                TAKE_TOKEN_SCRIPT
                    .key(&self.key)
                    .arg(self.interval_us)
                    .arg(self.tolerance_us)
                    .invoke_async::<u64>(conn)
                    .await
            })
            .await?;
        Some(match wait_us {
            0 => Token::Taken,
            us => Token::Wait(Duration::from_micros(us)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn zero_means_unlimited() {
        let rate = SendRate::new(0, &Cache::disabled());
        for _ in 0..10_000 {
            assert_eq!(rate.try_acquire().await, Token::Taken);
        }
    }

    #[tokio::test]
    async fn without_redis_the_local_bucket_allows_one_seconds_burst() {
        let rate = SendRate::new(5, &Cache::disabled());
        for _ in 0..5 {
            assert_eq!(rate.try_acquire().await, Token::Taken);
        }
        match rate.try_acquire().await {
            Token::Wait(d) => assert!(d > Duration::ZERO && d <= Duration::from_millis(200)),
            Token::Taken => panic!("the sixth token of a 5/s bucket was free"),
        }
    }
}
