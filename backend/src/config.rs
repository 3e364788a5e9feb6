//! Typed settings, read once from the environment (and `.env` when present).
//!
//! Everything lives in [`Settings`], which travels in `AppState`; nothing reads the
//! environment later, so tests can build any configuration they like.

use std::{path::PathBuf, time::Duration};

use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
}

/// How the mail transport reaches the outside world.
#[derive(Clone, Debug)]
pub enum MailTransportConfig {
    /// `SMTP_URL` as lettre understands it (`smtp://user:pass@host:587?tls=starttls`).
    Smtp(SecretString),
    /// No SMTP configured: print to the log and save `.eml` files here.
    Console(PathBuf),
}

#[derive(Clone, Debug)]
pub struct MailSettings {
    pub transport: MailTransportConfig,
    pub from: String,
    pub timeout: Duration,
    pub concurrency: usize,
    pub rate_per_sec: u32,
    pub max_tries: u32,
    pub retry_backoff: Duration,
    /// Deliveries leased per batch.
    pub batch_size: usize,
    /// Consecutive connection-level failures that pause dispatch.
    pub breaker_threshold: u32,
    /// First pause of the circuit breaker (doubles while the server stays down).
    pub breaker_cooldown: Duration,
    /// The recorder commits outcomes at least this often (MAIL_RECORD_FLUSH_MS, at most
    /// 100 ms): a crash re-sends at most what completed within one interval.
    pub record_flush: Duration,
    /// How often an engine instance proves it is alive; leases of an instance silent
    /// for [`HEARTBEATS_BEFORE_TAKEOVER`] of these are taken back by the others.
    pub heartbeat: Duration,
    /// Cap on subject + text + HTML of one rendered email (TEMPLATE_MAX_OUTPUT_BYTES).
    pub template_max_output: usize,
    /// BOUNCE_DOMAIN: when set, every mailing email's envelope sender (its Return-Path)
    /// is `bounces+TOKEN@BOUNCE_DOMAIN` (VERP), naming its delivery; else MAIL_FROM.
    pub bounce_domain: Option<String>,
}

/// Missed heartbeats after which an instance's leases are taken back.
pub const HEARTBEATS_BEFORE_TAKEOVER: u32 = 4;
/// The upper bound of MAIL_RECORD_FLUSH_MS (the crash-duplicate promise rests on it).
pub const MAX_RECORD_FLUSH: Duration = Duration::from_millis(100);

/// Server-side cache (Redis) tuning.
#[derive(Clone, Debug)]
pub struct CacheSettings {
    /// Safety-net lifetime of every cached answer; writes invalidate sooner.
    pub ttl: Duration,
    /// Prefix of every Redis key, so several deployments (or test runs) can share a server.
    pub key_prefix: String,
}

/// Failed sign-in limits (fixed windows, counted in Redis or in memory).
#[derive(Clone, Debug)]
pub struct LoginThrottleSettings {
    /// Failures allowed per (account, client IP) within `window` (`LOGIN_MAX_FAILURES`).
    pub max_failures_per_pair: u32,
    /// Failures allowed per client IP within `window`.
    pub max_failures_per_ip: u32,
    pub window: Duration,
    /// Failures allowed per account from all IPs within `account_window`; over it, only
    /// IPs that have failed on the account are refused.
    pub max_failures_per_account: u32,
    pub account_window: Duration,
    /// Take the client IP from `X-Forwarded-For`/`Forwarded` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: SecretString,
    pub database_pool_size: u32,
    /// The delivery engine's own connections (ENGINE_DATABASE_POOL_SIZE), apart from the
    /// API's `database_pool_size`, so sending can never take the API's connections.
    pub engine_pool_size: u32,
    pub redis_url: Option<String>,
    pub bind: String,
    /// Base URL for links in emails, without a trailing slash.
    pub public_url: String,
    pub jwt_secret: SecretString,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub verification_token_ttl: Duration,
    pub reset_token_ttl: Duration,
    /// Lifetime of an invitation link (`INVITE_TOKEN_TTL_SECS`, default 7 days).
    pub invite_token_ttl: Duration,
    pub mail: MailSettings,
    pub scheduler_interval: Duration,
    pub static_dir: PathBuf,
    pub media_dir: PathBuf,
    pub json_logs: bool,
    /// Names this process in delivery leases; stable across restarts of one instance so a
    /// restarted instance takes back its own leases at once. Default: host name + port.
    pub instance_id: Option<String>,
    pub cache: CacheSettings,
    pub login_throttle: LoginThrottleSettings,
    /// argon2 hashes running at once (`PASSWORD_HASH_CONCURRENCY`; 0 = one per core).
    pub password_hash_concurrency: usize,
    /// Account emails (reset, resent verification) per address: at most one per
    /// `ACCOUNT_EMAIL_INTERVAL_SECS` (60)...
    pub account_email_interval: Duration,
    /// ...and `ACCOUNT_EMAILS_PER_HOUR` (5) per hour.
    pub account_emails_per_hour: u32,
    pub metrics: MetricsSettings,
}

