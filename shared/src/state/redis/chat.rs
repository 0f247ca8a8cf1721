//! The gateway's side of the Redis backend: rosters (claims and compare-and-set through the
//! Lua scripts), room channels, presence, viewer counts, heartbeats.

use super::scripts::{CLAIM, RELEASE, REPLACE};
use super::subscriber::subscribe_confirmed;
use super::{parse_member, to_json, unavailable, RedisState, INBOUND_CAPACITY};
use crate::chat::Member;
use crate::state::{now_ms, ChatState, Inbound, MuteBinding, Replace, StateError, StateResult};
use async_trait::async_trait;
use bytes::Bytes;
use fred::interfaces::{
    HashesInterface, KeysInterface, PubsubInterface, SetsInterface, SortedSetsInterface,
};
use fred::types::Value;
use std::collections::{HashMap, HashSet};
use tokio::sync::mpsc;

impl RedisState {
    /// The KEYS of the roster scripts: names, roster, rooms.
    fn roster_keys(&self, room: &str) -> Vec<String> {
        vec![
            self.key("names", room),
            self.key("roster", room),
            self.global("rooms"),
        ]
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
                self.roster_keys(room),
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
                self.roster_keys(room)[..2].to_vec(),
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
                self.roster_keys(room),
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
        subscribe_confirmed(sub, self.room_channel(room)).await
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

    async fn bind_mute(&self, room: &str, mute: &MuteBinding) -> StateResult<()> {
        self.bind_mute_keys(room, mute).await
    }

    async fn lift_mute(&self, room: &str, name_key: &str, addr: Option<&str>) -> StateResult<()> {
        self.lift_mute_keys(room, name_key, addr).await
    }

    async fn is_muted(&self, room: &str, name_key: &str, addr: Option<&str>) -> StateResult<bool> {
        self.mute_exists(room, name_key, addr).await
    }
}
