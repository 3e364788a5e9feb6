//! The one place where errors become HTTP answers.
//!
//! Policy:
//! - Every error answer is an RFC 7807 `application/problem+json` document.
//! - Layers below HTTP have their own `thiserror` enums (`DbError`, `AccountError`,
//!   `MailError`...); they convert into [`ApiError`] here and nowhere else.
//! - Database: `NotFound` -> 404, unique or foreign-key violation -> 409, pool
//!   exhaustion or lost connection -> 503, anything else -> 500.
//! - 4xx bodies explain the problem; 5xx bodies are opaque ("internal error") and the
//!   cause chain goes to the log, so nothing internal leaks to callers.
//! - Every problem carries a snake_case `code` (the kind of problem; stable, for
//!   clients to branch on): the status's default (`not_found`, `conflict`,
//!   `too_many_requests`...) unless the error names a more specific one with
//!   [`ApiError::with_code`] (`email_taken`, `invalid_credentials`...). A 422 also carries
//!   `error_codes`, per field, parallel to `errors` (`length`, `control_character`,
//!   `weak_password`; `invalid` when the rule has no code of its own), and its `code` is
//!   the one code all its field errors share, else `validation_failed`.
//! - Extractor failures (bad JSON, wrong content type, bad path or query) are 4xx via
//!   the handlers installed by [`json_config`], [`path_config`] and [`query_config`].

use std::collections::BTreeMap;

use actix_web::{
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::{header, StatusCode},
    HttpRequest, HttpResponse, ResponseError,
};
use herald_api_types::Problem;

use crate::db::DbError;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Field name -> messages, the body of a 422, with a machine-readable code beside every
/// message (`error_codes` in the answer).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FieldErrors(BTreeMap<String, Vec<FieldError>>);

/// One message about one field.
#[derive(Debug, Clone, PartialEq)]
struct FieldError {
    code: String,
    message: String,
}

/// The code of a field error recorded without one.
pub const INVALID: &str = "invalid";

/// An error that knows its machine-readable code (for [`FieldErrors::check_coded`]).
pub trait ErrorCode {
    fn code(&self) -> &'static str;
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a message with the generic code `invalid`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.add_coded(field, INVALID, message);
    }

    /// Records a message with its machine-readable code.
    pub fn add_coded(
        &mut self,
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.0.entry(field.into()).or_default().push(FieldError {
            code: code.into(),
            message: message.into(),
        });
    }

    /// Records the error of a parse, if any, and passes the value through.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| self.add(field, e.to_string())).ok()
    }

    /// [`check`](Self::check) for errors that carry their own code.
    pub fn check_coded<T, E: std::fmt::Display + ErrorCode>(
        &mut self,
        field: &str,
        r: Result<T, E>,
    ) -> Option<T> {
        r.map_err(|e| self.add_coded(field, e.code(), e.to_string()))
            .ok()
    }

    /// Merges the messages of a `validator` derive; the validator's code (`length`,
    /// `control_character`...) becomes the field's code.
    pub fn merge_validator(&mut self, result: Result<(), validator::ValidationErrors>) {
        if let Err(errors) = result {
            for (field, errs) in errors.field_errors() {
                for e in errs {
                    let msg = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| e.code.to_string());
                    self.add_coded(field.to_string(), e.code.to_string(), msg);
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `field` has an error.
    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// `Ok(())` when nothing was recorded, else the 422.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self))
        }
    }

    pub fn single(field: &str, message: impl Into<String>) -> ApiError {
        let mut e = FieldErrors::new();
        e.add(field, message);
        ApiError::Validation(e)
    }

    fn messages(&self) -> BTreeMap<String, Vec<String>> {
        self.0
            .iter()
            .map(|(f, es)| (f.clone(), es.iter().map(|e| e.message.clone()).collect()))
            .collect()
    }

    fn codes(&self) -> BTreeMap<String, Vec<String>> {
        self.0
            .iter()
            .map(|(f, es)| (f.clone(), es.iter().map(|e| e.code.clone()).collect()))
            .collect()
    }

    /// The answer's top-level code: the one specific code when every field error shares
    /// it (a lone weak password says `weak_password`), else `validation_failed`.
    fn top_code(&self) -> String {
        let mut codes = self.0.values().flatten().map(|e| e.code.as_str());
        match codes.next() {
            Some(first) if first != INVALID && codes.all(|c| c == first) => first.to_owned(),
            _ => "validation_failed".to_owned(),
        }
    }
}

