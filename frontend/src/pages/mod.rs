//! One module per route (or family of routes).

pub mod blog;
pub mod home;
pub mod invite;
pub mod login;
pub mod mailings;
pub mod messages;
pub mod not_found;
pub mod posts;
pub mod profile;
pub mod recipients;
pub mod register;
pub mod reset_password;
pub mod roles;
pub mod stats;
pub mod suppressions;
pub mod users;
pub mod verify_email;
