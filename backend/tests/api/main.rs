//! Herald's integration tests: one binary, a module per feature. Every test spawns
//! the real app (see `helpers`), so they read as specifications of the HTTP API.

mod fixtures;
mod helpers;
mod smtp_server;

mod accounts;
mod blog;
mod browser;
mod cli;
mod clients;
mod crash;
mod deliverability;
mod delivery;
mod disabling;
mod errors;
mod hardening;
mod hardening_accounts;
mod hardening_engine;
mod home;
mod invites;
mod isolation;
mod mailings;
mod messages;
mod metrics;
mod observability;
mod platform;
mod roles;
mod scale;
mod shutdown;
mod stats;
mod stats_people;
mod suppressions;
mod throttle;
mod time_and_control;
mod unsubscribe;
mod users;
mod words;
