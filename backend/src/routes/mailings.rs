//! Mailings, their runs and attempt logs.

use actix_web::{delete, get, post, put, web, HttpResponse};
use herald_api_types as api;
use uuid::Uuid;

use super::paging;
use crate::{
    auth::AuthUser,
    db::{
        self,
        deliveries::{AttemptFilter, RunRecipients},
        mailings::MailingFilter,
        PageRequest, Scope,
    },
    domain::{sorting, MailingStatus, Permission},
    error::{ApiError, FieldErrors},
    mailings,
    routes::clients::api_client,
    runs::{self, RunAction},
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_mailings)
        .service(create_mailing)
        .service(get_mailing)
        .service(update_mailing)
        .service(delete_mailing)
        .service(mailing_recipients)
        .service(send_mailing)
        .service(retry_failed)
        .service(test_mailing)
        .service(disable_mailing)
        .service(enable_mailing)
        .service(mailing_runs)
        .service(pause_run)
        .service(resume_run)
        .service(cancel_run)
        .service(mailing_events)
        .service(mailing_attempts)
        .service(list_attempts);
}

fn attempt_view(a: db::deliveries::Attempt) -> api::Attempt {
    api::Attempt {
        id: a.id,
        mailing_id: a.mailing_id,
        run_id: a.run_id,
        client_id: a.client_id,
        email: a.email,
        attempted_at: a.attempted_at,
        status: a.status,
        server_response: a.server_response,
    }
}

fn parse_status(s: Option<String>) -> Result<Option<String>, ApiError> {
    match s {
        Some(s) if s.parse::<MailingStatus>().is_err() => Err(FieldErrors::single(
            "status",
            "must be created, running or finished",
        )),
        other => Ok(other),
    }
}

fn parse_attempt_status(s: Option<String>) -> Result<Option<String>, ApiError> {
    match s.as_deref() {
        None | Some("success") | Some("failure") | Some("skipped") => Ok(s),
        Some(_) => Err(FieldErrors::single(
            "status",
            "must be success, failure or skipped",
        )),
    }
}

/// The caller's mailings (everyone's with `mailings.view_all`), newest first.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(api::MailingListQuery),
    responses((status = 200, body = api::Page<api::Mailing>), (status = 401, body = api::Problem), (status = 422, body = api::Problem)))]
#[get("/mailings")]
async fn list_mailings(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::MailingListQuery>,
) -> Result<web::Json<api::Page<api::Mailing>>, ApiError> {
    let q = query.into_inner();
    let scope = caller.read_scope(Permission::MailingsViewAll, q.owner_id)?;
    let filter = MailingFilter {
        status: parse_status(q.status)?,
        enabled: q.enabled,
    };
    let sort = sorting::parse::<sorting::MailingSort>(q.sort.as_deref(), q.order.as_deref())
        .map_err(ApiError::Validation)?;
    let page = PageRequest::new(q.page, q.per_page);
    let (items, total) = db::run_blocking(&state.db, move |conn| {
        // One snapshot: a mailing's status and its last run must agree.
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(|conn| {
                let (rows, total) = db::mailings::list(conn, scope, &filter, sort, page)?;
                Ok::<_, mailings::MailingError>((mailings::view(conn, rows)?, total))
            })
    })
    .await?;
    Ok(web::Json(paging::page_of(page, items, total)))
}

/// Create a mailing. If `start_at` is now or past (and `end_at` ahead), its first run
/// starts at once; a future start is sent automatically when it comes.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), request_body = api::MailingInput,
    responses((status = 201, body = api::Mailing), (status = 422, body = api::Problem)))]
#[post("/mailings")]
async fn create_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::MailingInput>,
) -> Result<HttpResponse, ApiError> {
    let m = mailings::create(&state, &caller, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(m))
}

/// One mailing (404 unless it is the caller's, or the caller has `mailings.view_all`).
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    responses((status = 200, body = api::Mailing), (status = 404, body = api::Problem)))]
#[get("/mailings/{id}")]
async fn get_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Mailing>, ApiError> {
    let scope = caller.read_scope(Permission::MailingsViewAll, None)?;
    let id = id.into_inner();
    let m = db::run_blocking(&state.db, move |conn| {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(|conn| {
                let m = db::mailings::find(conn, scope, id)?;
                Ok::<_, mailings::MailingError>(mailings::view(conn, vec![m])?.remove(0))
            })
    })
    .await?;
    Ok(web::Json(m))
}

/// Replace a mailing's message, recipients (`client_ids` replaces the set) and schedule.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    request_body = api::MailingInput, responses((status = 200, body = api::Mailing), (status = 403, body = api::Problem),
    (status = 404, body = api::Problem), (status = 422, body = api::Problem)))]
