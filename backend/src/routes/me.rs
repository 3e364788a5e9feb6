//! The caller's own account.

use actix_web::{get, patch, web};
use herald_api_types as api;

use crate::{accounts, auth::AuthUser, db, error::ApiError, state::AppState};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_me).service(update_me);
}

pub(crate) fn api_user(user: &db::users::User, role: &db::users::Role) -> api::User {
    api::User {
        id: user.id,
        email: user.email.clone(),
        full_name: user.full_name.clone(),
        role: role.name.clone(),
        permissions: crate::domain::PermissionSet::from_names(&role.permissions).names(),
        email_verified: user.email_verified_at.is_some(),
        blocked: user.blocked_at.is_some(),
        time_zone: user.time_zone.clone(),
        created_at: user.created_at,
    }
}

/// The signed-in user.
#[utoipa::path(tag = "account", security(("bearer" = [])),
    responses((status = 200, body = api::User), (status = 401, body = api::Problem)))]
#[get("/me")]
async fn get_me(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<web::Json<api::User>, ApiError> {
    let id = caller.id;
    let (user, role) = db::run_blocking(&state.db, move |conn| {
        db::users::find_with_role(conn, id).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(api_user(&user, &role)))
}

/// Change one's name and/or password (the current password is required for the latter;
/// a password change signs out every other session).
#[utoipa::path(tag = "account", security(("bearer" = [])), request_body = api::UpdateMeRequest,
    responses((status = 200, body = api::User), (status = 401, body = api::Problem), (status = 422, body = api::Problem)))]
#[patch("/me")]
async fn update_me(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::UpdateMeRequest>,
) -> Result<web::Json<api::User>, ApiError> {
    let (user, role) = accounts::update_me(&state, caller.id, body.into_inner()).await?;
    Ok(web::Json(api_user(&user, &role)))
}