/// `field: message; field: message` (for command-line tools).
impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (field, errors) in &self.0 {
            for e in errors {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{field}: {}", e.message)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A 409 naming what stands in the way (`used_by` in the answer).
    #[error("conflict: {0}")]
    InUse(String, Vec<herald_api_types::UsedBy>),
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("payload too large")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
    /// Any of the above with a more specific machine-readable `code` than its default
    /// (`email_taken` rather than `conflict`); see [`ApiError::with_code`].
    #[error("{1}")]
    Coded(&'static str, Box<ApiError>),
}

impl ApiError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }

    /// The same answer with a specific `code` (snake_case, stable: clients branch on it).
    pub fn with_code(self, code: &'static str) -> Self {
        match self {
            ApiError::Coded(_, inner) => ApiError::Coded(code, inner),
            other => ApiError::Coded(code, Box::new(other)),
        }
    }

    /// The machine-readable `code` of the answer.
    pub fn code(&self) -> String {
        match self {
            ApiError::Coded(code, _) => (*code).to_owned(),
            ApiError::Validation(f) => f.top_code(),
            ApiError::Internal(_) => "internal".into(),
            other => code_for_status(other.status_code()).to_owned(),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Coded(_, inner) => inner.title(),
            ApiError::BadRequest(_) => "Bad request",
            ApiError::Unauthorized(_) => "Unauthorized",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::NotFound => "Not found",
            ApiError::Conflict(_) | ApiError::InUse(..) => "Conflict",
            ApiError::Validation(_) => "Validation failed",
            ApiError::PayloadTooLarge(_) => "Payload too large",
            ApiError::UnsupportedMediaType(_) => "Unsupported media type",
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::Internal(_) => "Internal server error",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::Coded(_, inner) => inner.detail(),
            ApiError::BadRequest(d)
            | ApiError::Unauthorized(d)
            | ApiError::Forbidden(d)
            | ApiError::Conflict(d)
            | ApiError::InUse(d, _)
            | ApiError::PayloadTooLarge(d)
            | ApiError::UnsupportedMediaType(d) => Some(d.clone()),
            ApiError::NotFound => {
                Some("the resource does not exist or is not visible to you".into())
            }
            ApiError::Validation(_) => Some("some fields are invalid; see `errors`".into()),
            ApiError::TooManyRequests { retry_after_secs } => {
                Some(format!("try again in {retry_after_secs} s"))
            }
            // Opaque on purpose: the cause is logged, not shown.
            ApiError::Unavailable(_) => {
                Some("a dependency is unavailable; try again shortly".into())
            }
            ApiError::Internal(_) => Some("internal error".into()),
        }
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            kind: "about:blank".into(),
            title: self.title().into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            errors: self.field_errors().map(FieldErrors::messages),
            code: Some(self.code()),
            error_codes: self.field_errors().map(FieldErrors::codes),
            used_by: match self.plain() {
                ApiError::InUse(_, rows) => Some(rows.clone()),
                _ => None,
            },
        }
    }

    fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            ApiError::Validation(f) => Some(f),
            ApiError::Coded(_, inner) => inner.field_errors(),
            _ => None,
        }
    }

    /// The inner error of a [`ApiError::Coded`], else itself.
    fn plain(&self) -> &ApiError {
        match self {
            ApiError::Coded(_, inner) => inner.plain(),
            other => other,
        }
    }
}

