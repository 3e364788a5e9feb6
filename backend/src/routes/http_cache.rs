//! HTTP caching of public GETs: `ETag` + `If-None-Match` -> 304, and `Cache-Control`.
//!
//! ETags are weak (`W/"..."`): the body may be compressed on the way out, and weak
//! validators are what `If-None-Match` compares anyway. Policies:
//! - [`PUBLIC_SHORT`] for the home page: shared caches may keep it 30 s;
//! - [`PUBLIC_REVALIDATE`] for the blog list and posts: every use asks the server, which
//!   answers 304 when nothing changed (and a post's view is still counted);
//! - [`PRIVATE_REVALIDATE`] for answers that depend on the caller's token (drafts).

use actix_web::{
    http::header::{self, HeaderValue},
    HttpRequest, HttpResponse,
};
use sha2::{Digest, Sha256};

pub const PUBLIC_SHORT: &str = "public, max-age=30";
pub const PUBLIC_REVALIDATE: &str = "public, no-cache";
pub const PRIVATE_REVALIDATE: &str = "private, no-cache";

/// A weak ETag naming these bytes.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

fn opaque(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/")
}

/// Does the request's `If-None-Match` name this ETag (weak comparison) or `*`?
pub fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == opaque(etag))
}

/// A JSON answer with an ETag, or 304 when the client already has it.
pub fn json(req: &HttpRequest, body: String, cache_control: &'static str) -> HttpResponse {
    let etag = etag_of(body.as_bytes());
    json_tagged(req, body, etag, cache_control)
}

/// Like [`json`] with an ETag chosen by the caller (e.g. one that ignores a counter).
pub fn json_tagged(
    req: &HttpRequest,
    body: String,
    etag: String,
    cache_control: &'static str,
) -> HttpResponse {
    let unchanged = not_modified(req, &etag);
    let mut res = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    ));
    res.insert_header((header::VARY, HeaderValue::from_static("Authorization")));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.insert_header((header::ETAG, v));
    }
    if unchanged {
        res.finish()
    } else {
        res.content_type("application/json").body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn etags_are_weak_and_follow_the_content() {
        let a = etag_of(b"{}");
        assert!(a.starts_with("W/\""));
        assert_eq!(a, etag_of(b"{}"));
        assert_ne!(a, etag_of(b"[]"));
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let tag = etag_of(b"x");
        let strong = tag.trim_start_matches("W/").to_string();
        for header in [tag.clone(), strong, format!("\"other\", {tag}"), "*".into()] {
            let req = TestRequest::default()
                .insert_header((header::IF_NONE_MATCH, header.as_str()))
                .to_http_request();
            assert!(not_modified(&req, &tag), "{header}");
        }
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"other\""))
            .to_http_request();
        assert!(!not_modified(&req, &tag));
        assert!(!not_modified(
            &TestRequest::default().to_http_request(),
            &tag
        ));
    }
}
