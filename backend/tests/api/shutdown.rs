//! Graceful shutdown: on SIGTERM `herald serve` stops taking work, lets the sends on the
//! wire finish and records them, hands every other lease back, and exits 0, so a
//! restart (or another instance) carries on with no duplicate and nobody lost.

use std::time::Duration;

use serde_json::json;

use crate::{helpers::*, smtp_server::Fault};

#[tokio::test]
async fn sigterm_mid_run_records_in_flight_sends_releases_leases_and_exits_0() {
    let mut app = spawn_app().await;
    let user = app.signed_up_user().await;
    app.stop_scheduler();
    app.import_audience(&user, "term", 60).await;
    let message = app.create_message(&user, "Shutdown").await;
    let m = app
        .create_mailing(&user, json!({"name": "Test mailing", "message_id": message.id, "all_clients": true, "start_at": ahead(1), "periodicity": "once"}))
        .await;
    // Slow replies: a batch of 20 takes seconds, so the signal lands mid-batch.
    app.smtp
        .set_default_fault(Some(Fault::SlowReply(Duration::from_millis(150))));
    let settings = [("MAIL_CONCURRENCY", "2"), ("MAIL_BATCH_SIZE", "20")];
    let mut process = app.serve_process("graceful-instance", &settings);
    eventually("some emails to go out", Duration::from_secs(30), || async {
        (app.smtp.email_count() >= 5).then_some(())
    })
    .await;

    let status = process.terminate(Duration::from_secs(20)).await;
    assert!(status.success(), "herald serve exited with {status}");

    assert_eq!(
        app.count("SELECT count(*) FROM deliveries WHERE leased_by IS NOT NULL OR leased_until IS NOT NULL"),
        0,
        "no delivery is left leased"
    );
    let delivered = app.emails_per_recipient("term");
    let recorded = app.count("SELECT count(*) FROM deliveries WHERE status = 'sent'");
    assert_eq!(
        recorded,
        delivered.len() as i64,
        "every email that went out before the exit is recorded as sent"
    );
    assert!(
        recorded < 60,
        "the run was still going when the signal came"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM attempts WHERE status = 'success'"),
        recorded,
        "and has its attempt row"
    );

    // A restart finishes the run: everybody exactly once, since nothing was in doubt.
    app.smtp.set_default_fault(None);
    let _restarted = app.serve_process("graceful-instance", &settings);
    let m = app.settled(&user, m.id).await;
    assert_eq!(m.last_run.unwrap().sent, 60);
    let delivered = app.emails_per_recipient("term");
    assert_eq!(delivered.len(), 60);
    assert!(
        delivered.values().all(|n| *n == 1),
        "someone got the email twice: {delivered:?}"
    );
}
