//! Account workflows: sign-up, email verification, sign-in, token rotation, password
//! reset, profile changes. Rules live here; HTTP lives in `routes::auth`.
//!
//! Input checks run first, before any database or argon2 work: a bad `full_name` (a
//! control character) or a weak password is a 422 that costs nothing. Sign-in and its
//! limits are in [`login`]; the per-address limit on account emails in [`emails`].

mod emails;
mod invites;
mod login;

pub use invites::{accept_invite, invite};
pub use login::login;

use chrono::Utc;
use diesel::Connection;
use herald_api_types::{RegisterRequest, TokenPair, UpdateMeRequest};
use lettre::message::Mailbox;
use uuid::Uuid;

use crate::{
    auth::{password, tokens},
    db::{
        self,
        tokens::{NewUserToken, TokenKind},
        users::{NewUser, Role, User, UserChanges},
        DbError,
    },
    domain::{EmailAddress, Password},
    error::FieldErrors,
    mail::{self, templates},
    state::AppState,
};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("this email is already registered")]
    EmailTaken,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("the email address is not confirmed yet")]
    NotVerified,
    #[error("the account is blocked")]
    Blocked,
    #[error("the link is unknown, already used, or expired")]
    BadToken,
    #[error("the refresh token is invalid, expired or already used")]
    BadRefreshToken,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
    #[error("token signing failed: {0}")]
    Jwt(#[from] jsonwebtoken::errors::Error),
    #[error("too many requests; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
}

impl From<diesel::result::Error> for AccountError {
    fn from(e: diesel::result::Error) -> Self {
        AccountError::Db(DbError::Query(e))
    }
}

/// The password policy with the account's own words (a password made of one's email or
/// name is guessable); records the failure under `field`.
fn check_password(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    email: &str,
    full_name: &str,
) -> Option<Password> {
    Password::parse(raw, &[email, full_name])
        .map_err(|e| errors.add_coded(field, e.code(), e.to_string()))
        .ok()
}

const USER_ROLE: &str = "user";

pub async fn register(
    state: &AppState,
    input: RegisterRequest,
) -> Result<(User, Role), AccountError> {
    let mut errors = FieldErrors::new();
    errors.merge_validator(validator::Validate::validate(&input));
    let email = errors.check("email", EmailAddress::parse(&input.email));
    let pw = check_password(
        &mut errors,
        "password",
        &input.password,
        &input.email,
        &input.full_name,
    );
    let (Some(email), Some(pw)) = (email, pw) else {
        return Err(AccountError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let hash = password::hash(&state.hashing, pw).await?;
    let token = tokens::random_token();
    let token_hash = tokens::hash_token(&token);
    let ttl = state.settings.verification_token_ttl;
    let full_name = input.full_name.trim().to_owned();
    let email_for_db = email.clone();
    let (user, role) = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let role = db::users::role_by_name(conn, USER_ROLE)?;
            let user = db::users::insert(
                conn,
                &NewUser {
                    id: Uuid::new_v4(),
                    email: email_for_db.as_str(),
                    password_hash: &hash,
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
            insert_token(
                conn,
                user.id,
                TokenKind::VerifyEmail,
                &token_hash,
                None,
                ttl,
            )?;
            Ok::<_, AccountError>((user, role))
        })
    })
    .await?;
    send_verification(state, &user, &token);
    Ok((user, role))
}

fn insert_token(
    conn: &mut diesel::PgConnection,
    user_id: Uuid,
    kind: TokenKind,
    hash: &[u8],
    family: Option<Uuid>,
    ttl: std::time::Duration,
) -> Result<(), AccountError> {
    let expires_at =
        Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(1));
    db::tokens::insert(
        conn,
        &NewUserToken {
            id: Uuid::new_v4(),
            user_id,
            kind: kind.as_str(),
            token_hash: hash,
            family_id: family,
            expires_at,
        },
    )?;
    Ok(())
}

fn mailbox(user: &User) -> Option<Mailbox> {
    let name = (!user.full_name.is_empty()).then(|| user.full_name.clone());
    user.email.parse().ok().map(|addr| Mailbox::new(name, addr))
}

fn send_account_email(
    state: &AppState,
    user: &User,
    email: templates::RenderedEmail,
    what: &'static str,
) {
    let Some(to) = mailbox(user) else {
        tracing::warn!(user = %user.id, "stored email address does not parse; email not sent");
        return;
    };
    match mail::build_message(
        state.mailer.from_mailbox(),
        to,
        &email.subject,
        email.text,
        Some(email.html),
    ) {
        Ok(message) => state.mailer.send_in_background(message, what),
        Err(e) => tracing::error!(error = %e, what, "cannot build account email"),
    }
}