/// The default `code` of an answer with this status (also for actix's own errors).
fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        422 => "validation_failed",
        429 => "too_many_requests",
        431 => "headers_too_large",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "error",
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Coded(_, inner) => inner.status_code(),
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::InUse(..) => StatusCode::CONFLICT,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self.plain() {
            ApiError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            ApiError::Unavailable(e) => tracing::warn!(error = %e, "dependency unavailable"),
            _ => {}
        }
        let mut res = HttpResponse::build(self.status_code());
        res.content_type(PROBLEM_JSON);
        if let ApiError::TooManyRequests { retry_after_secs } = self.plain() {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let ApiError::Unauthorized(_) = self.plain() {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.json(self.to_problem())
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match e {
            DbError::Query(E::NotFound) => ApiError::NotFound,
            DbError::Query(E::DatabaseError(K::UniqueViolation, info)) => {
                let conflict =
                    ApiError::Conflict(conflict_detail(info.constraint_name(), "already exists"));
                match info.constraint_name() {
                    Some("users_email_key") => conflict.with_code("email_taken"),
                    Some("clients_owner_email_key") => conflict.with_code("recipient_exists"),
                    _ => conflict,
                }
            }
            DbError::Query(E::DatabaseError(K::ForeignKeyViolation, info)) => {
                let conflict =
                    ApiError::Conflict(conflict_detail(info.constraint_name(), "is still in use"));
                match info.constraint_name() {
                    Some("mailings_message_id_fkey") => conflict.with_code("message_in_use"),
                    _ => conflict,
                }
            }
            // PostgreSQL text cannot hold U+0000 (the only byte a Rust string can carry that
            // it refuses): the caller's input, wherever it came from (body, query, CSV).
            DbError::Query(E::DatabaseError(K::Unknown, info))
                if info
                    .message()
                    .starts_with("invalid byte sequence for encoding") =>
            {
                ApiError::BadRequest("text must not contain the NUL character (U+0000)".into())
            }
            DbError::Query(E::DatabaseError(K::ClosedConnection, _)) | DbError::Pool(_) => {
                ApiError::Unavailable(e.to_string())
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

fn conflict_detail(constraint: Option<&str>, what: &str) -> String {
    match constraint {
        Some("clients_owner_email_key") => {
            "a recipient with this email is already in your list".into()
        }
        Some("users_email_key") => "this email is already registered".into(),
        Some("mailings_message_id_fkey") => "the message is used by a mailing".into(),
        Some(name) => format!("conflict on {name}: {what}"),
        None => format!("the row {what}"),
    }
}

/// JSON bodies: size limit, content type and syntax errors as problem+json.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(4 * 1024 * 1024)
        .error_handler(|err, _req| json_error(err).into())
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("expected Content-Type: application/json".into())
        }
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge(format!("the body exceeds {limit} bytes"))
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            // Well-formed JSON of the wrong shape: name the field when serde does.
            let msg = e.to_string();
            let field = msg
                .split('`')
                .nth(1)
                .filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"))
                .unwrap_or("body")
                .to_owned();
            FieldErrors::single(&field, msg)
        }
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("malformed JSON: {e}")),
        other => ApiError::BadRequest(other.to_string()),
    }
}

pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default().error_handler(|err: PathError, _req: &HttpRequest| {
        ApiError::BadRequest(format!("invalid path parameter: {err}")).into()
    })
}

pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(
        |err: QueryPayloadError, _req: &HttpRequest| {
            ApiError::BadRequest(format!("invalid query string: {err}")).into()
        },
    )
}

/// Unmatched API routes.
pub async fn api_not_found() -> HttpResponse {
    ApiError::NotFound.error_response()
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::Query(e).into()
    }
}

impl From<crate::accounts::AccountError> for ApiError {
    fn from(e: crate::accounts::AccountError) -> Self {
        use crate::accounts::AccountError as A;
        match e {
            A::Invalid(fields) => ApiError::Validation(fields),
            A::EmailTaken => ApiError::Conflict(e.to_string()).with_code("email_taken"),
            A::InvalidCredentials => {
                ApiError::Unauthorized(e.to_string()).with_code("invalid_credentials")
            }
            A::BadRefreshToken => {
                ApiError::Unauthorized(e.to_string()).with_code("invalid_refresh_token")
            }
            A::NotVerified => ApiError::Forbidden(e.to_string()).with_code("email_not_verified"),
            A::Blocked => ApiError::Forbidden(e.to_string()).with_code("account_blocked"),
            A::BadToken => ApiError::BadRequest(e.to_string()).with_code("invalid_token"),
            A::TooManyRequests { retry_after_secs } => {
                ApiError::TooManyRequests { retry_after_secs }
            }
            A::Db(db) => db.into(),
            // Hashing at capacity is load, not a fault: the client may retry shortly.
            A::Password(crate::auth::password::PasswordError::Busy) => ApiError::TooManyRequests {
                retry_after_secs: 1,
            },
            A::Password(p) => ApiError::internal(p),
            A::Jwt(j) => ApiError::internal(j),
        }
    }
}

/// Middleware turning error answers that did not come from [`ApiError`] (actix's own
/// 404/405/413 and the like) into problem+json too, so clients see one error format.
pub fn problem_for_bare_errors<B: actix_web::body::MessageBody + 'static>(
) -> actix_web::middleware::ErrorHandlers<B> {
    actix_web::middleware::ErrorHandlers::new().default_handler(
        |res: actix_web::dev::ServiceResponse<B>| {
            use actix_web::middleware::ErrorHandlerResponse;
            let already = res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
            if already {
                return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
            }
            let status = res.status();
            let problem = Problem {
                kind: "about:blank".into(),
                title: status.canonical_reason().unwrap_or("Error").into(),
                status: status.as_u16(),
                detail: None,
                errors: None,
                code: Some(code_for_status(status).into()),
                error_codes: None,
                used_by: None,
            };
            let (req, old) = res.into_parts();
            let mut new = HttpResponse::build(status);
            for name in [header::RETRY_AFTER, header::ALLOW, header::WWW_AUTHENTICATE] {
                if let Some(v) = old.headers().get(&name) {
                    new.insert_header((name, v.clone()));
                }
            }
            let new = new.content_type(PROBLEM_JSON).json(problem);
            Ok(ErrorHandlerResponse::Response(
                actix_web::dev::ServiceResponse::new(req, new).map_into_right_body(),
            ))
        },
    )
}

