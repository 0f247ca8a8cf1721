//! Shared state: what every handler and gateway instance must agree on (presence, rosters,
//! mute/mod flags, room pub/sub, throttles). Two interchangeable backends: in-process for the
//! single-process default, Redis (fred) when several processes share one site. One conformance
//! suite (`tests/suite/state.rs`) runs against both.
//!
//! The model, identical in both backends:
//! - a **roster** per room maps socket ids to [`Member`] entries, with an index of case-folded
//!   names so a name is claimed atomically and is unique across instances;
//! - every change of an entry is a compare-and-set against the entry the decision was made on,
//!   so two instances never overwrite each other's decisions;
//! - **presence** is a timestamp per socket per room; a viewer is a socket seen in the last
//!   [`PRESENCE_WINDOW_MS`];
//! - **history** per room: the last chat lines (bounded by count, bytes and age), oldest
//!   first, a deleted line removed by its id;
//! - **mutes** bind to an identity (name key and address) per room, outliving the socket;
//! - each gateway **instance** keeps a heartbeat; entries of an instance whose heartbeat lapsed
//!   (a killed process) are removed by whichever instance sweeps first;
//! - **room channels** carry the frames of a room to every instance following it, in one order;
//!   an **announcement channel** carries API/CLI posts and emote changes to every instance.

mod history_ring;
mod memory;
mod mute_table;
mod redis;

pub use memory::MemoryState;
pub use redis::RedisState;

use crate::chat::{HistoryLine, LineStamp, Member};
use crate::post::PostKind;
use crate::Config;
use async_trait::async_trait;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A socket counts as a viewer for this long after its last `presence`.
pub const PRESENCE_WINDOW_MS: i64 = 30_000;

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
    /// A line on the streamer's behalf: the text of a [`crate::post::Post`] of that kind.
    Post {
        room: String,
        kind: PostKind,
        message: String,
        /// The line's id and time, chosen by the poster so every instance shows the same.
        stamp: LineStamp,
    },
    /// A line was deleted outside the chat (remote-control API): every instance tells its
    /// sockets of the room `message deleted`.
    LineDeleted {
        room: String,
        id: String,
    },
    EmoteAdded {
        alias: String,
        uri: String,
    },
    EmoteRemoved {
        alias: String,
    },
    /// The viewer password was set or removed outside the chat (remote-control API), so the
    /// room learns it as it would from `/password`.
    PasswordChanged {
        room: String,
        active: bool,
    },
    /// A room's rules (or, with room `*`, the site's filters) changed in the store: every
    /// instance reloads them and tells its sockets of the room what they now see.
    RulesChanged {
        room: String,
    },
    /// A room's bans or mutes changed in the store (chat, API or CLI): every instance reads
    /// them again and sends away its chatters a ban now binds.
    SanctionsChanged {
        room: String,
    },
    /// A name was timed out or its mute lifted outside the chat (the dashboard; the store
    /// holds the change already): the instance holding that chatter's socket mutes or
    /// unmutes it in the roster and tells it, as `/timeout` and `/unmute` do.
    MuteChanged {
        room: String,
        name_key: String,
    },
}

