//! The blog: drafts and publishing, who may do what, exact view counts, conditional
//! GETs, and image uploads checked by content.

use herald_api_types as api;
use reqwest::{multipart, Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{fixtures::*, helpers::*};

/// A 1x1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82";

fn id_of(post: &Value) -> &str {
    post["id"].as_str().unwrap()
}

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    post_id: &str,
    field: &str,
    file_name: &str,
    mime: &str,
    data: Vec<u8>,
) -> reqwest::Response {
    let part = multipart::Part::bytes(data)
        .file_name(file_name.to_string())
        .mime_str(mime)
        .unwrap();
    let form = multipart::Form::new()
        .text("caption", "ignored")
        .part(field.to_string(), part);
    let mut req = app
        .http
        .put(app.url(&format!("/api/v1/posts/{post_id}/image")))
        .multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("request sent")
}

async fn public_list(app: &TestApp) -> api::Page<api::Post> {
    let res = app.get("/api/v1/posts", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn drafts_are_for_writers_and_published_posts_for_everyone() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    let draft = create_post(&app, &cast.content_manager, "Draft").await;
    assert!(draft["published_at"].is_null());
    assert_eq!(draft["author_id"], cast.content_manager.id.to_string());
    assert_eq!(public_list(&app).await.total, 0);

    let path = format!("/api/v1/posts/{}", id_of(&draft));
    assert_statuses(
        &app,
        &cast,
        Method::GET,
        &path,
        None,
        &[
            ("anonymous", StatusCode::NOT_FOUND),
            ("user", StatusCode::NOT_FOUND),
            ("manager", StatusCode::NOT_FOUND),
            ("content_manager", StatusCode::OK),
            ("admin", StatusCode::OK),
        ],
    )
    .await;
    // An unknown id looks the same as a draft to everyone else.
    assert_problem(
        app.get(&format!("/api/v1/posts/{}", Uuid::new_v4()), None)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_statuses(
        &app,
        &cast,
        Method::GET,
        "/api/v1/posts?drafts=true",
        None,
        &[
            ("anonymous", StatusCode::UNAUTHORIZED),
            ("user", StatusCode::FORBIDDEN),
            ("manager", StatusCode::FORBIDDEN),
            ("content_manager", StatusCode::OK),
            ("admin", StatusCode::OK),
        ],
    )
    .await;
    let drafts: api::Page<api::Post> = app
        .get(
            "/api/v1/posts?drafts=true",
            Some(&cast.content_manager.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(drafts.total, 1);
    let viewed: api::Post = app
        .get(&path, Some(&cast.admin.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(viewed.views, 0, "previews of drafts count no views");
}

#[tokio::test]
async fn writing_needs_posts_write_and_publishing_needs_posts_publish() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    let body = json!({"title": "Hello", "body": "World"});
    let writers = [
        ("anonymous", StatusCode::UNAUTHORIZED),
        ("user", StatusCode::FORBIDDEN),
        ("manager", StatusCode::FORBIDDEN),
        ("content_manager", StatusCode::CREATED),
        ("admin", StatusCode::CREATED),
    ];
    assert_statuses(
        &app,
        &cast,
        Method::POST,
        "/api/v1/posts",
        Some(&body),
        &writers,
    )
    .await;
    let post = create_post(&app, &cast.content_manager, "Target").await;
    let path = format!("/api/v1/posts/{}", id_of(&post));
    let ok = [
        ("anonymous", StatusCode::UNAUTHORIZED),
        ("user", StatusCode::FORBIDDEN),
        ("manager", StatusCode::FORBIDDEN),
        ("content_manager", StatusCode::OK),
        ("admin", StatusCode::OK),
    ];
    assert_statuses(&app, &cast, Method::PUT, &path, Some(&body), &ok).await;
    assert_statuses(
        &app,
        &cast,
        Method::POST,
        &format!("{path}/publish"),
        Some(&json!({})),
        &ok,
    )
    .await;
    assert_statuses(
        &app,
        &cast,
        Method::POST,
        &format!("{path}/unpublish"),
        Some(&json!({})),
        &ok,
    )
    .await;
    for (who, token) in cast.callers().into_iter().take(3) {
        assert!(
            matches!(
                app.delete(&path, token).await.status(),
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ),
            "{who} may not delete"
        );
    }
    assert_eq!(
        app.delete(&path, Some(&cast.content_manager.token))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.delete(&path, Some(&cast.content_manager.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.post(
            &format!("{path}/publish"),
            Some(&cast.admin.token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn post_input_is_validated() {
    let app = spawn_app().await;
    let writer = app.user_with_role("content_manager").await;
    for body in [
        json!({"title": "", "body": "x"}),
        json!({"title": "   ", "body": "x"}),
        json!({"title": "t".repeat(301), "body": "x"}),
        json!({"title": "ok", "body": "b".repeat(200_001)}),
        json!({"body": "no title"}),
    ] {
        assert_problem(
            app.post("/api/v1/posts", Some(&writer.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let post = create_post(&app, &writer, "  Trimmed  ").await;
    assert_eq!(post["title"], "Trimmed");
}

#[tokio::test]
async fn publishing_lists_posts_newest_first_and_unpublishing_hides_them() {
    let app = spawn_app().await;
    let writer = app.user_with_role("content_manager").await;
    let first = published_post(&app, &writer, "First").await;
    let second = published_post(&app, &writer, "Second").await;
    create_post(&app, &writer, "Still a draft").await;
    let list = public_list(&app).await;
    assert_eq!(
        list.items
            .iter()
            .map(|p| p.title.as_str())
            .collect::<Vec<_>>(),
        vec!["Second", "First"]
    );
    // Publishing again keeps the original date.
    let again: api::Post = app
        .post(
            &format!("/api/v1/posts/{}/publish", id_of(&first)),
            Some(&writer.token),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again.published_at.unwrap().timestamp_micros(),
        chrono::DateTime::parse_from_rfc3339(first["published_at"].as_str().unwrap())
            .unwrap()
            .timestamp_micros()
    );
    let hidden: api::Post = app
        .post(
            &format!("/api/v1/posts/{}/unpublish", id_of(&second)),
            Some(&writer.token),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(hidden.published_at.is_none());
    let list = public_list(&app).await;
    assert_eq!(list.total, 1);
    assert_eq!(list.items[0].title, "First");
    assert_problem(
        app.get(&format!("/api/v1/posts/{}", id_of(&second)), None)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn concurrent_reads_of_a_post_each_count_exactly_one_view() {
    let app = spawn_app_with_redis().await;
    let writer = app.user_with_role("content_manager").await;
    let post = published_post(&app, &writer, "Popular").await;
    let path = format!("/api/v1/posts/{}", id_of(&post));
    let reads = (0..50).map(|_| app.get(&path, None));
    for res in futures_util::future::join_all(reads).await {
        assert_eq!(res.status(), StatusCode::OK);
    }
    let after: api::Post = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(after.views, 51);
    let stored = app.sql(&format!(
        "SELECT 1 FROM posts WHERE id = '{}' AND views = 51",
        id_of(&post)
    ));
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn a_conditional_get_of_a_post_answers_304_and_still_counts_the_view() {
    let app = spawn_app().await;
    let writer = app.user_with_role("content_manager").await;
    let post = published_post(&app, &writer, "Cached").await;
    let path = format!("/api/v1/posts/{}", id_of(&post));
    let first = app.get(&path, None).await;
    assert_eq!(first.headers()["cache-control"], "public, no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let conditional = |tag: String| {
        app.http
            .get(app.url(&path))
            .header("If-None-Match", tag)
            .send()
    };
    let res = conditional(etag.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
    assert!(res.bytes().await.unwrap().is_empty());
    let post_now: api::Post = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(post_now.views, 3, "the 304 counted too");

    // An edit changes the ETag.
    app.put(
        &path,
        Some(&writer.token),
        &json!({"title": "Cached, edited", "body": "new"}),
    )
    .await;
    let res = conditional(etag).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<api::Post>().await.unwrap().title,
        "Cached, edited"
    );
}

#[tokio::test]
async fn the_post_list_answers_304_to_a_matching_if_none_match() {
    let app = spawn_app_with_redis().await;
    let writer = app.user_with_role("content_manager").await;
    published_post(&app, &writer, "One").await;
    let res = app.get("/api/v1/posts", None).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let res = app
        .http
        .get(app.url("/api/v1/posts"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    published_post(&app, &writer, "Two").await;
    let res = app
        .http
        .get(app.url("/api/v1/posts"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "a new post changes the list");
    assert_eq!(res.json::<api::Page<api::Post>>().await.unwrap().total, 2);
}

#[tokio::test]
async fn an_image_is_recognised_by_content_not_name_and_served_under_media() {
    let app = spawn_app().await;
    let writer = app.user_with_role("content_manager").await;
    let post = published_post(&app, &writer, "Illustrated").await;
    let res = upload(
        &app,
        Some(&writer.token),
        id_of(&post),
        "image",
        "holiday.txt",
        "text/plain",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let updated: api::Post = res.json().await.unwrap();
    let url = updated.image_url.expect("an image url");
    assert!(
        url.starts_with("/media/posts/") && url.ends_with(".png"),
        "{url}"
    );
    assert!(!url.contains("holiday"));

    let served = app.get(&url, None).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(served.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);

    // A replacement deletes the old file.
    let res = upload(
        &app,
        Some(&writer.token),
        id_of(&post),
        "image",
        "b.png",
        "image/png",
        PNG.to_vec(),
    )
    .await;
    let replaced: api::Post = res.json().await.unwrap();
    assert_ne!(replaced.image_url.as_deref(), Some(url.as_str()));
    assert_problem(app.get(&url, None).await, StatusCode::NOT_FOUND).await;
    // So does deleting the post.
    let new_url = replaced.image_url.unwrap();
    app.delete(
        &format!("/api/v1/posts/{}", id_of(&post)),
        Some(&writer.token),
    )
    .await;
    assert_problem(app.get(&new_url, None).await, StatusCode::NOT_FOUND).await;
    // Unknown names under /media are 404, not the SPA.
    assert_problem(
        app.get("/media/posts/nothing-here.png", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn uploads_that_are_not_images_or_too_large_are_refused() {
    let app = spawn_app().await;
    let writer = app.user_with_role("content_manager").await;
    let post = create_post(&app, &writer, "Picky").await;
    let id = id_of(&post);

    let text = upload(
        &app,
        Some(&writer.token),
        id,
        "image",
        "photo.png",
        "image/png",
        b"just text, honestly".to_vec(),
    )
    .await;
    assert_problem(text, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let svg = upload(
        &app,
        Some(&writer.token),
        id,
        "image",
        "a.svg",
        "image/svg+xml",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
    )
    .await;
    assert_problem(svg, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;

    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let res = upload(
        &app,
        Some(&writer.token),
        id,
        "image",
        "big.png",
        "image/png",
        big,
    )
    .await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    let mut exact = PNG.to_vec();
    exact.resize(5 * 1024 * 1024, 0);
    let res = upload(
        &app,
        Some(&writer.token),
        id,
        "image",
        "max.png",
        "image/png",
        exact,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "exactly 5 MiB is allowed");

    let missing = upload(
        &app,
        Some(&writer.token),
        id,
        "picture",
        "a.png",
        "image/png",
        PNG.to_vec(),
    )
    .await;
    let problem = assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem.errors.unwrap().contains_key("image"));
    let json_body = app
        .put(
            &format!("/api/v1/posts/{id}/image"),
            Some(&writer.token),
            &json!({"image": "x"}),
        )
        .await;
    assert_problem(json_body, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let unknown = upload(
        &app,
        Some(&writer.token),
        &Uuid::new_v4().to_string(),
        "image",
        "a.png",
        "image/png",
        PNG.to_vec(),
    )
    .await;
    assert_problem(unknown, StatusCode::NOT_FOUND).await;

    let stored = std::fs::read_dir(app.static_dir.join("media/posts"))
        .unwrap()
        .count();
    assert_eq!(stored, 1, "refused uploads leave no files behind");
}

#[tokio::test]
async fn image_uploads_need_posts_write() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    let post = create_post(&app, &cast.content_manager, "Guarded").await;
    for (who, token, status) in [
        ("anonymous", None, StatusCode::UNAUTHORIZED),
        (
            "user",
            Some(cast.user.token.as_str()),
            StatusCode::FORBIDDEN,
        ),
        (
            "manager",
            Some(cast.manager.token.as_str()),
            StatusCode::FORBIDDEN,
        ),
        (
            "content_manager",
            Some(cast.content_manager.token.as_str()),
            StatusCode::OK,
        ),
        ("admin", Some(cast.admin.token.as_str()), StatusCode::OK),
    ] {
        let res = upload(
            &app,
            token,
            id_of(&post),
            "image",
            "a.png",
            "image/png",
            PNG.to_vec(),
        )
        .await;
        assert_eq!(res.status(), status, "{who}");
    }
}
