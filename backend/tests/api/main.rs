//! Herald's integration tests: one binary, a module per feature. Every test spawns
//! the real app (see `helpers`), so they read as specifications of the HTTP API.

mod helpers;
mod smtp_server;

mod accounts;
mod clients;
mod errors;
mod isolation;
mod messages;
mod platform;
