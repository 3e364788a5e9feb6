//! What CSV imports and exports share at the HTTP edge: the accepted content types of an
//! upload, and the headers of a download.

use actix_web::{http::header, HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Refuses an upload that does not say it is CSV (415), before any parsing.
pub fn require_csv(req: &HttpRequest) -> Result<(), ApiError> {
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if matches!(
        essence.as_str(),
        "text/csv" | "application/csv" | "text/plain"
    ) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(
            "expected Content-Type: text/csv".into(),
        ))
    }
}

/// A CSV file to save as `filename`.
pub fn download(filename: &str, csv: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(csv)
}
