//! Security headers on every answer, in one middleware so no route can forget them:
//!
//! - `X-Content-Type-Options: nosniff` everywhere.
//! - `Referrer-Policy`: `no-referrer` on token pages (`/u/`, `/f/`, `/t/`: their URLs are
//!   secrets), `strict-origin-when-cross-origin` elsewhere.
//! - HTML answers get a strict `Content-Security-Policy` unless the route set its own: no
//!   inline script or style, WebAssembly allowed (`wasm-unsafe-eval`), and never framed
//!   (`frame-ancestors 'none'`, clickjacking). Swagger UI gets one that lets it run.
//! - `/api/` answers that set no caching policy of their own get `Cache-Control:
//!   no-store`: authenticated answers (tokens, recipients, profiles) never land in a shared
//!   or browser cache. Public routes (home, blog) and statistics set their own policy.

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
    Error,
};

/// The SPA and every other HTML page of ours.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Swagger UI: its scripts and styles from self; it sets inline styles from script.
pub const SWAGGER_CSP: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// Server-rendered token pages (unsubscribe): one inline style block, nothing else.
pub const TOKEN_PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn is_token_page(path: &str) -> bool {
    ["/u/", "/f/", "/t/"].iter().any(|p| path.starts_with(p))
}

pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = req.path().to_owned();
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(if is_token_page(&path) {
            "no-referrer"
        } else {
            "strict-origin-when-cross-origin"
        }),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if html && !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let csp = if path.starts_with("/swagger-ui") {
            SWAGGER_CSP
        } else if is_token_page(&path) {
            TOKEN_PAGE_CSP
        } else {
            CSP
        };
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    if path.starts_with("/api/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_pages_are_recognised_by_their_prefix() {
        assert!(is_token_page("/u/abc"));
        assert!(is_token_page("/t/o/x"));
        assert!(!is_token_page("/users"));
        assert!(!is_token_page("/api/v1/u/x"));
    }

    #[test]
    fn the_spa_policy_allows_no_inline_script_and_no_framing() {
        assert!(CSP.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!CSP.contains("unsafe-inline"));
        for csp in [CSP, SWAGGER_CSP, TOKEN_PAGE_CSP] {
            assert!(csp.ends_with("frame-ancestors 'none'"));
        }
    }
}
