//! Delivery events: bounces and complaints (and later opens, clicks, unsubscribes), each
//! tied to the delivery it is about.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid},
};
use uuid::Uuid;

use super::PageRequest;

/// The delivery an event is about, with what an event row repeats of it.
#[derive(Debug, Clone, QueryableByName)]
pub struct DeliveryRef {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub run_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub mailing_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub owner_id: Uuid,
    #[diesel(sql_type = Text)]
    pub email: String,
}

pub fn delivery(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<DeliveryRef>> {
    diesel::sql_query(
        "SELECT d.id, d.run_id, d.mailing_id, m.owner_id, d.email FROM deliveries d \
         JOIN mailings m ON m.id = d.mailing_id WHERE d.id = $1",
    )
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .optional()
}

/// Records an event once per `source_id`; false when that source was already recorded.
pub fn record(
    conn: &mut PgConnection,
    d: &DeliveryRef,
    kind: &str,
    bounce_kind: Option<&str>,
    detail: &str,
    source_id: &str,
) -> QueryResult<bool> {
    let n = diesel::sql_query(
        "INSERT INTO delivery_events (delivery_id, run_id, mailing_id, owner_id, email, type, bounce_kind, detail, source_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, left($8, 2000), $9) \
         ON CONFLICT (source_id) WHERE source_id IS NOT NULL DO NOTHING",
    )
    .bind::<SqlUuid, _>(d.id)
    .bind::<SqlUuid, _>(d.run_id)
    .bind::<SqlUuid, _>(d.mailing_id)
    .bind::<SqlUuid, _>(d.owner_id)
    .bind::<Text, _>(&d.email)
    .bind::<Text, _>(kind)
    .bind::<Nullable<Text>, _>(bounce_kind)
    .bind::<Text, _>(detail)
    .bind::<Text, _>(source_id)
    .execute(conn)?;
    Ok(n == 1)
}

/// Soft bounces of an owner's address in the last 30 days.
pub fn recent_soft_bounces(conn: &mut PgConnection, owner: Uuid, email: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query(
        "SELECT count(*) AS n FROM delivery_events WHERE owner_id = $1 AND lower(email) = lower($2) \
         AND type = 'bounce' AND bounce_kind = 'soft' AND at > now() - interval '30 days'",
    )
    .bind::<SqlUuid, _>(owner)
    .bind::<Text, _>(email)
    .get_result(conn)?;
    Ok(n.n)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Event {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub bounce_kind: Option<String>,
    #[diesel(sql_type = SqlUuid)]
    pub run_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub delivery_id: Uuid,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub detail: String,
}

/// A mailing's events, newest first, optionally of one type and one run.
pub fn for_mailing(
    conn: &mut PgConnection,
    mailing: Uuid,
    kind: Option<&str>,
    run: Option<Uuid>,
    page: PageRequest,
) -> QueryResult<(Vec<Event>, i64)> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let filter =
        "mailing_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::uuid IS NULL OR run_id = $3)";
    let total: N = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM delivery_events WHERE {filter}"
    ))
    .bind::<SqlUuid, _>(mailing)
    .bind::<Nullable<Text>, _>(kind)
    .bind::<Nullable<SqlUuid>, _>(run)
    .get_result(conn)?;
    let items = diesel::sql_query(format!(
        "SELECT id, type AS kind, bounce_kind, run_id, delivery_id, email, at, detail FROM delivery_events \
         WHERE {filter} ORDER BY at DESC, id LIMIT $4 OFFSET $5"
    ))
    .bind::<SqlUuid, _>(mailing)
    .bind::<Nullable<Text>, _>(kind)
    .bind::<Nullable<SqlUuid>, _>(run)
    .bind::<BigInt, _>(page.per_page)
    .bind::<BigInt, _>(page.offset())
    .load(conn)?;
    Ok((items, total.n))
}
