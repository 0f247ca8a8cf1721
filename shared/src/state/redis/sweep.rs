//! Sweeping: the roster entries of instances whose heartbeat expired are released (and
//! returned, so the room is told), and presence older than the window is pruned.

use super::scripts::PRUNE_PRESENCE;
use super::{unavailable, RedisState};
use crate::chat::{member::instance_of, Member};
use crate::state::{now_ms, ChatState, StateResult, PRESENCE_WINDOW_MS};
use fred::interfaces::{HashesInterface, KeysInterface, SetsInterface};
use std::collections::HashMap;

impl RedisState {
    pub(super) async fn sweep_rosters(&self) -> StateResult<Vec<(String, Member)>> {
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

    pub(super) async fn sweep_presence(&self) -> StateResult<()> {
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
