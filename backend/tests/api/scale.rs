//! Scale-out: several `herald serve` processes on one database share the work without
//! sending anything twice, and share the SMTP rate limit through Redis.

use std::time::Duration;

use diesel::{Connection, RunQueryDsl};
use herald::{
    cache::Cache,
    config::CacheSettings,
    delivery::rate::{SendRate, Token},
};
use serde_json::json;

use crate::helpers::*;

fn redis_url() -> String {
    std::env::var("HERALD_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

#[tokio::test]
async fn three_processes_send_a_5000_recipient_run_each_email_exactly_once() {
    let mut app = spawn_app().await;
    let user = app.signed_up_user().await;
    // Only the three processes below send.
    app.stop_scheduler();
    app.import_audience(&user, "fleet", 5000).await;
    let message = app.create_message(&user, "Fleet").await;
    // Small batches, so each process gets a share of the run.
    let settings = [("MAIL_BATCH_SIZE", "100"), ("MAIL_CONCURRENCY", "4")];
    let mut fleet: Vec<ServeProcess> = ["fleet-a", "fleet-b", "fleet-c"]
        .iter()
        .map(|name| app.serve_process(name, &settings))
        .collect();
    for p in &mut fleet {
        p.ready().await;
    }
    // Due in a moment: every scheduler sees it come due and races to claim it.
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(1), "periodicity": "once"}))
        .await;

    let m = eventually(
        "5000 emails to be sent",
        Duration::from_secs(180),
        || async {
            let m = app.mailing(&user, m.id).await;
            m.last_run
                .as_ref()
                .is_some_and(|r| r.finished_at.is_some())
                .then_some(m)
        },
    )
    .await;
    let run = m.last_run.unwrap();
    assert_eq!((run.sent, run.failed), (5000, 0));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM runs WHERE mailing_id = '{}'",
            m.id
        )),
        1,
        "the due run was claimed by one process"
    );
    let seen = app.emails_per_recipient("fleet");
    assert_eq!(seen.len(), 5000, "every recipient got the email");
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(
        app.count("SELECT count(*) FROM attempts WHERE status = 'success'"),
        5000,
        "one successful attempt per recipient"
    );
    // And the processes shut down cleanly, leaving no lease behind.
    for p in &mut fleet {
        assert!(p.terminate(Duration::from_secs(40)).await.success());
    }
    assert_eq!(
        app.count("SELECT count(*) FROM deliveries WHERE leased_by IS NOT NULL"),
        0
    );
}

fn shared_cache(prefix: &str) -> Cache {
    let pool = deadpool_redis::Config::from_url(redis_url())
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .unwrap();
    Cache::new(
        Some(pool),
        &CacheSettings {
            ttl: Duration::from_secs(60),
            key_prefix: prefix.into(),
        },
    )
}

#[tokio::test]
async fn the_smtp_rate_limit_is_one_budget_shared_by_every_instance_through_redis() {
    let prefix = format!("herald-test-{}", uuid::Uuid::new_v4().simple());
    // Two instances of one deployment (same Redis, same key prefix), 5 emails/s in all.
    let first = SendRate::new(5, &shared_cache(&prefix));
    let second = SendRate::new(5, &shared_cache(&prefix));
    for _ in 0..5 {
        assert_eq!(first.try_acquire().await, Token::Taken);
    }
    // The first instance used up the burst: the second must wait too.
    match second.try_acquire().await {
        Token::Wait(wait) => assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(200),
            "one token every 200 ms, but told to wait {wait:?}"
        ),
        Token::Taken => panic!("the second instance got a token beyond the shared budget"),
    }
    // Another deployment (another prefix) has a budget of its own.
    let elsewhere = SendRate::new(5, &shared_cache(&format!("{prefix}-other")));
    assert_eq!(elsewhere.try_acquire().await, Token::Taken);
    // Once a token's interval has passed, the budget refills for everyone.
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(second.try_acquire().await, Token::Taken);
}

#[tokio::test]
async fn without_redis_each_instance_still_keeps_to_the_rate_on_its_own() {
    // A Redis that is not there: the local bucket takes over at once.
    let pool = deadpool_redis::Config::from_url("redis://127.0.0.1:1")
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .unwrap();
    let cache = Cache::new(
        Some(pool),
        &CacheSettings {
            ttl: Duration::from_secs(60),
            key_prefix: "herald-test-down".into(),
        },
    );
    let rate = SendRate::new(3, &cache);
    for _ in 0..3 {
        assert_eq!(rate.try_acquire().await, Token::Taken);
    }
    assert!(matches!(rate.try_acquire().await, Token::Wait(_)));
}

#[tokio::test]
async fn two_instances_with_a_shared_rate_send_no_faster_than_the_rate() {
    let app = spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), redis_url());
        env.insert("MAIL_RATE_PER_SEC".into(), "10".into());
        env.insert("MAIL_BATCH_SIZE".into(), "5".into());
    })
    .await;
    let twin = app.twin().await;
    let user = app.signed_up_user().await;
    app.import_audience(&user, "paced", 30).await;
    let message = app.create_message(&user, "Paced").await;
    let started = std::time::Instant::now();
    let m = twin
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ago(1), "periodicity": "once"}))
        .await;
    let m = app.settled(&user, m.id).await;
    let took = started.elapsed();
    assert_eq!(m.last_run.unwrap().sent, 30);
    // 10/s with a burst of 10, for both instances together: the last 20 emails need
    // at least 2 s (1.8 s allows for clock granularity). Two separate 10/s buckets
    // would be done in about 0.5 s.
    assert!(
        took >= Duration::from_millis(1800),
        "30 emails at 10/s took only {took:?}"
    );
    assert_eq!(app.emails_per_recipient("paced").len(), 30);
}

#[tokio::test]
async fn instances_migrating_one_empty_database_at_once_apply_each_migration_once() {
    let db = TestDatabase::create();
    // Four instances start together on a database nobody has migrated yet.
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::task::spawn_blocking(move || {
                std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
                    .arg("migrate")
                    .env_clear()
                    .env("PATH", std::env::var("PATH").unwrap_or_default())
                    .env("DATABASE_URL", url)
                    .env("JWT_SECRET", "test-secret-that-is-at-least-32-bytes-long")
                    .env("RUST_LOG", "warn")
                    .output()
                    .expect("run herald migrate")
            })
        })
        .collect();
    for run in runs {
        let out = run.await.unwrap();
        assert!(
            out.status.success(),
            "herald migrate failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Without the lock, the losers of the race fail on "relation already exists".
    let mut conn = diesel::PgConnection::establish(&db.url).unwrap();
    let applied: Applied =
        diesel::sql_query("SELECT count(*) AS n FROM __diesel_schema_migrations")
            .get_result(&mut conn)
            .unwrap();
    let expected = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("up.sql").exists())
        .count();
    assert_eq!(applied.n, expected as i64, "every migration applied");
}

#[derive(diesel::QueryableByName)]
struct Applied {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
