//! The suppression list (API.md "Suppressions, bounces, complaints, tracking"): the
//! addresses an owner's mailings never go to, with why. Runs skip them and log each skip.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use herald_api_types as api;
use uuid::Uuid;

use super::paging;
use crate::{
    auth::AuthUser,
    db::{self, suppressions::Suppression, PageRequest, Scope},
    domain::{suppression_csv, EmailAddress, Permission},
    error::{ApiError, FieldErrors},
    state::AppState,
    suppressions,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // `import` and `export` before `{id}` so they are not read as ids.
    cfg.service(list_suppressions)
        .service(create_suppression)
        .service(import_suppressions)
        .service(export_suppressions)
        .service(delete_suppression);
}

pub(crate) fn api_suppression(s: Suppression) -> api::Suppression {
    api::Suppression {
        id: s.id,
        owner_id: s.owner_id,
        reason: s.reason.parse().unwrap_or(api::SuppressionReason::Manual),
        email: s.email,
        note: s.note,
        created_at: s.created_at,
    }
}

/// The caller's suppressed addresses (everyone's with `clients.view_all`), newest first.
#[utoipa::path(tag = "suppressions", security(("bearer" = [])), params(api::SuppressionListQuery),
    responses((status = 200, body = api::Page<api::Suppression>), (status = 401, body = api::Problem),
    (status = 422, body = api::Problem)))]
#[get("/suppressions")]
async fn list_suppressions(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::SuppressionListQuery>,
) -> Result<web::Json<api::Page<api::Suppression>>, ApiError> {
    let q = query.into_inner();
    let scope = caller.read_scope(Permission::ClientsViewAll, q.owner_id)?;
    let reason = match q.reason.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => Some(r.parse::<api::SuppressionReason>().map_err(|()| {
            FieldErrors::single(
                "reason",
                "must be unsubscribed, hard_bounce, soft_bounce, complaint or manual",
            )
        })?),
    };
    let page = PageRequest::new(q.page, q.per_page);
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        db::suppressions::list(conn, scope, q.q.as_deref(), reason, page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.into_iter().map(api_suppression),
        total,
    )))
}

/// Suppress an address by hand (reason `manual`). Runs skip it from now on.
#[utoipa::path(tag = "suppressions", security(("bearer" = [])), request_body = api::SuppressionInput, responses(
    (status = 201, body = api::Suppression), (status = 409, description = "already on the list (code `already_suppressed`)", body = api::Problem),
    (status = 422, body = api::Problem)))]
#[post("/suppressions")]
async fn create_suppression(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::SuppressionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut errors = FieldErrors::new();
    let email = errors.check("email", EmailAddress::parse(&input.email));
    if input
        .reason
        .is_some_and(|r| r != api::SuppressionReason::Manual)
    {
        errors.add(
            "reason",
            "only manual suppressions can be added here; the others come from unsubscribes and bounces",
        );
    }
    let note = input.note.trim().to_owned();
    if note.chars().count() > 500 || note.chars().any(char::is_control) {
        errors.add("note", "must be one line of at most 500 characters");
    }
    errors.finish()?;
    let email = email.expect("no field errors means the email parsed");
    let owner = caller.id;
    let created = db::run_blocking(&state.db, move |conn| {
        db::suppressions::insert(
            conn,
            owner,
            email.as_str(),
            api::SuppressionReason::Manual,
            &note,
        )
        .map_err(ApiError::from)
    })
    .await?;
    match created {
        Some(s) => Ok(HttpResponse::Created().json(api_suppression(s))),
        None => Err(
            ApiError::Conflict("this address is already on your suppression list".into())
                .with_code("already_suppressed"),
        ),
    }
}

/// Remove a suppression: the address may be mailed again (removing an unsubscribe also
/// clears the recipient's unsubscribed mark). Only the owner may.
#[utoipa::path(tag = "suppressions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Suppression id")),
    responses((status = 204), (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[delete("/suppressions/{id}")]
async fn delete_suppression(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run_blocking(&state.db, move |conn| {
        let owner = db::suppressions::find(conn, Scope::All(None), id)
            .map(|s| s.owner_id)
            .ok();
        caller.authorize_write(owner, Permission::ClientsViewAll)?;
        db::suppressions::delete(conn, caller.id, id).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Import suppressions from CSV (header `email,reason,note`; only `email` is required,
/// an empty reason is `manual`). Addresses already on the list keep their first reason;
/// bad lines are reported with their line numbers and the good ones still imported.
#[utoipa::path(tag = "suppressions", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "CSV with header email,reason,note"),
    responses((status = 200, body = api::SuppressionImportReport), (status = 400, body = api::Problem),
    (status = 413, body = api::Problem), (status = 415, body = api::Problem)))]
#[post("/suppressions/import")]
async fn import_suppressions(
    state: web::Data<AppState>,
    caller: AuthUser,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<web::Json<api::SuppressionImportReport>, ApiError> {
    super::csv::require_csv(&req)?;
    let report = suppressions::import(&state.db, caller.id, body.to_vec()).await?;
    Ok(web::Json(report))
}

/// The caller's suppression list as CSV (`email,reason,note,created_at`).
#[utoipa::path(tag = "suppressions", security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String)))]
#[get("/suppressions/export")]
async fn export_suppressions(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let owner = caller.id;
    let rows = db::run_blocking(&state.db, move |conn| {
        db::suppressions::all_for_owner(conn, owner).map_err(ApiError::from)
    })
    .await?;
    let csv = suppression_csv::export(&rows).map_err(ApiError::internal)?;
    Ok(super::csv::download("suppressions.csv", csv))
}
