//! Liveness and readiness probes.

use actix_web::{get, web, HttpResponse};
use diesel::RunQueryDsl;
use herald_api_types::Health;

use crate::{db, error::ApiError, state::AppState};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(live).service(ready);
}

/// The process is up and serving HTTP.
#[utoipa::path(tag = "health", responses((status = 200, description = "alive")))]
#[get("/health/live")]
async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Database and Redis reachable? 503 when the database is not (Redis is optional:
/// without it Herald runs uncached, so it is reported but does not fail readiness).
#[utoipa::path(tag = "health", responses((status = 200, body = Health), (status = 503, body = Health)))]
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let database = db::run_blocking(&state.db, |conn| {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map_err(ApiError::from)
    })
    .await
    .is_ok();
    let redis = match &state.redis {
        None => "disabled",
        Some(pool) => {
            match tokio::time::timeout(std::time::Duration::from_secs(2), ping(pool)).await {
                Ok(Ok(())) => "ok",
                _ => "unavailable",
            }
        }
    };
    let body = Health {
        status: if database { "ok" } else { "unavailable" }.into(),
        database: if database { "ok" } else { "unavailable" }.into(),
        redis: redis.into(),
    };
    if database {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

async fn ping(pool: &deadpool_redis::Pool) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut conn = pool.get().await?;
    let _: String = deadpool_redis::redis::cmd("PING")
        .query_async(&mut conn)
        .await?;
    Ok(())
}
