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
