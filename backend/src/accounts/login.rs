//! Sign-in behind its limits (API.md "Login limits").
//!
//! Failed sign-ins are counted per (account, client IP) (`LOGIN_MAX_FAILURES`, 5) and
//! per IP (`LOGIN_MAX_FAILURES_PER_IP`, 20) within `LOGIN_FAILURE_WINDOW_SECS`, and per
//! account across all IPs (`LOGIN_MAX_FAILURES_PER_ACCOUNT`, 100) within
//! `LOGIN_ACCOUNT_WINDOW_SECS`. Why three counters: a per-account counter alone lets
//! anyone lock the owner out by failing on purpose; per pair, a guesser only locks out
//! themself. The IP counter stops one address from spraying many accounts; the account
//! counter slows a guess spread over many IPs, and over it only IPs that have failed on
//! that account are refused, so the owner (from an IP that has not failed) still signs in.
//!
//! Every attempt is counted *before* its password is hashed, atomically (see
//! `auth::throttle`): a burst of parallel guesses cannot overshoot a limit, and a
//! refused attempt costs no argon2 work. An attempt that was not a wrong guess gives its
//! count back: a right password (it also ends the pair's window), a right password for a
//! blocked or unverified account, an attempt refused because hashing was at capacity.

use std::net::IpAddr;

use herald_api_types::TokenPair;

use super::{authenticate, AccountError};
use crate::{
    auth::{
        password::PasswordError,
        throttle::{hashed, Limit},
    },
    metrics,
    state::AppState,
};

/// The counter keys of one attempt.
struct Keys {
    pair: String,
    ip: Option<String>,
    account: String,
    /// Set when this IP failed on this account within the account window.
    failed_here: String,
}

impl Keys {
    fn new(prefix: &str, email: &str, ip: Option<IpAddr>) -> Self {
        let account = hashed(email);
        // Without a known IP (a unix socket) every such client is one "IP".
        let ip_part = ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        Keys {
            pair: format!("{prefix}:login:pair:{account}:{ip_part}"),
            ip: ip.map(|ip| format!("{prefix}:login:ip:{ip}")),
            account: format!("{prefix}:login:account:{account}"),
            failed_here: format!("{prefix}:login:failed:{account}:{ip_part}"),
        }
    }
}

/// Signs in from `ip`: 429 while the pair, the IP, or (for an IP that has failed on it)
/// the account is over its limit; else the credentials decide.
pub async fn login(
    state: &AppState,
    email: String,
    candidate: String,
    ip: Option<IpAddr>,
) -> Result<TokenPair, AccountError> {
    let settings = &state.settings.login_throttle;
    let counters = &state.throttle;
    let cache = &state.cache;
    let keys = Keys::new(cache.prefix(), &email, ip);

    let failed_here = counters.count(cache, &keys.failed_here).await > 0;
    let mut limits = vec![Limit::new(
        keys.pair.clone(),
        settings.max_failures_per_pair,
        settings.window,
    )];
    if let Some(ip_key) = &keys.ip {
        limits.push(Limit::new(
            ip_key.clone(),
            settings.max_failures_per_ip,
            settings.window,
        ));
    }
    // The account counter always counts; it refuses only IPs that failed on it.
    let account_max = if failed_here {
        settings.max_failures_per_account
    } else {
        u32::MAX
    };
    limits.push(Limit::new(
        keys.account.clone(),
        account_max,
        settings.account_window,
    ));
    if let Err(retry_after_secs) = counters.reserve(cache, &limits).await {
        metrics::login_throttled();
        return Err(AccountError::TooManyRequests { retry_after_secs });
    }

    let counted: Vec<&str> = limits.iter().map(|l| l.key.as_str()).collect();
    let result = authenticate(state, email, candidate).await;
    match &result {
        Err(AccountError::InvalidCredentials) => {
            counters
                .hit(cache, &keys.failed_here, settings.account_window)
                .await;
        }
        Ok(_) => {
            // The owner is back: this pair starts afresh (the IP's other failures and
            // the account's from elsewhere still stand, minus this attempt).
            counters.clear(cache, &keys.pair).await;
            let rest: Vec<&str> = counted.into_iter().filter(|k| *k != keys.pair).collect();
            counters.give_back(cache, &rest).await;
        }
        Err(_) => counters.give_back(cache, &counted).await,
    }
    match result {
        Err(AccountError::Password(PasswordError::Busy)) => {
            metrics::login_throttled();
            Err(AccountError::TooManyRequests {
                retry_after_secs: 1,
            })
        }
        other => other,
    }
}
