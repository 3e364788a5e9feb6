//! HTTP handlers, one module per resource. Handlers are thin: parse, authorize, call
//! the domain or the db layer, map the result. Every handler carries `#[utoipa::path]`
//! and is registered through utoipa-actix-web, so a route cannot exist without its
//! OpenAPI entry.

pub mod auth;
pub mod clients;
pub mod csv;
pub mod health;
pub mod home;
pub mod http_cache;
pub mod mailings;
pub mod me;
pub mod media;
pub mod messages;
pub mod metrics;
pub mod paging;
pub mod posts;
pub mod roles;
pub mod security;
pub mod spa;
pub mod stats;
pub mod suppressions;
pub mod unsubscribe;
pub mod users;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn api_v1(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    me::configure(cfg);
    clients::configure(cfg);
    suppressions::configure(cfg);
    messages::configure(cfg);
    mailings::configure(cfg);
    users::configure(cfg);
    roles::configure(cfg);
    stats::configure(cfg);
    home::configure(cfg);
    posts::configure(cfg);
}

/// Routes outside `/api/v1` that belong in the OpenAPI document.
pub fn operational(cfg: &mut ServiceConfig) {
    health::configure(cfg);
    unsubscribe::configure(cfg);
    metrics::configure(cfg);
}