/// Who may read `/metrics` (see `routes::metrics::allowed`).
#[derive(Clone, Debug, Default)]
pub struct MetricsSettings {
    /// `METRICS_TOKEN`: when set, `/metrics` needs `Authorization: Bearer <token>`.
    pub token: Option<SecretString>,
    /// `METRICS_BIND`: when set, `/metrics` is served only on this separate listen address.
    pub bind: Option<String>,
}

const MIN_JWT_SECRET: usize = 32;

impl Settings {
    /// Reads the process environment (after loading `.env`, if any).
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Builds settings from any key lookup; `from_env` and tests share it.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let jwt_secret = match get("JWT_SECRET") {
            Some(s) if s.len() >= MIN_JWT_SECRET => SecretString::from(s),
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "JWT_SECRET",
                    message: format!("must be at least {MIN_JWT_SECRET} bytes"),
                })
            }
            None => {
                tracing::warn!(
                    "JWT_SECRET is not set: using a random key, so tokens die with this process"
                );
                SecretString::from(crate::auth::tokens::random_token())
            }
        };
        let transport = match get("SMTP_URL") {
            Some(url) => MailTransportConfig::Smtp(SecretString::from(url)),
            None => MailTransportConfig::Console(
                get("MAIL_OUTBOX_DIR")
                    .unwrap_or_else(|| ".data/outbox".into())
                    .into(),
            ),
        };
        let public_url = get("PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:8080".into());
        url::Url::parse(&public_url).map_err(|e| ConfigError::Invalid {
            name: "PUBLIC_URL",
            message: e.to_string(),
        })?;
        Ok(Settings {
            database_url: SecretString::from(
                get("DATABASE_URL").unwrap_or_else(|| "postgres://localhost/herald".into()),
            ),
            database_pool_size: number(&get, "DATABASE_POOL_SIZE", 10)?,
            engine_pool_size: number(&get, "ENGINE_DATABASE_POOL_SIZE", 5)?,
            redis_url: get("REDIS_URL"),
            bind: get("BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            public_url: public_url.trim_end_matches('/').to_owned(),
            jwt_secret,
            access_token_ttl: secs(&get, "ACCESS_TOKEN_TTL_SECS", 15 * 60)?,
            refresh_token_ttl: secs(&get, "REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?,
            verification_token_ttl: secs(&get, "VERIFICATION_TOKEN_TTL_SECS", 48 * 3600)?,
            reset_token_ttl: secs(&get, "RESET_TOKEN_TTL_SECS", 3600)?,
            invite_token_ttl: secs(&get, "INVITE_TOKEN_TTL_SECS", 7 * 24 * 3600)?,
            mail: MailSettings {
                transport,
                from: get("MAIL_FROM").unwrap_or_else(|| "Herald <no-reply@localhost>".into()),
                timeout: secs(&get, "SMTP_TIMEOUT_SECS", 15)?,
                concurrency: number(&get, "MAIL_CONCURRENCY", 8)?,
                rate_per_sec: number(&get, "MAIL_RATE_PER_SEC", 0)?,
                max_tries: number(&get, "MAIL_MAX_TRIES", 5)?,
                retry_backoff: secs(&get, "MAIL_RETRY_BACKOFF_SECS", 60)?,
                batch_size: number(&get, "MAIL_BATCH_SIZE", 500)?,
                breaker_threshold: number(&get, "MAIL_BREAKER_THRESHOLD", 5)?,
                breaker_cooldown: secs(&get, "MAIL_BREAKER_COOLDOWN_SECS", 10)?,
                record_flush: Duration::from_millis(number(&get, "MAIL_RECORD_FLUSH_MS", 50)?)
                    .clamp(Duration::from_millis(1), MAX_RECORD_FLUSH),
                heartbeat: secs(&get, "INSTANCE_HEARTBEAT_SECS", 5)?
                    .max(Duration::from_millis(100)),
                template_max_output: number(&get, "TEMPLATE_MAX_OUTPUT_BYTES", 4 * 1024 * 1024)?,
                bounce_domain: match get("BOUNCE_DOMAIN").map(|d| d.trim().to_ascii_lowercase()) {
                    None => None,
                    Some(d) if d.is_empty() => None,
                    Some(d) => {
                        // Checked as the domain of an address, the only way it is used.
                        if format!("bounces@{d}").parse::<lettre::Address>().is_err() {
                            return Err(ConfigError::Invalid {
                                name: "BOUNCE_DOMAIN",
                                message: "must be a domain name such as bounces.example.org".into(),
                            });
                        }
                        Some(d)
                    }
                },
            },
            scheduler_interval: secs(&get, "SCHEDULER_INTERVAL_SECS", 30)?,
            static_dir: get("STATIC_DIR")
                .unwrap_or_else(|| "frontend/dist".into())
                .into(),
            media_dir: get("MEDIA_DIR")
                .unwrap_or_else(|| ".data/media".into())
                .into(),
            json_logs: get("LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
            instance_id: get("INSTANCE_ID"),
            cache: CacheSettings {
                ttl: secs(&get, "CACHE_TTL_SECS", 60)?,
                key_prefix: get("REDIS_KEY_PREFIX").unwrap_or_else(|| "herald".into()),
            },
            login_throttle: LoginThrottleSettings {
                max_failures_per_pair: number(&get, "LOGIN_MAX_FAILURES", 5)?,
                max_failures_per_ip: number(&get, "LOGIN_MAX_FAILURES_PER_IP", 20)?,
                window: secs(&get, "LOGIN_FAILURE_WINDOW_SECS", 15 * 60)?,
                max_failures_per_account: number(&get, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 100)?,
                account_window: secs(&get, "LOGIN_ACCOUNT_WINDOW_SECS", 3600)?,
                trust_forwarded_for: get("TRUST_FORWARDED_FOR")
                    .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            },
            password_hash_concurrency: number(&get, "PASSWORD_HASH_CONCURRENCY", 0)?,
            account_email_interval: secs(&get, "ACCOUNT_EMAIL_INTERVAL_SECS", 60)?,
            account_emails_per_hour: number(&get, "ACCOUNT_EMAILS_PER_HOUR", 5)?,
            metrics: MetricsSettings {
                token: get("METRICS_TOKEN").map(SecretString::from),
                bind: get("METRICS_BIND"),
            },
        })
    }

    pub fn jwt_secret_bytes(&self) -> &[u8] {
        self.jwt_secret.expose_secret().as_bytes()
    }
}

fn number<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            message: format!("expected a non-negative number, got {v:?}"),
        }),
    }
}

