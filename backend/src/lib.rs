//! Herald: a self-hosted email mailing service. The binary (`main.rs`) parses the
//! command line and calls into this library; integration tests use it directly.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod bench;
pub mod blog;
pub mod bounces;
pub mod cache;
pub mod commands;
pub mod config;
pub mod db;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod mail;
pub mod mailings;
pub mod metrics;
pub mod openapi;
pub mod recipients;
pub mod routes;
pub mod runs;
pub mod scheduler;
pub mod startup;
pub mod state;
pub mod suppressions;
pub mod telemetry;

pub use startup::Application;
