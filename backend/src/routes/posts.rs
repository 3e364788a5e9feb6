//! The blog: public list and posts, writing (`posts.write`), publishing (`posts.publish`)
//! and images.
//!
//! Views: every `GET /posts/{id}` of a published post adds one view with a single
//! `UPDATE ... SET views = views + 1 ... RETURNING`, so concurrent readers never lose a
//! count. A conditional GET answered 304 still counts its view: the reader did read the
//! post, from their own cache. That is why posts are served `Cache-Control: no-cache`
//! (every read reaches the server) and why their ETag ignores the view count (it covers
//! id, `updated_at` and `published_at`, which change with every edit). Drafts count no
//! views.
//!
//! Server cache: public list pages and post contents live in the `posts` namespace; the
//! view count of a post is always read fresh from the database and patched in.

use actix_web::{
    delete, get, http::header, post, put, web, FromRequest, HttpRequest, HttpResponse,
};
use futures_util::StreamExt;
use herald_api_types as api;
use uuid::Uuid;

use super::paging;
use crate::{
    auth::AuthUser,
    blog, cache,
    cache::Namespace,
    db::{
        self,
        posts::{NewPost, PostChanges, Visibility},
        PageRequest,
    },
    domain::{images::MAX_IMAGE_BYTES, Permission},
    error::{ApiError, FieldErrors},
    routes::http_cache,
    state::AppState,
};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_posts)
        .service(create_post)
        .service(get_post)
        .service(update_post)
        .service(delete_post)
        .service(publish_post)
        .service(unpublish_post)
        .service(upload_image);
}

pub(crate) fn api_post(p: db::posts::Post) -> api::Post {
    api::Post {
        id: p.id,
        author_id: p.author_id,
        title: p.title,
        body: p.body,
        image_url: p.image_path.map(|path| format!("/media/{path}")),
        views: p.views,
        published_at: p.published_at,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

/// The ETag of a post: its identity and last change, not its view count.
fn post_etag(p: &api::Post) -> String {
    let published = p.published_at.map(|t| t.timestamp_micros()).unwrap_or(0);
    http_cache::etag_of(
        format!("{}:{}:{published}", p.id, p.updated_at.timestamp_micros()).as_bytes(),
    )
}

fn parse_input(input: api::PostInput) -> Result<api::PostInput, ApiError> {
    let mut errors = FieldErrors::new();
    errors.merge_validator(validator::Validate::validate(&input));
    if input.title.trim().is_empty() && errors.is_empty() {
        errors.add("title", "must not be blank");
    }
    errors.finish()?;
    Ok(api::PostInput {
        title: input.title.trim().to_owned(),
        body: input.body,
    })
}

/// Published posts, newest first, for everyone. With `?drafts=true` and a bearer token
/// holding `posts.write`, drafts too (drafts first).
#[utoipa::path(tag = "posts", params(api::PostListQuery),
    responses((status = 200, body = api::Page<api::Post>), (status = 304, description = "unchanged (If-None-Match)"),
    (status = 401, description = "drafts asked for without a valid token", body = api::Problem),
    (status = 403, description = "drafts asked for without posts.write", body = api::Problem)))]
#[get("/posts")]
async fn list_posts(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<api::PostListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.page, q.per_page);
    let drafts = q.drafts.unwrap_or(false);
    if drafts {
        AuthUser::extract(&req)
            .await?
            .require(Permission::PostsWrite)?;
    }
    let visibility = if drafts {
        Visibility::All
    } else {
        Visibility::Published
    };
    let db = state.db.clone();
    let load = || async move {
        let (rows, total) = db::run_blocking(&db, move |conn| {
            db::posts::list(conn, visibility, page).map_err(ApiError::from)
        })
        .await?;
        Ok(paging::page_of(page, rows.into_iter().map(api_post), total))
    };
    if drafts {
        let body = serde_json::to_string(&load().await?).map_err(ApiError::internal)?;
        return Ok(http_cache::json(&req, body, http_cache::PRIVATE_REVALIDATE));
    }
    let item = format!("list:{}:{}", page.page, page.per_page);
    let body = state.cache.json(Namespace::Posts, &item, load).await?;
    Ok(http_cache::json(&req, body, http_cache::PUBLIC_REVALIDATE))
}

