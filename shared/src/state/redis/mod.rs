//! The Redis backend (fred): what several gateway processes share.
//!
//! Keys and channels, all under the configured prefix `P` (pub/sub channels are global across
//! Redis databases, so the prefix is what keeps two sites or two test runs apart):
//! - `P:names:{room}` hash: case-folded name → socket; `P:roster:{room}` hash: socket → entry
//!   JSON; `P:rooms` set of rooms with rosters (what sweeps walk). Every roster change is one Lua
//!   script, so name claims and compare-and-set are atomic across instances.
//! - `P:presence:{room}` sorted set: socket scored by last-seen ms; `P:presence_rooms` set.
//! - `P:viewers:{room}`: the last viewer count logged; `P:instance:{id}`: heartbeat with a TTL.
//! - `P:count:{bucket}` a budget counter, expiring with its window.
//! - `P:history:{room}` list and `P:history_bytes:{room}`: the room's last lines ([`history`]).
//! - channels `P:room:{room}` (one PUBLISH per room frame, one subscriber connection per
//!   instance) and `P:announce`.
//!
//! Here: connecting, keys, and what every process shares ([`SharedState`]); the gateway's
//! part is [`chat`], the subscriber connection [`subscriber`], sweeps [`sweep`], and the Lua
//! scripts are files of their own ([`scripts`]).
//!
//! Scripts are sent with EVAL (Redis caches them by hash), so a restarted Redis needs no reload.

mod chat;
mod history;
mod mutes;
mod scripts;
mod subscriber;
mod sweep;

use super::{
    new_instance_id, now_ms, Announcement, ChatState, SharedState, StateError, StateOptions,
    StateResult, WindowCount, PRESENCE_WINDOW_MS,
};
use crate::chat::{HistoryLine, Member};
use async_trait::async_trait;
use bytes::Bytes;
use fred::clients::{Client, SubscriberClient};
use fred::interfaces::{ClientLike, LuaInterface, PubsubInterface, SortedSetsInterface};
use fred::types::config::{Config as FredConfig, ReconnectPolicy};
use fred::types::{Builder, Value};
use scripts::COUNT;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

const COMMAND_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const INBOUND_CAPACITY: usize = 65_536;

/// Shared state in Redis; one value is one gateway instance (or one CLI process).
pub struct RedisState {
    client: Client,
    builder: Builder,
    subscriber: OnceCell<SubscriberClient>,
    prefix: String,
    instance: String,
    options: StateOptions,
}

fn unavailable(e: fred::error::Error) -> StateError {
    StateError::Unavailable(format!("redis: {e}"))
}

impl RedisState {
    /// Connects to `url`; fails with a clear error when Redis can't be reached now. Once
    /// connected, a lost connection is re-established by itself (commands fail fast meanwhile).
    pub async fn connect(url: &str, prefix: &str, options: StateOptions) -> StateResult<Self> {
        let config = FredConfig::from_url(url)
            .map_err(|e| StateError::Unavailable(format!("redis url `{url}`: {e}")))?;
        let mut builder = Builder::from_config(config);
        builder
            .with_connection_config(|c| {
                c.connection_timeout = CONNECT_TIMEOUT;
                c.internal_command_timeout = CONNECT_TIMEOUT;
                c.max_command_attempts = 2;
            })
            .with_performance_config(|p| {
                p.default_command_timeout = COMMAND_TIMEOUT;
                p.broadcast_channel_capacity = INBOUND_CAPACITY;
            })
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2));
        let client = builder.build().map_err(unavailable)?;
        client
            .init()
            .await
            .map_err(|e| StateError::Unavailable(format!("cannot reach Redis at {url}: {e}")))?;
        Ok(Self {
            client,
            builder,
            subscriber: OnceCell::new(),
            prefix: prefix.to_string(),
            instance: new_instance_id(),
            options,
        })
    }

    fn key(&self, kind: &str, room: &str) -> String {
        format!("{}:{kind}:{room}", self.prefix)
    }

    fn global(&self, kind: &str) -> String {
        format!("{}:{kind}", self.prefix)
    }

    fn room_channel(&self, room: &str) -> String {
        self.key("room", room)
    }

    async fn eval<R: fred::types::FromValue>(
        &self,
        script: &str,
        keys: Vec<String>,
        args: Vec<Value>,
    ) -> StateResult<R> {
        self.client
            .eval(script, keys, args)
            .await
            .map_err(unavailable)
    }

    /// Publishes with a fresh connection's worth of retries (a publish during a reconnect).
    async fn publish_raw(&self, channel: String, payload: Bytes) -> StateResult<()> {
        let _: i64 = self
            .client
            .publish(channel, payload)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

fn parse_member(json: &str) -> Option<Member> {
    serde_json::from_str(json)
        .map_err(|e| tracing::warn!("ignoring a malformed roster entry: {e}"))
        .ok()
}

fn to_json(m: &Member) -> String {
    serde_json::to_string(m).unwrap_or_default()
}

#[async_trait]
impl SharedState for RedisState {
    async fn viewer_count(&self, room: &str) -> StateResult<usize> {
        let since = now_ms() - PRESENCE_WINDOW_MS;
        let n: i64 = self
            .client
            .zcount(
                self.key("presence", room),
                (since + 1) as f64,
                f64::INFINITY,
            )
            .await
            .map_err(unavailable)?;
        Ok(n.max(0) as usize)
    }

    async fn members(&self, room: &str) -> StateResult<Vec<String>> {
        let mut names: Vec<String> = self
            .roster(room)
            .await?
            .into_iter()
            .map(|m| m.username)
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        Ok(names)
    }

    async fn announce(&self, announcement: &Announcement) -> StateResult<()> {
        let json = serde_json::to_vec(announcement).unwrap_or_default();
        self.publish_raw(self.global("announce"), Bytes::from(json))
            .await
    }

    async fn count(&self, bucket: &str, window_secs: u64, delta: i64) -> StateResult<WindowCount> {
        let (hits, ms): (i64, i64) = self
            .eval(
                COUNT,
                vec![self.key("count", bucket)],
                vec![delta.into(), ((window_secs * 1000) as i64).into()],
            )
            .await?;
        Ok(WindowCount {
            hits,
            resets_in: Duration::from_millis(ms.max(0) as u64),
        })
    }

    async fn ping(&self) -> StateResult<()> {
        self.client.ping::<()>(None).await.map_err(unavailable)
    }

    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn append_history(&self, room: &str, line: &HistoryLine) -> StateResult<()> {
        self.append_history_entry(room, line).await
    }

    async fn history(&self, room: &str) -> StateResult<Vec<HistoryLine>> {
        self.history_entries(room).await
    }

    async fn remove_history(&self, room: &str, id: &str) -> StateResult<Option<HistoryLine>> {
        self.remove_history_entry(room, id).await
    }

    fn chat(self: Arc<Self>) -> Option<Arc<dyn ChatState>> {
        Some(self)
    }
}
