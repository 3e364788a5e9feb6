//! Prometheus metrics, served as text at `GET /metrics`.
//!
//! One process-wide registry (metrics describe the process, like its logs). What is
//! measured:
//! - `herald_http_requests_total{method, route, status}` and
//!   `herald_http_request_duration_seconds{method, route}` (histogram), recorded by the
//!   [`track`] middleware for every request; `route` is the matched pattern
//!   (`/api/v1/posts/{id}`), never the raw path, so the label set stays small;
//! - delivery figures, updated by the delivery engine through the functions below:
//!   [`email_sent`], [`email_failed`], [`set_deliveries_pending`],
//!   [`set_smtp_circuit_open`]. `herald_deliveries_pending` is also refreshed from the
//!   database on every scrape, so it is right even when no engine runs in this process;
//! - cache hits, misses and Redis errors; refused (throttled) sign-ins;
//! - argon2 work: `herald_password_checks_total{result="hashed"|"refused"}` (refused:
//!   the bounded hashing queue was full, answered 429);
//! - account emails (reset, verification) not sent because of their per-address limit.
//!
//! The engine-facing functions are cheap (an atomic add) and never fail.

use std::sync::LazyLock;

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    emails_sent: IntCounter,
    emails_failed: IntCounter,
    deliveries_pending: IntGauge,
    smtp_circuit_open: IntGauge,
    cache_requests: IntCounterVec,
    logins_throttled: IntCounter,
    password_checks: IntCounterVec,
    account_emails_suppressed: IntCounter,
}

fn register<C: prometheus::core::Collector + Clone + 'static>(registry: &Registry, c: C) -> C {
    registry
        .register(Box::new(c.clone()))
        .expect("metric names are constant and registered once");
    c
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let r = &registry;
    Metrics {
        http_requests: register(
            r,
            IntCounterVec::new(
                Opts::new("herald_http_requests_total", "HTTP requests answered"),
                &["method", "route", "status"],
            )
            .expect("valid metric"),
        ),
        http_duration: register(
            r,
            HistogramVec::new(
                HistogramOpts::new(
                    "herald_http_request_duration_seconds",
                    "Time to answer an HTTP request",
                )
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ]),
                &["method", "route"],
            )
            .expect("valid metric"),
        ),
        emails_sent: register(
            r,
            IntCounter::new(
                "herald_emails_sent_total",
                "Emails the SMTP server accepted",
            )
            .expect("valid metric"),
        ),
        emails_failed: register(
            r,
            IntCounter::new(
                "herald_emails_failed_total",
                "Delivery attempts that failed (temporary or permanent)",
            )
            .expect("valid metric"),
        ),
        deliveries_pending: register(
            r,
            IntGauge::new(
                "herald_deliveries_pending",
                "Deliveries waiting to be sent or retried",
            )
            .expect("valid metric"),
        ),
        smtp_circuit_open: register(
            r,
            IntGauge::new(
                "herald_smtp_circuit_open",
                "1 while the SMTP circuit breaker pauses dispatch, else 0",
            )
            .expect("valid metric"),
        ),
        cache_requests: register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "herald_cache_requests_total",
                    "Server-side cache lookups by result (hit, miss) and Redis errors",
                ),
                &["result"],
            )
            .expect("valid metric"),
        ),
        logins_throttled: register(
            r,
            IntCounter::new(
                "herald_logins_throttled_total",
                "Sign-ins refused with 429 after too many failures",
            )
            .expect("valid metric"),
        ),
        password_checks: register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "herald_password_checks_total",
                    "argon2 hashes and verifications run (hashed) or refused for lack of capacity",
                ),
                &["result"],
            )
            .expect("valid metric"),
        ),
        account_emails_suppressed: register(
            r,
            IntCounter::new(
                "herald_account_emails_suppressed_total",
                "Reset and verification emails not sent: per-address limit reached",
            )
            .expect("valid metric"),
        ),
        registry,
    }
});

/// The delivery engine handed one email to the SMTP server successfully.
pub fn email_sent() {
    METRICS.emails_sent.inc();
}

/// One delivery attempt failed (temporary or permanent).
pub fn email_failed() {
    METRICS.emails_failed.inc();
}

/// Deliveries waiting to be sent (or retried). Also refreshed on each scrape.
pub fn set_deliveries_pending(n: i64) {
    METRICS.deliveries_pending.set(n);
}

/// The SMTP circuit breaker opened (`true`) or closed (`false`).
pub fn set_smtp_circuit_open(open: bool) {
    METRICS.smtp_circuit_open.set(i64::from(open));
}

pub(crate) fn cache_hit() {
    METRICS.cache_requests.with_label_values(&["hit"]).inc();
}

pub(crate) fn cache_miss() {
    METRICS.cache_requests.with_label_values(&["miss"]).inc();
}

pub(crate) fn cache_error() {
    METRICS.cache_requests.with_label_values(&["error"]).inc();
}

pub(crate) fn login_throttled() {
    METRICS.logins_throttled.inc();
}

pub(crate) fn password_hashed() {
    METRICS.password_checks.with_label_values(&["hashed"]).inc();
}

pub(crate) fn password_check_refused() {
    METRICS
        .password_checks
        .with_label_values(&["refused"])
        .inc();
}

pub(crate) fn account_email_suppressed() {
    METRICS.account_emails_suppressed.inc();
}

/// Every metric in the Prometheus text exposition format.
pub fn render() -> Result<String, prometheus::Error> {
    let mut out = Vec::new();
    TextEncoder::new().encode(&METRICS.registry.gather(), &mut out)?;
    String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
}

/// Middleware (`actix_web::middleware::from_fn(metrics::track)`): counts and times
/// every request by method, matched route pattern and status.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let result = next.call(req).await;
    let (route, status) = match &result {
        Ok(res) => (
            res.request().match_pattern(),
            res.status().as_u16().to_string(),
        ),
        Err(e) => (
            None,
            e.as_response_error().status_code().as_u16().to_string(),
        ),
    };
    let route = route.unwrap_or_else(|| "unmatched".to_owned());
    let labels = [method.as_str(), route.as_str()];
    METRICS
        .http_duration
        .with_label_values(&labels)
        .observe(started.elapsed().as_secs_f64());
    METRICS
        .http_requests
        .with_label_values(&[method.as_str(), route.as_str(), status.as_str()])
        .inc();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_figures_appear_in_the_text_format() {
        email_sent();
        email_failed();
        set_deliveries_pending(7);
        set_smtp_circuit_open(true);
        let text = render().unwrap();
        for name in [
            "herald_emails_sent_total",
            "herald_emails_failed_total",
            "herald_deliveries_pending",
            "herald_smtp_circuit_open 1",
        ] {
            assert!(text.contains(name), "{name} missing from:\n{text}");
        }
        set_smtp_circuit_open(false);
    }
}
