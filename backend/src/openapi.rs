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
        (name = "suppressions", description = "Addresses an owner's mailings never go to (unsubscribed, bounced, complained, added by hand)"),
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
    let (_, mut api) =
        register(App::new().into_utoipa_app().openapi(ApiDoc::openapi())).split_for_parts();
    describe_responses(&mut api);
    link_created_resources(&mut api);
    api
}

/// OpenAPI links from each `POST /things` answer (201, with the new row's `id`) to the
/// operations on `/things/{id}...`: clients and API fuzzers (schemathesis's stateful phase)
/// can follow them to a row that exists rather than guess ids.
fn link_created_resources(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{link::LinkBuilder, RefOr};
    let targets: Vec<(String, Vec<String>)> = api
        .paths
        .paths
        .iter()
        .filter(|(_, item)| {
            item.post
                .as_ref()
                .is_some_and(|op| op.responses.responses.contains_key("201"))
        })
        .map(|(collection, _)| {
            let member = format!("{collection}/{{id}}");
            let operation_ids = api
                .paths
                .paths
                .iter()
                .filter(|(path, _)| *path == &member || path.starts_with(&format!("{member}/")))
                .flat_map(|(_, item)| {
                    [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                        .into_iter()
                        .flatten()
                        .filter_map(|op| op.operation_id.clone())
                })
                .collect();
            (collection.clone(), operation_ids)
        })
        .collect();
    for (collection, operation_ids) in targets {
        let Some(RefOr::T(created)) = api
            .paths
            .paths
            .get_mut(&collection)
            .and_then(|item| item.post.as_mut())
            .and_then(|op| op.responses.responses.get_mut("201"))
        else {
            continue;
        };
        for operation_id in operation_ids {
            let link = LinkBuilder::new()
                .operation_id(&operation_id)
                .parameter("id", "$response.body#/id")
                .build();
            created.links.insert(operation_id, RefOr::T(link));
        }
    }
}

/// Two touches utoipa cannot express per route:
/// - OpenAPI requires a description on every response; utoipa leaves it out unless the
///   route gives one. The status's reason phrase ("Not Found") stands in for those.
/// - Every error answer is RFC 7807 `application/problem+json` (see `error.rs`), while
///   `body = api::Problem` documents `application/json`.
fn describe_responses(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response {
                    let error = status.starts_with('4') || status.starts_with('5');
                    if error {
                        if let Some(json) = response.content.shift_remove("application/json") {
                            response
                                .content
                                .insert(crate::error::PROBLEM_JSON.to_owned(), json);
                        }
                    }
                    if response.description.is_empty() {
                        response.description = status
                            .parse::<u16>()
                            .ok()
                            .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or("Response")
                            .to_owned();
                    }
                }
            }
        }
    }
}

pub fn document_json() -> String {
    document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
        + "\n"
}