impl From<crate::recipients::ImportError> for ApiError {
    fn from(e: crate::recipients::ImportError) -> Self {
        use crate::recipients::ImportError as I;
        match e {
            I::Unreadable(why) => ApiError::BadRequest(why),
            I::Interrupted(join) => ApiError::internal(join),
            I::Db(db) => db.into(),
        }
    }
}

impl From<crate::mailings::MailingError> for ApiError {
    fn from(e: crate::mailings::MailingError) -> Self {
        use crate::mailings::MailingError as M;
        match e {
            M::Invalid(fields) => ApiError::Validation(fields),
            M::NotFound => ApiError::NotFound,
            M::Forbidden(why) => ApiError::Forbidden(why),
            M::Conflict(why) => {
                let code = mailing_conflict_code(&why);
                ApiError::Conflict(why).with_code(code)
            }
            M::RunOver(_) => ApiError::Conflict(e.to_string()).with_code("run_over"),
            M::Db(db) => db.into(),
        }
    }
}

/// The `code` of a mailing's 409, from its detail. (The mailing workflows name their
/// conflicts in words; codes are given here rather than there while the run controls
/// change those workflows. Every detail they write is listed; the test below checks.)
fn mailing_conflict_code(detail: &str) -> &'static str {
    match detail {
        "the mailing is disabled" => "mailing_disabled",
        "the mailing is finished" => "mailing_finished",
        "the owner is blocked" => "owner_blocked",
        "no recipient's last delivery failed" => "nothing_to_retry",
        d if d.starts_with("no recipient's last delivery failed temporarily") => {
            "no_temporary_failures"
        }
        d if d.starts_with("the message's ") && d.contains(" does not compile") => {
            "template_invalid"
        }
        _ => "conflict",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_a_code_and_422s_have_codes_beside_their_messages() {
        let p = ApiError::NotFound.to_problem();
        assert_eq!(p.code.as_deref(), Some("not_found"));
        assert_eq!(p.error_codes, None);

        let coded = ApiError::Conflict("taken".into()).with_code("email_taken");
        assert_eq!(coded.status_code(), StatusCode::CONFLICT);
        let p = coded.to_problem();
        assert_eq!(p.code.as_deref(), Some("email_taken"));
        assert_eq!(p.detail.as_deref(), Some("taken"));

        let mut f = FieldErrors::new();
        f.add_coded("password", "weak_password", "is too easy to guess: ...");
        let p = ApiError::Validation(f.clone()).to_problem();
        assert_eq!(p.code.as_deref(), Some("weak_password"));
        assert_eq!(p.error_codes.unwrap()["password"], vec!["weak_password"]);

        f.add("email", "is not an email address");
        let p = ApiError::Validation(f).to_problem();
        assert_eq!(p.code.as_deref(), Some("validation_failed"));
        let (errors, codes) = (p.errors.unwrap(), p.error_codes.unwrap());
        assert_eq!(codes["email"], vec![INVALID]);
        for (field, messages) in &errors {
            assert_eq!(messages.len(), codes[field].len(), "{field}");
        }
    }

    #[test]
    fn mailing_conflicts_have_codes() {
        for (detail, code) in [
            ("the mailing is disabled", "mailing_disabled"),
            ("the mailing is finished", "mailing_finished"),
            ("the owner is blocked", "owner_blocked"),
            ("no recipient's last delivery failed", "nothing_to_retry"),
            (
                "no recipient's last delivery failed temporarily (permanent failures are retried only with include_permanent=true)",
                "no_temporary_failures",
            ),
            ("something else", "conflict"),
        ] {
            let e: ApiError = crate::mailings::MailingError::Conflict(detail.into()).into();
            assert_eq!(e.code(), code, "{detail}");
            assert_eq!(e.status_code(), StatusCode::CONFLICT);
        }
    }

    #[test]
    fn too_many_requests_keeps_retry_after_when_coded() {
        let res = ApiError::TooManyRequests {
            retry_after_secs: 7,
        }
        .with_code("too_many_requests")
        .error_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers().get(header::RETRY_AFTER).unwrap(), "7");
    }
}
