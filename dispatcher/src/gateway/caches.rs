//! What this instance keeps of the store for a few seconds: the custom emotes (polled, and
//! pages told of changes) and streamer records (so logins and presence don't each query the
//! store).

use super::socket::frame;
use super::Gateway;
use rsstreaming_shared::chat::Outgoing;
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::store::{Emote, Store, Streamer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

const EMOTE_POLL: Duration = Duration::from_secs(2);
/// A streamer record younger than this is used as it is.
const STREAMER_TTL: Duration = Duration::from_secs(5);
/// How long an older record's refresh may take before the old one is used (issue 15 point 3:
/// presence and logins never wait on a store that hangs).
const STREAMER_REFRESH: Duration = Duration::from_millis(300);
/// The oldest record used while the store cannot be read: a room's viewer password or chat
/// setting changed during an outage binds at most this late (a new password also arrives as an
/// announcement and is applied at once, see `inbound::password_changed`).
const STREAMER_MAX_STALE: Duration = Duration::from_secs(300);

/// Custom emotes keyed by lowercased alias.
type Emotes = HashMap<String, Emote>;

#[derive(Default)]
pub struct Caches {
    emotes: RwLock<Arc<Emotes>>,
    streamers: Mutex<HashMap<RoomName, (Instant, Option<Streamer>)>>,
}

fn emote_key(e: &Emote) -> String {
    format!(":{}:", e.alias)
}

impl Caches {
    /// The custom emotes as last seen.
    pub fn emotes(&self) -> Arc<Emotes> {
        self.emotes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces the emote set, returning the frames that tell pages what changed.
    pub fn replace_emotes(&self, now: Vec<Emote>) -> Vec<Outgoing> {
        let new: Emotes = now
            .into_iter()
            .map(|e| (e.alias.to_ascii_lowercase(), e))
            .collect();
        let mut guard = self.emotes.write().unwrap_or_else(|p| p.into_inner());
        let gone = guard.iter().filter(|(k, _)| !new.contains_key(*k));
        let mut out: Vec<Outgoing> = gone
            .map(|(_, old)| Outgoing::RemoveEmote {
                key: emote_key(old),
            })
            .collect();
        for (k, e) in &new {
            if guard.get(k) != Some(e) {
                out.push(Outgoing::AddEmote {
                    key: emote_key(e),
                    uri: e.uri.clone(),
                });
            }
        }
        *guard = Arc::new(new);
        out
    }

    /// An emote another process added; the frame for pages if it is news here.
    pub fn emote_added(&self, alias: &str, uri: &str) -> Option<Outgoing> {
        let mut guard = self.emotes.write().unwrap_or_else(|p| p.into_inner());
        let e = Emote {
            alias: alias.to_string(),
            uri: uri.to_string(),
        };
        let k = alias.to_ascii_lowercase();
        if guard.get(&k) == Some(&e) {
            return None;
        }
        let out = Outgoing::AddEmote {
            key: emote_key(&e),
            uri: e.uri.clone(),
        };
        Arc::make_mut(&mut guard).insert(k, e);
        Some(out)
    }

    /// An emote another process removed; the frame for pages if it was known here.
    pub fn emote_removed(&self, alias: &str) -> Option<Outgoing> {
        let mut guard = self.emotes.write().unwrap_or_else(|p| p.into_inner());
        let old = Arc::make_mut(&mut guard).remove(&alias.to_ascii_lowercase())?;
        Some(Outgoing::RemoveEmote {
            key: emote_key(&old),
        })
    }

    /// The streamer record of a room: cached for [`STREAMER_TTL`]; then read again, but when the
    /// store does not answer within [`STREAMER_REFRESH`] the cached one is used while it is
    /// younger than [`STREAMER_MAX_STALE`]. `Err` when the store is unreachable and nothing
    /// usable is cached.
    pub async fn streamer(&self, store: &Store, room: &RoomName) -> Result<Option<Streamer>, ()> {
        let lock = || self.streamers.lock().unwrap_or_else(|p| p.into_inner());
        let cached = lock().get(room).cloned();
        if let Some((at, s)) = &cached {
            if at.elapsed() < STREAMER_TTL {
                return Ok(s.clone());
            }
        }
        let read = match tokio::time::timeout(STREAMER_REFRESH, store.streamer(room)).await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {STREAMER_REFRESH:?}")),
        };
        let found = match (read, cached) {
            (Ok(found), _) => found,
            (Err(why), Some((at, stale))) if at.elapsed() < STREAMER_MAX_STALE => {
                tracing::warn!(%room, "store: {why}; using the streamer record of {:?} ago", at.elapsed());
                return Ok(stale);
            }
            (Err(why), _) => {
                tracing::error!(%room, "store: {why}");
                return Err(());
            }
        };
        let mut cache = lock();
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < STREAMER_MAX_STALE);
        }
        cache.insert(room.clone(), (Instant::now(), found.clone()));
        Ok(found)
    }

    /// Replaces the cached record of a room with one just read from the store (after a change
    /// that must bind at once, such as a new viewer password).
    pub fn refresh_streamer(&self, room: &RoomName, fresh: Streamer) {
        let mut cache = self.streamers.lock().unwrap_or_else(|p| p.into_inner());
        cache.insert(room.clone(), (Instant::now(), Some(fresh)));
    }
}

/// Tells every page when custom emotes are added or dropped (by the CLI, or another site
/// instance), by comparing the emotes table with what was seen last.
pub async fn poll_emotes(gw: Arc<Gateway>) {
    let mut tick = tokio::time::interval(EMOTE_POLL);
    loop {
        tick.tick().await;
        match gw.ctx.store.emotes().await {
            Ok(now) => {
                for out in gw.caches.replace_emotes(now) {
                    gw.rooms.deliver_all(&frame(&out));
                }
            }
            Err(e) => tracing::warn!("reading emotes: {e}"),
        }
    }
}
