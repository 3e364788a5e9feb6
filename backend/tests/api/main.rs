//! Herald's integration tests: one binary, a module per feature. Every test spawns
//! the real app (see `helpers`), so they read as specifications of the HTTP API.

mod helpers;
mod smtp_server;

mod accounts;
mod browser;
mod cli;
mod clients;
mod delivery;
mod errors;
mod isolation;
mod mailings;
mod messages;
mod platform;
