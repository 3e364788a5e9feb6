//! Roles, the permissions they can grant, and the audit log (all need `roles.manage`).

use actix_web::{delete, get, post, put, web, HttpResponse};
use herald_api_types as api;
use uuid::Uuid;

use super::paging;
use crate::{
    admin,
    auth::AuthUser,
    db::{self, audit::AuditFilter, users::Role, PageRequest},
    domain::{roles::describe, Permission},
    error::ApiError,
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_roles)
        .service(create_role)
        .service(update_role)
        .service(delete_role)
        .service(list_permissions)
        .service(audit_log);
}

fn api_role(role: Role, users: i64) -> api::Role {
    api::Role {
        id: role.id,
        name: role.name,
        permissions: role.permissions,
        builtin: role.builtin,
        users,
        created_at: role.created_at,
    }
}

/// Every role, built-in ones first, with how many users hold each.
#[utoipa::path(tag = "roles", security(("bearer" = [])),
    responses((status = 200, body = Vec<api::Role>), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem)))]
#[get("/roles")]
async fn list_roles(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<web::Json<Vec<api::Role>>, ApiError> {
    caller.require(Permission::RolesManage)?;
    let rows = db::run_blocking(&state.db, |conn| {
        db::roles::list_with_counts(conn).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(
        rows.into_iter().map(|(r, n)| api_role(r, n)).collect(),
    ))
}

/// Create a custom role. 409 when the name is taken; 422 for a bad name or an unknown
/// permission.
#[utoipa::path(tag = "roles", security(("bearer" = [])), request_body = api::RoleInput,
    responses((status = 201, body = api::Role), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 409, body = api::Problem),
    (status = 422, body = api::Problem)))]
#[post("/roles")]
async fn create_role(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::RoleInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RolesManage)?;
    let (role, users) = admin::create_role(&state, &caller, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(api_role(role, users)))
}

/// Rename a custom role and replace its permissions. Built-in roles answer 409.
#[utoipa::path(tag = "roles", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Role id")),
    request_body = api::RoleInput,
    responses((status = 200, body = api::Role), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "built-in role, or name taken", body = api::Problem),
    (status = 422, body = api::Problem)))]
#[put("/roles/{id}")]
async fn update_role(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Json<api::RoleInput>,
) -> Result<web::Json<api::Role>, ApiError> {
    caller.require(Permission::RolesManage)?;
    let (role, users) =
        admin::update_role(&state, &caller, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(api_role(role, users)))
}

/// Delete a custom role nobody holds. Built-in roles and roles in use answer 409.
#[utoipa::path(tag = "roles", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Role id")),
    responses((status = 204), (status = 401, body = api::Problem), (status = 403, body = api::Problem),
    (status = 404, body = api::Problem),
    (status = 409, description = "built-in role, or still assigned", body = api::Problem)))]
#[delete("/roles/{id}")]
async fn delete_role(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RolesManage)?;
    admin::delete_role(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The permissions a role can grant (the fixed set built into Herald).
#[utoipa::path(tag = "roles", security(("bearer" = [])),
    responses((status = 200, body = Vec<api::PermissionInfo>), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem)))]
#[get("/permissions")]
async fn list_permissions(
    caller: AuthUser,
) -> Result<web::Json<Vec<api::PermissionInfo>>, ApiError> {
    caller.require(Permission::RolesManage)?;
    Ok(web::Json(
        Permission::ALL
            .into_iter()
            .map(|p| api::PermissionInfo {
                name: p.as_str().to_owned(),
                description: describe(p).to_owned(),
            })
            .collect(),
    ))
}

/// Administrative actions (blocks, unblocks, role changes), newest first.
#[utoipa::path(tag = "roles", security(("bearer" = [])), params(api::AuditLogQuery),
    responses((status = 200, body = api::Page<api::AuditEntry>), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem)))]
#[get("/audit-log")]
async fn audit_log(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::AuditLogQuery>,
) -> Result<web::Json<api::Page<api::AuditEntry>>, ApiError> {
    caller.require(Permission::RolesManage)?;
    let q = query.into_inner();
    let page = PageRequest::new(q.page, q.per_page);
    let filter = AuditFilter {
        target_user_id: q.target_user_id,
        action: q.action.filter(|a| !a.trim().is_empty()),
    };
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        db::audit::list(conn, &filter, page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.into_iter().map(|e| api::AuditEntry {
            id: e.row.id,
            actor_id: e.row.actor_id,
            actor_email: e.actor_email,
            action: e.row.action,
            target_user_id: e.row.target_user_id,
            target_email: e.target_email,
            details: e.row.details,
            created_at: e.row.created_at,
        }),
        total,
    )))
}
