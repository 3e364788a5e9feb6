//! Sign-up, verification, sign-in, token rotation and password reset.

use actix_web::{post, web, HttpRequest, HttpResponse};
use herald_api_types as api;

use crate::{accounts, auth::throttle, error::ApiError, routes::me::api_user, state::AppState};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(verify_email)
        .service(resend_verification)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(password_reset)
        .service(password_reset_confirm);
}

/// Create an account; a verification link is emailed to the address.
#[utoipa::path(tag = "auth", request_body = api::RegisterRequest, responses(
    (status = 201, body = api::User), (status = 409, body = api::Problem), (status = 422, body = api::Problem)))]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    body: web::Json<api::RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let (user, role) = accounts::register(&state, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(api_user(&user, &role)))
}

/// Confirm an email address with the token from the emailed link.
#[utoipa::path(tag = "auth", request_body = api::TokenRequest, responses(
    (status = 204), (status = 400, description = "unknown, used or expired token", body = api::Problem)))]
#[post("/auth/verify-email")]
async fn verify_email(
    state: web::Data<AppState>,
    body: web::Json<api::TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::verify_email(&state, body.into_inner().token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a fresh verification link (always 202, so accounts cannot be enumerated).
#[utoipa::path(tag = "auth", request_body = api::EmailRequest, responses((status = 202)))]
#[post("/auth/resend-verification")]
async fn resend_verification(
    state: web::Data<AppState>,
    body: web::Json<api::EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::resend_verification(&state, body.into_inner().email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Exchange email and password for a token pair.
#[utoipa::path(tag = "auth", request_body = api::LoginRequest, responses(
    (status = 200, body = api::TokenPair),
    (status = 401, description = "wrong email or password", body = api::Problem),
    (status = 403, description = "email not verified, or account blocked (only with the right password)", body = api::Problem),
    (status = 429, description = "too many failed tries", body = api::Problem)))]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<api::LoginRequest>,
) -> Result<web::Json<api::TokenPair>, ApiError> {
    let body = body.into_inner();
    let ip = throttle::client_ip(&req, &state.settings.login_throttle);
    Ok(web::Json(
        throttle::login(&state, body.email, body.password, ip).await?,
    ))
}

/// Rotate a refresh token: the old one stops working, a new pair is returned.
#[utoipa::path(tag = "auth", request_body = api::RefreshRequest, responses(
    (status = 200, body = api::TokenPair), (status = 401, body = api::Problem)))]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<api::RefreshRequest>,
) -> Result<web::Json<api::TokenPair>, ApiError> {
    Ok(web::Json(
        accounts::refresh(&state, body.into_inner().refresh_token).await?,
    ))
}

/// Revoke a refresh token.
#[utoipa::path(tag = "auth", request_body = api::RefreshRequest, responses((status = 204)))]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    body: web::Json<api::RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::logout(&state, body.into_inner().refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Email a password-reset link if the account exists (always 202).
#[utoipa::path(tag = "auth", request_body = api::EmailRequest, responses((status = 202)))]
#[post("/auth/password-reset")]
async fn password_reset(
    state: web::Data<AppState>,
    body: web::Json<api::EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::request_password_reset(&state, body.into_inner().email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with the token from the reset link; every session is signed out.
#[utoipa::path(tag = "auth", request_body = api::PasswordResetConfirm, responses(
    (status = 204), (status = 400, body = api::Problem), (status = 422, body = api::Problem)))]
#[post("/auth/password-reset/confirm")]
async fn password_reset_confirm(
    state: web::Data<AppState>,
    body: web::Json<api::PasswordResetConfirm>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    accounts::confirm_password_reset(&state, body.token, body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}
