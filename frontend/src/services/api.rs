//! The only place the SPA talks HTTP.
//!
//! Every request goes to a path on the page's own origin (`/api/v1/...`, `/health/...`).
//! Request and response bodies are the backend's own types from `herald-api-types`.
//!
//! Authentication: the short-lived access token lives in `localStorage` (see [`tokens`]);
//! every authenticated request carries `Authorization: Bearer <access>`. The refresh
//! token never reaches JavaScript: the server keeps it in the `herald_refresh` cookie
//! (HttpOnly, SameSite=Strict, Path=/api/v1/auth), which the browser sends along with
//! `/auth/refresh` and `/auth/logout` (same-origin credentials), so a script injected
//! into the page cannot steal a long-lived session. A 401 answer triggers one silent
//! refresh (`POST /auth/refresh`; concurrent 401s share that one refresh, since a
//! refresh token is single-use) and the request is retried once with the new token.
//! When the refresh is refused, the token is dropped and the handler set with
//! [`set_signed_out_handler`] is told, so the app returns to the sign-in page.
//!
//! Errors: a non-2xx answer becomes an [`ApiError`]; an RFC 7807
//! `application/problem+json` body is kept as a typed [`Problem`], whose `errors` map
//! (422) pages show next to the matching inputs ([`ApiError::field`]).

use std::cell::RefCell;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use herald_api_types::{
    Attempt, AttemptListQuery, Client, ClientInput, ClientListQuery, DailyPoint, DailyStatsQuery,
    DisableRequest, EmailRequest, HomePage, ImportReport, LoginRequest, Mailing, MailingInput,
    MailingListQuery, Message, MessageInput, MessageListQuery, Page, PageQuery,
    PasswordResetConfirm, PermissionInfo, Post, PostInput, PostListQuery, Problem, RefreshRequest,
    RegisterRequest, Role, RoleInput, Run, RunStarted, SetRoleRequest, Stats, StatsQuery,
    TokenPair, TokenRequest, UpdateMeRequest, User, UserListQuery,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;
use yew::Callback;

use crate::i18n::problems::ProblemCode;
use crate::i18n::Texts;

// --- The address just signed up with -------------------------------------------------------

/// The email a reader registered with in this browser, so the sign-in form after the
/// confirmation link is already filled in. Only the address; removed at sign-in.
pub mod signup_email {
    const KEY: &str = "herald.signup_email";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn remember(email: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, email);
        }
    }

    pub fn get() -> Option<String> {
        storage()?
            .get_item(KEY)
            .ok()
            .flatten()
            .filter(|v| !v.is_empty())
    }

    pub fn forget() {
        if let Some(s) = storage() {
            let _ = s.remove_item(KEY);
        }
    }
}

// --- Tokens -------------------------------------------------------------------------------

/// The access token in `localStorage`, so a reload or a second tab stays signed in. The
/// refresh token is the server's HttpOnly cookie; nothing here can read it.
pub mod tokens {
    use herald_api_types::TokenPair;

    const ACCESS: &str = "herald.access_token";
    /// Where earlier versions kept the refresh token: removed wherever it is found.
    const LEGACY_REFRESH: &str = "herald.refresh_token";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn get(key: &str) -> Option<String> {
        storage()?
            .get_item(key)
            .ok()
            .flatten()
            .filter(|v| !v.is_empty())
    }

    pub fn access() -> Option<String> {
        get(ACCESS)
    }

    /// Keeps the access token of a fresh pair (its refresh token is in the cookie).
    pub fn store(pair: &TokenPair) {
        if let Some(s) = storage() {
            let _ = s.set_item(ACCESS, &pair.access_token);
            let _ = s.remove_item(LEGACY_REFRESH);
        }
    }

    pub fn clear() {
        if let Some(s) = storage() {
            let _ = s.remove_item(ACCESS);
            let _ = s.remove_item(LEGACY_REFRESH);
        }
    }

    /// Whether there is a session to resume.
    pub fn present() -> bool {
        access().is_some()
    }
}

thread_local! {
    static SIGNED_OUT: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, Refresh>>>> =
        const { RefCell::new(None) };
}

