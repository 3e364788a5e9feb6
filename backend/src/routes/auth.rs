//! Sign-up, verification, sign-in, token rotation and password reset.
//!
//! The refresh token travels in the JSON answer and in the `herald_refresh` cookie
//! (HttpOnly: a script injected into the SPA cannot read it; SameSite=Strict and a path
//! of `/api/v1/auth`: no other site and no other route ever sends it). `/auth/refresh`
//! and `/auth/logout` take the body's token when there is one, else the cookie's.

use actix_web::{
    cookie::{time, Cookie, SameSite},
    post, web, HttpRequest, HttpResponse, HttpResponseBuilder,
};
use herald_api_types as api;

use crate::{
    accounts, auth::throttle, config::Settings, error::ApiError, routes::me::api_user,
    state::AppState,
};

/// The refresh token's cookie.
pub const REFRESH_COOKIE: &str = "herald_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

fn refresh_cookie(settings: &Settings, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        // Over plain http (development) a Secure cookie would never come back.
        .secure(settings.public_url.starts_with("https://"))
        .max_age(max_age)
        .finish()
}

/// A token pair answer that also sets the refresh cookie.
fn pair_response(settings: &Settings, pair: api::TokenPair) -> HttpResponse {
    let max_age =
        time::Duration::try_from(settings.refresh_token_ttl).unwrap_or(time::Duration::days(30));
    let cookie = refresh_cookie(settings, pair.refresh_token.clone(), max_age);
    no_store(HttpResponse::Ok()).cookie(cookie).json(pair)
}

/// Answers carrying tokens must not be kept by any cache.
fn no_store(mut res: HttpResponseBuilder) -> HttpResponseBuilder {
    res.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    res
}

/// The body's refresh token, else the cookie's.
fn presented_token(req: &HttpRequest, body: api::RefreshRequest) -> Option<String> {
    body.refresh_token
        .filter(|t| !t.trim().is_empty())
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(verify_email)
        .service(resend_verification)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(password_reset)
        .service(password_reset_confirm)
        .service(accept_invite);
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

/// Send a fresh verification link (always 202, at once, so accounts cannot be
/// enumerated; at most one email per address per minute and five per hour).
#[utoipa::path(tag = "auth", request_body = api::EmailRequest, responses((status = 202)))]
#[post("/auth/resend-verification")]
async fn resend_verification(
    state: web::Data<AppState>,
    body: web::Json<api::EmailRequest>,
) -> HttpResponse {
    accounts::resend_verification(&state, body.into_inner().email);
    HttpResponse::Accepted().finish()
}

/// Exchange email and password for a token pair.
#[utoipa::path(tag = "auth", request_body = api::LoginRequest, responses(
    (status = 200, body = api::TokenPair),
    (status = 401, description = "wrong email or password", body = api::Problem),
    (status = 403, description = "email not verified, or account blocked (only with the right password)", body = api::Problem),
    (status = 429, description = "too many failed tries from this IP, for this account from this IP, or password checks at capacity (Retry-After)", body = api::Problem)))]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<api::LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ip = throttle::client_ip(&req, &state.settings.login_throttle);
    let pair = accounts::login(&state, body.email, body.password, ip).await?;
    Ok(pair_response(&state.settings, pair))
}

/// Rotate a refresh token (from the body, else the `herald_refresh` cookie): the old one
/// stops working, a new pair is returned and the cookie updated.
#[utoipa::path(tag = "auth", request_body = api::RefreshRequest, responses(
    (status = 200, body = api::TokenPair),
    (status = 401, description = "no token, or an invalid, expired or used one", body = api::Problem)))]
#[post("/auth/refresh")]
async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<api::RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let Some(token) = presented_token(&req, body.into_inner()) else {
        return Err(accounts::AccountError::BadRefreshToken.into());
    };
    let pair = accounts::refresh(&state, token).await?;
    Ok(pair_response(&state.settings, pair))
}

/// Revoke a refresh token (from the body, else the cookie) and clear the cookie. A token
/// that was already rotated revokes its whole login. Always 204.
#[utoipa::path(tag = "auth", request_body = api::RefreshRequest, responses((status = 204)))]
#[post("/auth/logout")]
async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<api::RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = presented_token(&req, body.into_inner()) {
        accounts::logout(&state, token).await?;
    }
    let gone = refresh_cookie(&state.settings, String::new(), time::Duration::ZERO);
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Email a password-reset link if the account exists (always 202, at once; at most one
/// email per address per minute and five per hour).
#[utoipa::path(tag = "auth", request_body = api::EmailRequest, responses((status = 202)))]
#[post("/auth/password-reset")]
async fn password_reset(
    state: web::Data<AppState>,
    body: web::Json<api::EmailRequest>,
) -> HttpResponse {
    accounts::request_password_reset(&state, body.into_inner().email);
    HttpResponse::Accepted().finish()
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

/// Accept an invitation: set the password with the token from the invitation link. The
/// account is confirmed, with the role the administrator gave; then sign in as usual.
#[utoipa::path(tag = "auth", request_body = api::AcceptInviteRequest, responses(
    (status = 204),
    (status = 400, description = "unknown, used or expired token (`invalid_token`)", body = api::Problem),
    (status = 422, description = "weak password (`weak_password`)", body = api::Problem)))]
#[post("/auth/accept-invite")]
async fn accept_invite(
    state: web::Data<AppState>,
    body: web::Json<api::AcceptInviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    accounts::accept_invite(&state, body.token, body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}
