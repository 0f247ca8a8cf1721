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
//! - channels `P:room:{room}` (one PUBLISH per room frame, one subscriber connection per
//!   instance) and `P:announce`.
//!
//! Scripts are sent with EVAL (Redis caches them by hash), so a restarted Redis needs no reload.

use super::{
    new_instance_id, now_ms, Announcement, ChatState, Inbound, Replace, SharedState, StateError,
    StateOptions, StateResult, WindowCount, PRESENCE_WINDOW_MS,
};
use crate::chat::{member::instance_of, Member};
use async_trait::async_trait;
use bytes::Bytes;
use fred::clients::{Client, SubscriberClient};
use fred::interfaces::{
    ClientLike, EventInterface, HashesInterface, KeysInterface, LuaInterface, PubsubInterface,
    SetsInterface, SortedSetsInterface,
};
use fred::types::config::{Config as FredConfig, ReconnectPolicy};
use fred::types::{Builder, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, OnceCell};

const COMMAND_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const INBOUND_CAPACITY: usize = 65_536;

/// KEYS: names, roster, rooms. ARGV: key, socket, entry JSON, room.
const CLAIM: &str = r#"
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder and holder ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
"#;

/// KEYS: names, roster. ARGV: socket, expected JSON, old key, new key, new JSON.
/// Returns 1 done, 0 stale, -1 taken.
const REPLACE: &str = r#"
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur ~= ARGV[2] then return 0 end
if ARGV[3] ~= ARGV[4] then
  local holder = redis.call('HGET', KEYS[1], ARGV[4])
  if holder and holder ~= ARGV[1] then return -1 end
  if redis.call('HGET', KEYS[1], ARGV[3]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[3]) end
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[1])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
return 1
"#;

/// KEYS: names, roster, rooms. ARGV: socket, room. Returns the removed entry JSON or nil.
const RELEASE: &str = r#"
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return false end
local key = cjson.decode(cur)['key']
if key and redis.call('HGET', KEYS[1], key) == ARGV[1] then redis.call('HDEL', KEYS[1], key) end
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
return cur
"#;

/// KEYS: presence, presence_rooms. ARGV: oldest ms kept, room.
const PRUNE_PRESENCE: &str = r#"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return 0
"#;

/// KEYS: counter. ARGV: delta, window ms. Returns {count, ms left in the window}; a window
/// opens with the first hit (a give-back on no window changes nothing).
const COUNT: &str = r#"
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  if tonumber(ARGV[1]) <= 0 then return {0, 0} end
  redis.call('SET', KEYS[1], 0, 'PX', ARGV[2])
  ttl = tonumber(ARGV[2])
