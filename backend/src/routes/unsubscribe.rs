//! Unsubscribe links: `GET /u/{token}` shows a confirmation page with a button;
//! `POST /u/{token}` unsubscribes (RFC 8058 one-click: mail clients POST
//! `List-Unsubscribe=One-Click` here without any page). Tokens are random per client
//! and reveal nothing about ids.

use actix_web::{get, post, web, HttpResponse};

use crate::{
    db::{self, suppressions::TokenState},
    error::ApiError,
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(unsubscribe_page).service(unsubscribe);
}

fn page(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
             <title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}}\
             button{{font-size:1rem;padding:.6rem 1.2rem}}</style></head><body>{body}</body></html>"
        ))
}

fn valid_token(token: &str) -> bool {
    (20..=100).contains(&token.len())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Confirmation page for an unsubscribe link.
#[utoipa::path(tag = "unsubscribe", params(("token" = String, Path, description = "Unsubscribe token from the email")),
    responses((status = 200, description = "HTML page"), (status = 404, body = herald_api_types::Problem)))]
#[get("/u/{token}")]
async fn unsubscribe_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    if !valid_token(&token) {
        return Err(ApiError::NotFound);
    }
    let t = token.clone();
    let state_ = db::run_blocking(&state.db, move |conn| {
        db::suppressions::token_state(conn, &t).map_err(ApiError::from)
    })
    .await?;
    match state_ {
        TokenState::Unknown => Err(ApiError::NotFound),
        TokenState::Unsubscribed => Ok(page("Unsubscribed", "<h1>You are unsubscribed</h1><p>You will not receive these emails any more.</p>")),
        TokenState::Subscribed => Ok(page(
            "Unsubscribe",
            &format!(
                "<h1>Unsubscribe?</h1><p>Stop receiving these emails.</p>\
                 <form method=\"post\" action=\"/u/{token}\"><button type=\"submit\">Unsubscribe</button></form>"
            ),
        )),
    }
}

/// Unsubscribe (one-click, RFC 8058). Idempotent.
#[utoipa::path(tag = "unsubscribe", params(("token" = String, Path, description = "Unsubscribe token from the email")),
    responses((status = 200, description = "HTML confirmation"), (status = 404, body = herald_api_types::Problem)))]
#[post("/u/{token}")]
async fn unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    if !valid_token(&token) {
        return Err(ApiError::NotFound);
    }
    let found = db::run_blocking(&state.db, move |conn| {
        db::suppressions::unsubscribe_by_token(conn, &token).map_err(ApiError::from)
    })
    .await?;
    if !found {
        return Err(ApiError::NotFound);
    }
    Ok(page(
        "Unsubscribed",
        "<h1>You are unsubscribed</h1><p>You will not receive these emails any more.</p>",
    ))
}
