//! `GET /media/...`: uploaded images, from MEDIA_DIR. Names are random and never reused,
//! so successful answers are cached for a year as immutable; `nosniff` makes browsers
//! trust the type (from the extension, itself from the sniffed content).

use std::path::Path;

use actix_web::{
    dev::Service,
    http::header::{self, HeaderValue},
    web,
};

pub fn service(
    media_dir: &Path,
) -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    if let Err(e) = std::fs::create_dir_all(media_dir) {
        tracing::warn!(error = %e, dir = %media_dir.display(), "cannot create MEDIA_DIR");
    }
    web::scope("/media")
        .wrap_fn(|req, srv| {
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                let headers = res.headers_mut();
                headers.insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                );
                if res.status().is_success() {
                    res.headers_mut().insert(
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    );
                }
                Ok(res)
            }
        })
        .service(
            actix_files::Files::new("/", media_dir)
                .use_etag(true)
                .use_last_modified(true),
        )
}
