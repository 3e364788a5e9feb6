//! Accounts and roles.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{
    lower,
    schema::{roles, users},
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub role_id: Uuid,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub blocked_at: Option<DateTime<Utc>>,
    pub blocked_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// IANA zone, the default for new mailings.
    pub time_zone: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = roles)]
pub struct Role {
    pub id: Uuid,
    pub name: String,
    pub permissions: Vec<String>,
    pub builtin: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub role_id: Uuid,
    pub email_verified_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub full_name: Option<String>,
    pub password_hash: Option<String>,
    pub email_verified_at: Option<Option<DateTime<Utc>>>,
    pub role_id: Option<Uuid>,
    pub updated_at: Option<DateTime<Utc>>,
    pub time_zone: Option<String>,
}

/// A user's profile time zone (the default for their new mailings).
pub fn time_zone(conn: &mut PgConnection, id: Uuid) -> QueryResult<String> {
    users::table.find(id).select(users::time_zone).first(conn)
}

pub fn find_with_role(conn: &mut PgConnection, id: Uuid) -> QueryResult<(User, Role)> {
    users::table
        .inner_join(roles::table)
        .filter(users::id.eq(id))
        .select((User::as_select(), Role::as_select()))
        .first(conn)
}

/// Case-insensitive lookup backed by the unique `lower(email)` index.
pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<(User, Role)>> {
    users::table
        .inner_join(roles::table)
        .filter(lower(users::email).eq(email.trim().to_lowercase()))
        .select((User::as_select(), Role::as_select()))
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, new: &NewUser<'_>) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(User::as_returning())
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: Uuid, mut changes: UserChanges) -> QueryResult<User> {
    changes.updated_at = Some(Utc::now());
    diesel::update(users::table.find(id))
        .set(&changes)
        .returning(User::as_returning())
        .get_result(conn)
}

pub fn role_by_name(conn: &mut PgConnection, name: &str) -> QueryResult<Role> {
    roles::table
        .filter(roles::name.eq(name))
        .select(Role::as_select())
        .first(conn)
}

/// Filters of the administrators' user list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Substring of the email or full name, case-insensitive.
    pub search: Option<String>,
    pub blocked: Option<bool>,
}

fn filtered(f: &UserFilter) -> users::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = users::table.into_boxed();
    if let Some(needle) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        // The exact expression of `users_search_idx` (trigram GIN), so it can be used.
        q = q.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(
                "(lower(users.email) || ' ' || lower(users.full_name)) LIKE ",
            )
            .bind::<diesel::sql_types::Text, _>(super::contains_pattern(needle)),
        );
    }
    match f.blocked {
        Some(true) => q = q.filter(users::blocked_at.is_not_null()),
        Some(false) => q = q.filter(users::blocked_at.is_null()),
        None => {}
    }
    q
}

/// Newest accounts first, each with its role.
pub fn list(
    conn: &mut PgConnection,
    filter: &UserFilter,
    page: super::PageRequest,
) -> QueryResult<(Vec<(User, Role)>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let ids: Vec<Uuid> = filtered(filter)
        .order((users::created_at.desc(), users::id))
        .limit(page.per_page)
        .offset(page.offset())
        .select(users::id)
        .load(conn)?;
    let mut rows: Vec<(User, Role)> = users::table
        .inner_join(roles::table)
        .filter(users::id.eq_any(&ids))
        .select((User::as_select(), Role::as_select()))
        .load(conn)?;
    rows.sort_by_key(|(u, _)| ids.iter().position(|id| *id == u.id));
    Ok((rows, total))
}

/// The user row locked until the end of the transaction.
pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<User> {
    users::table
        .find(id)
        .select(User::as_select())
        .for_update()
        .first(conn)
}

/// Blocks (`Some(by)`) or unblocks (`None`) an account.
pub fn set_blocked(conn: &mut PgConnection, id: Uuid, by: Option<Uuid>) -> QueryResult<User> {
    let now = Utc::now();
    diesel::update(users::table.find(id))
        .set((
            users::blocked_at.eq(by.map(|_| now)),
            users::blocked_by.eq(by),
            users::updated_at.eq(now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
}
