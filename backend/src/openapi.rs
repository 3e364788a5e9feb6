//! The OpenAPI document, assembled from the same route registrations the server uses
//! (utoipa-actix-web), plus the bearer security scheme. `herald openapi` prints it,
//! `/api-docs/openapi.json` serves it, Swagger UI renders it from files built into
//! the binary (no CDN), and a test keeps `openapi/openapi.json` in step.

use actix_web::App;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Herald", description = "Self-hosted email mailings: recipients, messages, scheduled mailings, delivery log, statistics."),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign-up, verification, sign-in, tokens, password reset"),
        (name = "account", description = "The signed-in user's profile"),
        (name = "clients", description = "Mailing recipients"),
        (name = "messages", description = "Message templates"),
        (name = "mailings", description = "Mailings, runs and the delivery attempt log"),
        (name = "unsubscribe", description = "Recipients' unsubscribe links (RFC 8058)"),
        (name = "users", description = "User administration: listing, blocking, roles"),
        (name = "roles", description = "Roles, permissions and the audit log"),
        (name = "stats", description = "Delivery statistics"),
        (name = "home", description = "The public home page"),
        (name = "posts", description = "The blog"),
        (name = "health", description = "Probes"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub const API_PREFIX: &str = "/api/v1";

/// Registers the documented routes on a utoipa-aware app. The server and
/// [`document`] both call this, so they cannot disagree.
pub fn register<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Error = actix_web::Error,
        InitError = (),
    >,
{
    app.service(
        utoipa_actix_web::scope(API_PREFIX)
            .configure(routes::api_v1)
            .default_service(actix_web::web::to(crate::error::api_not_found)),
    )
    .configure(routes::operational)
}

pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) =
        register(App::new().into_utoipa_app().openapi(ApiDoc::openapi())).split_for_parts();
    api
}

pub fn document_json() -> String {
    document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
        + "\n"
}
