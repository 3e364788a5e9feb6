//! The suppression list: per owner and email (case-insensitive), whatever happens to the
//! client rows. Runs skip every suppressed address (see `deliveries::create_run`); a
//! trigger keeps `clients.unsubscribed_at` in step for the `unsubscribed` reason (see the
//! migration `2026-12-02-000100_suppressions`).

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Text, Uuid as SqlUuid},
};

use herald_api_types::SuppressionReason as Reason;
use uuid::Uuid;

use super::{
    contains_pattern, lower,
    schema::{clients, suppressions, users},
    PageRequest, Scope,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = suppressions)]
pub struct Suppression {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub email: String,
    pub reason: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

fn filtered(
    scope: Scope,
    search: Option<&str>,
    reason: Option<Reason>,
) -> suppressions::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = suppressions::table.into_boxed();
    if let Some(owner) = scope.owner_filter() {
        q = q.filter(suppressions::owner_id.eq(owner));
    }
    if let Some(needle) = search.filter(|s| !s.trim().is_empty()) {
        q = q.filter(lower(suppressions::email).like(contains_pattern(needle)));
    }
    if let Some(r) = reason {
        q = q.filter(suppressions::reason.eq(r.as_str()));
    }
    q
}

/// A page of a list, newest first (ties by address).
pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    search: Option<&str>,
    reason: Option<Reason>,
    page: PageRequest,
) -> QueryResult<(Vec<Suppression>, i64)> {
    let total = filtered(scope, search, reason).count().get_result(conn)?;
    let items = filtered(scope, search, reason)
        .order((
            suppressions::created_at.desc(),
            lower(suppressions::email),
            suppressions::id,
        ))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Suppression::as_select())
        .load(conn)?;
    Ok((items, total))
}

pub fn find(conn: &mut PgConnection, scope: Scope, id: Uuid) -> QueryResult<Suppression> {
    filtered(scope, None, None)
        .filter(suppressions::id.eq(id))
        .select(Suppression::as_select())
        .first(conn)
}

/// Adds an address with a note; `None` when the owner's list already has it.
pub fn insert(
    conn: &mut PgConnection,
    owner: Uuid,
    email: &str,
    reason: Reason,
    note: &str,
) -> QueryResult<Option<Suppression>> {
    diesel::sql_query(
        "INSERT INTO suppressions (owner_id, email, reason, note) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (owner_id, lower(email)) DO NOTHING \
         RETURNING id, owner_id, email, reason, note, created_at",
    )
    .bind::<SqlUuid, _>(owner)
    .bind::<Text, _>(email)
    .bind::<Text, _>(reason.as_str())
    .bind::<Text, _>(note)
    .get_result::<SuppressionRow>(conn)
    .optional()
    .map(|r| r.map(Suppression::from))
}

#[derive(QueryableByName)]
struct SuppressionRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    owner_id: Uuid,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    reason: String,
    #[diesel(sql_type = Text)]
    note: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    created_at: DateTime<Utc>,
}

impl From<SuppressionRow> for Suppression {
    fn from(r: SuppressionRow) -> Self {
        Suppression {
            id: r.id,
            owner_id: r.owner_id,
            email: r.email,
            reason: r.reason,
            note: r.note,
            created_at: r.created_at,
        }
    }
}

