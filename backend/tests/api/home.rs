//! The public home page, and the server-side cache seen through the API: writes show at
//! once with Redis on, and everything still answers with Redis down.

use std::collections::HashSet;

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::{fixtures::*, helpers::*};

async fn home(app: &TestApp) -> api::HomePage {
    let res = app.get("/api/v1/home", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_home_page_is_public_with_figures_and_up_to_three_random_published_posts() {
    let app = spawn_app().await;
    let page = home(&app).await;
    assert_eq!(
        page,
        api::HomePage {
            mailings_total: 0,
            mailings_active: 0,
            unique_recipients: 0,
            random_posts: vec![]
        }
    );
    let owner = app.signed_up_user().await;
    let running = seed_mailing(&app, owner.id, "running");
    seed_mailing(&app, owner.id, "finished");
    seed_attempts(
        &app,
        owner.id,
        running,
        &[("a@example.com", "success"), ("b@example.com", "failure")],
        "now()",
    );
    let writer = app.user_with_role("content_manager").await;
    let mut published = HashSet::new();
    for i in 0..8 {
        let p = published_post(&app, &writer, &format!("Post {i}")).await;
        published.insert(p["id"].as_str().unwrap().to_string());
    }
    create_post(&app, &writer, "Draft").await;

    let page = home(&app).await;
    assert_eq!(
        (
            page.mailings_total,
            page.mailings_active,
            page.unique_recipients
        ),
        (2, 1, 1)
    );
    let mut seen = HashSet::new();
    for _ in 0..15 {
        let page = home(&app).await;
        let ids: HashSet<String> = page.random_posts.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(ids.len(), 3, "three distinct posts");
        assert!(ids.is_subset(&published), "published posts only");
        seen.extend(ids);
    }
    assert!(seen.len() > 3, "the pick varies without a cache: {seen:?}");
}

#[tokio::test]
async fn the_home_page_carries_cache_headers_and_answers_304() {
    let app = spawn_app_with_redis().await;
    let res = app.get("/api/v1/home", None).await;
    assert_eq!(res.headers()["cache-control"], "public, max-age=30");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let res = app
        .http
        .get(app.url("/api/v1/home"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let res = app
        .http
        .get(app.url("/api/v1/home"))
        .header("If-None-Match", "W/\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_redis_a_published_post_shows_on_the_home_page_and_blog_at_once() {
    let app = spawn_app_with_redis().await;
    let writer = app.user_with_role("content_manager").await;
    // Fill the caches.
    assert!(home(&app).await.random_posts.is_empty());
    assert_eq!(
        app.get("/api/v1/posts", None)
            .await
            .json::<api::Page<api::Post>>()
            .await
            .unwrap()
            .total,
        0
    );
    // Written behind the API's back: the cached home page does not see it...
    let owner = app.signed_up_user().await;
    seed_mailing(&app, owner.id, "running");
    assert_eq!(home(&app).await.mailings_total, 0, "served from the cache");

    let post = published_post(&app, &writer, "Fresh").await;
    let id = post["id"].as_str().unwrap();
    let page = home(&app).await;
    assert_eq!(page.random_posts.len(), 1);
    assert_eq!(page.random_posts[0].title, "Fresh");
    assert_eq!(page.mailings_total, 1, "...until a write invalidates it");
    let list: api::Page<api::Post> = app.get("/api/v1/posts", None).await.json().await.unwrap();
    assert_eq!(list.items[0].title, "Fresh");
    let read: api::Post = app
        .get(&format!("/api/v1/posts/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read.title, "Fresh");

    app.put(
        &format!("/api/v1/posts/{id}"),
        Some(&writer.token),
        &json!({"title": "Fresher", "body": "b"}),
    )
    .await;
    let read: api::Post = app
        .get(&format!("/api/v1/posts/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((read.title.as_str(), read.views), ("Fresher", 2));
    assert_eq!(home(&app).await.random_posts[0].title, "Fresher");

    app.post(
        &format!("/api/v1/posts/{id}/unpublish"),
        Some(&writer.token),
        &json!({}),
    )
    .await;
    assert!(home(&app).await.random_posts.is_empty());
    assert_eq!(
        app.get("/api/v1/posts", None)
            .await
            .json::<api::Page<api::Post>>()
            .await
            .unwrap()
            .total,
        0
    );
    assert_problem(
        app.get(&format!("/api/v1/posts/{id}"), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn with_redis_unreachable_everything_still_answers_uncached() {
    let app = spawn_app_with_dead_redis().await;
    let writer = app.user_with_role("content_manager").await;
    assert!(home(&app).await.random_posts.is_empty());
    let post = published_post(&app, &writer, "No cache").await;
    assert_eq!(home(&app).await.random_posts.len(), 1);
    let path = format!("/api/v1/posts/{}", post["id"].as_str().unwrap());
    for _ in 0..3 {
        assert_eq!(app.get(&path, None).await.status(), StatusCode::OK);
    }
    let read: api::Post = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(read.views, 4);
    assert_eq!(
        app.get("/api/v1/posts", None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/stats", Some(&writer.token)).await.status(),
        StatusCode::OK
    );
    herald::cache::invalidate_stats(&app.state, writer.id).await;
    herald::cache::invalidate_home(&app.state).await;
}