/// A bucket's counter in its current window (see [`SharedState::count`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowCount {
    pub hits: i64,
    /// Until the window closes and the counter starts over.
    pub resets_in: Duration,
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

    /// Adds `delta` (negative to give back) to the counter of `bucket` in its current window
    /// and returns the new count and what is left of the window. A window opens with the
    /// first hit on a bucket and lasts `window_secs`; then the counter starts over. One fixed
    /// counter per bucket and window, whatever the number of calls (see [`crate::budget`]).
    async fn count(&self, bucket: &str, window_secs: u64, delta: i64) -> StateResult<WindowCount>;

    /// Counts one hit against `bucket`; false once more than `max` hits fell within its
    /// current window of `window_secs`.
    async fn throttle(&self, bucket: &str, max: u32, window_secs: u64) -> StateResult<bool> {
        Ok(self.count(bucket, window_secs, 1).await?.hits <= i64::from(max))
    }

    /// Appends a chat line to the room's history, which keeps the last
    /// [`HISTORY_LINES`](crate::chat::line::HISTORY_LINES) lines within
    /// [`HISTORY_BYTES`](crate::chat::line::HISTORY_BYTES) for
    /// [`HISTORY_TTL`](crate::chat::line::HISTORY_TTL). One round trip: it is on the line's path.
    async fn append_history(&self, room: &str, line: &HistoryLine) -> StateResult<()>;

    /// The room's history, oldest first, lines older than the TTL left out (quiet lines
    /// included: the gateway leaves them out of what joiners get).
    async fn history(&self, room: &str) -> StateResult<Vec<HistoryLine>>;

    /// Removes the line `id` from the room's history; the removed line, or `None` when it is
    /// not there (of two instances removing it at once, one gets it).
    async fn remove_history(&self, room: &str, id: &str) -> StateResult<Option<HistoryLine>>;

    /// Whether the backend answers now (`/readyz`): Redis is sent `PING`; the in-process
    /// backend is part of the process and always answers.
    async fn ping(&self) -> StateResult<()>;

    /// The backend's name as operators see it: `redis` or `in-process`.
    fn backend(&self) -> &'static str;

    /// The gateway's view of this same backend (what the chat gateway started from a handler
    /// context uses); `None` for a backend that can't host a gateway.
    fn chat(self: Arc<Self>) -> Option<Arc<dyn ChatState>> {
        None
    }
}

/// What reaches a gateway instance from the shared state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// A payload published to a room this instance follows.
    Room {
        room: String,
        payload: Bytes,
    },
    Announcement(Announcement),
    /// The link to the shared state was lost and is back: anything may have been missed (or,
    /// with a restarted Redis, forgotten), so the gateway re-asserts what it holds.
    Resynced,
}

/// The outcome of a compare-and-set on a roster entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    Done,
    /// The entry changed (or left) since it was read: read again and decide again.
    Stale,
    /// The new name is held by another chatter.
    Taken,
}

/// The gateway's side of the shared state. Each value is one gateway *instance*; socket ids
/// it hands out start with its instance id.
#[async_trait]
pub trait ChatState: SharedState {
    /// This instance's id (the part of its socket ids before the dot).
    fn instance_id(&self) -> &str;

    /// Adds a chatter to a room unless another socket holds the name; true when claimed.
    /// Claiming again for the same socket and name restores a lost entry.
    async fn claim(&self, room: &str, member: &Member) -> StateResult<bool>;

    /// Replaces the entry of `before.socket` by `after` if it still equals `before`; a new name
    /// must be free in the room.
    async fn replace(&self, room: &str, before: &Member, after: &Member) -> StateResult<Replace>;

    /// Removes a socket's entry; the removed entry when there was one (only one caller gets it).
    async fn release(&self, room: &str, socket: &str) -> StateResult<Option<Member>>;

    /// Every chatter of a room, on every instance.
    async fn roster(&self, room: &str) -> StateResult<Vec<Member>>;

    /// The first `n` chatters of the room in [`SharedState::roster`]'s order (by name key), and
    /// how many there are: what a login needs (SPEC §5a) without copying a big room's roster.
    async fn roster_head(&self, room: &str, n: usize) -> StateResult<(Vec<Member>, usize)> {
        let all = self.roster(room).await?;
        let count = all.len();
        Ok((all.into_iter().take(n).collect(), count))
    }

    /// The entry of one socket.
    async fn member(&self, room: &str, socket: &str) -> StateResult<Option<Member>>;

    /// Publishes a payload to every instance following the room (this one included).
    async fn publish(&self, room: &str, payload: Bytes) -> StateResult<()>;

    /// Starts receiving the room's payloads (returns once following).
    async fn follow(&self, room: &str) -> StateResult<()>;

    /// Stops receiving the room's payloads.
    async fn unfollow(&self, room: &str) -> StateResult<()>;

