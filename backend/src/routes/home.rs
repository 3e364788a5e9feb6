//! The public home page.

use actix_web::{get, web, HttpRequest, HttpResponse};
use herald_api_types as api;

use crate::{
    cache::Namespace,
    db,
    error::ApiError,
    routes::{http_cache, posts::api_post},
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(home);
}

/// Service-wide figures and three random published posts, for everyone. Cached in Redis
/// until something it shows changes (or a minute passes: the random pick changes then),
/// and in browsers and proxies for 30 s; `If-None-Match` answers 304.
#[utoipa::path(tag = "home", responses((status = 200, body = api::HomePage),
    (status = 304, description = "unchanged (If-None-Match)")))]
#[get("/home")]
async fn home(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let body = state
        .cache
        .json(Namespace::Home, "page", || async move {
            let (figures, posts) = db::run_blocking(&db, |conn| {
                let figures = db::stats::home_figures(conn)?;
                let posts = db::posts::random_published(conn, 3)?;
                Ok::<_, ApiError>((figures, posts))
            })
            .await?;
            Ok(api::HomePage {
                mailings_total: figures.mailings_total,
                mailings_active: figures.mailings_active,
                unique_recipients: figures.unique_recipients,
                random_posts: posts.into_iter().map(api_post).collect(),
            })
        })
        .await?;
    Ok(http_cache::json(&req, body, http_cache::PUBLIC_SHORT))
}
