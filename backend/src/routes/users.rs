//! The user console: list accounts, block and unblock them, assign roles.

use actix_web::{get, post, put, web, HttpResponse};
use herald_api_types as api;
use uuid::Uuid;

use super::paging;
use crate::{
    accounts, admin,
    auth::AuthUser,
    db::{self, users::UserFilter, PageRequest},
    domain::Permission,
    error::ApiError,
    routes::me::api_user,
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(block_user)
        .service(unblock_user)
        .service(set_user_role)
        .service(invite_user);
}

/// Invite someone (needs `roles.manage`): creates an unconfirmed account with the given
/// role and emails a single-use link to `/accept-invite?token=…`, where the invitee
/// chooses a password. Recorded in the audit log (`user.invite`). 409 `email_taken` when
/// an account already has the address; 422 for a bad address, name or unknown role.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = api::InviteRequest,
    responses((status = 201, body = api::User), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem),
    (status = 409, description = "the address already has an account (`email_taken`)", body = api::Problem),
    (status = 422, body = api::Problem)))]
#[post("/users/invite")]
async fn invite_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::InviteRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RolesManage)?;
    let (user, role) = accounts::invite(&state, caller.id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(api_user(&user, &role)))
}

/// Every account, newest first (needs `users.view`).
#[utoipa::path(tag = "users", security(("bearer" = [])), params(api::UserListQuery),
    responses((status = 200, body = api::Page<api::User>), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem)))]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::UserListQuery>,
) -> Result<web::Json<api::Page<api::User>>, ApiError> {
    caller.require(Permission::UsersView)?;
    let q = query.into_inner();
    let page = PageRequest::new(q.page, q.per_page);
    let filter = UserFilter {
        search: q.q,
        blocked: q.blocked,
    };
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        db::users::list(conn, &filter, page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.iter().map(|(u, r)| api_user(u, r)),
        total,
    )))
}

/// Block an account (needs `users.block`): its refresh tokens are revoked and its access
/// tokens are refused from the next request on. Recorded in the audit log. 409 for
/// one's own account; 403 when the account holds `roles.manage` and the caller does not.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = api::User), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "one's own account", body = api::Problem)))]
#[post("/users/{id}/block")]
async fn block_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::User>, ApiError> {
    caller.require(Permission::UsersBlock)?;
    let (user, role) = admin::set_blocked(&state, &caller, id.into_inner(), true).await?;
    Ok(web::Json(api_user(&user, &role)))
}

/// Unblock an account (needs `users.block`). Recorded in the audit log.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = api::User), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "one's own account", body = api::Problem)))]
#[post("/users/{id}/unblock")]
async fn unblock_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::User>, ApiError> {
    caller.require(Permission::UsersBlock)?;
    let (user, role) = admin::set_blocked(&state, &caller, id.into_inner(), false).await?;
    Ok(web::Json(api_user(&user, &role)))
}

/// Move an account to another role, by name (needs `roles.manage`). Recorded in the
/// audit log. 409 for one's own account; 422 for an unknown role.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")),
    request_body = api::SetRoleRequest,
    responses((status = 200, body = api::User), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, body = api::Problem), (status = 422, body = api::Problem)))]
#[put("/users/{id}/role")]
async fn set_user_role(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Json<api::SetRoleRequest>,
) -> Result<web::Json<api::User>, ApiError> {
    caller.require(Permission::RolesManage)?;
    let (user, role) =
        admin::set_role(&state, &caller, id.into_inner(), body.into_inner().role).await?;
    Ok(web::Json(api_user(&user, &role)))
}
