//! Everything that leaves the browser.

pub mod api;
