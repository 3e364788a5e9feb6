//! The audit log: who did what to whom, and when. Rows are only ever inserted.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{
    schema::{audit_log, users},
    PageRequest,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: Uuid,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub target_user_id: Option<Uuid>,
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// A row with the emails of the actor and the target, as they are now.
pub struct AuditEntry {
    pub row: AuditRow,
    pub actor_email: Option<String>,
    pub target_email: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    id: Uuid,
    actor_id: Option<Uuid>,
    action: &'a str,
    target_user_id: Option<Uuid>,
    details: serde_json::Value,
}

/// The actions written to the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    UserBlock,
    UserUnblock,
    UserRole,
    UserInvite,
    RoleCreate,
    RoleUpdate,
    RoleDelete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::UserBlock => "user.block",
            Action::UserUnblock => "user.unblock",
            Action::UserRole => "user.role",
            Action::UserInvite => "user.invite",
            Action::RoleCreate => "role.create",
            Action::RoleUpdate => "role.update",
            Action::RoleDelete => "role.delete",
        }
    }
}

/// Call inside the transaction that makes the change, so the two commit together.
pub fn record(
    conn: &mut PgConnection,
    actor: Uuid,
    action: Action,
    target_user: Option<Uuid>,
    details: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(&NewAuditRow {
            id: Uuid::new_v4(),
            actor_id: Some(actor),
            action: action.as_str(),
            target_user_id: target_user,
            details,
        })
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub target_user_id: Option<Uuid>,
    pub action: Option<String>,
}

fn filtered(f: &AuditFilter) -> audit_log::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = audit_log::table.into_boxed();
    if let Some(t) = f.target_user_id {
        q = q.filter(audit_log::target_user_id.eq(t));
    }
    if let Some(a) = f.action.clone() {
        q = q.filter(audit_log::action.eq(a));
    }
    q
}

/// Newest first.
pub fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    page: PageRequest,
) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows: Vec<AuditRow> = filtered(filter)
        .order((audit_log::created_at.desc(), audit_log::id))
        .limit(page.per_page)
        .offset(page.offset())
        .select(AuditRow::as_select())
        .load(conn)?;
    let mut ids: Vec<Uuid> = rows
        .iter()
        .flat_map(|r| [r.actor_id, r.target_user_id])
        .flatten()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let emails: Vec<(Uuid, String)> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::email))
        .load(conn)?;
    let email_of = |id: Option<Uuid>| {
        id.and_then(|id| {
            emails
                .iter()
                .find(|(u, _)| *u == id)
                .map(|(_, e)| e.clone())
        })
    };
    let entries = rows
        .into_iter()
        .map(|row| AuditEntry {
            actor_email: email_of(row.actor_id),
            target_email: email_of(row.target_user_id),
            row,
        })
        .collect();
    Ok((entries, total))
}
