//! Recipients ("clients"): CRUD, search, CSV import and export.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use herald_api_types as api;
use uuid::Uuid;

use super::paging;
use crate::{
    auth::{tokens, AuthUser},
    db::{
        self,
        clients::{ClientChanges, NewClient},
        PageRequest,
    },
    domain::{imports, sorting, EmailAddress, Permission},
    error::{ApiError, FieldErrors},
    recipients,
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // `import` and `export` before `{id}` so they are not read as ids.
    cfg.service(list_clients)
        .service(create_client)
        .service(import_clients)
        .service(export_clients)
        .service(get_client)
        .service(update_client)
        .service(delete_client);
}

pub(crate) fn api_client(c: db::clients::Client) -> api::Client {
    api::Client {
        id: c.id,
        owner_id: c.owner_id,
        email: c.email,
        full_name: c.full_name,
        comment: c.comment,
        unsubscribed: c.unsubscribed_at.is_some(),
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

/// The validated form of `ClientInput`.
struct ValidClient {
    email: EmailAddress,
    full_name: String,
    comment: String,
}

fn parse_input(input: api::ClientInput) -> Result<ValidClient, ApiError> {
    let mut errors = FieldErrors::new();
    errors.merge_validator(validator::Validate::validate(&input));
    let email = errors.check("email", EmailAddress::parse(&input.email));
    errors.finish()?;
    Ok(ValidClient {
        email: email.expect("no field errors means the email parsed"),
        full_name: input.full_name.trim().to_owned(),
        comment: input.comment.trim().to_owned(),
    })
}

/// The caller's recipients (everyone's with `clients.view_all`), newest first.
#[utoipa::path(tag = "clients", security(("bearer" = [])), params(api::ClientListQuery),
    responses((status = 200, body = api::Page<api::Client>), (status = 401, body = api::Problem)))]
#[get("/clients")]
async fn list_clients(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::ClientListQuery>,
) -> Result<web::Json<api::Page<api::Client>>, ApiError> {
    let q = query.into_inner();
    let scope = caller.read_scope(Permission::ClientsViewAll, q.owner_id)?;
    let sort = sorting::parse::<sorting::ClientSort>(q.sort.as_deref(), q.order.as_deref())
        .map_err(ApiError::Validation)?;
    let page = PageRequest::new(q.page, q.per_page);
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        db::clients::list(conn, scope, q.q.as_deref(), sort, page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.into_iter().map(api_client),
        total,
    )))
}

/// Add a recipient to the caller's list.
#[utoipa::path(tag = "clients", security(("bearer" = [])), request_body = api::ClientInput, responses(
    (status = 201, body = api::Client), (status = 409, description = "email already in the list", body = api::Problem),
    (status = 422, body = api::Problem)))]
#[post("/clients")]
async fn create_client(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::ClientInput>,
) -> Result<HttpResponse, ApiError> {
    let input = parse_input(body.into_inner())?;
    let owner = caller.id;
    let client = db::run_blocking(&state.db, move |conn| {
        let token = tokens::random_token();
        db::clients::insert(
            conn,
            &NewClient {
                id: Uuid::new_v4(),
                owner_id: owner,
                email: input.email.as_str(),
                full_name: &input.full_name,
                comment: &input.comment,
                unsubscribe_token: &token,
            },
        )
        .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created().json(api_client(client)))
}

/// One recipient (404 unless it is the caller's, or the caller has `clients.view_all`).
#[utoipa::path(tag = "clients", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Recipient id")),
    responses((status = 200, body = api::Client), (status = 404, body = api::Problem)))]
#[get("/clients/{id}")]
async fn get_client(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Client>, ApiError> {
    let scope = caller.read_scope(Permission::ClientsViewAll, None)?;
    let id = id.into_inner();
    let client = db::run_blocking(&state.db, move |conn| {
        db::clients::find(conn, scope, id).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(api_client(client)))
}

/// Replace a recipient's email, name and comment.
#[utoipa::path(tag = "clients", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Recipient id")),
    request_body = api::ClientInput, responses((status = 200, body = api::Client), (status = 403, body = api::Problem),
    (status = 404, body = api::Problem), (status = 409, body = api::Problem), (status = 422, body = api::Problem)))]
#[put("/clients/{id}")]
async fn update_client(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Json<api::ClientInput>,
) -> Result<web::Json<api::Client>, ApiError> {
    let id = id.into_inner();
    let input = parse_input(body.into_inner())?;
    let client = db::run_blocking(&state.db, move |conn| {
        caller.authorize_write(db::clients::owner_of(conn, id)?, Permission::ClientsViewAll)?;
        let changes = ClientChanges {
            email: input.email.as_str(),
            full_name: &input.full_name,
            comment: &input.comment,
            updated_at: Utc::now(),
        };
        db::clients::update(conn, caller.id, id, &changes).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(api_client(client)))
}

/// Delete a recipient. Past attempts keep the email address.
#[utoipa::path(tag = "clients", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Recipient id")),
    responses((status = 204), (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[delete("/clients/{id}")]
async fn delete_client(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run_blocking(&state.db, move |conn| {
        caller.authorize_write(db::clients::owner_of(conn, id)?, Permission::ClientsViewAll)?;
        db::clients::delete(conn, caller.id, id).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Import recipients from CSV (header `email,full_name,comment`; only `email` is
/// required). Upserts by email; every bad line is reported with its line number and
/// the good lines are still imported.
#[utoipa::path(tag = "clients", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "CSV with header email,full_name,comment"),
    responses((status = 200, body = api::ImportReport), (status = 400, body = api::Problem),
    (status = 413, body = api::Problem), (status = 415, body = api::Problem)))]
#[post("/clients/import")]
async fn import_clients(
    state: web::Data<AppState>,
    caller: AuthUser,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<web::Json<api::ImportReport>, ApiError> {
    super::csv::require_csv(&req)?;
    let report = recipients::import(&state.db, caller.id, body.to_vec()).await?;
    Ok(web::Json(report))
}

/// The caller's recipients as CSV (`email,full_name,comment,unsubscribed`).
#[utoipa::path(tag = "clients", security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String)))]
#[get("/clients/export")]
async fn export_clients(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let owner = caller.id;
    let rows = db::run_blocking(&state.db, move |conn| {
        db::clients::all_for_owner(conn, owner).map_err(ApiError::from)
    })
    .await?;
    let csv = imports::export_csv(&rows).map_err(ApiError::internal)?;
    Ok(super::csv::download("clients.csv", csv))
}