fn send_verification(state: &AppState, user: &User, token: &str) {
    let link = format!("{}/verify-email?token={token}", state.settings.public_url);
    let email = templates::verification(
        &user.full_name,
        &link,
        state.settings.verification_token_ttl,
    );
    send_account_email(state, user, email, "verification");
}

pub async fn verify_email(state: &AppState, token: String) -> Result<(), AccountError> {
    let hash = tokens::hash_token(&token);
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let t = db::tokens::consume(conn, TokenKind::VerifyEmail, &hash)?
                .ok_or(AccountError::BadToken)?;
            let (user, _) = db::users::find_with_role(conn, t.user_id)?;
            if user.email_verified_at.is_none() {
                db::users::update(
                    conn,
                    user.id,
                    UserChanges {
                        email_verified_at: Some(Some(Utc::now())),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })
    })
    .await
}

/// Sends a fresh verification link if the account exists and is unconfirmed. Answers at
/// once, whatever the address: the lookup and the email happen off the request path (so
/// known and unknown addresses take the same time), within the per-address email limit.
pub fn resend_verification(state: &AppState, email: String) {
    let state = state.clone();
    tokio::spawn(async move {
        if !emails::may_send(&state, &email).await {
            return;
        }
        if let Err(e) = resend_verification_now(&state, email).await {
            tracing::warn!(error = %e, "verification email not resent");
        }
    });
}

async fn resend_verification_now(state: &AppState, email: String) -> Result<(), AccountError> {
    let ttl = state.settings.verification_token_ttl;
    let token = tokens::random_token();
    let hash = tokens::hash_token(&token);
    let user = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let Some((user, _)) = db::users::find_by_email(conn, &email)? else {
                return Ok(None);
            };
            if user.email_verified_at.is_some() {
                return Ok(None);
            }
            // Older links stop working: only the newest one is valid.
            db::tokens::revoke_all(conn, user.id, TokenKind::VerifyEmail)?;
            insert_token(conn, user.id, TokenKind::VerifyEmail, &hash, None, ttl)?;
            Ok::<_, AccountError>(Some(user))
        })
    })
    .await?;
    if let Some(user) = user {
        send_verification(state, &user, &token);
    }
    Ok(())
}

/// Checks the credentials and issues a pair; [`login`] puts the limits around it.
async fn authenticate(
    state: &AppState,
    email: String,
    candidate: String,
) -> Result<TokenPair, AccountError> {
    let found = db::run_blocking(&state.db, move |conn| {
        db::users::find_by_email(conn, &email).map_err(DbError::from)
    })
    .await?;
    let stored = found.as_ref().map(|(u, _)| u.password_hash.clone());
    // Runs the same argon2 work whether or not the account exists.
    let ok = password::verify(&state.hashing, stored, candidate).await?;
    let Some((user, _)) = found.filter(|_| ok) else {
        return Err(AccountError::InvalidCredentials);
    };
    // Only now, with the right password, may the answer reveal the account's state.
    if user.blocked_at.is_some() {
        return Err(AccountError::Blocked);
    }
    if user.email_verified_at.is_none() {
        return Err(AccountError::NotVerified);
    }
    issue_pair(state, user.id, Uuid::new_v4()).await
}

async fn issue_pair(
    state: &AppState,
    user_id: Uuid,
    family: Uuid,
) -> Result<TokenPair, AccountError> {
    let refresh = tokens::random_token();
    let hash = tokens::hash_token(&refresh);
    let ttl = state.settings.refresh_token_ttl;
    db::run_blocking(&state.db, move |conn| {
        insert_token(conn, user_id, TokenKind::Refresh, &hash, Some(family), ttl)
    })
    .await?;
    Ok(TokenPair {
        access_token: state.jwt.issue(user_id)?,
        refresh_token: refresh,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl_secs(),
    })
}

