//! The single-page app: static files from STATIC_DIR, `index.html` for any other path
//! (client-side routes), content-hashed assets cached for a year as immutable.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{http::header, web, HttpRequest, HttpResponse};

use crate::state::AppState;

const FALLBACK_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Herald</title></head>\
<body><h1>Herald</h1><p>The API is running. The web app is not built yet: run <code>scripts/build-frontend.sh</code>.</p>\
<p><a href=\"/swagger-ui/\">API documentation</a></p></body></html>";

/// A relative path inside the static dir, or `None` for anything that could escape it.
fn safe_relative(tail: &str) -> Option<PathBuf> {
    let path = Path::new(tail.trim_start_matches('/'));
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

/// Names like `herald-0123456789abcdef.js`: the hash changes with the content.
fn is_hashed_asset(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    stem.rsplit_once('-')
        .map(|(_, hash)| hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or(false)
        || name.contains("_bg-") // wasm-bindgen output renamed with a hash
}

pub async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let dir = &state.settings.static_dir;
    let tail = req.match_info().query("tail");
    if let Some(rel) = safe_relative(tail).filter(|p| !p.as_os_str().is_empty()) {
        let file = dir.join(&rel);
        if file.is_file() {
            let immutable = rel
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_hashed_asset);
            let mut res = NamedFile::open(file)?
                .use_etag(true)
                .use_last_modified(true)
                .into_response(&req);
            let cache = if immutable {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=300"
            };
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static(cache),
            );
            return Ok(res);
        }
    }
    let index = dir.join("index.html");
    if index.is_file() {
        let mut res = NamedFile::open(index)?.use_etag(true).into_response(&req);
        // Always revalidate: it names the current hashed assets.
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-cache"),
        );
        Ok(res)
    } else {
        Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(FALLBACK_PAGE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("a/../../b").is_none());
        assert_eq!(
            safe_relative("/assets/app.js"),
            Some(PathBuf::from("assets/app.js"))
        );
    }

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_asset("herald-0123456789abcdef.js"));
        assert!(!is_hashed_asset("index.html"));
        assert!(!is_hashed_asset("my-file.css"));
    }
}
