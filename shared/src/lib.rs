//! The parts of rsstreaming that both the stateless handlers and the chat gateway need, with no
//! HTTP framework in them.
//!
//! - [`config`]: `config.yaml` plus `RSSTREAMING_*` overrides, checked once at start;
//! - [`names`]: [`names::Username`] (validated) and [`names::RoomName`] (lowercased by
//!   construction), the names strings used to carry;
//! - [`auth`]: the stream key that cannot be printed, key hashing, viewer passes and the
//!   cookies that carry them (the one pass check of pages and chat);
//! - [`net`]: the caller behind trusted proxies (the one rule of every transport) and
//!   allow-lists;
//! - [`hls`]: nginx-rtmp's files as [`hls::HlsLayout`] (built from config once), liveness,
//!   playlist rewriting;
//! - [`store`]: the database (MySQL/MariaDB or SQLite through sqlx) and its migrations;
//! - [`state`]: state shared between processes (in-process or Redis);
//! - [`budget`]: guess budgets, the one limit on trying secrets;
//! - [`chat`]: the chat's frames, its one command table and its rules as pure functions;
//! - [`post`]: the one way a line is posted for a streamer (API, CLI, the gateway's delivery);
//! - [`text`], [`drawing`]: text handling (names, colors, emoji), drawings;
//! - [`logging`]: the one tracing setup;
//! - [`metrics`]: the Prometheus metrics of the process (`GET /metrics`).

pub mod auth;
pub mod budget;
pub mod chat;
pub mod config;
pub mod drawing;
pub mod hls;
pub mod import;
pub mod logging;
pub mod metrics;
pub mod names;
pub mod net;
pub mod post;
pub mod recordings;
pub mod state;
pub mod store;
pub mod text;
pub mod tool;
pub mod webhooks;

pub use config::Config;
pub use store::{Store, StoreError};