/// Rotates a refresh token. Presenting an already-used token means it leaked: the
/// whole family (every token descended from that login) is revoked.
pub async fn refresh(state: &AppState, token: String) -> Result<TokenPair, AccountError> {
    let hash = tokens::hash_token(&token);
    let (user_id, family) = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            match db::tokens::consume(conn, TokenKind::Refresh, &hash)? {
                Some(t) => {
                    let (user, _) = db::users::find_with_role(conn, t.user_id)?;
                    if user.blocked_at.is_some() {
                        return Ok(Err(AccountError::BadRefreshToken));
                    }
                    Ok(Ok((t.user_id, t.family_id.unwrap_or_else(Uuid::new_v4))))
                }
                None => {
                    if let Some(spent) = db::tokens::find(conn, TokenKind::Refresh, &hash)? {
                        if spent.used_at.is_some() {
                            if let Some(family) = spent.family_id {
                                tracing::warn!(user = %spent.user_id, "refresh token reuse: revoking its family");
                                db::tokens::revoke_family(conn, family)?;
                            }
                        }
                    }
                    // Commit the revocation, then refuse.
                    Ok(Err(AccountError::BadRefreshToken))
                }
            }
        })
    })
    .await
    .and_then(|r: Result<_, AccountError>| r)?;
    issue_pair(state, user_id, family).await
}

/// Revokes a refresh token. A token that was already rotated (used) is a leaked copy
/// or a stale tab: like reuse at `/auth/refresh`, it revokes its whole family, so the
/// login it came from ends everywhere. Unknown tokens change nothing; the answer is the
/// same either way.
pub async fn logout(state: &AppState, token: String) -> Result<(), AccountError> {
    let hash = tokens::hash_token(&token);
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            if db::tokens::consume(conn, TokenKind::Refresh, &hash)?.is_none() {
                if let Some(spent) = db::tokens::find(conn, TokenKind::Refresh, &hash)? {
                    if let (Some(_), Some(family)) = (spent.used_at, spent.family_id) {
                        tracing::warn!(user = %spent.user_id, "logout with a rotated refresh token: revoking its family");
                        db::tokens::revoke_family(conn, family)?;
                    }
                }
            }
            Ok(())
        })
    })
    .await
}

/// Emails a reset link if the account exists. Answers at once, whatever the address:
/// the lookup and the email happen off the request path, within the per-address email
/// limit. A new link revokes the older ones.
pub fn request_password_reset(state: &AppState, email: String) {
    let state = state.clone();
    tokio::spawn(async move {
        if !emails::may_send(&state, &email).await {
            return;
        }
        if let Err(e) = request_password_reset_now(&state, email).await {
            tracing::warn!(error = %e, "password reset email not sent");
        }
    });
}

async fn request_password_reset_now(state: &AppState, email: String) -> Result<(), AccountError> {
    let ttl = state.settings.reset_token_ttl;
    let token = tokens::random_token();
    let hash = tokens::hash_token(&token);
    let user = db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let Some((user, _)) = db::users::find_by_email(conn, &email)? else {
                return Ok(None);
            };
            // Only the newest link works: a mailbox holding many is no weaker than one.
            db::tokens::revoke_all(conn, user.id, TokenKind::PasswordReset)?;
            insert_token(conn, user.id, TokenKind::PasswordReset, &hash, None, ttl)?;
            Ok::<_, AccountError>(Some(user))
        })
    })
    .await?;
    if let Some(user) = user {
        let link = format!("{}/reset-password?token={token}", state.settings.public_url);
        send_account_email(
            state,
            &user,
            templates::password_reset(&user.full_name, &link, ttl),
            "password reset",
        );
    }
    Ok(())
}

/// The first half of setting a password from an emailed single-use link (a reset, an
/// invitation): the policy without the account's words first (no database; those words
/// can only make a password weaker, so what fails here fails below too), then the
/// token's account (only looked at: the caller consumes the token in its transaction),
/// the policy with the account's email and name, and the hash. Returns the token's hash
/// and the new password's.
pub(super) async fn password_for_token(
    state: &AppState,
    kind: TokenKind,
    token: &str,
    new_password: &str,
) -> Result<(Vec<u8>, String), AccountError> {
    if let Err(e) = Password::parse(new_password, &[]) {
        let mut f = FieldErrors::new();
        f.add_coded("password", e.code(), e.to_string());
        return Err(AccountError::Invalid(f));
    }
    let hash = tokens::hash_token(token);
    let lookup = hash.clone();
    let user = db::run_blocking(&state.db, move |conn| {
        let t = db::tokens::find(conn, kind, &lookup)?
            .filter(|t| t.used_at.is_none() && t.expires_at > Utc::now())
            .ok_or(AccountError::BadToken)?;
        Ok::<_, AccountError>(db::users::find_with_role(conn, t.user_id)?.0)
    })
    .await?;
    let mut errors = FieldErrors::new();
    let Some(pw) = check_password(
        &mut errors,
        "password",
        new_password,
        &user.email,
        &user.full_name,
    ) else {
        return Err(AccountError::Invalid(errors));
    };
    Ok((hash, password::hash(&state.hashing, pw).await?))
}