/// Removes one of `owner`'s suppressions: the address may be mailed again. Removing an
/// unsubscribe also clears the mark on the owner's client rows for that address.
pub fn delete(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> QueryResult<Suppression> {
    conn.transaction(|conn| {
        let gone: Suppression = diesel::delete(
            suppressions::table
                .filter(suppressions::id.eq(id))
                .filter(suppressions::owner_id.eq(owner)),
        )
        .returning(Suppression::as_returning())
        .get_result(conn)?;
        if gone.reason == Reason::Unsubscribed.as_str() {
            diesel::update(
                clients::table
                    .filter(clients::owner_id.eq(owner))
                    .filter(lower(clients::email).eq(gone.email.to_lowercase())),
            )
            .set(clients::unsubscribed_at.eq(None::<DateTime<Utc>>))
            .execute(conn)?;
        }
        Ok(gone)
    })
}

/// Every suppression of an owner (the CSV export), oldest first.
pub fn all_for_owner(conn: &mut PgConnection, owner: Uuid) -> QueryResult<Vec<Suppression>> {
    suppressions::table
        .filter(suppressions::owner_id.eq(owner))
        .order((suppressions::created_at, suppressions::id))
        .select(Suppression::as_select())
        .load(conn)
}

/// Adds a batch of imported addresses in one statement; returns how many were new.
/// Imported unsubscribes mark the owner's client rows as the unsubscribe link would.
pub fn import_batch(
    conn: &mut PgConnection,
    owner: Uuid,
    rows: &[(String, Reason, String)],
) -> QueryResult<i64> {
    let emails: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let reasons: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let notes: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    conn.transaction(|conn| {
        let added = diesel::sql_query(
            "INSERT INTO suppressions (owner_id, email, reason, note) \
             SELECT $1, e, r, n FROM unnest($2::text[], $3::text[], $4::text[]) AS u(e, r, n) \
             ON CONFLICT (owner_id, lower(email)) DO NOTHING",
        )
        .bind::<SqlUuid, _>(owner)
        .bind::<diesel::sql_types::Array<Text>, _>(&emails)
        .bind::<diesel::sql_types::Array<Text>, _>(&reasons)
        .bind::<diesel::sql_types::Array<Text>, _>(&notes)
        .execute(conn)?;
        diesel::sql_query(
            "UPDATE clients c SET unsubscribed_at = coalesce(c.unsubscribed_at, s.created_at) \
             FROM suppressions s \
             WHERE s.owner_id = $1 AND s.reason = 'unsubscribed' AND lower(s.email) = ANY($2) \
               AND c.owner_id = $1 AND lower(c.email) = lower(s.email) AND c.unsubscribed_at IS NULL",
        )
        .bind::<SqlUuid, _>(owner)
        .bind::<diesel::sql_types::Array<Text>, _>(
            emails.iter().map(|e| e.to_lowercase()).collect::<Vec<_>>(),
        )
        .execute(conn)?;
        Ok(added as i64)
    })
}

/// What the unsubscribe page shows about a token: whose list, which address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub email: String,
    /// The owner's full name: the sender the recipient knows.
    pub sender: String,
    pub unsubscribed: bool,
}

pub fn token_view(conn: &mut PgConnection, token: &str) -> QueryResult<Option<TokenView>> {
    let row: Option<(String, String, Option<DateTime<Utc>>)> = clients::table
        .inner_join(users::table)
        .filter(clients::unsubscribe_token.eq(token))
        .select((clients::email, users::full_name, clients::unsubscribed_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(email, sender, at)| TokenView {
        email,
        sender,
        unsubscribed: at.is_some(),
    }))
}

/// Undoes an unsubscribe from its page: removes the `unsubscribed` suppression of the
/// address behind `token` (never a bounce or complaint) and clears the client's mark.
/// Returns false for an unknown token.
pub fn resubscribe_by_token(conn: &mut PgConnection, token: &str) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let Some((owner, email)) = lock_client(conn, token)? else {
            return Ok(false);
        };
        diesel::sql_query(
            "DELETE FROM suppressions WHERE owner_id = $1 AND lower(email) = lower($2) \
             AND reason = 'unsubscribed'",
        )
        .bind::<SqlUuid, _>(owner)
        .bind::<Text, _>(&email)
        .execute(conn)?;
        diesel::update(clients::table.filter(clients::unsubscribe_token.eq(token)))
            .set(clients::unsubscribed_at.eq(None::<DateTime<Utc>>))
            .execute(conn)?;
        Ok(true)
    })
}

/// Unsubscribes the client behind `token`: the address joins its owner's suppression
/// list (so it stays unsubscribed if the client is deleted and added again) and the
/// client row is marked. Idempotent. Returns false for an unknown token.
pub fn unsubscribe_by_token(conn: &mut PgConnection, token: &str) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let Some((owner, email)) = lock_client(conn, token)? else {
            return Ok(false);
        };
        add(conn, owner, &email, Reason::Unsubscribed)?;
        diesel::update(clients::table.filter(clients::unsubscribe_token.eq(token)))
            .set(clients::unsubscribed_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("coalesce(unsubscribed_at, now())")))
            .execute(conn)?;
        Ok(true)
    })
}

/// The owner and address behind an unsubscribe token, with the client row locked so an
/// unsubscribe and its undo cannot interleave.
fn lock_client(conn: &mut PgConnection, token: &str) -> QueryResult<Option<(uuid::Uuid, String)>> {
    clients::table
        .filter(clients::unsubscribe_token.eq(token))
        .select((clients::owner_id, clients::email))
        .for_update()
        .first(conn)
        .optional()
}

/// Adds an address to an owner's list; an address already there keeps its first reason.
pub fn add(
    conn: &mut PgConnection,
    owner: uuid::Uuid,
    email: &str,
    reason: Reason,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO suppressions (owner_id, email, reason) VALUES ($1, $2, $3) \
         ON CONFLICT (owner_id, lower(email)) DO NOTHING",
    )
    .bind::<SqlUuid, _>(owner)
    .bind::<Text, _>(email)
    .bind::<Text, _>(reason.as_str())
    .execute(conn)?;
    Ok(())
}