/// One post. Published posts are public and each GET counts one view (a 304 too).
/// Drafts are visible only with a bearer token holding `posts.write`, and count none.
#[utoipa::path(tag = "posts", params(("id" = Uuid, Path, description = "Post id")),
    responses((status = 200, body = api::Post), (status = 304, description = "unchanged (If-None-Match); the view is counted"),
    (status = 401, body = api::Problem), (status = 404, body = api::Problem)))]
#[get("/posts/{id}")]
async fn get_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let views = db::run_blocking(&state.db, move |conn| {
        db::posts::count_view(conn, id).map_err(ApiError::from)
    })
    .await?;
    if let Some(views) = views {
        let db = state.db.clone();
        let cached = state
            .cache
            .json(
                Namespace::Posts,
                &format!("post:{}", id.simple()),
                || async move {
                    let post = db::run_blocking(&db, move |conn| {
                        db::posts::find(conn, id).map_err(ApiError::from)
                    })
                    .await?;
                    if post.published_at.is_none() {
                        return Err(ApiError::NotFound);
                    }
                    Ok(api_post(post))
                },
            )
            .await?;
        let mut post: api::Post = serde_json::from_str(&cached).map_err(ApiError::internal)?;
        post.views = views;
        let etag = post_etag(&post);
        let body = serde_json::to_string(&post).map_err(ApiError::internal)?;
        return Ok(http_cache::json_tagged(
            &req,
            body,
            etag,
            http_cache::PUBLIC_REVALIDATE,
        ));
    }
    // A draft or no post at all: only writers may look further. The token is checked
    // before the lookup, so its answer cannot tell drafts from missing ids.
    if !req.headers().contains_key(header::AUTHORIZATION) {
        return Err(ApiError::NotFound);
    }
    let caller = AuthUser::extract(&req).await?;
    if !caller.has(Permission::PostsWrite) {
        return Err(ApiError::NotFound);
    }
    let post = db::run_blocking(&state.db, move |conn| {
        db::posts::find(conn, id).map_err(ApiError::from)
    })
    .await?;
    let post = api_post(post);
    let etag = post_etag(&post);
    let body = serde_json::to_string(&post).map_err(ApiError::internal)?;
    Ok(http_cache::json_tagged(
        &req,
        body,
        etag,
        http_cache::PRIVATE_REVALIDATE,
    ))
}

/// Write a new post (a draft until published). Needs `posts.write`.
#[utoipa::path(tag = "posts", security(("bearer" = [])), request_body = api::PostInput,
    responses((status = 201, body = api::Post), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 422, body = api::Problem)))]
#[post("/posts")]
async fn create_post(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<api::PostInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PostsWrite)?;
    let input = parse_input(body.into_inner())?;
    let author = caller.id;
    let post = db::run_blocking(&state.db, move |conn| {
        db::posts::insert(
            conn,
            &NewPost {
                id: Uuid::new_v4(),
                author_id: author,
                title: &input.title,
                body: &input.body,
            },
        )
        .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created().json(api_post(post)))
}

/// Replace a post's title and body. Needs `posts.write`.
#[utoipa::path(tag = "posts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Post id")),
    request_body = api::PostInput,
    responses((status = 200, body = api::Post), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem), (status = 422, body = api::Problem)))]
#[put("/posts/{id}")]
async fn update_post(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Json<api::PostInput>,
) -> Result<web::Json<api::Post>, ApiError> {
    caller.require(Permission::PostsWrite)?;
    let input = parse_input(body.into_inner())?;
    let id = id.into_inner();
    let post = db::run_blocking(&state.db, move |conn| {
        let changes = PostChanges {
            title: &input.title,
            body: &input.body,
            updated_at: chrono::Utc::now(),
        };
        db::posts::update(conn, id, &changes).map_err(ApiError::from)
    })
    .await?;
    cache::invalidate_posts(&state).await;
    Ok(web::Json(api_post(post)))
}

