//! Roles: named permission sets. Built-in roles are created by the first migration.

use diesel::prelude::*;
use uuid::Uuid;

use super::{
    schema::{roles, users},
    users::Role,
};

#[derive(Debug, Insertable)]
#[diesel(table_name = roles)]
pub struct NewRole<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub permissions: &'a [String],
}

/// Every role with the number of users holding it, built-in roles first.
pub fn list_with_counts(conn: &mut PgConnection) -> QueryResult<Vec<(Role, i64)>> {
    let roles: Vec<Role> = roles::table
        .order((roles::builtin.desc(), roles::created_at, roles::name))
        .select(Role::as_select())
        .load(conn)?;
    let counts: Vec<(Uuid, i64)> = users::table
        .group_by(users::role_id)
        .select((users::role_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(roles
        .into_iter()
        .map(|r| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == r.id)
                .map_or(0, |(_, n)| *n);
            (r, n)
        })
        .collect())
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Role> {
    roles::table.find(id).select(Role::as_select()).first(conn)
}

/// The role row locked for the rest of the transaction (update and delete decisions).
pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Role> {
    roles::table
        .find(id)
        .select(Role::as_select())
        .for_update()
        .first(conn)
}

pub fn users_with_role(conn: &mut PgConnection, id: Uuid) -> QueryResult<i64> {
    users::table
        .filter(users::role_id.eq(id))
        .count()
        .get_result(conn)
}

pub fn insert(conn: &mut PgConnection, new: &NewRole<'_>) -> QueryResult<Role> {
    diesel::insert_into(roles::table)
        .values(new)
        .returning(Role::as_returning())
        .get_result(conn)
}

/// Renames and re-permissions a custom role (built-in rows are never matched).
pub fn update_custom(
    conn: &mut PgConnection,
    id: Uuid,
    name: &str,
    permissions: &[String],
) -> QueryResult<Role> {
    diesel::update(
        roles::table
            .filter(roles::id.eq(id))
            .filter(roles::builtin.eq(false)),
    )
    .set((roles::name.eq(name), roles::permissions.eq(permissions)))
    .returning(Role::as_returning())
    .get_result(conn)
}

/// Deletes a custom role; a role still assigned fails with a foreign-key violation.
pub fn delete_custom(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(
        roles::table
            .filter(roles::id.eq(id))
            .filter(roles::builtin.eq(false)),
    )
    .execute(conn)
}
