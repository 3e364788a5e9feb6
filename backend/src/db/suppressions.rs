//! The suppression list: per owner and email (case-insensitive), whatever happens to the
//! client rows. Runs skip every suppressed address (see `deliveries::create_run`); a
//! trigger keeps `clients.unsubscribed_at` in step for the `unsubscribed` reason (see the
//! migration `2026-12-02-000100_suppressions`).

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Text, Uuid as SqlUuid},
};

use super::schema::{clients, users};

/// Why an address is suppressed (the `reason` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Unsubscribed,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unsubscribed => "unsubscribed",
        }
    }
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
