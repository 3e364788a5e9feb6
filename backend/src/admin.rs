//! Console workflows: blocking users, assigning roles, editing roles. Each change and
//! its audit-log row commit in one transaction. Handlers check the permission
//! (`users.block`, `roles.manage`) first; the rules here are the ones that depend on the
//! rows involved:
//! - nobody blocks, unblocks or re-roles themselves (409): an admin cannot lock
//!   themselves out by accident;
//! - an account holding `roles.manage` can only be blocked by another holder of
//!   `roles.manage` (403): a manager cannot block the administrators above them;
//! - blocking revokes every refresh token; access tokens stop working at the next request
//!   because `AuthUser` reads the blocked flag on every request;
//! - blocking a blocked account (or unblocking an active one) changes nothing and writes
//!   no audit row;
//! - built-in roles are read-only (409 on change or delete); a role still assigned to
//!   someone cannot be deleted (409).

use diesel::{
    result::{DatabaseErrorKind, Error as DieselError},
    Connection, PgConnection,
};
use herald_api_types::RoleInput;
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    db::{
        self,
        audit::{self, Action},
        roles::NewRole,
        tokens::TokenKind,
        users::{Role, User, UserChanges},
    },
    domain::{
        roles::{parse_permissions, RoleName},
        Permission, PermissionSet,
    },
    error::{ApiError, FieldErrors},
    state::AppState,
};

/// Blocks (`block = true`) or unblocks an account and returns it with its role.
pub async fn set_blocked(
    state: &AppState,
    caller: &AuthUser,
    target: Uuid,
    block: bool,
) -> Result<(User, Role), ApiError> {
    if target == caller.id {
        return Err(
            ApiError::Conflict("you cannot block or unblock your own account".into())
                .with_code("own_account"),
        );
    }
    let actor = caller.id;
    let actor_is_admin = caller.has(Permission::RolesManage);
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let user = db::users::find_for_update(conn, target)?;
            let (_, role) = db::users::find_with_role(conn, target)?;
            let target_is_admin =
                PermissionSet::from_names(&role.permissions).contains(Permission::RolesManage);
            if block && target_is_admin && !actor_is_admin {
                return Err(ApiError::Forbidden(
                    "only a holder of roles.manage can block an account that holds it".into(),
                ));
            }
            if user.blocked_at.is_some() == block {
                return Ok((user, role));
            }
            let user = db::users::set_blocked(conn, target, block.then_some(actor))?;
            let action = if block {
                db::tokens::revoke_all(conn, target, TokenKind::Refresh)?;
                crate::runs::pause_for_blocked_owner(conn, target)?;
                Action::UserBlock
            } else {
                crate::runs::resume_for_unblocked_owner(conn, target, chrono::Utc::now())?;
                Action::UserUnblock
            };
            audit::record(
                conn,
                actor,
                action,
                Some(target),
                json!({ "email": user.email }),
            )?;
            Ok((user, role))
        })
    })
    .await
}

/// Moves an account to the role named `role_name`.
pub async fn set_role(
    state: &AppState,
    caller: &AuthUser,
    target: Uuid,
    role_name: String,
) -> Result<(User, Role), ApiError> {
    if target == caller.id {
        return Err(
            ApiError::Conflict("you cannot change your own role".into()).with_code("own_account")
        );
    }
    let actor = caller.id;
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let role = match db::users::role_by_name(conn, role_name.trim()) {
                Ok(role) => role,
                Err(DieselError::NotFound) => {
                    return Err(FieldErrors::single("role", "no role has this name"))
                }
                Err(e) => return Err(e.into()),
            };
            let user = db::users::find_for_update(conn, target)?;
            let (_, old_role) = db::users::find_with_role(conn, target)?;
            if old_role.id == role.id {
                return Ok((user, role));
            }
            let user = db::users::update(
                conn,
                target,
                UserChanges {
                    role_id: Some(role.id),
                    ..Default::default()
                },
            )?;
            audit::record(
                conn,
                actor,
                Action::UserRole,
                Some(target),
                json!({ "email": user.email, "from": old_role.name, "to": role.name }),
            )?;
            Ok((user, role))
        })
    })
    .await
}

/// The validated form of a [`RoleInput`].
fn parse_role(input: &RoleInput) -> Result<(RoleName, Vec<String>), ApiError> {
    let mut errors = FieldErrors::new();
    let name = errors.check("name", RoleName::parse(&input.name));
    let permissions = errors.check("permissions", parse_permissions(&input.permissions));
    errors.finish()?;
    match (name, permissions) {
        (Some(n), Some(p)) => Ok((n, p)),
        _ => Err(ApiError::internal(anyhow::anyhow!(
            "role input passed validation without values"
        ))),
    }
}

fn name_taken(e: DieselError) -> ApiError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            ApiError::Conflict("a role with this name already exists".into())
                .with_code("role_name_taken")
        }
        other => other.into(),
    }
}

pub async fn create_role(
    state: &AppState,
    caller: &AuthUser,
    input: RoleInput,
) -> Result<(Role, i64), ApiError> {
    let (name, permissions) = parse_role(&input)?;
    let actor = caller.id;
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let role = db::roles::insert(
                conn,
                &NewRole {
                    id: Uuid::new_v4(),
                    name: name.as_str(),
                    permissions: &permissions,
                },
            )
            .map_err(name_taken)?;
            audit::record(
                conn,
                actor,
                Action::RoleCreate,
                None,
                json!({ "role_id": role.id, "name": role.name, "permissions": role.permissions }),
            )?;
            Ok((role, 0))
        })
    })
    .await
}

fn editable(conn: &mut PgConnection, id: Uuid) -> Result<Role, ApiError> {
    let role = db::roles::find_for_update(conn, id)?;
    if role.builtin {
        return Err(ApiError::Conflict(format!(
            "the built-in role {} cannot be changed or deleted",
            role.name
        ))
        .with_code("role_builtin"));
    }
    Ok(role)
}

pub async fn update_role(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    input: RoleInput,
) -> Result<(Role, i64), ApiError> {
    let actor = caller.id;
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            // 404 and 409 (built-in) come before validation: they hold for any body.
            let old = editable(conn, id)?;
            let (name, permissions) = parse_role(&input)?;
            let role = db::roles::update_custom(conn, id, name.as_str(), &permissions)
                .map_err(name_taken)?;
            audit::record(
                conn,
                actor,
                Action::RoleUpdate,
                None,
                json!({
                    "role_id": id,
                    "from": { "name": old.name, "permissions": old.permissions },
                    "to": { "name": role.name, "permissions": role.permissions },
                }),
            )?;
            let users = db::roles::users_with_role(conn, id)?;
            Ok((role, users))
        })
    })
    .await
}

pub async fn delete_role(state: &AppState, caller: &AuthUser, id: Uuid) -> Result<(), ApiError> {
    let actor = caller.id;
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let role = editable(conn, id)?;
            let users = db::roles::users_with_role(conn, id)?;
            if users > 0 {
                return Err(ApiError::Conflict(format!(
                    "the role {} is assigned to {users} user(s); move them to another role first",
                    role.name
                ))
                .with_code("role_in_use"));
            }
            db::roles::delete_custom(conn, id)?;
            audit::record(
                conn,
                actor,
                Action::RoleDelete,
                None,
                json!({ "role_id": id, "name": role.name, "permissions": role.permissions }),
            )?;
            Ok(())
        })
    })
    .await
}
