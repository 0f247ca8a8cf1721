//! Shared state: what every handler and gateway instance must agree on (presence, rosters,
//! mute/mod flags, room pub/sub, throttles). Two interchangeable backends: in-process for the
//! single-process default, Redis (fred) when several processes share one site.

mod memory;

pub use memory::MemoryState;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Errors of the shared-state backend (Redis unreachable, bad data).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("shared state unavailable: {0}")]
    Unavailable(String),
}

pub type StateResult<T> = Result<T, StateError>;

/// Something posted into a room from outside the chat (remote-control API, CLI) or a site-wide
/// change every open page must learn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Announcement {
    /// A line on the streamer's behalf; `kind` is `normal`, `action` or `server`.
    Post {
        room: String,
        kind: String,
        message: String,
    },
    EmoteAdded {
        alias: String,
        uri: String,
    },
    EmoteRemoved {
        alias: String,
    },
}

/// The interface both backends implement; one conformance suite runs against both.
#[async_trait]
pub trait SharedState: Send + Sync + 'static {
    /// Viewers of a room: sockets that sent `presence` within the last 30 seconds.
    async fn viewer_count(&self, room: &str) -> StateResult<usize>;

    /// Names of the chatters logged in to a room, on any instance.
    async fn members(&self, room: &str) -> StateResult<Vec<String>>;

    /// Sends an announcement to every gateway instance.
    async fn announce(&self, announcement: &Announcement) -> StateResult<()>;

    /// Counts one hit against `bucket`; false once more than `max` hits fell within the last
    /// `window_secs` (used to throttle failed on_publish attempts per address).
    async fn throttle(&self, bucket: &str, max: u32, window_secs: u64) -> StateResult<bool>;
}