#[put("/mailings/{id}")]
async fn update_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Json<api::MailingInput>,
) -> Result<web::Json<api::Mailing>, ApiError> {
    Ok(web::Json(
        mailings::update(&state, &caller, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Delete a mailing with its runs and attempt log.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    responses((status = 204), (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[delete("/mailings/{id}")]
async fn delete_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    mailings::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The mailing's recipients, searchable (`?q=`).
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id"), api::ClientListQuery),
    responses((status = 200, body = api::Page<api::Client>), (status = 404, body = api::Problem)))]
#[get("/mailings/{id}/recipients")]
async fn mailing_recipients(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<api::ClientListQuery>,
) -> Result<web::Json<api::Page<api::Client>>, ApiError> {
    let scope = caller.read_scope(Permission::MailingsViewAll, None)?;
    let (id, q) = (id.into_inner(), query.into_inner());
    let page = PageRequest::new(q.page, q.per_page);
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        let m = db::mailings::find(conn, scope, id)?;
        db::mailings::recipients(conn, &m, q.q.as_deref(), page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.into_iter().map(api_client),
        total,
    )))
}

/// Send now: a manual run starts at once (the schedule does not move).
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    responses((status = 202, body = api::RunStarted), (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "disabled or finished", body = api::Problem)))]
#[post("/mailings/{id}/send")]
async fn send_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let run_id = mailings::send_now(
        &state,
        &caller,
        id.into_inner(),
        "manual",
        RunRecipients::All,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(api::RunStarted { run_id }))
}

/// A run (trigger `retry`) over the recipients whose last delivery failed temporarily
/// (4xx, timeouts, connection errors); with `include_permanent=true` also those refused
/// for good (5xx). Works on finished mailings too.
#[utoipa::path(tag = "mailings", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Mailing id"), api::RetryQuery),
    responses((status = 202, body = api::RunStarted), (status = 400, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "disabled, or nobody's last delivery failed (temporarily, by default)", body = api::Problem)))]
#[post("/mailings/{id}/retry-failed")]
async fn retry_failed(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<api::RetryQuery>,
) -> Result<HttpResponse, ApiError> {
    let include_permanent = query.include_permanent.unwrap_or(false);
    let run_id = mailings::send_now(
        &state,
        &caller,
        id.into_inner(),
        "retry",
        RunRecipients::LastFailed { include_permanent },
    )
    .await?;
    Ok(HttpResponse::Accepted().json(api::RunStarted { run_id }))
}

/// Send the message, rendered for the first recipient, to the caller's own address only.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    responses((status = 202), (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[post("/mailings/{id}/test")]
async fn test_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    mailings::send_test(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Disable: never sent again (by schedule or by hand) until enabled. Owner or
/// `mailings.disable`; an optional `{reason}` is shown to the owner (and emailed to them
/// when a manager disables their mailing). A finished mailing answers 409.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    request_body(content = Option<api::DisableRequest>, description = "Optional reason"),
    responses((status = 200, body = api::Mailing), (status = 400, body = api::Problem), (status = 403, body = api::Problem),
        (status = 404, body = api::Problem), (status = 409, description = "the mailing is finished", body = api::Problem),
        (status = 422, body = api::Problem)))]
#[post("/mailings/{id}/disable")]
async fn disable_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<web::Json<api::Mailing>, ApiError> {
    // The body is optional: empty means no reason.
    let input: api::DisableRequest = if body.iter().all(u8::is_ascii_whitespace) {
        api::DisableRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?
    };
    validator::Validate::validate(&input).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.merge_validator(Err(e));
        ApiError::Validation(errors)
    })?;
    Ok(web::Json(
        mailings::set_enabled(&state, &caller, id.into_inner(), false, input.reason).await?,
    ))
}

