//! Server-side cache in Redis (deadpool-redis): get-or-compute of JSON answers, with
//! invalidation on writes and a short TTL as a safety net. Redis is optional: when it
//! is unset, down or slow, every call falls through to the database and the request
//! still succeeds, uncached.
//!
//! # Keys and invalidation
//! Entries live in namespaces. Each namespace has a generation counter
//! (`{prefix}:gen:{namespace}`) and its entries are stored under the current generation
//! (`{prefix}:{namespace}:{generation}:{item}`, `SET ... EX ttl`). Invalidating a
//! namespace is one `INCR` of its counter: every entry of the old generation becomes
//! unreachable at once and expires on its own. A reader fetches the generation and the
//! entry in one round trip (a small Lua script) *before* reading the database, so a
//! reader that computed from data older than a concurrent write stores its answer under
//! the old generation, where nobody looks: no stale answer survives an invalidation.
//!
//! Namespaces: `posts` (the public list pages and each published post), `home` (the
//! home page), `stats:{owner}` (one user's figures, daily series and mailing figures) and
//! `stats:all` (everyone's).
//!
//! # For code that changes what these answers show
//! - After mailings, runs or attempts change for an owner (a run finished, a mailing was
//!   created, deleted or changed status): [`invalidate_stats`]`(&state, owner_id)`. It
//!   also refreshes the everyone-figures and the home page. Calling it per attempt is
//!   unnecessary: the delivery engine calls it when a run closes and every few seconds
//!   during a long one, and entries live at most `CACHE_TTL_SECS` (60 s by default).
//! - After a post changes: [`invalidate_posts`] (also refreshes the home page).
//! - [`invalidate_home`] alone when only the home figures are affected.
//!
//! Invalidation failures (Redis down) are logged and ignored: the TTL bounds how long a
//! stale entry can be served once Redis is back.
//!
//! # Failure handling
//! Every Redis operation has a short timeout. After a failure Redis is skipped for a
//! few seconds, so a dead or blackholed server costs one timeout per few seconds rather
//! than one per request.

use std::{
    future::Future,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use deadpool_redis::{redis, Pool};
use serde::Serialize;
use uuid::Uuid;

use crate::{config::CacheSettings, error::ApiError, metrics, state::AppState};

/// How long one Redis operation may take before we give up on it.
const OP_TIMEOUT: Duration = Duration::from_millis(300);
/// Lifetime of a generation counter after its last invalidation (at least).
const GENERATION_TTL_SECS: u64 = 24 * 3600;
/// How long Redis is left alone after a failure.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// Reads a namespace's generation and the entry of that generation in one round trip.
const GET_ENTRY: &str = r"
local g = redis.call('GET', KEYS[1]) or '0'
local v = redis.call('GET', ARGV[1] .. ':' .. g .. ':' .. ARGV[2])
return {g, v}
";

/// A set of cached answers invalidated together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// The public blog: list pages and published posts.
    Posts,
    /// The public home page.
    Home,
    /// One user's statistics.
    OwnerStats(Uuid),
    /// Everyone's statistics.
    AllStats,
}

impl Namespace {
    fn name(self) -> String {
        match self {
            Namespace::Posts => "posts".into(),
            Namespace::Home => "home".into(),
            Namespace::OwnerStats(id) => format!("stats:{}", id.simple()),
            Namespace::AllStats => "stats:all".into(),
        }
    }
}

/// The Redis pool (if any) plus the bookkeeping that lets requests skip a dead Redis.
#[derive(Clone)]
pub struct Cache {
    pool: Option<Pool>,
    prefix: Arc<str>,
    ttl: Duration,
    /// Redis is skipped while `now < started + skip_until_ms`.
    started: Instant,
    skip_until_ms: Arc<AtomicU64>,
}