end
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL'); n = 0 end
return {n, ttl}
"#;

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

    /// Starts the instance's one subscriber connection and the task feeding `tx`.
    async fn start_subscriber(&self, tx: mpsc::Sender<Inbound>) -> StateResult<SubscriberClient> {
        let sub = self
            .builder
            .build_subscriber_client()
            .map_err(unavailable)?;
        sub.init().await.map_err(unavailable)?;
        let _resubscriber = sub.manage_subscriptions();
        let announce = self.global("announce");
        sub.subscribe(announce.clone()).await.map_err(unavailable)?;
        let room_prefix = format!("{}:room:", self.prefix);
        let mut messages = sub.message_rx();
        let data_tx = tx.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                let msg = match messages.recv().await {
                    Ok(m) => m,
                    Err(RecvError::Lagged(n)) => {
                        tracing::error!(missed = n, "chat gateway fell behind Redis pub/sub");
                        let _ = data_tx.send(Inbound::Resynced).await;
                        continue;
                    }
                    Err(RecvError::Closed) => break,
                };
                let payload = match msg.value {
                    Value::String(s) => s.into_inner(),
                    Value::Bytes(b) => b,
                    _ => continue,
                };
                let channel: &str = &msg.channel;
                let inbound = if let Some(room) = channel.strip_prefix(&room_prefix) {
                    Inbound::Room {
                        room: room.to_string(),
                        payload,
                    }
                } else if channel == announce {
                    match serde_json::from_slice(&payload) {
                        Ok(a) => Inbound::Announcement(a),
                        Err(e) => {
                            tracing::warn!("ignoring a malformed announcement: {e}");
                            continue;
                        }
                    }
                } else {
                    continue;
                };
                if data_tx.send(inbound).await.is_err() {
                    break;
                }
            }
        });
        // Either connection coming back means messages or keys may have been lost.
        for mut reconnects in [sub.reconnect_rx(), self.client.reconnect_rx()] {
            let tx = tx.clone();
            tokio::spawn(async move {
                while reconnects.recv().await.is_ok() {
                    tracing::info!("reconnected to Redis");
                    if tx.send(Inbound::Resynced).await.is_err() {
                        break;
                    }
                }
            });
        }
        Ok(sub)
    }

    async fn sweep_rosters(&self) -> StateResult<Vec<(String, Member)>> {
        let rooms: Vec<String> = self
            .client
            .smembers(self.global("rooms"))
            .await
            .map_err(unavailable)?;
        let mut alive: HashMap<String, bool> = HashMap::new();
        let mut removed = Vec::new();
        for room in rooms {
            let entries: HashMap<String, String> = self
                .client
                .hgetall(self.key("roster", &room))
                .await
                .map_err(unavailable)?;
            if entries.is_empty() {
                let _: i64 = self
                    .client
                    .srem(self.global("rooms"), &room)
                    .await
                    .map_err(unavailable)?;
                continue;
            }
            for socket in entries.keys() {
                let instance = instance_of(socket).to_string();
                let is_alive = match alive.get(&instance) {
                    Some(&a) => a,
                    None => {
                        let a: bool = self
                            .client
                            .exists(self.global(&format!("instance:{instance}")))
                            .await
                            .map_err(unavailable)?;
                        alive.insert(instance, a);
                        a
                    }
                };
                if !is_alive {
                    if let Some(m) = self.release(&room, socket).await? {
                        removed.push((room.clone(), m));
                    }
                }
            }
        }
        Ok(removed)
    }

    async fn sweep_presence(&self) -> StateResult<()> {
        let rooms: Vec<String> = self
            .client
            .smembers(self.global("presence_rooms"))
            .await
            .map_err(unavailable)?;
        let oldest = now_ms() - PRESENCE_WINDOW_MS;
        for room in rooms {
            let _: i64 = self
                .eval(
                    PRUNE_PRESENCE,
                    vec![self.key("presence", &room), self.global("presence_rooms")],
                    vec![oldest.into(), room.into()],
                )
                .await?;
        }
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

    fn chat(self: Arc<Self>) -> Option<Arc<dyn ChatState>> {
        Some(self)
    }
}

#[async_trait]
impl ChatState for RedisState {
    fn instance_id(&self) -> &str {
        &self.instance
    }

    async fn claim(&self, room: &str, member: &Member) -> StateResult<bool> {
        let done: i64 = self
            .eval(
                CLAIM,
                vec![
                    self.key("names", room),
                    self.key("roster", room),
                    self.global("rooms"),
                ],
                vec![
                    member.key.clone().into(),
                    member.socket.clone().into(),
                    to_json(member).into(),
                    room.into(),
                ],
            )
            .await?;
        Ok(done == 1)
    }

    async fn replace(&self, room: &str, before: &Member, after: &Member) -> StateResult<Replace> {
        let outcome: i64 = self
            .eval(
                REPLACE,
                vec![self.key("names", room), self.key("roster", room)],
                vec![
                    before.socket.clone().into(),
                    to_json(before).into(),
                    before.key.clone().into(),
                    after.key.clone().into(),
                    to_json(after).into(),
                ],
            )
            .await?;
        Ok(match outcome {
            1 => Replace::Done,
            -1 => Replace::Taken,
            _ => Replace::Stale,
        })
    }

    async fn release(&self, room: &str, socket: &str) -> StateResult<Option<Member>> {
        let removed: Option<String> = self
            .eval(
                RELEASE,
                vec![
                    self.key("names", room),
                    self.key("roster", room),
                    self.global("rooms"),
                ],
                vec![socket.into(), room.into()],
            )
            .await?;
        Ok(removed.as_deref().and_then(parse_member))
    }

    async fn roster(&self, room: &str) -> StateResult<Vec<Member>> {
        let entries: Vec<String> = self
            .client
            .hvals(self.key("roster", room))
            .await
            .map_err(unavailable)?;
        let mut all: Vec<Member> = entries.iter().filter_map(|j| parse_member(j)).collect();
        all.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(all)
    }

