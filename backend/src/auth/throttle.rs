//! Fixed-window counters for rate limits on account workflows (failed sign-ins, account
//! emails). Only counting lives here; what is counted and what a limit means is the
//! accounts service's policy (`accounts::login`, `accounts` emails).
//!
//! A window opens with the first hit on a key and lasts its `window`; hits in it are
//! counted; when it ends the key is gone.
//!
//! [`Counters::reserve`] is check-and-count in one atomic step: either every key is under
//! its limit and each is incremented, or nothing is incremented and the answer is the
//! seconds until the window that refused closes. Counting *before* the guarded work (an
//! argon2 hash, an email) means a burst of parallel requests cannot overshoot a limit:
//! with a limit of 20, 40 parallel requests get 20 reservations and 20 refusals. Work
//! that turns out not to deserve counting (a right password) gives its reservation back
//! with [`Counters::give_back`].
//!
//! Counters live in Redis (one Lua script per step, so every instance of Herald shares
//! them and the step is atomic across instances) and fall back to process memory when
//! Redis is unset or failing. Keys never hold an email in clear: see [`hashed`].

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use actix_web::HttpRequest;
use deadpool_redis::redis;
use sha2::{Digest, Sha256};

use crate::{cache::Cache, config::LoginThrottleSettings};

/// Memory fallback beyond this many keys drops expired windows first.
const MEMORY_PRUNE_AT: usize = 10_000;

/// KEYS: counters; ARGV: their limits, then their windows in seconds. Returns 0 when
/// every counter was under its limit (and all were incremented), else the seconds left
/// in the window of the first counter at its limit (nothing incremented).
const RESERVE: &str = r"
local n = #KEYS
for i = 1, n do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  if c >= tonumber(ARGV[i]) then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 1 then ttl = 1 end
    return ttl
  end
end
for i = 1, n do
  redis.call('SET', KEYS[i], 0, 'EX', ARGV[n + i], 'NX')
  redis.call('INCR', KEYS[i])
end
return 0
";

/// KEYS: counters to decrement by one; a counter reaching 0 is deleted.
const GIVE_BACK: &str = r"
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
  end
end
return 0
";

/// One counter and its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    /// Hits allowed in one window.
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub fn new(key: String, max: u32, window: Duration) -> Self {
        Limit { key, max, window }
    }

    fn window_secs(&self) -> u64 {
        self.window.as_secs().max(1)
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    count: u32,
    ends: Instant,
}

/// The counters of one Herald instance: Redis through [`Cache`], or memory.
#[derive(Clone, Default)]
pub struct Counters {
    memory: Arc<Mutex<HashMap<String, Window>>>,
}

/// Failed sign-ins and account emails are counted with the same machinery.
pub type LoginThrottle = Counters;

impl Counters {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one hit on every limit if all are under their maximum; else counts nothing
    /// and answers `Err(seconds until the refusing window closes)` (at least 1).
    pub async fn reserve(&self, cache: &Cache, limits: &[Limit]) -> Result<(), u64> {
        if limits.is_empty() {
            return Ok(());
        }
        let from_redis = cache
            .run("throttle reserve", async |conn| {
                let mut cmd = redis::cmd("EVAL");
                cmd.arg(RESERVE).arg(limits.len());
                for l in limits {
                    cmd.arg(&l.key);
                }
                for l in limits {
                    cmd.arg(l.max);
                }
                for l in limits {
                    cmd.arg(l.window_secs());
                }
                cmd.query_async::<i64>(conn).await
            })
            .await;
        match from_redis {
            Some(0) => Ok(()),
            Some(wait) => Err(u64::try_from(wait).unwrap_or(1).max(1)),
            None => self.memory_reserve(limits),
        }
    }

    /// Undoes one hit of an earlier [`reserve`](Self::reserve) on each key.
    pub async fn give_back(&self, cache: &Cache, keys: &[&str]) {
        if keys.is_empty() {
            return;
        }
        let done = cache
            .run("throttle give back", async |conn| {
                let mut cmd = redis::cmd("EVAL");
                cmd.arg(GIVE_BACK).arg(keys.len());
                for k in keys {
                    cmd.arg(*k);
                }
                cmd.query_async::<i64>(conn).await
            })
            .await;
        if done.is_none() {
            self.memory_give_back(keys);
        }
    }

    /// Counts one hit without a limit (a marker that something happened in a window).
    pub async fn hit(&self, cache: &Cache, key: &str, window: Duration) {
        let limit = Limit::new(key.to_owned(), u32::MAX, window);
        // Under u32::MAX hits a reservation always succeeds.
        let _ = self.reserve(cache, std::slice::from_ref(&limit)).await;
    }

