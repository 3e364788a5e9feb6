//! Hashed single-use tokens. Consuming is one atomic UPDATE ... RETURNING, so two
//! concurrent uses of the same token cannot both succeed.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::user_tokens;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    VerifyEmail,
    PasswordReset,
    Refresh,
    /// An administrator's invitation: accepting it sets the password and confirms the
    /// address.
    Invite,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::VerifyEmail => "verify_email",
            TokenKind::PasswordReset => "password_reset",
            TokenKind::Refresh => "refresh",
            TokenKind::Invite => "invite",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_tokens)]
pub struct UserToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub token_hash: Vec<u8>,
    pub family_id: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = user_tokens)]
pub struct NewUserToken<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: &'a str,
    pub token_hash: &'a [u8],
    pub family_id: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
}

pub fn insert(conn: &mut PgConnection, new: &NewUserToken<'_>) -> QueryResult<()> {
    diesel::insert_into(user_tokens::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

/// Marks an unused, unexpired token as used and returns it; `None` if there is none.
pub fn consume(
    conn: &mut PgConnection,
    kind: TokenKind,
    hash: &[u8],
) -> QueryResult<Option<UserToken>> {
    diesel::update(
        user_tokens::table
            .filter(user_tokens::token_hash.eq(hash))
            .filter(user_tokens::kind.eq(kind.as_str()))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::expires_at.gt(Utc::now())),
    )
    .set(user_tokens::used_at.eq(Utc::now()))
    .returning(UserToken::as_returning())
    .get_result(conn)
    .optional()
}

/// A token by its hash, used or not (for refresh-token reuse detection).
pub fn find(
    conn: &mut PgConnection,
    kind: TokenKind,
    hash: &[u8],
) -> QueryResult<Option<UserToken>> {
    user_tokens::table
        .filter(user_tokens::token_hash.eq(hash))
        .filter(user_tokens::kind.eq(kind.as_str()))
        .select(UserToken::as_select())
        .first(conn)
        .optional()
}

pub fn revoke_family(conn: &mut PgConnection, family: Uuid) -> QueryResult<usize> {
    diesel::update(
        user_tokens::table
            .filter(user_tokens::family_id.eq(family))
            .filter(user_tokens::used_at.is_null()),
    )
    .set(user_tokens::used_at.eq(Utc::now()))
    .execute(conn)
}

pub fn revoke_all(conn: &mut PgConnection, user: Uuid, kind: TokenKind) -> QueryResult<usize> {
    diesel::update(
        user_tokens::table
            .filter(user_tokens::user_id.eq(user))
            .filter(user_tokens::kind.eq(kind.as_str()))
            .filter(user_tokens::used_at.is_null()),
    )
    .set(user_tokens::used_at.eq(Utc::now()))
    .execute(conn)
}