    /// The stream of room payloads and announcements for this instance (call once).
    async fn subscribe(&self) -> StateResult<mpsc::Receiver<Inbound>>;

    /// Marks sockets as seen now in rooms: `(room, socket)` pairs, in one round trip.
    async fn touch_presence(&self, seen: &[(String, String)]) -> StateResult<()>;

    /// Forgets a socket's presence in a room (it closed).
    async fn drop_presence(&self, room: &str, socket: &str) -> StateResult<()>;

    /// Rooms that had presence recently (candidates for viewer-count changes).
    async fn presence_rooms(&self) -> StateResult<Vec<String>>;

    /// Records `count` as the room's viewer count; true when it differs from the last one
    /// recorded by any instance (so exactly one instance logs each change).
    async fn note_viewers(&self, room: &str, count: usize) -> StateResult<bool>;

    /// Tells the others this instance is alive; call well within [`StateOptions::instance_ttl`].
    async fn heartbeat(&self) -> StateResult<()>;

    /// Removes entries of instances whose heartbeat lapsed and stale presence; returns the
    /// entries this call removed, as `(room, member)`.
    async fn sweep(&self) -> StateResult<Vec<(String, Member)>>;

    /// Binds a mute in `room` to an identity — its name key and, when known, its address —
    /// for `mute.ttl` (`None`: until lifted), whatever socket or instance it comes back on.
    async fn bind_mute(&self, room: &str, mute: &MuteBinding) -> StateResult<()>;

    /// Lifts the mute of the name key `name_key`, of the address it was bound with, and of
    /// `addr` (the chatter's address now, when it came back under another name).
    async fn lift_mute(&self, room: &str, name_key: &str, addr: Option<&str>) -> StateResult<()>;

    /// Whether the name key or the address (when given) is muted in `room` now.
    async fn is_muted(&self, room: &str, name_key: &str, addr: Option<&str>) -> StateResult<bool>;
}

/// A mute bound to an identity (see [`ChatState::bind_mute`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MuteBinding {
    pub name_key: String,
    pub addr: Option<String>,
    pub ttl: Option<Duration>,
}

impl MuteBinding {
    /// The mute of `member` (its name key and address), until lifted.
    pub fn of(member: &Member) -> Self {
        Self {
            name_key: member.key.clone(),
            addr: member.addr.clone(),
            ttl: None,
        }
    }
}

/// Tunables of a backend.
#[derive(Debug, Clone)]
pub struct StateOptions {
    /// How long an instance counts as alive after its last heartbeat.
    pub instance_ttl: Duration,
}

impl Default for StateOptions {
    fn default() -> Self {
        Self {
            instance_ttl: Duration::from_secs(15),
        }
    }
}

/// The shared state a process works with: the handlers' view and the gateway's view of the
/// same backend.
#[derive(Clone)]
pub struct StateHandles {
    pub shared: Arc<dyn SharedState>,
    pub chat: Arc<dyn ChatState>,
}

impl StateHandles {
    fn of<S: ChatState>(state: Arc<S>) -> Self {
        Self {
            shared: state.clone(),
            chat: state,
        }
    }
}

/// Connects to the configured backend: Redis when `redis` is configured (failing with a clear
/// error when it can't be reached), otherwise in-process state.
pub async fn connect(config: &Config) -> StateResult<StateHandles> {
    connect_with(config, StateOptions::default()).await
}

/// [`connect`] with explicit tunables.
pub async fn connect_with(config: &Config, options: StateOptions) -> StateResult<StateHandles> {
    match &config.redis {
        Some(redis) => Ok(StateHandles::of(Arc::new(
            RedisState::connect(&redis.url, &redis.prefix, options).await?,
        ))),
        None => Ok(StateHandles::of(Arc::new(MemoryState::with_options(
            options,
        )))),
    }
}

/// A new instance id: short, random, without dots.
fn new_instance_id() -> String {
    format!("{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    crate::store::now_ms()
}