pub async fn confirm_password_reset(
    state: &AppState,
    token: String,
    new_password: String,
) -> Result<(), AccountError> {
    let (hash, new_hash) =
        password_for_token(state, TokenKind::PasswordReset, &token, &new_password).await?;
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let t = db::tokens::consume(conn, TokenKind::PasswordReset, &hash)?
                .ok_or(AccountError::BadToken)?;
            db::users::update(
                conn,
                t.user_id,
                UserChanges {
                    password_hash: Some(new_hash),
                    ..Default::default()
                },
            )?;
            // Every session ends, and other outstanding reset links die too.
            db::tokens::revoke_all(conn, t.user_id, TokenKind::Refresh)?;
            db::tokens::revoke_all(conn, t.user_id, TokenKind::PasswordReset)?;
            Ok(())
        })
    })
    .await
}

pub async fn update_me(
    state: &AppState,
    user_id: Uuid,
    input: UpdateMeRequest,
) -> Result<(User, Role), AccountError> {
    let mut errors = FieldErrors::new();
    errors.merge_validator(validator::Validate::validate(&input));
    if input.new_password.is_some() && input.current_password.is_none() {
        errors.add("current_password", "is required to change the password");
    }
    let time_zone = input
        .time_zone
        .as_deref()
        .and_then(|z| errors.check_coded("time_zone", z.trim().parse::<crate::domain::Zone>()));
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let mut changes = UserChanges {
        full_name: input.full_name.clone().map(|n| n.trim().to_owned()),
        time_zone: time_zone.map(|z| z.name().to_owned()),
        ..Default::default()
    };
    if let (Some(new), Some(current)) = (input.new_password, input.current_password) {
        let (user, _) = db::run_blocking(&state.db, move |conn| {
            db::users::find_with_role(conn, user_id).map_err(DbError::from)
        })
        .await?;
        // The policy before the (costly) check of the current password.
        let name = input.full_name.as_deref().unwrap_or(&user.full_name);
        let Some(new) = check_password(&mut errors, "new_password", &new, &user.email, name) else {
            return Err(AccountError::Invalid(errors));
        };
        if !password::verify(&state.hashing, Some(user.password_hash), current).await? {
            let mut f = FieldErrors::new();
            f.add_coded("current_password", "incorrect", "is incorrect");
            return Err(AccountError::Invalid(f));
        }
        changes.password_hash = Some(password::hash(&state.hashing, new).await?);
    }
    let password_changed = changes.password_hash.is_some();
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            db::users::update(conn, user_id, changes)?;
            if password_changed {
                // Other devices must sign in again with the new password.
                db::tokens::revoke_all(conn, user_id, TokenKind::Refresh)?;
            }
            Ok::<_, AccountError>(db::users::find_with_role(conn, user_id)?)
        })
    })
    .await
}

/// `herald create-admin`: creates a verified admin, or promotes and re-passwords an
/// existing account with that email.
pub async fn create_admin(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<User, AccountError> {
    let mut errors = FieldErrors::new();
    let parsed = errors.check("email", EmailAddress::parse(email));
    let pw = check_password(&mut errors, "password", password, email, "Administrator");
    let (Some(email), Some(pw)) = (parsed, pw) else {
        return Err(AccountError::Invalid(errors));
    };
    let hash = password::hash(&state.hashing, pw).await?;
    db::run_blocking(&state.db, move |conn| {
        conn.transaction(|conn| {
            let admin = db::users::role_by_name(conn, "admin")?;
            match db::users::find_by_email(conn, email.as_str())? {
                Some((user, _)) => Ok(db::users::update(
                    conn,
                    user.id,
                    UserChanges {
                        password_hash: Some(hash),
                        role_id: Some(admin.id),
                        email_verified_at: Some(Some(
                            user.email_verified_at.unwrap_or_else(Utc::now),
                        )),
                        ..Default::default()
                    },
                )?),
                None => Ok(db::users::insert(
                    conn,
                    &NewUser {
                        id: Uuid::new_v4(),
                        email: email.as_str(),
                        password_hash: &hash,
                        full_name: "Administrator",
                        role_id: admin.id,
                        email_verified_at: Some(Utc::now()),
                    },
                )?),
            }
        })
    })
    .await
}
