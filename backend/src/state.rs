//! Shared application state, handed to every handler as `web::Data<AppState>`.

use std::sync::Arc;

use crate::{
    auth::{jwt::JwtKeys, password::Hashing, throttle::LoginThrottle},
    cache::Cache,
    config::Settings,
    db::DbPool,
    mail::Mailer,
};

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DbPool,
    pub mailer: Mailer,
    pub jwt: JwtKeys,
    /// `None` when REDIS_URL is unset: everything works, uncached.
    pub redis: Option<deadpool_redis::Pool>,
    /// Wakes the dispatcher when new deliveries exist (a run was just created).
    pub engine_wakeup: Arc<tokio::sync::Notify>,
    /// Server-side cache over `redis` (see `cache`); degrades to no cache.
    pub cache: Cache,
    /// Failed sign-in counters (Redis, or memory without it).
    pub throttle: LoginThrottle,
    /// The bound on concurrent argon2 work (see `auth::password`).
    pub hashing: Hashing,
}
