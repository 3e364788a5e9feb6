//! `GET /metrics`: Prometheus text format (see the crate's `metrics` module).
//!
//! Who may read it (API.md, "Precise rules"): with `METRICS_TOKEN` set, only a request
//! carrying that bearer token; with `METRICS_BIND` set, only requests on that separate
//! listener (`startup` serves this route there); with neither, only loopback clients.
//! Everyone else gets 404, as if there were no such route.

use std::{net::IpAddr, time::Duration};

use actix_web::{get, http::header, web, HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::{config::MetricsSettings, db, error::ApiError, metrics, state::AppState};

/// App data of the `METRICS_BIND` listener's app: requests that carry it arrived there.
#[derive(Debug, Clone, Copy)]
pub struct MetricsListener;

/// The access rule, apart from HTTP plumbing so it can be tested on its own.
pub fn allowed(
    settings: &MetricsSettings,
    on_metrics_listener: bool,
    client: Option<IpAddr>,
    bearer: Option<&str>,
) -> bool {
    if settings.bind.is_some() && !on_metrics_listener {
        return false;
    }
    match &settings.token {
        Some(token) => {
            bearer.is_some_and(|b| bool::from(b.as_bytes().ct_eq(token.expose_secret().as_bytes())))
        }
        None => settings.bind.is_some() || client.is_some_and(|ip| ip.is_loopback()),
    }
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The client's address: behind a trusted proxy (`TRUST_FORWARDED_FOR`) the one it
/// reports, so a proxy on loopback does not make every outside client "local".
fn client_ip(req: &HttpRequest, state: &AppState) -> Option<IpAddr> {
    if state.settings.login_throttle.trust_forwarded_for {
        let info = req.connection_info();
        if let Some(ip) = info.realip_remote_addr().and_then(|s| {
            s.parse::<IpAddr>()
                .ok()
                .or_else(|| s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
        }) {
            return Some(ip);
        }
    }
    req.peer_addr().map(|a| a.ip())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(prometheus_metrics);
}

/// Metrics for Prometheus: HTTP requests by route and status, latency histogram,
/// emails sent and failed, deliveries pending, SMTP circuit breaker state, cache use.
/// Only for loopback clients, the `METRICS_TOKEN` bearer, or on `METRICS_BIND`; else 404.
#[utoipa::path(tag = "health", responses((status = 200, description = "Prometheus text exposition format",
    content_type = "text/plain", body = String), (status = 404, body = herald_api_types::Problem)))]
#[get("/metrics")]
pub async fn prometheus_metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let on_listener = req.app_data::<MetricsListener>().is_some();
    if !allowed(
        &state.settings.metrics,
        on_listener,
        client_ip(&req, &state),
        bearer(&req),
    ) {
        return Err(ApiError::NotFound);
    }
    let pending = tokio::time::timeout(
        Duration::from_secs(2),
        db::run_blocking(&state.db, |conn| {
            db::stats::pending_deliveries(conn).map_err(ApiError::from)
        }),
    )
    .await;
    match pending {
        Ok(Ok(n)) => metrics::set_deliveries_pending(n),
        _ => tracing::warn!("cannot count pending deliveries for /metrics"),
    }
    let text = metrics::render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    const LOOPBACK: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    const OUTSIDE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 9)));

    #[test]
    fn without_settings_only_loopback_clients_read_metrics() {
        let s = MetricsSettings::default();
        assert!(allowed(&s, false, LOOPBACK, None));
        assert!(!allowed(&s, false, OUTSIDE, None));
        assert!(!allowed(&s, false, None, None));
    }

    #[test]
    fn a_token_is_needed_from_everywhere_once_set() {
        let s = MetricsSettings {
            token: Some(SecretString::from("s3cret-metrics")),
            bind: None,
        };
        assert!(allowed(&s, false, OUTSIDE, Some("s3cret-metrics")));
        assert!(!allowed(&s, false, LOOPBACK, None));
        assert!(!allowed(&s, false, LOOPBACK, Some("s3cret-metric")));
    }

    #[test]
    fn with_a_separate_listener_the_main_one_never_serves_metrics() {
        let s = MetricsSettings {
            token: None,
            bind: Some("127.0.0.1:9100".into()),
        };
        assert!(!allowed(&s, false, LOOPBACK, None));
        assert!(allowed(&s, true, OUTSIDE, None));
        let both = MetricsSettings {
            token: Some(SecretString::from("t")),
            ..s
        };
        assert!(!allowed(&both, true, OUTSIDE, None));
        assert!(allowed(&both, true, OUTSIDE, Some("t")));
    }
}
