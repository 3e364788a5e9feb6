//! Statistics: the caller's, another user's (`stats.view_all`), or everyone's.
//! Answers are cached in Redis per owner (see `cache`) and carry an ETag.

use actix_web::{get, web, HttpRequest, HttpResponse};
use herald_api_types as api;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    cache::Namespace,
    db::{
        self,
        stats::{day_range, StatsScope},
    },
    domain::Permission,
    error::ApiError,
    routes::http_cache,
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stats).service(daily).service(mailing_stats);
}

/// Whose figures a request asks for, and whether the caller may see them.
async fn resolve_scope(
    state: &AppState,
    caller: &AuthUser,
    owner_id: Option<Uuid>,
    scope: Option<api::StatsScope>,
) -> Result<StatsScope, ApiError> {
    match (owner_id, scope.unwrap_or_default()) {
        (Some(_), api::StatsScope::All) => Err(ApiError::BadRequest(
            "owner_id and scope=all cannot be combined".into(),
        )),
        (None, api::StatsScope::All) => {
            caller.require(Permission::StatsViewAll)?;
            Ok(StatsScope::Everyone)
        }
        (Some(owner), api::StatsScope::Own) if owner != caller.id => {
            caller.require(Permission::StatsViewAll)?;
            let exists = db::run_blocking(&state.db, move |conn| {
                db::users::find_with_role(conn, owner)
                    .map(|_| ())
                    .map_err(ApiError::from)
            })
            .await;
            exists.map(|()| StatsScope::Owner(owner))
        }
        (_, api::StatsScope::Own) => Ok(StatsScope::Owner(caller.id)),
    }
}

fn namespace(scope: StatsScope) -> Namespace {
    match scope {
        StatsScope::Owner(id) => Namespace::OwnerStats(id),
        StatsScope::Everyone => Namespace::AllStats,
    }
}

/// Mailing and delivery totals. Default: the caller's own; `?owner_id=` another user's
/// and `?scope=all` everyone's (both need `stats.view_all`, else 403).
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(api::StatsQuery),
    responses((status = 200, body = api::Stats), (status = 304, description = "unchanged (If-None-Match)"),
    (status = 400, body = api::Problem), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, description = "no such owner", body = api::Problem)))]
#[get("/stats")]
async fn stats(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let scope = resolve_scope(&state, &caller, q.owner_id, q.scope).await?;
    let db = state.db.clone();
    let body = state
        .cache
        .json(namespace(scope), "summary", || async move {
            let s = db::run_blocking(&db, move |conn| {
                db::stats::summary(conn, scope).map_err(ApiError::from)
            })
            .await?;
            Ok(api::Stats {
                mailings_total: s.mailings_total,
                mailings_active: s.mailings_active,
                mailings_finished: s.mailings_finished,
                unique_recipients: s.unique_recipients,
                attempts_success: s.attempts_success,
                attempts_failure: s.attempts_failure,
                messages_delivered: s.attempts_success,
                recipients_delivered: s.recipients_delivered,
                recipients_failed: s.recipients_failed,
                delivery_rate: api::delivery_rate(s.recipients_delivered, s.recipients_failed),
            })
        })
        .await?;
    Ok(http_cache::json(&req, body, http_cache::PRIVATE_REVALIDATE))
}

/// Attempts per day (UTC) for charts: `?days=30` (clamped to 1..=365) days ending today,
/// oldest first, every day present (zeros included). Same `owner_id`/`scope` rules as
/// `/stats`.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(api::DailyStatsQuery),
    responses((status = 200, body = Vec<api::DailyPoint>), (status = 304, description = "unchanged (If-None-Match)"),
    (status = 400, body = api::Problem), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[get("/stats/daily")]
async fn daily(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::DailyStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let scope = resolve_scope(&state, &caller, q.owner_id, q.scope).await?;
    let days = q.days.unwrap_or(30).clamp(1, 365);
    let (first, last) = day_range(days, db::stats::today());
    let db = state.db.clone();
    let item = format!("daily:{first}:{last}");
    let body = state
        .cache
        .json(namespace(scope), &item, || async move {
            let rows = db::run_blocking(&db, move |conn| {
                db::stats::daily(conn, scope, first, last).map_err(ApiError::from)
            })
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| api::DailyPoint {
                    date: r.day,
                    success: r.success,
                    failure: r.failure,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(http_cache::json(&req, body, http_cache::PRIVATE_REVALIDATE))
}

/// Figures of one mailing: runs, unique recipients reached, attempts by outcome.
/// 404 unless the caller owns it or has `stats.view_all` or `mailings.view_all`.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    responses((status = 200, body = api::MailingStats), (status = 304, description = "unchanged (If-None-Match)"),
    (status = 401, body = api::Problem), (status = 404, body = api::Problem)))]
#[get("/stats/mailings/{id}")]
async fn mailing_stats(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let owner = db::run_blocking(&state.db, move |conn| {
        db::stats::mailing_owner(conn, id).map_err(ApiError::from)
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    let visible = owner == caller.id
        || caller.has(Permission::StatsViewAll)
        || caller.has(Permission::MailingsViewAll);
    if !visible {
        return Err(ApiError::NotFound);
    }
    let db = state.db.clone();
    let body = state
        .cache
        .json(
            Namespace::OwnerStats(owner),
            &format!("mailing:{}", id.simple()),
            || async move {
                let f = db::run_blocking(&db, move |conn| {
                    db::stats::mailing(conn, id).map_err(ApiError::from)
                })
                .await?;
                Ok(api::MailingStats {
                    mailing_id: id,
                    runs: f.runs,
                    unique_recipients: f.unique_recipients,
                    attempts_success: f.attempts_success,
                    attempts_failure: f.attempts_failure,
                    messages_delivered: f.attempts_success,
                    recipients_delivered: f.recipients_delivered,
                    recipients_failed: f.recipients_failed,
                    delivery_rate: api::delivery_rate(f.recipients_delivered, f.recipients_failed),
                })
            },
        )
        .await?;
    Ok(http_cache::json(&req, body, http_cache::PRIVATE_REVALIDATE))
}
