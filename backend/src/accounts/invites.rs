//! Invitations: an administrator (`roles.manage`) creates an account for someone else
//! with a role, and the invitee chooses the password through an emailed single-use link
//! (`/accept-invite?token=…&email=…`; the address only pre-fills the sign-in form). The token is stored hashed in `user_tokens` (kind
//! `invite`), like verification and reset tokens.
//!
//! Until the invitation is accepted the account is unconfirmed and its password hash is
//! [`NO_PASSWORD`], which matches no password: nobody can sign in to it. Accepting sets
//! the password, confirms the address (the link reached it) and spends the token; an
//! existing address (invited or registered) is refused with 409 `email_taken`.

use chrono::Utc;
use diesel::Connection;
use herald_api_types::InviteRequest;
use serde_json::json;
use uuid::Uuid;

use super::{insert_token, password_for_token, send_account_email, AccountError};
use crate::{
    auth::tokens,
    db::{
        self,
        audit::{self, Action},
        tokens::TokenKind,
        users::{NewUser, Role, User, UserChanges},
    },
    domain::EmailAddress,
    error::FieldErrors,
    mail::templates,
    state::AppState,
};

/// The password hash of an invited account that has not chosen a password yet: not a
/// PHC string, so no password verifies against it.
const NO_PASSWORD: &str = "!invited";

/// Creates the invited account and emails the link. `inviter` is the administrator.
pub async fn invite(
    state: &AppState,
    inviter: Uuid,
    input: InviteRequest,
) -> Result<(User, Role), AccountError> {
    let mut errors = FieldErrors::new();
    errors.merge_validator(validator::Validate::validate(&input));
    let email = errors.check("email", EmailAddress::parse(&input.email));
    let role_name = input.role.trim().to_owned();
    if role_name.is_empty() {
        errors.add_coded("role", "required", "choose a role");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(AccountError::Invalid(errors));
    };
    let token = tokens::random_token();
    let token_hash = tokens::hash_token(&token);
    let ttl = state.settings.invite_token_ttl;
    let full_name = input.full_name.trim().to_owned();
    let (user, role, inviter_name) = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let role = match db::users::role_by_name(conn, &role_name) {
                Ok(role) => role,
                Err(diesel::result::Error::NotFound) => {
                    let mut f = FieldErrors::new();
                    f.add_coded("role", "unknown_role", "no role has this name");
                    return Err(AccountError::Invalid(f));
                }
                Err(e) => return Err(e.into()),
            };
            let (admin, _) = db::users::find_with_role(conn, inviter)?;
            let user = db::users::insert(
                conn,
                &NewUser {
                    id: Uuid::new_v4(),
                    email: email.as_str(),
                    password_hash: NO_PASSWORD,
                    full_name: &full_name,
                    role_id: role.id,
                    email_verified_at: None,
                },
            )
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => AccountError::EmailTaken,
                other => other.into(),
            })?;
            insert_token(conn, user.id, TokenKind::Invite, &token_hash, None, ttl)?;
            audit::record(
                conn,
                inviter,
                Action::UserInvite,
                Some(user.id),
                json!({ "email": user.email, "role": role.name }),
            )?;
            let inviter_name = if admin.full_name.is_empty() {
                admin.email
            } else {
                admin.full_name
            };
            Ok::<_, AccountError>((user, role, inviter_name))
        })
    })
    .await?;
    // The address rides along so the sign-in form after accepting is already filled in.
    let address: String = url::form_urlencoded::byte_serialize(user.email.as_bytes()).collect();
    let link = format!(
        "{}/accept-invite?token={token}&email={address}",
        state.settings.public_url
    );
    send_account_email(
        state,
        &user,
        templates::invitation(&user.full_name, &inviter_name, &link, ttl),
        "invitation",
    );
    Ok((user, role))
}

/// Sets the invitee's password and confirms the address; the token is spent.
pub async fn accept_invite(
    state: &AppState,
    token: String,
    new_password: String,
) -> Result<(), AccountError> {
    let (hash, new_hash) =
        password_for_token(state, TokenKind::Invite, &token, &new_password).await?;
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let t = db::tokens::consume(conn, TokenKind::Invite, &hash)?
                .ok_or(AccountError::BadToken)?;
            let (user, _) = db::users::find_with_role(conn, t.user_id)?;
            db::users::update(
                conn,
                t.user_id,
                UserChanges {
                    password_hash: Some(new_hash),
                    email_verified_at: Some(Some(user.email_verified_at.unwrap_or_else(Utc::now))),
                    ..Default::default()
                },
            )?;
            db::tokens::revoke_all(conn, t.user_id, TokenKind::Invite)?;
            Ok(())
        })
    })
    .await
}