/// Called (once per lost session) when the server refuses the refresh token: the session
/// is over (expired, revoked, or the account was blocked).
pub fn set_signed_out_handler(handler: Callback<()>) {
    SIGNED_OUT.with(|h| *h.borrow_mut() = Some(handler));
}

fn session_lost() {
    let had_session = tokens::present();
    tokens::clear();
    if had_session {
        if let Some(handler) = SIGNED_OUT.with(|h| h.borrow().clone()) {
            handler.emit(());
        }
    }
}

// --- Errors ---------------------------------------------------------------------------------

/// Why a request did not produce the value the caller wanted.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server answered non-2xx with a problem+json body.
    Problem { status: u16, problem: Problem },
    /// The server answered non-2xx with some other body (a proxy page, plain text, ...).
    Status { status: u16 },
    /// No answer at all: offline, connection refused, blocked by the browser.
    Network(String),
    /// A 2xx answer whose body was not the expected JSON.
    Decode(String),
}

impl ApiError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Problem { status, .. } | Self::Status { status } => Some(*status),
            Self::Network(_) | Self::Decode(_) => None,
        }
    }

    /// The problem's `detail`, if any.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Problem { problem, .. } => problem.detail.as_deref().filter(|d| !d.is_empty()),
            _ => None,
        }
    }

    /// The problem's `code`, when the SPA has words for it.
    pub fn code(&self) -> Option<ProblemCode> {
        match self {
            Self::Problem { problem, .. } => problem.code.as_deref().and_then(ProblemCode::parse),
            _ => None,
        }
    }

    /// What stands in the way of a 409 (`used_by`), e.g. the mailings using a message.
    pub fn used_by(&self) -> &[herald_api_types::UsedBy] {
        match self {
            Self::Problem { problem, .. } => problem.used_by.as_deref().unwrap_or_default(),
            _ => &[],
        }
    }

    /// The messages for one field, joined and translated, for display under its input.
    pub fn field(&self, t: &Texts, name: &str) -> Option<String> {
        let Self::Problem { problem, .. } = self else {
            return None;
        };
        let messages = problem.errors.as_ref()?.get(name)?;
        (!messages.is_empty()).then(|| {
            messages
                .iter()
                .map(|m| match (t.server_text)(m) {
                    Some(translated) => crate::i18n::sentence(&translated),
                    None => (t.field_sentence)(m),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// A sentence for the reader, in their language. Field errors are not repeated here:
    /// forms show them next to their inputs. A problem whose `code` the SPA knows gets its
    /// own words ([`ProblemCode::text`]); others the words of their status, followed by the
    /// server's detail.
    pub fn message(&self, t: &Texts) -> String {
        if let Some(code) = self.code().filter(|c| !c.is_generic()) {
            return code.text(t).to_owned();
        }
        let general = match self.status() {
            None => match self {
                Self::Decode(_) => t.err_decode,
                _ => t.err_network,
            },
            Some(400) => t.err_bad_request,
            Some(401) => t.err_unauthorized,
            Some(403) => t.err_forbidden,
            Some(404) => t.err_not_found,
            Some(409) => t.err_conflict,
            Some(413) => t.err_too_large,
            Some(422) => t.err_validation,
            Some(429) => t.err_rate_limited,
            Some(s) if s >= 500 => t.err_server,
            Some(_) => t.err_bad_request,
        };
        // The server's detail is worth showing where it says more than the status does.
        match (self.status(), self.detail()) {
            (Some(400 | 403 | 409), Some(detail)) => {
                let detail = (t.server_text)(detail).unwrap_or_else(|| detail.to_owned());
                format!("{general} {}", capitalise(&detail))
            }
            _ => general.to_owned(),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

// --- Requests -------------------------------------------------------------------------------

/// What a request sends.
#[derive(Clone)]
enum Body {
    None,
    Json(String),
    Csv(String),
    /// `multipart/form-data`; the browser writes the Content-Type with its boundary.
    Form(web_sys::FormData),
}

impl Body {
    fn json(value: &impl Serialize) -> Result<Body, ApiError> {
        serde_json::to_string(value)
            .map(Body::Json)
            .map_err(|e| ApiError::Decode(e.to_string()))
    }
}

async fn send_once(
    method: Method,
    path: &str,
    body: &Body,
    token: Option<&str>,
) -> Result<Response, ApiError> {
    debug_assert!(path.starts_with('/'), "API paths are origin-relative");
    let mut builder = RequestBuilder::new(path)
        .method(method)
        // Sends the refresh cookie to /auth/* (it never leaves this origin).
        .credentials(web_sys::RequestCredentials::SameOrigin)
        .header("Accept", "application/json, application/problem+json");
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Body::None => builder.build(),
        Body::Json(json) => builder
            .header("Content-Type", "application/json")
            .body(json.clone()),
        Body::Csv(csv) => builder
            .header("Content-Type", "text/csv; charset=utf-8")
            .body(csv.clone()),
        Body::Form(form) => builder.body(form.clone()),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// The outcome of one refresh, shared by every request that waited for it.
#[derive(Clone)]
enum Refresh {
    Renewed,
    Refused,
    Failed(ApiError),
}

/// Renews the token pair, once for any number of concurrent callers.
async fn refresh_tokens() -> Refresh {
    let shared = REFRESHING.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let outcome = do_refresh().await;
                    REFRESHING.with(|slot| *slot.borrow_mut() = None);
                    outcome
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    shared.await
}

async fn do_refresh() -> Refresh {
    // No token in the body: the server takes the HttpOnly cookie.
    let body = match Body::json(&RefreshRequest::default()) {
        Ok(body) => body,
        Err(e) => return Refresh::Failed(e),
    };
    match send_once(Method::POST, "/api/v1/auth/refresh", &body, None).await {
        Ok(response) if response.ok() => match response.json::<TokenPair>().await {
            Ok(pair) => {
                tokens::store(&pair);
                Refresh::Renewed
            }
            Err(e) => Refresh::Failed(ApiError::Decode(e.to_string())),
        },
        Ok(response) if matches!(response.status(), 400 | 401 | 403) => Refresh::Refused,
        Ok(response) => Refresh::Failed(error_from(response).await),
        Err(e) => Refresh::Failed(e),
    }
}

/// Sends a request with the bearer token; on 401, refreshes once and retries once.
async fn send_authed(method: Method, path: &str, body: Body) -> Result<Response, ApiError> {
    let token = tokens::access();
    let response = send_once(method.clone(), path, &body, token.as_deref()).await?;
    if response.status() != 401 {
        return check(response).await;
    }
    // Another request may have renewed the pair while this one was in flight.
    let current = tokens::access();
    let renewed = if current.is_some() && current != token {
        true
    } else {
        match refresh_tokens().await {
            Refresh::Renewed => true,
            Refresh::Refused => false,
            Refresh::Failed(e) => return Err(e),
        }
    };
    if !renewed {
        session_lost();
        return Err(error_from(response).await);
    }
    let response = send_once(method, path, &body, tokens::access().as_deref()).await?;
    if response.status() == 401 {
        session_lost();
    }
    check(response).await
}

/// Sends a request without credentials (sign-in, registration, public pages).
async fn send_public(method: Method, path: &str, body: Body) -> Result<Response, ApiError> {
    check(send_once(method, path, &body, None).await?).await
}

async fn check(response: Response) -> Result<Response, ApiError> {
    if response.ok() {
        Ok(response)
    } else {
        Err(error_from(response).await)
    }
}

/// Turn a non-2xx answer into an [`ApiError`], keeping a problem+json body when there is one.
async fn error_from(response: Response) -> ApiError {
    let status = response.status();
    let is_problem = response.headers().get("content-type").is_some_and(|ct| {
        ct.to_ascii_lowercase()
            .starts_with("application/problem+json")
    });
    if is_problem {
        if let Ok(problem) = response.json::<Problem>().await {
            return ApiError::Problem { status, problem };
        }
    }
    ApiError::Status { status }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response
        .json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(send_authed(Method::GET, path, Body::None).await?).await
}

async fn send_json<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    decode(send_authed(method, path, Body::json(body)?).await?).await
}

async fn post_empty<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(send_authed(Method::POST, path, Body::None).await?).await
}

async fn delete(path: &str) -> Result<(), ApiError> {
    send_authed(Method::DELETE, path, Body::None)
        .await
        .map(drop)
}

/// `?a=1&b=x` from a query struct of `herald-api-types` (fields that are `None` left out).
fn query_string(query: &impl Serialize) -> String {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) else {
        return String::new();
    };
    let pairs: Vec<String> = fields
        .iter()
        .filter_map(|(key, value)| {
            let value = match value {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) if s.is_empty() => return None,
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(format!(
                "{}={}",
                key,
                String::from(js_sys::encode_uri_component(&value))
            ))
        })
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

// --- Auth and profile -----------------------------------------------------------------------

/// `POST /auth/register`: 201 with the new (unconfirmed) account.
pub async fn register(body: &RegisterRequest) -> Result<User, ApiError> {
    decode(send_public(Method::POST, "/api/v1/auth/register", Body::json(body)?).await?).await
}

/// `POST /auth/verify-email` with the token from the emailed link.
pub async fn verify_email(token: String) -> Result<(), ApiError> {
    let body = Body::json(&TokenRequest { token })?;
    send_public(Method::POST, "/api/v1/auth/verify-email", body)
        .await
        .map(drop)
}

/// `POST /auth/resend-verification` (202 whether or not the account exists).
pub async fn resend_verification(email: String) -> Result<(), ApiError> {
    let body = Body::json(&EmailRequest { email })?;
    send_public(Method::POST, "/api/v1/auth/resend-verification", body)
        .await
        .map(drop)
}

/// `POST /auth/login`; keeps the token pair for the requests that follow.
pub async fn login(body: &LoginRequest) -> Result<(), ApiError> {
    let response = send_public(Method::POST, "/api/v1/auth/login", Body::json(body)?).await?;
    let pair: TokenPair = decode(response).await?;
    tokens::store(&pair);
    Ok(())
}

/// `POST /auth/logout` (revokes the cookie's refresh token and clears the cookie), then
/// forgets the access token either way.
pub async fn logout() {
    if let Ok(body) = Body::json(&RefreshRequest::default()) {
        let _ = send_public(Method::POST, "/api/v1/auth/logout", body).await;
    }
    tokens::clear();
}

/// `POST /auth/password-reset` (202 whether or not the account exists).
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    let body = Body::json(&EmailRequest { email })?;
    send_public(Method::POST, "/api/v1/auth/password-reset", body)
        .await
        .map(drop)
}

/// `POST /auth/password-reset/confirm`.
pub async fn confirm_password_reset(body: &PasswordResetConfirm) -> Result<(), ApiError> {
    send_public(
        Method::POST,
        "/api/v1/auth/password-reset/confirm",
        Body::json(body)?,
    )
    .await
    .map(drop)
}

/// `GET /me`.
pub async fn me() -> Result<User, ApiError> {
    get("/api/v1/me").await
}

/// `PATCH /me`.
pub async fn update_me(body: &UpdateMeRequest) -> Result<User, ApiError> {
    send_json(Method::PATCH, "/api/v1/me", body).await
}

// --- Recipients -------------------------------------------------------------------------------

pub async fn clients(query: &ClientListQuery) -> Result<Page<Client>, ApiError> {
    get(&format!("/api/v1/clients{}", query_string(query))).await
}

pub async fn client(id: Uuid) -> Result<Client, ApiError> {
    get(&format!("/api/v1/clients/{id}")).await
}

pub async fn create_client(body: &ClientInput) -> Result<Client, ApiError> {
    send_json(Method::POST, "/api/v1/clients", body).await
}

pub async fn update_client(id: Uuid, body: &ClientInput) -> Result<Client, ApiError> {
    send_json(Method::PUT, &format!("/api/v1/clients/{id}"), body).await
}

pub async fn delete_client(id: Uuid) -> Result<(), ApiError> {
    delete(&format!("/api/v1/clients/{id}")).await
}

/// `POST /clients/import` with a CSV document.
pub async fn import_clients(csv: String) -> Result<ImportReport, ApiError> {
    decode(send_authed(Method::POST, "/api/v1/clients/import", Body::Csv(csv)).await?).await
}

/// `GET /clients/export`: the caller's recipients as CSV text.
pub async fn export_clients() -> Result<String, ApiError> {
    send_authed(Method::GET, "/api/v1/clients/export", Body::None)
        .await?
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

// --- Suppressions -----------------------------------------------------------------------------

pub async fn suppressions(
    query: &herald_api_types::SuppressionListQuery,
) -> Result<Page<herald_api_types::Suppression>, ApiError> {
    get(&format!("/api/v1/suppressions{}", query_string(query))).await
}

pub async fn add_suppression(
    body: &herald_api_types::SuppressionInput,
) -> Result<herald_api_types::Suppression, ApiError> {
    send_json(Method::POST, "/api/v1/suppressions", body).await
}

pub async fn delete_suppression(id: Uuid) -> Result<(), ApiError> {
    delete(&format!("/api/v1/suppressions/{id}")).await
}

pub async fn import_suppressions(
    csv: String,
) -> Result<herald_api_types::SuppressionImportReport, ApiError> {
    decode(send_authed(Method::POST, "/api/v1/suppressions/import", Body::Csv(csv)).await?).await
}

pub async fn export_suppressions() -> Result<String, ApiError> {
    send_authed(Method::GET, "/api/v1/suppressions/export", Body::None)
        .await?
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

// --- Messages ---------------------------------------------------------------------------------

pub async fn messages(query: &MessageListQuery) -> Result<Page<Message>, ApiError> {
    get(&format!("/api/v1/messages{}", query_string(query))).await
}

pub async fn message(id: Uuid) -> Result<Message, ApiError> {
    get(&format!("/api/v1/messages/{id}")).await
}

pub async fn create_message(body: &MessageInput) -> Result<Message, ApiError> {
    send_json(Method::POST, "/api/v1/messages", body).await
}

pub async fn update_message(id: Uuid, body: &MessageInput) -> Result<Message, ApiError> {
    send_json(Method::PUT, &format!("/api/v1/messages/{id}"), body).await
}

pub async fn delete_message(id: Uuid) -> Result<(), ApiError> {
    delete(&format!("/api/v1/messages/{id}")).await
}

// --- Mailings ---------------------------------------------------------------------------------

pub async fn mailings(query: &MailingListQuery) -> Result<Page<Mailing>, ApiError> {
    get(&format!("/api/v1/mailings{}", query_string(query))).await
}

pub async fn mailing(id: Uuid) -> Result<Mailing, ApiError> {
    get(&format!("/api/v1/mailings/{id}")).await
}

pub async fn create_mailing(body: &MailingInput) -> Result<Mailing, ApiError> {
    send_json(Method::POST, "/api/v1/mailings", body).await
}

pub async fn update_mailing(id: Uuid, body: &MailingInput) -> Result<Mailing, ApiError> {
    send_json(Method::PUT, &format!("/api/v1/mailings/{id}"), body).await
}

pub async fn delete_mailing(id: Uuid) -> Result<(), ApiError> {
    delete(&format!("/api/v1/mailings/{id}")).await
}

/// `GET /mailings/{id}/recipients`.
pub async fn mailing_recipients(
    id: Uuid,
    query: &ClientListQuery,
) -> Result<Page<Client>, ApiError> {
    get(&format!(
        "/api/v1/mailings/{id}/recipients{}",
        query_string(query)
    ))
    .await
}

/// `POST /mailings/{id}/send`: a manual run.
pub async fn send_mailing(id: Uuid) -> Result<RunStarted, ApiError> {
    post_empty(&format!("/api/v1/mailings/{id}/send")).await
}

/// `POST /mailings/{id}/retry-failed`.
/// By default only temporary failures are retried; `include_permanent` adds 5xx refusals.
pub async fn retry_failed(id: Uuid, include_permanent: bool) -> Result<RunStarted, ApiError> {
    let query = if include_permanent {
        "?include_permanent=true"
    } else {
        ""
    };
    post_empty(&format!("/api/v1/mailings/{id}/retry-failed{query}")).await
}

/// `POST /mailings/{id}/test`: the message for the first recipient, to the caller only.
pub async fn test_mailing(id: Uuid) -> Result<(), ApiError> {
    send_authed(
        Method::POST,
        &format!("/api/v1/mailings/{id}/test"),
        Body::None,
    )
    .await
    .map(drop)
}

/// `POST /mailings/{id}/enable` or `/disable`.
/// `GET /mailings/{id}/events`: bounces and complaints.
pub async fn mailing_events(
    id: Uuid,
    query: &herald_api_types::EventListQuery,
) -> Result<Page<herald_api_types::DeliveryEvent>, ApiError> {
    get(&format!(
        "/api/v1/mailings/{id}/events{}",
        query_string(query)
    ))
    .await
}

/// `POST /runs/{id}/{pause|resume|cancel}`.
pub async fn control_run(id: Uuid, action: &str) -> Result<Run, ApiError> {
    post_empty(&format!("/api/v1/runs/{id}/{action}")).await
}

pub async fn set_mailing_enabled(id: Uuid, enabled: bool) -> Result<Mailing, ApiError> {
    let action = if enabled { "enable" } else { "disable" };
    post_empty(&format!("/api/v1/mailings/{id}/{action}")).await
}

/// `POST /mailings/{id}/disable` with the reason the owner will see.
pub async fn disable_mailing(id: Uuid, reason: &str) -> Result<Mailing, ApiError> {
    let reason = reason.trim();
    let body = DisableRequest {
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    };
    send_json(
        Method::POST,
        &format!("/api/v1/mailings/{id}/disable"),
        &body,
    )
    .await
}

pub async fn runs(id: Uuid, query: &PageQuery) -> Result<Page<Run>, ApiError> {
    get(&format!(
        "/api/v1/mailings/{id}/runs{}",
        query_string(query)
    ))
    .await
}

pub async fn attempts(id: Uuid, query: &AttemptListQuery) -> Result<Page<Attempt>, ApiError> {
    get(&format!(
        "/api/v1/mailings/{id}/attempts{}",
        query_string(query)
    ))
    .await
}

/// `GET /mailings/{id}/runs`, newest first: the run to follow on the statistics page.
pub async fn latest_run(id: Uuid) -> Result<Option<Run>, ApiError> {
    let page = runs(
        id,
        &PageQuery {
            page: Some(1),
            per_page: Some(1),
        },
    )
    .await?;
    Ok(page.items.into_iter().next())
}

// --- Statistics -----------------------------------------------------------------------------

/// `GET /stats`: the caller's figures, or everyone's with `scope=all`.
pub async fn stats(query: &StatsQuery) -> Result<Stats, ApiError> {
    get(&format!("/api/v1/stats{}", query_string(query))).await
}

/// `GET /stats/daily`: successes and failures per day (UTC), oldest first.
pub async fn daily_stats(query: &DailyStatsQuery) -> Result<Vec<DailyPoint>, ApiError> {
    get(&format!("/api/v1/stats/daily{}", query_string(query))).await
}

// --- Users and roles ------------------------------------------------------------------------

/// `GET /users` (users.view).
pub async fn users(query: &UserListQuery) -> Result<Page<User>, ApiError> {
    get(&format!("/api/v1/users{}", query_string(query))).await
}

/// `POST /users/{id}/block` or `/unblock` (users.block).
pub async fn set_user_blocked(id: Uuid, blocked: bool) -> Result<User, ApiError> {
    let action = if blocked { "block" } else { "unblock" };
    post_empty(&format!("/api/v1/users/{id}/{action}")).await
}

/// `PUT /users/{id}/role` (roles.manage).
pub async fn set_user_role(id: Uuid, role: String) -> Result<User, ApiError> {
    send_json(
        Method::PUT,
        &format!("/api/v1/users/{id}/role"),
        &SetRoleRequest { role },
    )
    .await
}

/// `GET /roles` (roles.manage).
pub async fn roles() -> Result<Vec<Role>, ApiError> {
    get("/api/v1/roles").await
}

pub async fn create_role(body: &RoleInput) -> Result<Role, ApiError> {
    send_json(Method::POST, "/api/v1/roles", body).await
}

pub async fn update_role(id: Uuid, body: &RoleInput) -> Result<Role, ApiError> {
    send_json(Method::PUT, &format!("/api/v1/roles/{id}"), body).await
}

pub async fn delete_role(id: Uuid) -> Result<(), ApiError> {
    delete(&format!("/api/v1/roles/{id}")).await
}

/// `GET /permissions`: every permission a role can grant.
pub async fn permissions() -> Result<Vec<PermissionInfo>, ApiError> {
    get("/api/v1/permissions").await
}

// --- Blog -----------------------------------------------------------------------------------

/// `GET /posts`: published posts for everyone (no token sent, so the answer is the
/// public, cacheable one).
pub async fn posts(query: &PostListQuery) -> Result<Page<Post>, ApiError> {
    decode(
        send_public(
            Method::GET,
            &format!("/api/v1/posts{}", query_string(query)),
            Body::None,
        )
        .await?,
    )
    .await
}

/// `GET /posts?drafts=true`: drafts too, for writers (posts.write).
pub async fn posts_with_drafts(page: i64, per_page: i64) -> Result<Page<Post>, ApiError> {
    let query = PostListQuery {
        drafts: Some(true),
        page: Some(page),
        per_page: Some(per_page),
    };
    get(&format!("/api/v1/posts{}", query_string(&query))).await
}

/// `GET /posts/{id}` (counts one view of a published post). Signed-in callers send
/// their token, so a writer can open a draft too.
pub async fn post(id: Uuid) -> Result<Post, ApiError> {
    let path = format!("/api/v1/posts/{id}");
    if tokens::present() {
        get(&path).await
    } else {
        decode(send_public(Method::GET, &path, Body::None).await?).await
    }
}

pub async fn create_post(body: &PostInput) -> Result<Post, ApiError> {
    send_json(Method::POST, "/api/v1/posts", body).await
}

pub async fn update_post(id: Uuid, body: &PostInput) -> Result<Post, ApiError> {
    send_json(Method::PUT, &format!("/api/v1/posts/{id}"), body).await
}

pub async fn delete_post(id: Uuid) -> Result<(), ApiError> {
    delete(&format!("/api/v1/posts/{id}")).await
}

/// `POST /posts/{id}/publish` or `/unpublish` (posts.publish).
pub async fn set_post_published(id: Uuid, published: bool) -> Result<Post, ApiError> {
    let action = if published { "publish" } else { "unpublish" };
    post_empty(&format!("/api/v1/posts/{id}/{action}")).await
}

/// `PUT /posts/{id}/image`: `multipart/form-data` with the file in the field `image`.
pub async fn upload_post_image(id: Uuid, file: &web_sys::File) -> Result<Post, ApiError> {
    let form = web_sys::FormData::new().map_err(|e| ApiError::Network(format!("{e:?}")))?;
    form.append_with_blob_and_filename("image", file, &file.name())
        .map_err(|e| ApiError::Network(format!("{e:?}")))?;
    decode(
        send_authed(
            Method::PUT,
            &format!("/api/v1/posts/{id}/image"),
            Body::Form(form),
        )
        .await?,
    )
    .await
}

// --- Public -------------------------------------------------------------------------------------

/// `GET /api/v1/home`.
pub async fn home() -> Result<HomePage, ApiError> {
    decode(send_public(Method::GET, "/api/v1/home", Body::None).await?).await
}

// --- Invitations (issue 14) ------------------------------------------------------------------

/// `POST /users/invite` (roles.manage): 201 with the new, unconfirmed account.
pub async fn invite_user(body: &herald_api_types::InviteRequest) -> Result<User, ApiError> {
    send_json(Method::POST, "/api/v1/users/invite", body).await
}

/// `POST /auth/accept-invite`: sets the invitee's password with the emailed token.
pub async fn accept_invite(body: &herald_api_types::AcceptInviteRequest) -> Result<(), ApiError> {
    send_public(
        Method::POST,
        "/api/v1/auth/accept-invite",
        Body::json(body)?,
    )
    .await
    .map(drop)
}
