//! Request ids: every request gets one (the caller's `X-Request-Id` when it is a sane
//! token, e.g. from a load balancer, else a fresh UUIDv7). It is a field of the
//! request's root span, so it appears on every log line written while serving the
//! request, and it is echoed in the `X-Request-Id` response header so a user's report
//! can be matched with the logs. One access line is logged when the request ends.

use std::time::Instant;

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{HeaderName, HeaderValue},
        StatusCode,
    },
    middleware::Next,
    Error, HttpMessage, HttpResponse, ResponseError,
};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id we keep; longer ones are replaced, not truncated.
const MAX_LEN: usize = 128;

/// This request's id, stored in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// The caller's id if it is 1..=128 characters of `[A-Za-z0-9._:/+=-]` (nothing that
    /// could forge a log line or a header), else `None`.
    pub fn from_caller(value: &str) -> Option<Self> {
        let ok = !value.is_empty()
            && value.len() <= MAX_LEN
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._:/+=-".contains(&b));
        ok.then(|| RequestId(value.to_owned()))
    }

    pub fn generate() -> Self {
        RequestId(uuid::Uuid::now_v7().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// When the request arrived (for the access line's duration).
#[derive(Clone, Copy)]
struct Arrived(Instant);

/// The root span of every request (plugged into `TracingLogger`).
pub struct HeraldRootSpan;

impl RootSpanBuilder for HeraldRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = request
            .headers()
            .get(&HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(RequestId::from_caller)
            .unwrap_or_else(RequestId::generate);
        let span = tracing::info_span!(
            "request",
            request_id = %id,
            method = %request.method(),
            path = %request.path(),
        );
        let mut extensions = request.extensions_mut();
        extensions.insert(id);
        extensions.insert(Arrived(Instant::now()));
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let _entered = span.enter();
        match outcome {
            Ok(response) => {
                let millis = response
                    .request()
                    .extensions()
                    .get::<Arrived>()
                    .map(|a| a.0.elapsed().as_secs_f64() * 1000.0)
                    .unwrap_or_default();
                let status = response.status().as_u16();
                if response.status().is_server_error() {
                    let error = response.response().error().map(|e| e.to_string());
                    tracing::error!(status, millis, error, "request failed");
                } else {
                    tracing::info!(status, millis, "request");
                }
            }
            Err(e) => {
                let status = e.as_response_error().status_code().as_u16();
                tracing::warn!(status, error = %e, "request ended with an error");
            }
        }
    }
}

/// Middleware, inside `TracingLogger`: copies the request id into the response's
/// `X-Request-Id` header, error responses included.
pub async fn echo_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let value = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| HeaderValue::from_str(id.as_str()).ok());
    match (next.call(req).await, value) {
        (Ok(mut response), Some(value)) => {
            response.headers_mut().insert(HEADER, value);
            Ok(response)
        }
        // An error becomes a response later, outside this middleware; it carries the id
        // with it. (The request cannot be kept to build the response here: routing needs
        // it unshared.)
        (Err(error), Some(value)) => Err(WithRequestId { error, value }.into()),
        (result, None) => result,
    }
}

/// An error on its way out, with the request id its response must carry.
#[derive(Debug)]
struct WithRequestId {
    error: Error,
    value: HeaderValue,
}

impl std::fmt::Display for WithRequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for WithRequestId {
    fn status_code(&self) -> StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.error.error_response();
        response.headers_mut().insert(HEADER, self.value.clone());
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callers_id_is_kept_only_when_it_is_a_plain_token() {
        assert!(RequestId::from_caller("lb-7f3a.1:2/x+y=").is_some());
        assert!(RequestId::from_caller("").is_none());
        assert!(RequestId::from_caller("two words").is_none());
        assert!(RequestId::from_caller("line\nbreak").is_none());
        assert!(RequestId::from_caller("é").is_none());
        assert!(RequestId::from_caller(&"a".repeat(MAX_LEN)).is_some());
        assert!(RequestId::from_caller(&"a".repeat(MAX_LEN + 1)).is_none());
    }

    #[test]
    fn generated_ids_are_unique_uuids() {
        let (a, b) = (RequestId::generate(), RequestId::generate());
        assert_ne!(a, b);
        assert!(uuid::Uuid::parse_str(a.as_str()).is_ok());
    }
}
