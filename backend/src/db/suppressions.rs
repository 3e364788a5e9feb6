//! The suppression list: per owner and email (case-insensitive), whatever happens to the
//! client rows. Runs skip every suppressed address (see `deliveries::create_run`); a
//! trigger keeps `clients.unsubscribed_at` in step for the `unsubscribed` reason (see the
//! migration `2026-12-02-000100_suppressions`).

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Text, Uuid as SqlUuid},
};

use super::schema::clients;

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

/// What an unsubscribe token points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Unknown,
    Subscribed,
    Unsubscribed,
}

/// Whether the client behind an unsubscribe token is still subscribed.
pub fn token_state(conn: &mut PgConnection, token: &str) -> QueryResult<TokenState> {
    let found: Option<Option<DateTime<Utc>>> = clients::table
        .filter(clients::unsubscribe_token.eq(token))
        .select(clients::unsubscribed_at)
        .first(conn)
        .optional()?;
    Ok(match found {
        None => TokenState::Unknown,
        Some(None) => TokenState::Subscribed,
        Some(Some(_)) => TokenState::Unsubscribed,
    })
}

/// Unsubscribes the client behind `token`: the address joins its owner's suppression
/// list (so it stays unsubscribed if the client is deleted and added again) and the
/// client row is marked. Idempotent. Returns false for an unknown token.
pub fn unsubscribe_by_token(conn: &mut PgConnection, token: &str) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let client: Option<(uuid::Uuid, String)> = clients::table
            .filter(clients::unsubscribe_token.eq(token))
            .select((clients::owner_id, clients::email))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((owner, email)) = client else {
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
