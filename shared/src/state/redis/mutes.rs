//! Mutes in Redis: `P:mute:{room}:n:{key}` holds the address the name was muted with (or
//! nothing), `P:mute:{room}:a:{addr}` marks the address; both expire with the mute.

use super::{unavailable, RedisState};
use crate::state::{MuteBinding, StateResult};
use fred::interfaces::KeysInterface;
use fred::types::Expiration;

impl RedisState {
    fn mute_key(&self, room: &str, what: &str) -> String {
        self.key("mute", &format!("{room}:{what}"))
    }

    pub(super) async fn bind_mute_keys(&self, room: &str, mute: &MuteBinding) -> StateResult<()> {
        let expire = mute
            .ttl
            .map(|d| Expiration::PX(d.as_millis().max(1) as i64));
        let name = self.mute_key(room, &format!("n:{}", mute.name_key));
        let bound = mute.addr.clone().unwrap_or_default();
        let _: () = self
            .client
            .set(name, bound, expire.clone(), None, false)
            .await
            .map_err(unavailable)?;
        if let Some(addr) = &mute.addr {
            let key = self.mute_key(room, &format!("a:{addr}"));
            let _: () = self
                .client
                .set(key, mute.name_key.as_str(), expire, None, false)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    pub(super) async fn lift_mute_keys(
        &self,
        room: &str,
        name_key: &str,
        addr: Option<&str>,
    ) -> StateResult<()> {
        let name = self.mute_key(room, &format!("n:{name_key}"));
        let bound: Option<String> = self.client.getdel(&name).await.map_err(unavailable)?;
        let addrs = bound.into_iter().filter(|a| !a.is_empty());
        let keys: Vec<String> = addrs
            .chain(addr.map(str::to_string))
            .map(|a| self.mute_key(room, &format!("a:{a}")))
            .collect();
        if !keys.is_empty() {
            let _: i64 = self.client.del(keys).await.map_err(unavailable)?;
        }
        Ok(())
    }

    pub(super) async fn mute_exists(
        &self,
        room: &str,
        name_key: &str,
        addr: Option<&str>,
    ) -> StateResult<bool> {
        let mut keys = vec![self.mute_key(room, &format!("n:{name_key}"))];
        if let Some(a) = addr {
            keys.push(self.mute_key(room, &format!("a:{a}")));
        }
        let found: i64 = self.client.exists(keys).await.map_err(unavailable)?;
        Ok(found > 0)
    }
}
