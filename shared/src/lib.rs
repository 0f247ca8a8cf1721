//! The parts of rsstreaming that both the stateless handlers and the chat gateway need, with no
//! HTTP framework in them.

pub mod auth;
pub mod chat;
pub mod config;
pub mod drawing;
pub mod hls;
pub mod logging;
pub mod names;
pub mod net;
pub mod state;
pub mod store;
pub mod text;

pub use config::Config;
pub use store::{Store, StoreError};
