//! `AuthUser`: the caller, authenticated by bearer token and re-read from the database
//! on every request (so blocking a user or changing a role takes effect at once).

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use uuid::Uuid;

use crate::{
    db::{self, Scope},
    domain::{Permission, PermissionSet},
    error::ApiError,
    state::AppState,
};

/// What a caller may do with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Their own row: read and change.
    Owner,
    /// Someone else's row they may read (a `*.view_all` permission), not change.
    ReadOnly,
    /// Not theirs to know about: answered as if it did not exist.
    Invisible,
}

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub email: String,
    pub permissions: PermissionSet,
}

impl AuthUser {
    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(p)
    }

    /// The only way a handler checks access.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.has(p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "requires the {} permission",
                p.as_str()
            )))
        }
    }

    /// Which rows a list or read may see: own rows, or everyone's with `view_all`
    /// (optionally narrowed by `?owner_id=`). Asking for another owner's rows without
    /// the permission is refused.
    pub fn read_scope(
        &self,
        view_all: Permission,
        owner_id: Option<Uuid>,
    ) -> Result<Scope, ApiError> {
        if self.has(view_all) {
            return Ok(Scope::All(owner_id));
        }
        match owner_id {
            Some(o) if o != self.id => Err(ApiError::Forbidden(format!(
                "listing other users' rows requires the {} permission",
                view_all.as_str()
            ))),
            _ => Ok(Scope::Owner(self.id)),
        }
    }

    /// Decides a change to a row owned by `owner` (`None`: no such row). Only owners
    /// change rows; a caller who may see the row but not change it gets 403, anyone
    /// else 404, so ids of invisible rows leak nothing.
    pub fn authorize_write(
        &self,
        owner: Option<Uuid>,
        view_all: Permission,
    ) -> Result<(), ApiError> {
        match self.access(owner, view_all) {
            Access::Owner => Ok(()),
            Access::ReadOnly => Err(ApiError::Forbidden(
                "you may view this row but not change it".into(),
            )),
            Access::Invisible => Err(ApiError::NotFound),
        }
    }

    /// The caller's relation to a row owned by `owner` (`None`: no such row).
    pub fn access(&self, owner: Option<Uuid>, view_all: Permission) -> Access {
        match owner {
            Some(o) if o == self.id => Access::Owner,
            Some(_) if self.has(view_all) => Access::ReadOnly,
            _ => Access::Invisible,
        }
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
            let token =
                token.ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
            let user_id = state
                .jwt
                .verify(&token)
                .ok_or_else(|| ApiError::Unauthorized("invalid or expired token".into()))?;
            let found = db::run_blocking(&state.db, move |conn| {
                db::users::find_with_role(conn, user_id).map_err(ApiError::from)
            })
            .await;
            let (user, role) = match found {
                Ok(row) => row,
                Err(ApiError::NotFound) => {
                    return Err(ApiError::Unauthorized(
                        "the account no longer exists".into(),
                    ))
                }
                Err(e) => return Err(e),
            };
            if user.blocked_at.is_some() {
                return Err(ApiError::Unauthorized("the account is blocked".into()));
            }
            Ok(AuthUser {
                id: user.id,
                email: user.email,
                permissions: PermissionSet::from_names(&role.permissions),
            })
        })
    }
}
