//! Everything that leaves the browser, and the browser's own file handling.

pub mod api;
pub mod files;
