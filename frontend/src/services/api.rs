//! The only place the SPA talks HTTP.
//!
//! Every request goes to a path on the page's own origin (`/api/v1/...`, `/health/...`);
//! nothing is fetched from anywhere else. A non-2xx answer becomes an [`ApiError`]: an
//! RFC 7807 `application/problem+json` body is kept as a typed [`Problem`], anything else
//! is described by its status line. Later slices add the bearer token, the refresh on
//! 401 and the non-GET methods here.

use std::collections::BTreeMap;
use std::fmt;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

// --- Response types -------------------------------------------------------------------
// Defined here only until `herald-api-types` (backend/api-types) has them; then they move
// there and this module imports them, so the SPA and the backend cannot drift.

/// `GET /api/v1/home`: the public figures on the home page.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct HomeSummary {
    /// Mailings of every user.
    pub mailings_total: u64,
    /// Mailings with status `running`.
    pub mailings_active: u64,
    /// Distinct recipient email addresses over every user.
    pub unique_recipients: u64,
    /// Up to three random published blog posts.
    #[serde(default)]
    pub random_posts: Vec<PostSummary>,
}

/// The part of a blog Post the home page shows; other fields are ignored.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PostSummary {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub published_at: Option<String>,
}

/// An RFC 7807 problem document, as every Herald error is answered.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Problem {
    #[serde(rename = "type", default)]
    pub type_: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub detail: Option<String>,
    /// Field name -> messages; present on 422 only.
    #[serde(default)]
    pub errors: BTreeMap<String, Vec<String>>,
}

// --- Errors ---------------------------------------------------------------------------

/// Why a request did not produce the value the caller wanted.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server answered non-2xx with a problem+json body.
    Problem { status: u16, problem: Problem },
    /// The server answered non-2xx with some other body (a proxy page, plain text, ...).
    Status { status: u16, status_text: String },
    /// No answer at all: offline, connection refused, blocked by the browser.
    Network(String),
    /// A 2xx answer whose body was not the expected JSON.
    Decode(String),
}

impl ApiError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Problem { status, .. } | Self::Status { status, .. } => Some(*status),
            Self::Network(_) | Self::Decode(_) => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Problem { status, problem } => {
                let title = if problem.title.is_empty() {
                    "Request failed"
                } else {
                    problem.title.as_str()
                };
                match problem.detail.as_deref().filter(|d| !d.is_empty()) {
                    Some(detail) => write!(f, "{title} ({status}): {detail}"),
                    None => write!(f, "{title} ({status})"),
                }
            }
            Self::Status {
                status,
                status_text,
            } => {
                if status_text.is_empty() {
                    write!(f, "The server answered {status}")
                } else {
                    write!(f, "The server answered {status} {status_text}")
                }
            }
            Self::Network(msg) => write!(f, "Could not reach the server: {msg}"),
            Self::Decode(msg) => write!(f, "Unexpected answer from the server: {msg}"),
        }
    }
}

// --- Requests -------------------------------------------------------------------------

/// `GET path` (relative to the page origin, e.g. `/api/v1/home`) and decode a JSON body.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = get(path).await?;
    response
        .json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

/// `GET path` and only check that the answer is 2xx; the body is ignored.
pub async fn get_ok(path: &str) -> Result<(), ApiError> {
    get(path).await.map(drop)
}

async fn get(path: &str) -> Result<Response, ApiError> {
    debug_assert!(path.starts_with('/'), "API paths are origin-relative");
    let response = Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
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
    ApiError::Status {
        status,
        status_text: response.status_text(),
    }
}

// --- Endpoints ------------------------------------------------------------------------

/// `GET /api/v1/home`.
pub async fn home() -> Result<HomeSummary, ApiError> {
    get_json("/api/v1/home").await
}

/// `GET /health/live`: Ok when the backend process answers.
pub async fn health_live() -> Result<(), ApiError> {
    get_ok("/health/live").await
}
