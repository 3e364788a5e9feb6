//! The per-address limit on account emails (password reset, resent verification): at
//! most one per address per minute and five per hour (`ACCOUNT_EMAIL_INTERVAL_SECS`,
//! `ACCOUNT_EMAILS_PER_HOUR`), so nobody can turn Herald into a
//! mail bomb aimed at someone else's inbox. Requests over the limit still answer 202
//! (the answer must not depend on the address) and send nothing.

use std::time::Duration;

use crate::{
    auth::throttle::{hashed, Limit},
    metrics,
    state::AppState,
};

/// Counts one email to `address` if both windows allow it; `false` means send nothing.
/// Both endpoints share the count: the limit protects the inbox, whatever the email.
pub(super) async fn may_send(state: &AppState, address: &str) -> bool {
    let base = format!("{}:account-email:{}", state.cache.prefix(), hashed(address));
    let limits = [
        Limit::new(
            format!("{base}:interval"),
            1,
            state.settings.account_email_interval,
        ),
        Limit::new(
            format!("{base}:hour"),
            state.settings.account_emails_per_hour,
            Duration::from_secs(3600),
        ),
    ];
    match state.throttle.reserve(&state.cache, &limits).await {
        Ok(()) => true,
        Err(_) => {
            metrics::account_email_suppressed();
            tracing::info!("account email to this address suppressed: per-address limit");
            false
        }
    }
}
