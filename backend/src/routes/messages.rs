//! Message templates: CRUD and search.

use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::Utc;
use herald_api_types as api;
use uuid::Uuid;

use super::paging;
use crate::{
    auth::AuthUser,
    db::{
        self,
        messages::{MessageChanges, NewMessage},
        PageRequest,
    },
    domain::{sorting, template::MessageTemplate, Permission},
    error::{ApiError, FieldErrors},
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_messages)
        .service(create_message)
        .service(get_message)
        .service(update_message)
        .service(delete_message);
}

pub(crate) fn api_message(m: db::messages::Message) -> api::Message {
    api::Message {
        id: m.id,
        owner_id: m.owner_id,
        subject: m.subject,
        body: m.body,
        html_body: m.html_body,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn parse_input(mut input: api::MessageInput) -> Result<api::MessageInput, ApiError> {
    let mut errors = FieldErrors::new();
    input.subject = input.subject.trim().to_owned();
    errors.merge_validator(validator::Validate::validate(&input));
    if input.subject.contains(['\r', '\n']) {
        errors.add("subject", "must be a single line");
    }
    input.html_body = input.html_body.filter(|h| !h.trim().is_empty());
    if errors.is_empty() {
        // A template that does not compile is refused now, not at send time.
        match MessageTemplate::compile(&input.subject, &input.body, input.html_body.as_deref()) {
            Err((field, e)) => errors.add(field, e.to_string()),
            // A misspelled placeholder would be sent as a blank ("Dear ,"): refused.
            Ok(template) => {
                for unknown in template.unknown_placeholders() {
                    errors.add_coded(unknown.field, "unknown_placeholder", unknown.to_string());
                }
            }
        }
    }
    errors.finish()?;
    Ok(input)
}

/// The caller's messages (everyone's with `messages.view_all`), newest first.
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(api::MessageListQuery),
    responses((status = 200, body = api::Page<api::Message>), (status = 401, body = api::Problem)))]
#[get("/messages")]
async fn list_messages(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<api::MessageListQuery>,
) -> Result<web::Json<api::Page<api::Message>>, ApiError> {
    let q = query.into_inner();
    let scope = caller.read_scope(Permission::MessagesViewAll, q.owner_id)?;
    let sort = sorting::parse::<sorting::MessageSort>(q.sort.as_deref(), q.order.as_deref())
        .map_err(ApiError::Validation)?;
    let page = PageRequest::new(q.page, q.per_page);
    let (rows, total) = db::run_blocking(&state.db, move |conn| {
        db::messages::list(conn, scope, q.q.as_deref(), sort, page).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(paging::page_of(
        page,
        rows.into_iter().map(api_message),
        total,
    )))
}

/// Create a message.
#[utoipa::path(tag = "messages", security(("bearer" = [])), request_body = api::MessageInput,
    responses((status = 201, body = api::Message), (status = 422, body = api::Problem)))]
#[post("/messages")]
async fn create_message(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::MessageInput>,
) -> Result<HttpResponse, ApiError> {
    let input = parse_input(body.into_inner())?;
    let owner = caller.id;
    let message = db::run_blocking(&state.db, move |conn| {
        db::messages::insert(
            conn,
            &NewMessage {
                id: Uuid::new_v4(),
                owner_id: owner,
                subject: &input.subject,
                body: &input.body,
                html_body: input.html_body.as_deref(),
            },
        )
        .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created().json(api_message(message)))
}

/// One message (404 unless it is the caller's, or the caller has `messages.view_all`).
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Message id")),
    responses((status = 200, body = api::Message), (status = 404, body = api::Problem)))]
#[get("/messages/{id}")]
async fn get_message(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Message>, ApiError> {
    let scope = caller.read_scope(Permission::MessagesViewAll, None)?;
    let id = id.into_inner();
    let m = db::run_blocking(&state.db, move |conn| {
        db::messages::find(conn, scope, id).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(api_message(m)))
}

/// Replace a message's subject and bodies.
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Message id")),
    request_body = api::MessageInput, responses((status = 200, body = api::Message), (status = 403, body = api::Problem),
    (status = 404, body = api::Problem), (status = 422, body = api::Problem)))]
#[put("/messages/{id}")]
async fn update_message(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Json<api::MessageInput>,
) -> Result<web::Json<api::Message>, ApiError> {
    let id = id.into_inner();
    let input = parse_input(body.into_inner())?;
    let m = db::run_blocking(&state.db, move |conn| {
        caller.authorize_write(
            db::messages::owner_of(conn, id)?,
            Permission::MessagesViewAll,
        )?;
        let changes = MessageChanges {
            subject: &input.subject,
            body: &input.body,
            html_body: input.html_body.as_deref(),
            updated_at: Utc::now(),
        };
        db::messages::update(conn, caller.id, id, &changes).map_err(ApiError::from)
    })
    .await?;
    Ok(web::Json(api_message(m)))
}

/// Delete a message; 409 `message_in_use` while a mailing uses it, naming the mailings
/// (in `detail`, and by id and name in `used_by`, at most 10).
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Message id")),
    responses((status = 204), (status = 403, body = api::Problem), (status = 404, body = api::Problem),
    (status = 409, description = "used by a mailing (`message_in_use`, with `used_by`)", body = api::Problem)))]
#[delete("/messages/{id}")]
async fn delete_message(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run_blocking(&state.db, move |conn| {
        caller.authorize_write(
            db::messages::owner_of(conn, id)?,
            Permission::MessagesViewAll,
        )?;
        let users = db::messages::used_by(conn, id, USED_BY_SHOWN)?;
        if !users.is_empty() {
            return Err(in_use(users));
        }
        db::messages::delete(conn, caller.id, id).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mailings named in a `message_in_use` answer at most.
const USED_BY_SHOWN: i64 = 10;

/// The 409 of a message that mailings still use, naming them.
fn in_use(mailings: Vec<(Uuid, String)>) -> ApiError {
    let names: Vec<String> = mailings.iter().map(|(_, n)| format!("\"{n}\"")).collect();
    let detail = match names.as_slice() {
        [one] => {
            format!("the message is used by the mailing {one}; delete or change that mailing first")
        }
        many => format!(
            "the message is used by the mailings {}; delete or change them first",
            many.join(", ")
        ),
    };
    let used_by = mailings
        .into_iter()
        .map(|(id, name)| api::UsedBy {
            kind: "mailing".into(),
            id,
            name,
        })
        .collect();
    ApiError::InUse(detail, used_by).with_code("message_in_use")
}
