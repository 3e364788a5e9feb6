//! `GET /metrics`: Prometheus text format (see the crate's `metrics` module).

use std::time::Duration;

use actix_web::{get, web, HttpResponse};

use crate::{db, error::ApiError, metrics, state::AppState};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(prometheus_metrics);
}

/// Metrics for Prometheus: HTTP requests by route and status, latency histogram,
/// emails sent and failed, deliveries pending, SMTP circuit breaker state, cache use.
#[utoipa::path(tag = "health", responses((status = 200, description = "Prometheus text exposition format",
    content_type = "text/plain", body = String)))]
#[get("/metrics")]
async fn prometheus_metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
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
