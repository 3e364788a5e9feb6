//! Recipients: CRUD, search, pagination, CSV import and export.

use herald_api_types as api;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_recipient_can_be_created_read_changed_and_deleted() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let created = app.create_client(&user, "ann@example.com", "Ann").await;
    assert_eq!(created.owner_id, user.id);
    assert!(!created.unsubscribed);

    let path = format!("/api/v1/clients/{}", created.id);
    let got: api::Client = app
        .get(&path, Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, created);

    let res = app
        .put(
            &path,
            Some(&user.token),
            &json!({"email": "ann@new.example.com", "full_name": "Ann B", "comment": "vip"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: api::Client = res.json().await.unwrap();
    assert_eq!(
        (
            changed.email.as_str(),
            changed.full_name.as_str(),
            changed.comment.as_str()
        ),
        ("ann@new.example.com", "Ann B", "vip")
    );
    assert!(changed.updated_at >= created.updated_at);

    assert_eq!(
        app.delete(&path, Some(&user.token)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.get(&path, Some(&user.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.delete(&path, Some(&user.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn an_email_appears_once_per_list_but_may_be_in_several_lists() {
    let app = spawn_app().await;
    let a = app.signed_up_user().await;
    let b = app.signed_up_user().await;
    app.create_client(&a, "shared@example.com", "S").await;
    let dup = app
        .post(
            "/api/v1/clients",
            Some(&a.token),
            &json!({"email": "SHARED@example.com", "full_name": "", "comment": ""}),
        )
        .await;
    assert_problem(dup, StatusCode::CONFLICT).await;
    app.create_client(&b, "shared@example.com", "S").await;

    // Renaming onto an existing email conflicts too, and changes nothing.
    let other = app.create_client(&a, "other@example.com", "O").await;
    let res = app
        .put(
            &format!("/api/v1/clients/{}", other.id),
            Some(&a.token),
            &json!({"email": "shared@example.com", "full_name": "X", "comment": ""}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let still: api::Client = app
        .get(&format!("/api/v1/clients/{}", other.id), Some(&a.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still.email, "other@example.com");
}

#[tokio::test]
async fn invalid_recipients_are_refused_with_field_errors() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/clients",
            Some(&user.token),
            &json!({"email": "nope", "full_name": "x".repeat(201), "comment": ""}),
        )
        .await;
    let errors = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .errors
        .unwrap();
    assert!(errors.contains_key("email") && errors.contains_key("full_name"));
    let res = app
        .post(
            "/api/v1/clients",
            Some(&user.token),
            &json!({"full_name": "no email"}),
        )
        .await;
    assert!(assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .errors
        .unwrap()
        .contains_key("email"));
}

#[tokio::test]
async fn the_list_is_paginated_and_searchable() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    for i in 0..25 {
        app.create_client(
            &user,
            &format!("person{i:02}@example.com"),
            &format!("Person {i}"),
        )
        .await;
    }
    app.create_client(&user, "zed@other.org", "Zed 100% Unique_")
        .await;

    let page: api::Page<api::Client> = app
        .get("/api/v1/clients?page=2&per_page=10", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page.page, page.per_page, page.total, page.items.len()),
        (2, 10, 26, 10)
    );
    let last: api::Page<api::Client> = app
        .get("/api/v1/clients?page=3&per_page=10", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last.items.len(), 6);
    let capped: api::Page<api::Client> = app
        .get("/api/v1/clients?per_page=1000", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(capped.per_page, 100);

    let found: api::Page<api::Client> = app
        .get("/api/v1/clients?q=ZED", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    let by_name: api::Page<api::Client> = app
        .get("/api/v1/clients?q=person%201", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_name.total, 11, "Person 1 and Person 10..19");
    // LIKE metacharacters are literal.
    let pct: api::Page<api::Client> = app
        .get("/api/v1/clients?q=100%25", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pct.total, 1);
    let under: api::Page<api::Client> = app
        .get("/api/v1/clients?q=_", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(under.total, 1);
}

async fn import(app: &TestApp, user: &TestUser, csv: String) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/clients/import"))
        .bearer_auth(&user.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn csv_import_upserts_by_email_and_reports_bad_lines() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    app.create_client(&user, "existing@example.com", "Old Name")
        .await;
    app.create_client(&user, "same@example.com", "Same").await;
    let csv = "email,full_name,comment\n\
               new@example.com,New Person,hello\n\
               EXISTING@example.com,New Name,\n\
               same@example.com,Same,\n\
               broken-line,Nobody,\n\
               new@example.com,Repeated,\n";
    let res = import(&app, &user, csv.into()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: api::ImportReport = res.json().await.unwrap();
    assert_eq!((report.created, report.updated, report.skipped), (1, 1, 2));
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, 5);

    let list: api::Page<api::Client> = app
        .get("/api/v1/clients?q=existing", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.items[0].full_name, "New Name");
    assert_eq!(
        list.items[0].email, "existing@example.com",
        "the stored email keeps its spelling"
    );
}

#[tokio::test]
async fn csv_import_checks_the_media_type_and_the_header() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let res = app
        .post(
            "/api/v1/clients/import",
            Some(&user.token),
            &json!({"email": "x@example.com"}),
        )
        .await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = import(&app, &user, "name,comment\nx,y\n".into()).await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_fifty_thousand_line_csv_imports_in_one_request() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    let mut csv = String::from("email,full_name,comment\n");
    for i in 0..50_000 {
        csv.push_str(&format!("bulk{i}@example.com,Bulk {i},\n"));
    }
    let res = import(&app, &user, csv).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: api::ImportReport = res.json().await.unwrap();
    assert_eq!(report.created, 50_000);
    assert!(report.errors.is_empty());
    let page: api::Page<api::Client> = app
        .get("/api/v1/clients?per_page=1", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.total, 50_000);
}

#[tokio::test]
async fn csv_export_returns_the_callers_list_only() {
    let app = spawn_app().await;
    let a = app.signed_up_user().await;
    let b = app.signed_up_user().await;
    app.create_client(&a, "mine@example.com", "Mine, Quoted")
        .await;
    app.create_client(&b, "theirs@example.com", "Theirs").await;
    let res = app.get("/api/v1/clients/export", Some(&a.token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = res.text().await.unwrap();
    assert!(body.starts_with("email,full_name,comment,unsubscribed\n"));
    assert!(body.contains("mine@example.com,\"Mine, Quoted\",,false"));
    assert!(!body.contains("theirs@example.com"));
}

#[tokio::test]
async fn lists_sort_by_their_columns_and_refuse_unknown_orders() {
    let app = spawn_app().await;
    let user = app.signed_up_user().await;
    for (email, name) in [
        ("carol@example.com", "Alice"),
        ("alice@example.com", "Carol"),
        ("Bob@example.com", "bob"),
    ] {
        app.create_client(&user, email, name).await;
    }
    let emails = |path: &'static str| {
        let (app, token) = (&app, user.token.clone());
        async move {
            let page: api::Page<api::Client> =
                app.get(path, Some(&token)).await.json().await.unwrap();
            page.items.into_iter().map(|c| c.email).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        emails("/api/v1/clients?sort=email&order=asc").await,
        vec!["alice@example.com", "Bob@example.com", "carol@example.com"],
        "case-insensitive"
    );
    assert_eq!(
        emails("/api/v1/clients?sort=full_name&order=desc").await,
        vec!["alice@example.com", "Bob@example.com", "carol@example.com"]
    );
    assert_eq!(
        emails("/api/v1/clients").await,
        vec!["Bob@example.com", "alice@example.com", "carol@example.com"],
        "newest first by default"
    );
    for bad in ["sort=owner", "order=sideways"] {
        let problem = assert_problem(
            app.get(&format!("/api/v1/clients?{bad}"), Some(&user.token))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem
            .errors
            .unwrap()
            .contains_key(bad.split('=').next().unwrap()));
    }
    // Mailings and messages sort too.
    let m1 = app.create_message(&user, "Zebra news").await;
    let m2 = app.create_message(&user, "Apple news").await;
    let subjects: api::Page<api::Message> = app
        .get("/api/v1/messages?sort=subject&order=asc", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    let order: Vec<_> = subjects.items.iter().map(|m| m.id).collect();
    assert_eq!(order, vec![m2.id, m1.id]);
    assert_problem(
        app.get("/api/v1/mailings?sort=email", Some(&user.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}