    /// The hits in the current window of `key` (0 without one).
    pub async fn count(&self, cache: &Cache, key: &str) -> u32 {
        let from_redis = cache
            .run("throttle read", async |conn| {
                redis::cmd("GET")
                    .arg(key)
                    .query_async::<Option<i64>>(conn)
                    .await
            })
            .await;
        match from_redis {
            Some(v) => u32::try_from(v.unwrap_or(0)).unwrap_or(0),
            None => self.memory_count(key),
        }
    }

    /// Ends the window of `key` at once.
    pub async fn clear(&self, cache: &Cache, key: &str) {
        self.memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
        cache
            .run("throttle clear", async |conn| {
                redis::cmd("DEL").arg(key).query_async::<()>(conn).await
            })
            .await;
    }

    fn memory_reserve(&self, limits: &[Limit]) -> Result<(), u64> {
        let mut map = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if map.len() >= MEMORY_PRUNE_AT {
            map.retain(|_, w| w.ends > now);
        }
        for l in limits {
            if let Some(w) = map.get(&l.key).filter(|w| w.ends > now) {
                if w.count >= l.max {
                    return Err(w.ends.duration_since(now).as_secs().max(1));
                }
            }
        }
        for l in limits {
            let w = map.entry(l.key.clone()).or_insert(Window {
                count: 0,
                ends: now + l.window,
            });
            if w.ends <= now {
                *w = Window {
                    count: 0,
                    ends: now + l.window,
                };
            }
            w.count = w.count.saturating_add(1);
        }
        Ok(())
    }

    fn memory_give_back(&self, keys: &[&str]) {
        let mut map = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            if let Some(w) = map.get_mut(*k) {
                w.count = w.count.saturating_sub(1);
                if w.count == 0 {
                    map.remove(*k);
                }
            }
        }
    }

    fn memory_count(&self, key: &str) -> u32 {
        let map = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .filter(|w| w.ends > Instant::now())
            .map_or(0, |w| w.count)
    }
}

/// A short SHA-256 of a lowercased, trimmed identifier (an email): keys name accounts
/// without storing their address in Redis.
pub fn hashed(identifier: &str) -> String {
    let digest = Sha256::digest(identifier.trim().to_lowercase().as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The client's IP: the TCP peer, or the proxy-reported address when configured to
/// trust `X-Forwarded-For`/`Forwarded`.
pub fn client_ip(req: &HttpRequest, settings: &LoginThrottleSettings) -> Option<IpAddr> {
    if settings.trust_forwarded_for {
        let info = req.connection_info();
        if let Some(ip) = info.realip_remote_addr().and_then(parse_ip) {
            return Some(ip);
        }
    }
    req.peer_addr().map(|a| a.ip())
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(key: &str, max: u32) -> Limit {
        Limit::new(key.into(), max, Duration::from_secs(60))
    }

    #[test]
    fn hashed_ignores_case_and_hides_the_identifier() {
        let a = hashed("Ann@Example.com ");
        assert_eq!(a, hashed("ann@example.com"));
        assert!(!a.contains("ann"));
    }

    #[test]
    fn memory_reservations_stop_at_the_limit_and_count_nothing_when_refused() {
        let c = Counters::new();
        let both = [limit("a", 2), limit("b", 3)];
        assert!(c.memory_reserve(&both).is_ok());
        assert!(c.memory_reserve(&both).is_ok());
        let wait = c.memory_reserve(&both).unwrap_err();
        assert!((1..=60).contains(&wait));
        // "b" was not counted by the refused reservation.
        assert_eq!(c.memory_count("b"), 2);
        c.memory_give_back(&["a"]);
        assert_eq!(c.memory_count("a"), 1);
        assert!(c.memory_reserve(&both).is_ok());
        assert_eq!(c.memory_count("b"), 3);
    }

    #[test]
    fn memory_windows_expire() {
        let c = Counters::new();
        let gone = Limit::new("gone".into(), 1, Duration::ZERO);
        assert!(c.memory_reserve(std::slice::from_ref(&gone)).is_ok());
        assert_eq!(c.memory_count("gone"), 0);
        assert!(c.memory_reserve(std::slice::from_ref(&gone)).is_ok());
        c.memory_give_back(&["never-counted"]);
        assert_eq!(c.memory_count("never-counted"), 0);
    }

    #[test]
    fn forwarded_addresses_with_ports_parse() {
        assert_eq!(parse_ip("10.0.0.1"), "10.0.0.1".parse().ok());
        assert_eq!(parse_ip("10.0.0.1:5000"), "10.0.0.1".parse().ok());
        assert_eq!(parse_ip("[::1]:80"), "::1".parse().ok());
        assert_eq!(parse_ip("nonsense"), None);
    }
}
