//! Message templates, scoped by owner.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{contains_pattern, lower, schema::messages, PageRequest, Scope};
use crate::domain::sorting::{Direction, MessageSort};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub subject: String,
    pub body: String,
    pub html_body: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage<'a> {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub subject: &'a str,
    pub body: &'a str,
    pub html_body: Option<&'a str>,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = messages, treat_none_as_null = true)]
pub struct MessageChanges<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub html_body: Option<&'a str>,
    pub updated_at: DateTime<Utc>,
}

fn searched(scope: Scope, search: Option<&str>) -> messages::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = messages::table.into_boxed();
    if let Some(owner) = scope.owner_filter() {
        q = q.filter(messages::owner_id.eq(owner));
    }
    if let Some(needle) = search.filter(|s| !s.trim().is_empty()) {
        q = q.filter(lower(messages::subject).like(contains_pattern(needle)));
    }
    q
}

pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    search: Option<&str>,
    (sort, dir): (MessageSort, Direction),
    page: PageRequest,
) -> QueryResult<(Vec<Message>, i64)> {
    use Direction::{Asc, Desc};
    let total = searched(scope, search).count().get_result(conn)?;
    let q = searched(scope, search);
    let q = match (sort, dir) {
        (MessageSort::CreatedAt, Desc) => q.order((messages::created_at.desc(), messages::id)),
        (MessageSort::CreatedAt, Asc) => q.order((messages::created_at.asc(), messages::id)),
        (MessageSort::Subject, Asc) => q.order((messages::subject.asc(), messages::id)),
        (MessageSort::Subject, Desc) => q.order((messages::subject.desc(), messages::id)),
    };
    let items = q
        .limit(page.per_page)
        .offset(page.offset())
        .select(Message::as_select())
        .load(conn)?;
    Ok((items, total))
}

pub fn find(conn: &mut PgConnection, scope: Scope, id: Uuid) -> QueryResult<Message> {
    searched(scope, None)
        .filter(messages::id.eq(id))
        .select(Message::as_select())
        .first(conn)
}

pub fn insert(conn: &mut PgConnection, new: &NewMessage<'_>) -> QueryResult<Message> {
    diesel::insert_into(messages::table)
        .values(new)
        .returning(Message::as_returning())
        .get_result(conn)
}

pub fn update(
    conn: &mut PgConnection,
    owner: Uuid,
    id: Uuid,
    changes: &MessageChanges<'_>,
) -> QueryResult<Message> {
    diesel::update(
        messages::table
            .filter(messages::id.eq(id))
            .filter(messages::owner_id.eq(owner)),
    )
    .set(changes)
    .returning(Message::as_returning())
    .get_result(conn)
}

/// A message used by a mailing fails with a foreign-key violation (-> 409).
pub fn delete(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> QueryResult<()> {
    let n = diesel::delete(
        messages::table
            .filter(messages::id.eq(id))
            .filter(messages::owner_id.eq(owner)),
    )
    .execute(conn)?;
    if n == 0 {
        Err(diesel::result::Error::NotFound)
    } else {
        Ok(())
    }
}

/// The mailings that use a message (id and name, oldest first, at most `limit`): what
/// stands in the way of deleting it.
pub fn used_by(conn: &mut PgConnection, id: Uuid, limit: i64) -> QueryResult<Vec<(Uuid, String)>> {
    use super::schema::mailings;
    mailings::table
        .filter(mailings::message_id.eq(id))
        .order((mailings::created_at, mailings::id))
        .limit(limit)
        .select((mailings::id, mailings::name))
        .load(conn)
}

/// The owner of a row, if it exists (for the 403-versus-404 decision).
pub fn owner_of(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    messages::table
        .find(id)
        .select(messages::owner_id)
        .first(conn)
        .optional()
}
