//! Logging: pretty in development, JSON with `LOG_FORMAT=json`; level from `RUST_LOG`.
//! Every HTTP request runs in a span carrying its request id (see [`request`]), so each
//! line logged while serving it names the request; the delivery engine logs inside
//! `run` and `send` spans.

pub mod request;

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let registry = tracing_subscriber::registry().with(filter);
    // try_init: tests may call this more than once.
    let _ = if json {
        // `spans` lists every enclosing span's fields (request_id, run, delivery).
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true),
            )
            .try_init()
    } else {
        registry.with(fmt::layer().with_target(false)).try_init()
    };
}
