//! Failed sign-in throttling, per account and per client IP.
//!
//! Fixed windows: the first failure opens a window of `LOGIN_FAILURE_WINDOW_SECS`; when
//! `LOGIN_MAX_FAILURES` failures for one account (its lowercased email), or
//! `LOGIN_MAX_FAILURES_PER_IP` for one IP, have been counted in the window, further
//! sign-ins for it answer 429 with `Retry-After` (the seconds left in the window) without
//! even checking the password. A successful sign-in clears the account's counter (not the
//! IP's: one good password must not launder a guessing IP).
//!
//! Only wrong credentials count (401). A right password for a blocked or unverified
//! account is not a guess and counts nothing.
//!
//! Counters live in Redis (`SET key 0 EX window NX` + `INCR`, so every instance of Herald
//! shares them) and fall back to process memory when Redis is unset or failing. Account
//! keys hold a SHA-256 of the email, not the email.
//!
//! The check and the count are not one atomic step: a burst of parallel guesses can
//! overshoot the limit by the number of requests in flight, never more.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use actix_web::HttpRequest;
use deadpool_redis::redis;
use herald_api_types::TokenPair;
use sha2::{Digest, Sha256};

use crate::{
    accounts::{self, AccountError},
    cache::Cache,
    config::LoginThrottleSettings,
    error::ApiError,
    metrics,
    state::AppState,
};

/// Memory fallback beyond this many keys drops expired windows first.
const MEMORY_PRUNE_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    count: u32,
    ends: Instant,
}

#[derive(Clone, Default)]
pub struct LoginThrottle {
    memory: Arc<Mutex<HashMap<String, Window>>>,
}

/// What a counter says right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Count {
    failures: u32,
    /// Seconds until the window closes.
    remaining: u64,
}

impl LoginThrottle {
    pub fn new() -> Self {
        Self::default()
    }

    fn memory_get(&self, key: &str) -> Count {
        let mut map = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match map.get(key) {
            Some(w) if w.ends > now => Count {
                failures: w.count,
                remaining: w.ends.duration_since(now).as_secs().max(1),
            },
            Some(_) => {
                map.remove(key);
                Count {
                    failures: 0,
                    remaining: 0,
                }
            }
            None => Count {
                failures: 0,
                remaining: 0,
            },
        }
    }

    fn memory_incr(&self, key: &str, window: Duration) {
        let mut map = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if map.len() >= MEMORY_PRUNE_AT {
            map.retain(|_, w| w.ends > now);
        }
        let w = map.entry(key.to_owned()).or_insert(Window {
            count: 0,
            ends: now + window,
        });
        if w.ends <= now {
            *w = Window {
                count: 0,
                ends: now + window,
            };
        }
        w.count = w.count.saturating_add(1);
    }

    fn memory_clear(&self, key: &str) {
        self.memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }

    async fn counts(&self, cache: &Cache, keys: &[String]) -> Vec<Count> {
        let from_redis = cache
            .run("login throttle read", async |conn| {
                let mut pipe = redis::pipe();
                for k in keys {
                    pipe.cmd("GET").arg(k).cmd("TTL").arg(k);
                }
                // GET answers nil or a number, TTL a number (negative without a key).
                pipe.query_async::<Vec<Option<i64>>>(conn).await
            })
            .await;
        match from_redis {
            Some(values) if values.len() == 2 * keys.len() => values
                .chunks(2)
                .map(|pair| Count {
                    failures: u32::try_from(pair[0].unwrap_or(0)).unwrap_or(u32::MAX),
                    remaining: u64::try_from(pair[1].unwrap_or(0)).unwrap_or(0).max(1),
                })
                .collect(),
            _ => keys.iter().map(|k| self.memory_get(k)).collect(),
        }
    }

    async fn record_failure(&self, cache: &Cache, keys: &[String], window: Duration) {
        let secs = window.as_secs().max(1);
        let done = cache
            .run("login throttle count", async |conn| {
                let mut pipe = redis::pipe();
                for k in keys {
                    pipe.cmd("SET")
                        .arg(k)
                        .arg(0)
                        .arg("EX")
                        .arg(secs)
                        .arg("NX")
                        .ignore()
                        .cmd("INCR")
                        .arg(k)
                        .ignore();
                }
                pipe.query_async::<()>(conn).await
            })
            .await;
        if done.is_none() {
            for k in keys {
                self.memory_incr(k, window);
            }
        }
    }

    async fn clear(&self, cache: &Cache, key: &str) {
        self.memory_clear(key);
        cache
            .run("login throttle reset", async |conn| {
                redis::cmd("DEL").arg(key).query_async::<()>(conn).await
            })
            .await;
    }
}

fn account_key(prefix: &str, email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}:login:account:{hex}")
}

fn ip_key(prefix: &str, ip: IpAddr) -> String {
    format!("{prefix}:login:ip:{ip}")
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

/// [`accounts::login`] behind the throttle.
pub async fn login(
    state: &AppState,
    email: String,
    password: String,
    ip: Option<IpAddr>,
) -> Result<TokenPair, ApiError> {
    let settings = &state.settings.login_throttle;
    let prefix = state.cache.prefix();
    let account = account_key(prefix, &email);
    let mut keys = vec![account.clone()];
    let mut limits = vec![settings.max_failures_per_account];
    if let Some(ip) = ip {
        keys.push(ip_key(prefix, ip));
        limits.push(settings.max_failures_per_ip);
    }
    let throttle = &state.throttle;
    let counts = throttle.counts(&state.cache, &keys).await;
    let retry_after = counts
        .iter()
        .zip(&limits)
        .filter(|(c, limit)| c.failures >= **limit)
        .map(|(c, _)| c.remaining)
        .max();
    if let Some(retry_after_secs) = retry_after {
        metrics::login_throttled();
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    match accounts::login(state, email, password).await {
        Ok(pair) => {
            throttle.clear(&state.cache, &account).await;
            Ok(pair)
        }
        Err(AccountError::InvalidCredentials) => {
            throttle
                .record_failure(&state.cache, &keys, settings.window)
                .await;
            Err(AccountError::InvalidCredentials.into())
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_keys_ignore_case_and_hide_the_email() {
        let a = account_key("herald", "Ann@Example.com ");
        assert_eq!(a, account_key("herald", "ann@example.com"));
        assert!(!a.contains("ann"));
    }

    #[test]
    fn memory_windows_count_and_expire() {
        let t = LoginThrottle::new();
        t.memory_incr("k", Duration::from_secs(60));
        t.memory_incr("k", Duration::from_secs(60));
        let c = t.memory_get("k");
        assert_eq!(c.failures, 2);
        assert!(c.remaining >= 59);
        t.memory_incr("gone", Duration::ZERO);
        assert_eq!(t.memory_get("gone").failures, 0);
        t.memory_clear("k");
        assert_eq!(t.memory_get("k").failures, 0);
    }

    #[test]
    fn forwarded_addresses_with_ports_parse() {
        assert_eq!(parse_ip("10.0.0.1"), "10.0.0.1".parse().ok());
        assert_eq!(parse_ip("10.0.0.1:5000"), "10.0.0.1".parse().ok());
        assert_eq!(parse_ip("[::1]:80"), "::1".parse().ok());
        assert_eq!(parse_ip("nonsense"), None);
    }
}
