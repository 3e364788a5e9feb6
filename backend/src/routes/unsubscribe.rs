//! Unsubscribe links: `GET /u/{token}` shows a confirmation page with a button;
//! `POST /u/{token}` unsubscribes (RFC 8058 one-click: mail clients POST
//! `List-Unsubscribe=One-Click` here without any page). Tokens are random per client
//! and reveal nothing about ids.

use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;

use crate::{
    db::{self, schema::clients},
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
    let unsubscribed: Option<Option<chrono::DateTime<Utc>>> =
        db::run_blocking(&state.db, move |conn| {
            clients::table
                .filter(clients::unsubscribe_token.eq(&t))
                .select(clients::unsubscribed_at)
                .first(conn)
                .optional()
                .map_err(ApiError::from)
        })
        .await?;
    match unsubscribed {
        None => Err(ApiError::NotFound),
        Some(Some(_)) => Ok(page("Unsubscribed", "<h1>You are unsubscribed</h1><p>You will not receive these emails any more.</p>")),
        Some(None) => Ok(page(
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
        diesel::update(clients::table.filter(clients::unsubscribe_token.eq(&token)))
            .set(clients::unsubscribed_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("coalesce(unsubscribed_at, now())")))
            .execute(conn)
            .map_err(ApiError::from)
    })
    .await?;
    if found == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(page(
        "Unsubscribed",
        "<h1>You are unsubscribed</h1><p>You will not receive these emails any more.</p>",
    ))
}