/// Seconds, fractions allowed (`0.2`), so tests and fast setups can go below one second.
fn secs(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
) -> Result<Duration, ConfigError> {
    let v: f64 = number(get, name, default as f64)?;
    if !v.is_finite() || v < 0.0 {
        return Err(ConfigError::Invalid {
            name,
            message: format!("expected a non-negative number of seconds, got {v}"),
        });
    }
    Ok(Duration::from_secs_f64(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn a_bounce_domain_must_be_a_domain() {
        assert_eq!(settings(&[]).unwrap().mail.bounce_domain, None);
        let s = settings(&[("BOUNCE_DOMAIN", " Bounces.Example.org ")]).unwrap();
        assert_eq!(s.mail.bounce_domain.as_deref(), Some("bounces.example.org"));
        assert!(settings(&[("BOUNCE_DOMAIN", "not a domain")]).is_err());
        assert!(settings(&[("BOUNCE_DOMAIN", "x@example.org")]).is_err());
    }

    #[test]
    fn short_jwt_secret_is_refused() {
        assert!(settings(&[("JWT_SECRET", "too-short")]).is_err());
    }

    #[test]
    fn defaults_use_the_console_transport() {
        let s = settings(&[]).unwrap();
        assert!(matches!(s.mail.transport, MailTransportConfig::Console(_)));
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.scheduler_interval, Duration::from_secs(30));
    }

    #[test]
    fn engine_hardening_settings_have_defaults_and_the_flush_interval_is_capped() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.mail.record_flush, Duration::from_millis(50));
        assert_eq!(s.mail.heartbeat, Duration::from_secs(5));
        assert_eq!(s.mail.template_max_output, 4 * 1024 * 1024);
        let s = settings(&[("MAIL_RECORD_FLUSH_MS", "5000")]).unwrap();
        assert_eq!(s.mail.record_flush, MAX_RECORD_FLUSH);
    }

    #[test]
    fn malformed_numbers_name_the_variable() {
        let err = settings(&[("MAIL_MAX_TRIES", "many")]).unwrap_err();
        assert!(err.to_string().contains("MAIL_MAX_TRIES"));
    }
}
