//! Request and response bodies of Herald's HTTP API, shared by the backend and the SPA.
//!
//! Only serde + validator here so that the crate compiles to wasm32; the OpenAPI
//! schemas (utoipa) are derived behind the `openapi` feature, which only the backend enables.
//! Every field carries a doc comment: it becomes the published API description.

pub mod auth;
pub mod clients;
pub mod common;
pub mod home;
pub mod mailings;
pub mod messages;
pub mod posts;
pub mod stats;
pub mod suppressions;
pub mod text;
pub mod users;

pub use auth::*;
pub use clients::*;
pub use common::*;
pub use home::*;
pub use mailings::*;
pub use messages::*;
pub use posts::*;
pub use stats::*;
pub use suppressions::*;
pub use users::*;