/// Enable a disabled mailing. Owner or `mailings.disable`.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id")),
    responses((status = 200, body = api::Mailing), (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[post("/mailings/{id}/enable")]
async fn enable_mailing(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Mailing>, ApiError> {
    Ok(web::Json(
        mailings::set_enabled(&state, &caller, id.into_inner(), true, None).await?,
    ))
}

/// The mailing's runs, newest first.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id"), api::PageQuery),
    responses((status = 200, body = api::Page<api::Run>), (status = 404, body = api::Problem)))]
#[get("/mailings/{id}/runs")]
async fn mailing_runs(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<api::PageQuery>,
) -> Result<web::Json<api::Page<api::Run>>, ApiError> {
    let scope = caller.read_scope(Permission::MailingsViewAll, None)?;
    let id = id.into_inner();
    let page = PageRequest::new(query.page, query.per_page);
    let (items, total) = db::run_blocking(&state.db, move |conn| {
        db::mailings::find(conn, scope, id)?;
        let (runs, total) = db::deliveries::runs_for(conn, id, page)?;
        let pending =
            db::deliveries::pending_counts(conn, &runs.iter().map(|r| r.id).collect::<Vec<_>>())?;
        let items = runs.into_iter().map(|r| {
            let p = pending.get(&r.id).copied().unwrap_or(0);
            mailings::run_view(r, p)
        });
        Ok::<_, ApiError>((items.collect::<Vec<_>>(), total))
    })
    .await?;
    Ok(web::Json(paging::page_of(page, items, total)))
}

/// Pause a run: its deliveries are not leased until it is resumed (those on the wire
/// finish). Pausing a paused run changes nothing.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = api::Run), (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "the run is finished, cancelled or skipped (code `run_over`)", body = api::Problem)))]
#[post("/runs/{id}/pause")]
async fn pause_run(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Run>, ApiError> {
    let run = runs::control(&state, &caller, id.into_inner(), RunAction::Pause).await?;
    Ok(web::Json(run))
}

/// Resume a paused run: it sends again at once, or waits for its send window.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = api::Run), (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "the run is finished, cancelled or skipped (code `run_over`)", body = api::Problem)))]
#[post("/runs/{id}/resume")]
async fn resume_run(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Run>, ApiError> {
    let run = runs::control(&state, &caller, id.into_inner(), RunAction::Resume).await?;
    Ok(web::Json(run))
}

/// Cancel a run: every pending delivery becomes `cancelled` (kept and counted, never
/// sent); those on the wire finish.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = api::Run), (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "the run is finished, cancelled or skipped (code `run_over`)", body = api::Problem)))]
#[post("/runs/{id}/cancel")]
async fn cancel_run(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Run>, ApiError> {
    let run = runs::control(&state, &caller, id.into_inner(), RunAction::Cancel).await?;
    Ok(web::Json(run))
}

/// What happened after sending (bounces and complaints, matched to their deliveries),
/// newest first.
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id"), api::EventListQuery),
    responses((status = 200, body = api::Page<api::DeliveryEvent>), (status = 404, body = api::Problem), (status = 422, body = api::Problem)))]
#[get("/mailings/{id}/events")]
async fn mailing_events(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<api::EventListQuery>,
) -> Result<web::Json<api::Page<api::DeliveryEvent>>, ApiError> {
    let q = query.into_inner();
    if let Some(k) = q.kind.as_deref() {
        if !matches!(k, "open" | "click" | "bounce" | "complaint" | "unsubscribe") {
            return Err(FieldErrors::single(
                "type",
                "must be open, click, bounce, complaint or unsubscribe",
            ));
        }
    }
    let scope = caller.read_scope(Permission::MailingsViewAll, None)?;
    let id = id.into_inner();
    let page = PageRequest::new(q.page, q.per_page);
    let (items, total) = db::run_blocking(&state.db, move |conn| {
        db::mailings::find(conn, scope, id)?;
        db::events::for_mailing(conn, id, q.kind.as_deref(), q.run_id, page).map_err(ApiError::from)
    })
    .await?;
    let items = items.into_iter().map(|e| api::DeliveryEvent {
        id: e.id,
        kind: e.kind,
        bounce_kind: e.bounce_kind,
        run_id: e.run_id,
        delivery_id: e.delivery_id,
        email: e.email,
        at: e.at,
        detail: e.detail,
    });
    Ok(web::Json(paging::page_of(page, items, total)))
}

/// The mailing's attempt log, newest first (`?status=success|failure`).
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Mailing id"), api::AttemptListQuery),
    responses((status = 200, body = api::Page<api::Attempt>), (status = 404, body = api::Problem)))]
#[get("/mailings/{id}/attempts")]
async fn mailing_attempts(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<api::AttemptListQuery>,
) -> Result<web::Json<api::Page<api::Attempt>>, ApiError> {
    let scope = caller.read_scope(Permission::MailingsViewAll, None)?;
    let (id, q) = (id.into_inner(), query.into_inner());
    let filter = AttemptFilter {
        mailing_id: Some(id),
        status: parse_attempt_status(q.status)?,
    };
    let page = PageRequest::new(q.page, q.per_page);
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        db::mailings::find(conn, scope, id)?;
        db::deliveries::attempts(conn, Scope::All(None), &filter, page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.into_iter().map(attempt_view),
        total,
    )))
}

/// Every attempt the caller may see (`?mailing_id=&status=`; `?owner_id=` with `mailings.view_all`).
#[utoipa::path(tag = "mailings", security(("bearer" = [])), params(api::AttemptListQuery),
    responses((status = 200, body = api::Page<api::Attempt>), (status = 401, body = api::Problem)))]
#[get("/attempts")]
async fn list_attempts(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::AttemptListQuery>,
) -> Result<web::Json<api::Page<api::Attempt>>, ApiError> {
    let q = query.into_inner();
    let scope = caller.read_scope(Permission::MailingsViewAll, q.owner_id)?;
    let filter = AttemptFilter {
        mailing_id: q.mailing_id,
        status: parse_attempt_status(q.status)?,
    };
    let page = PageRequest::new(q.page, q.per_page);
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        db::deliveries::attempts(conn, scope, &filter, page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.into_iter().map(attempt_view),
        total,
    )))
}