    async fn member(&self, room: &str, socket: &str) -> StateResult<Option<Member>> {
        let entry: Option<String> = self
            .client
            .hget(self.key("roster", room), socket)
            .await
            .map_err(unavailable)?;
        Ok(entry.as_deref().and_then(parse_member))
    }

    async fn publish(&self, room: &str, payload: Bytes) -> StateResult<()> {
        self.publish_raw(self.room_channel(room), payload).await
    }

    async fn follow(&self, room: &str) -> StateResult<()> {
        let sub = self
            .subscriber
            .get()
            .ok_or_else(|| StateError::Unavailable("not subscribed".into()))?;
        sub.subscribe(self.room_channel(room))
            .await
            .map_err(unavailable)
    }

    async fn unfollow(&self, room: &str) -> StateResult<()> {
        if let Some(sub) = self.subscriber.get() {
            sub.unsubscribe(self.room_channel(room))
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn subscribe(&self) -> StateResult<mpsc::Receiver<Inbound>> {
        let (tx, rx) = mpsc::channel(INBOUND_CAPACITY);
        let sub = self.start_subscriber(tx).await?;
        self.subscriber
            .set(sub)
            .map_err(|_| StateError::Unavailable("already subscribed".into()))?;
        Ok(rx)
    }

    async fn touch_presence(&self, seen: &[(String, String)]) -> StateResult<()> {
        if seen.is_empty() {
            return Ok(());
        }
        let now = now_ms() as f64;
        let mut by_room: HashMap<&str, Vec<(f64, String)>> = HashMap::new();
        for (room, socket) in seen {
            by_room.entry(room).or_default().push((now, socket.clone()));
        }
        let pipe = self.client.pipeline();
        let rooms: HashSet<&str> = by_room.keys().copied().collect();
        for (room, members) in by_room {
            let _: () = pipe
                .zadd(
                    self.key("presence", room),
                    None,
                    None,
                    false,
                    false,
                    members,
                )
                .await
                .map_err(unavailable)?;
        }
        let _: () = pipe
            .sadd(
                self.global("presence_rooms"),
                rooms.into_iter().map(String::from).collect::<Vec<_>>(),
            )
            .await
            .map_err(unavailable)?;
        let _: Vec<Value> = pipe.all().await.map_err(unavailable)?;
        Ok(())
    }

    async fn drop_presence(&self, room: &str, socket: &str) -> StateResult<()> {
        let _: i64 = self
            .client
            .zrem(self.key("presence", room), socket)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn presence_rooms(&self) -> StateResult<Vec<String>> {
        let mut rooms: HashSet<String> = self
            .client
            .smembers(self.global("presence_rooms"))
            .await
            .map_err(unavailable)?;
        // Rooms whose last logged count is not zero must be looked at until it is.
        let logged: HashSet<String> = self
            .client
            .smembers(self.global("viewer_rooms"))
            .await
            .map_err(unavailable)?;
        rooms.extend(logged);
        Ok(rooms.into_iter().collect())
    }

    async fn note_viewers(&self, room: &str, count: usize) -> StateResult<bool> {
        let old: Option<i64> = self
            .client
            .set(self.key("viewers", room), count as i64, None, None, true)
            .await
            .map_err(unavailable)?;
        let tracked = self.global("viewer_rooms");
        if count > 0 {
            let _: i64 = self.client.sadd(tracked, room).await.map_err(unavailable)?;
        } else {
            let _: i64 = self.client.srem(tracked, room).await.map_err(unavailable)?;
        }
        Ok(old.unwrap_or(0) != count as i64)
    }

    async fn heartbeat(&self) -> StateResult<()> {
        let ttl = self.options.instance_ttl.as_millis().max(1) as i64;
        let _: () = self
            .client
            .set(
                self.global(&format!("instance:{}", self.instance)),
                1,
                Some(fred::types::Expiration::PX(ttl)),
                None,
                false,
            )
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn sweep(&self) -> StateResult<Vec<(String, Member)>> {
        let removed = self.sweep_rosters().await?;
        self.sweep_presence().await?;
        Ok(removed)
    }
}
