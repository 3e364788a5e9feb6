//! Recipients, scoped by owner.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{contains_pattern, lower, schema::clients, PageRequest, Scope};
use crate::domain::sorting::{ClientSort, Direction};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = clients)]
pub struct Client {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub email: String,
    pub full_name: String,
    pub comment: String,
    pub unsubscribed_at: Option<DateTime<Utc>>,
    pub unsubscribe_token: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = clients)]
pub struct NewClient<'a> {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub email: &'a str,
    pub full_name: &'a str,
    pub comment: &'a str,
    pub unsubscribe_token: &'a str,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = clients)]
pub struct ClientChanges<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub comment: &'a str,
    pub updated_at: DateTime<Utc>,
}

fn scoped(scope: Scope) -> clients::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = clients::table.into_boxed();
    if let Some(owner) = scope.owner_filter() {
        q = q.filter(clients::owner_id.eq(owner));
    }
    q
}

fn searched(scope: Scope, search: Option<&str>) -> clients::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = scoped(scope);
    if let Some(needle) = search.filter(|s| !s.trim().is_empty()) {
        let pattern = contains_pattern(needle);
        q = q.filter(
            lower(clients::email)
                .like(pattern.clone())
                .or(lower(clients::full_name).like(pattern)),
        );
    }
    q
}

pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    search: Option<&str>,
    (sort, dir): (ClientSort, Direction),
    page: PageRequest,
) -> QueryResult<(Vec<Client>, i64)> {
    use Direction::{Asc, Desc};
    let total = searched(scope, search).count().get_result(conn)?;
    let q = searched(scope, search);
    // Every order ends in unique columns, so pages never overlap or skip a row.
    let q = match (sort, dir) {
        (ClientSort::CreatedAt, Desc) => {
            q.order((clients::created_at.desc(), clients::email, clients::id))
        }
        (ClientSort::CreatedAt, Asc) => {
            q.order((clients::created_at.asc(), clients::email, clients::id))
        }
        (ClientSort::Email, Asc) => q.order((lower(clients::email).asc(), clients::id)),
        (ClientSort::Email, Desc) => q.order((lower(clients::email).desc(), clients::id)),
        (ClientSort::FullName, Asc) => {
            q.order((lower(clients::full_name).asc(), clients::email, clients::id))
        }
        (ClientSort::FullName, Desc) => q.order((
            lower(clients::full_name).desc(),
            clients::email,
            clients::id,
        )),
    };
    let items = q
        .limit(page.per_page)
        .offset(page.offset())
        .select(Client::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// Every client of one owner, in a stable order (CSV export).
pub fn all_for_owner(conn: &mut PgConnection, owner: Uuid) -> QueryResult<Vec<Client>> {
    clients::table
        .filter(clients::owner_id.eq(owner))
        .order((lower(clients::email), clients::id))
        .select(Client::as_select())
        .load(conn)
}

/// `NotFound` when the row does not exist or is outside the scope.
pub fn find(conn: &mut PgConnection, scope: Scope, id: Uuid) -> QueryResult<Client> {
    scoped(scope)
        .filter(clients::id.eq(id))
        .select(Client::as_select())
        .first(conn)
}

pub fn insert(conn: &mut PgConnection, new: &NewClient<'_>) -> QueryResult<Client> {
    diesel::insert_into(clients::table)
        .values(new)
        .returning(Client::as_returning())
        .get_result(conn)
}

pub fn update(
    conn: &mut PgConnection,
    owner: Uuid,
    id: Uuid,
    changes: &ClientChanges<'_>,
) -> QueryResult<Client> {
    diesel::update(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::owner_id.eq(owner)),
    )
    .set(changes)
    .returning(Client::as_returning())
    .get_result(conn)
}

pub fn delete(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> QueryResult<()> {
    let n = diesel::delete(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::owner_id.eq(owner)),
    )
    .execute(conn)?;
    if n == 0 {
        Err(diesel::result::Error::NotFound)
    } else {
        Ok(())
    }
}

/// The owner of a row, if it exists (for the 403-versus-404 decision).
pub fn owner_of(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    clients::table
        .find(id)
        .select(clients::owner_id)
        .first(conn)
        .optional()
}

/// One CSV row, validated.
pub struct ImportRow {
    pub email: String,
    pub full_name: String,
    pub comment: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpsertCounts {
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
}

#[derive(QueryableByName)]
struct Upserted {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    inserted: bool,
}

/// Inserts or updates (by case-insensitive email) a batch of rows in one statement.
/// Rows whose name and comment are already as given are left alone and counted as
/// unchanged. Callers batch (a few thousand rows per call) to bound statement size.
pub fn upsert_batch(
    conn: &mut PgConnection,
    owner: Uuid,
    rows: &[ImportRow],
) -> QueryResult<UpsertCounts> {
    use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
    let ids: Vec<Uuid> = rows.iter().map(|_| Uuid::new_v4()).collect();
    let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r.full_name.as_str()).collect();
    let comments: Vec<&str> = rows.iter().map(|r| r.comment.as_str()).collect();
    let tokens: Vec<String> = rows
        .iter()
        .map(|_| crate::auth::tokens::random_token())
        .collect();
    let done: Vec<Upserted> = diesel::sql_query(
        "INSERT INTO clients (id, owner_id, email, full_name, comment, unsubscribe_token) \
         SELECT u.id, $2, u.email, u.full_name, u.comment, u.token \
         FROM unnest($1::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) \
              AS u(id, email, full_name, comment, token) \
         ON CONFLICT (owner_id, lower(email)) DO UPDATE \
            SET full_name = EXCLUDED.full_name, comment = EXCLUDED.comment, updated_at = now() \
            WHERE (clients.full_name, clients.comment) IS DISTINCT FROM (EXCLUDED.full_name, EXCLUDED.comment) \
         RETURNING (xmax = 0) AS inserted",
    )
    .bind::<Array<SqlUuid>, _>(&ids)
    .bind::<SqlUuid, _>(owner)
    .bind::<Array<Text>, _>(&emails)
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Text>, _>(&comments)
    .bind::<Array<Text>, _>(&tokens)
    .load(conn)?;
    let created = done.iter().filter(|r| r.inserted).count() as i64;
    let updated = done.len() as i64 - created;
    Ok(UpsertCounts {
        created,
        updated,
        unchanged: rows.len() as i64 - done.len() as i64,
    })
}