impl Cache {
    pub fn new(pool: Option<Pool>, settings: &CacheSettings) -> Self {
        Cache {
            pool,
            prefix: settings.key_prefix.as_str().into(),
            ttl: settings.ttl.max(Duration::from_secs(1)),
            started: Instant::now(),
            skip_until_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A cache that never stores anything.
    pub fn disabled() -> Self {
        Cache::new(
            None,
            &CacheSettings {
                ttl: Duration::from_secs(60),
                key_prefix: "herald".into(),
            },
        )
    }

    /// Whether a Redis server is configured (it may still be down).
    pub fn enabled(&self) -> bool {
        self.pool.is_some()
    }

    /// The key prefix (other Redis users, e.g. the login throttle, share it).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs one Redis interaction with a timeout. `None` when Redis is unset, being
    /// skipped after a recent failure, failing or too slow; callers then do without.
    pub async fn run<T>(
        &self,
        what: &'static str,
        op: impl AsyncFnOnce(&mut deadpool_redis::Connection) -> redis::RedisResult<T>,
    ) -> Option<T> {
        let pool = self.pool.as_ref()?;
        if self.elapsed_ms() < self.skip_until_ms.load(Ordering::Relaxed) {
            return None;
        }
        let attempt = async {
            let mut conn = pool.get().await.map_err(|e| e.to_string())?;
            op(&mut conn).await.map_err(|e| e.to_string())
        };
        let error = match tokio::time::timeout(OP_TIMEOUT, attempt).await {
            Ok(Ok(value)) => return Some(value),
            Ok(Err(e)) => e,
            Err(_) => "timed out".to_owned(),
        };
        let until = self.elapsed_ms() + RETRY_AFTER_FAILURE.as_millis() as u64;
        let previous = self.skip_until_ms.swap(until, Ordering::Relaxed);
        if previous <= self.elapsed_ms() {
            tracing::warn!(%error, what, "Redis unavailable: serving uncached for a few seconds");
        }
        metrics::cache_error();
        None
    }

    /// The cached JSON of `item` in `ns`, or `compute()`d, serialised and stored.
    /// Errors of `compute` pass through and nothing is stored.
    pub async fn json<T, F, Fut>(
        &self,
        ns: Namespace,
        item: &str,
        compute: F,
    ) -> Result<String, ApiError>
    where
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let gen_key = format!("{}:gen:{}", self.prefix, ns.name());
        let base = format!("{}:{}", self.prefix, ns.name());
        let found = self
            .run("cache read", async |conn| {
                redis::cmd("EVAL")
                    .arg(GET_ENTRY)
                    .arg(1)
                    .arg(&gen_key)
                    .arg(&base)
                    .arg(item)
                    .query_async::<(String, Option<String>)>(conn)
                    .await
            })
            .await;
        let generation = match found {
            Some((_, Some(hit))) => {
                metrics::cache_hit();
                return Ok(hit);
            }
            Some((generation, None)) => Some(generation),
            None => None,
        };
        metrics::cache_miss();
        let value = compute().await?;
        let body = serde_json::to_string(&value).map_err(ApiError::internal)?;
        if let Some(generation) = generation {
            let key = format!("{base}:{generation}:{item}");
            let ttl = self.ttl.as_secs();
            let body = body.clone();
            self.run("cache write", async move |conn| {
                redis::cmd("SET")
                    .arg(&key)
                    .arg(body)
                    .arg("EX")
                    .arg(ttl)
                    .query_async::<()>(conn)
                    .await
            })
            .await;
        }
        Ok(body)
    }

    /// Makes every entry of these namespaces unreachable (one round trip).
    pub async fn invalidate(&self, namespaces: &[Namespace]) {
        if self.pool.is_none() || namespaces.is_empty() {
            return;
        }
        // Counters of namespaces nobody writes to any more disappear after a while. When
        // one expires, readers see generation 0 again; every entry older than the
        // counter's lifetime expired long before (it outlives entries many times over).
        let counter_ttl = (self.ttl.as_secs() * 10).max(GENERATION_TTL_SECS);
        let mut pipe = redis::pipe();
        for ns in namespaces {
            let key = format!("{}:gen:{}", self.prefix, ns.name());
            pipe.cmd("INCR")
                .arg(&key)
                .ignore()
                .cmd("EXPIRE")
                .arg(&key)
                .arg(counter_ttl)
                .ignore();
        }
        self.run("cache invalidation", async move |conn| {
            pipe.query_async::<()>(conn).await
        })
        .await;
    }
}

/// One owner's figures changed (mailings, runs, attempts): their statistics, everyone's
/// statistics and the home page are recomputed on next read.
pub async fn invalidate_stats(state: &AppState, owner_id: Uuid) {
    state
        .cache
        .invalidate(&[
            Namespace::OwnerStats(owner_id),
            Namespace::AllStats,
            Namespace::Home,
        ])
        .await;
}

/// The home page is recomputed on next read.
pub async fn invalidate_home(state: &AppState) {
    state.cache.invalidate(&[Namespace::Home]).await;
}

/// A post changed: the public blog and the home page (which shows posts).
pub async fn invalidate_posts(state: &AppState) {
    state
        .cache
        .invalidate(&[Namespace::Posts, Namespace::Home])
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_redis_every_read_computes() {
        let cache = Cache::disabled();
        let mut calls = 0;
        for _ in 0..2 {
            let body = cache
                .json(Namespace::Home, "x", || {
                    calls += 1;
                    async { Ok::<_, ApiError>(serde_json::json!({"n": 1})) }
                })
                .await
                .unwrap();
            assert_eq!(body, r#"{"n":1}"#);
        }
        assert_eq!(calls, 2);
        cache.invalidate(&[Namespace::Home]).await;
    }

    #[test]
    fn namespaces_have_distinct_names() {
        let id = Uuid::nil();
        let names = [
            Namespace::Posts.name(),
            Namespace::Home.name(),
            Namespace::OwnerStats(id).name(),
            Namespace::AllStats.name(),
        ];
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