/// Delete a post and its image. Needs `posts.write`.
#[utoipa::path(tag = "posts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Post id")),
    responses((status = 204), (status = 401, body = api::Problem), (status = 403, body = api::Problem),
    (status = 404, body = api::Problem)))]
#[delete("/posts/{id}")]
async fn delete_post(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PostsWrite)?;
    blog::delete_post(&state, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Publish a post (now; an already published post keeps its date). Needs `posts.publish`.
#[utoipa::path(tag = "posts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Post id")),
    responses((status = 200, body = api::Post), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[post("/posts/{id}/publish")]
async fn publish_post(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Post>, ApiError> {
    caller.require(Permission::PostsPublish)?;
    let id = id.into_inner();
    let post = db::run_blocking(&state.db, move |conn| {
        db::posts::publish(conn, id).map_err(ApiError::from)
    })
    .await?;
    cache::invalidate_posts(&state).await;
    Ok(web::Json(api_post(post)))
}

/// Turn a post back into a draft. Needs `posts.publish`.
#[utoipa::path(tag = "posts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Post id")),
    responses((status = 200, body = api::Post), (status = 401, body = api::Problem),
    (status = 403, body = api::Problem), (status = 404, body = api::Problem)))]
#[post("/posts/{id}/unpublish")]
async fn unpublish_post(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<api::Post>, ApiError> {
    caller.require(Permission::PostsPublish)?;
    let id = id.into_inner();
    let post = db::run_blocking(&state.db, move |conn| {
        db::posts::unpublish(conn, id).map_err(ApiError::from)
    })
    .await?;
    cache::invalidate_posts(&state).await;
    Ok(web::Json(api_post(post)))
}

/// Multipart form of an image upload (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ImageUpload {
    /// A PNG, JPEG, WebP or GIF file of at most 5 MiB, recognised by its content.
    #[schema(value_type = String, format = Binary)]
    image: Vec<u8>,
}

/// Set a post's illustration: `multipart/form-data` with a field `image`, a PNG, JPEG,
/// WebP or GIF recognised by its content (not its name), at most 5 MiB. It is stored
/// under a random name and served at `/media/...`. Needs `posts.write`.
#[utoipa::path(tag = "posts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Post id")),
    request_body(content = ImageUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = api::Post), (status = 400, body = api::Problem),
    (status = 401, body = api::Problem), (status = 403, body = api::Problem),
    (status = 404, body = api::Problem), (status = 413, body = api::Problem),
    (status = 415, body = api::Problem), (status = 422, description = "no `image` field", body = api::Problem)))]
#[put("/posts/{id}/image")]
async fn upload_image(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<web::Json<api::Post>, ApiError> {
    caller.require(Permission::PostsWrite)?;
    let id = id.into_inner();
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "expected Content-Type: multipart/form-data with a field `image`".into(),
        ));
    }
    // Room for the multipart framing around a largest-allowed image.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_IMAGE_BYTES + 64 * 1024) {
        return Err(too_large());
    }
    let exists = db::run_blocking(&state.db, move |conn| {
        db::posts::exists(conn, id).map_err(ApiError::from)
    })
    .await?;
    if !exists {
        return Err(ApiError::NotFound);
    }
    let image = read_image_field(&req, payload).await?;
    let post = blog::set_image(&state, id, image).await?;
    Ok(web::Json(api_post(post)))
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(format!("images are limited to {MAX_IMAGE_BYTES} bytes"))
        .with_code("image_too_large")
}

/// The bytes of the form field `image`, refusing more than [`MAX_IMAGE_BYTES`].
async fn read_image_field(req: &HttpRequest, payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| ApiError::BadRequest(format!("malformed multipart body: {e}")))?;
        let wanted = field.name() == Some("image");
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::BadRequest(format!("malformed multipart body: {e}")))?;
            if wanted {
                if data.len() + chunk.len() > MAX_IMAGE_BYTES {
                    return Err(too_large());
                }
                data.extend_from_slice(&chunk);
            }
        }
        if wanted {
            return Ok(data);
        }
    }
    Err(FieldErrors::single("image", "is required"))
}
