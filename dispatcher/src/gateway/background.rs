//! The gateway's background work: presence batching, viewer counts, heartbeats and sweeps,
//! emote and outbox polling, and what arrives from the shared state (room frames from every
//! instance, API/CLI posts, resynchronisation after a lost Redis).

use super::fanout::{frame, open_envelope, Socket};
use super::Gateway;
use rsstreaming_shared::chat::{ChatterType, Outgoing, StreamerChange};
use rsstreaming_shared::state::{Announcement, Inbound};
use rsstreaming_shared::store::{event_kind, Emote, NewEvent, Store, Streamer};
use rsstreaming_shared::text;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub const PRESENCE_FLUSH: Duration = Duration::from_secs(1);
pub const VIEWER_CHECK: Duration = Duration::from_secs(5);
pub const EMOTE_POLL: Duration = Duration::from_secs(2);
pub const OUTBOX_POLL: Duration = Duration::from_secs(1);
const STREAMER_TTL: Duration = Duration::from_secs(5);
/// Outbox rows older than this are of no use to anyone.
const OUTBOX_KEEP_MS: i64 = 3_600_000;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Presence touches, gathered and written in one round trip a second.
#[derive(Default)]
pub struct Presence {
    pending: Mutex<HashMap<Arc<str>, String>>,
    moved: Mutex<Vec<(String, Arc<str>)>>,
}

impl Presence {
    /// Counts the socket as a viewer of `room` (and no longer of the room it watched before).
    pub fn touch(&self, socket: &Socket, room: &str) {
        let mut current = lock(&socket.presence);
        if current.as_deref() != Some(room) {
            if let Some(old) = current.replace(room.to_string()) {
                lock(&self.moved).push((old, socket.id.clone()));
            }
        }
        drop(current);
        lock(&self.pending).insert(socket.id.clone(), room.to_string());
    }

    /// The socket closed: it is no longer a viewer anywhere.
    pub async fn forget(&self, gw_state: &Gateway, socket: &Socket) {
        lock(&self.pending).remove(&socket.id);
        let room = lock(&socket.presence).take();
        if let Some(room) = room {
            if let Err(e) = gw_state.state.drop_presence(&room, &socket.id).await {
                tracing::debug!("dropping presence: {e}");
            }
        }
    }

    async fn flush(&self, gw: &Gateway) {
        let pending: Vec<(String, String)> = lock(&self.pending)
            .drain()
            .map(|(s, r)| (r, s.to_string()))
            .collect();
        let moved = std::mem::take(&mut *lock(&self.moved));
        for (room, socket) in moved {
            let _ = gw.state.drop_presence(&room, &socket).await;
        }
        if let Err(e) = gw.state.touch_presence(&pending).await {
            tracing::warn!("presence not recorded: {e}");
            // Keep them for the next round rather than losing viewers for a blip.
            let mut p = lock(&self.pending);
            for (room, socket) in pending {
                p.entry(socket.into()).or_insert(room);
            }
        }
    }
}

/// The custom emotes as last seen, keyed by lowercased alias.
#[derive(Default)]
pub struct Emotes {
    map: RwLock<Arc<HashMap<String, Emote>>>,
}

impl Emotes {
    pub fn snapshot(&self) -> Arc<HashMap<String, Emote>> {
        self.map.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the set, returning the frames that tell pages what changed.
    fn replace(&self, now: Vec<Emote>) -> Vec<Outgoing> {
        let new: HashMap<String, Emote> = now
            .into_iter()
            .map(|e| (e.alias.to_ascii_lowercase(), e))
            .collect();
        let mut guard = self.map.write().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        for (k, old) in guard.iter() {
            if !new.contains_key(k) {
                out.push(Outgoing::RemoveEmote {
                    key: format!(":{}:", old.alias),
                });
            }
        }
        for (k, e) in &new {
            if guard.get(k) != Some(e) {
                out.push(Outgoing::AddEmote {
                    key: format!(":{}:", e.alias),
                    uri: e.uri.clone(),
                });
            }
        }
        *guard = Arc::new(new);
        out
    }

    fn added(&self, alias: &str, uri: &str) -> Option<Outgoing> {
        let mut guard = self.map.write().unwrap_or_else(|p| p.into_inner());
        let e = Emote {
            alias: alias.to_string(),
            uri: uri.to_string(),
        };
        let k = alias.to_ascii_lowercase();
        if guard.get(&k) == Some(&e) {
            return None;
        }
        Arc::make_mut(&mut guard).insert(k, e);
        Some(Outgoing::AddEmote {
            key: format!(":{alias}:"),
            uri: uri.to_string(),
        })
    }

    fn removed(&self, alias: &str) -> Option<Outgoing> {
        let mut guard = self.map.write().unwrap_or_else(|p| p.into_inner());
        let old = Arc::make_mut(&mut guard).remove(&alias.to_ascii_lowercase())?;
        Some(Outgoing::RemoveEmote {
            key: format!(":{}:", old.alias),
        })
    }
}

/// Streamer records, kept a few seconds so logins and presence don't each query the store.
#[derive(Default)]
pub struct Streamers {
    cache: Mutex<HashMap<String, (Instant, Option<Streamer>)>>,
}

impl Streamers {
    pub async fn get(&self, store: &Store, name: &str) -> Result<Option<Streamer>, ()> {
        let key = name.to_ascii_lowercase();
        if let Some((at, s)) = lock(&self.cache).get(&key) {
            if at.elapsed() < STREAMER_TTL {
                return Ok(s.clone());
            }
        }
        let found = store
            .streamer(&key)
            .await
            .map_err(|e| tracing::error!("store: {e}"))?;
        let mut cache = lock(&self.cache);
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < STREAMER_TTL);
        }
        cache.insert(key, (Instant::now(), found.clone()));
        Ok(found)
    }
}

impl Gateway {
    /// Everything arriving from the shared state, in order.
    pub(super) async fn inbound_loop(self: Arc<Self>, mut rx: mpsc::Receiver<Inbound>) {
        while let Some(inbound) = rx.recv().await {
            match inbound {
                Inbound::Room { room, payload } => self.room_payload(&room, payload),
                Inbound::Announcement(a) => self.announcement(a).await,
                Inbound::Resynced => {
                    let gw = self.clone();
                    tokio::spawn(async move { gw.resync().await });
                }
            }
        }
    }

    fn room_payload(&self, room: &str, payload: bytes::Bytes) {
        let Some((route, msg)) = open_envelope(payload) else {
            tracing::warn!("ignoring a malformed payload on room {room}");
            return;
        };
        if let Some(m) = &route.set {
            if let Some(s) = self.local.socket(&m.socket) {
                s.update_member(m);
            }
        }
        match &route.only {
            Some(id) => {
                if let Some(s) = self.local.socket(id) {
                    if s.login().is_some_and(|l| l.room == room) {
                        s.push(msg);
                    }
                }
            }
            None => self.local.deliver(room, &msg, route.except.as_deref()),
        }
    }

    async fn announcement(&self, a: Announcement) {
        match a {
            Announcement::Post {
                room,
                kind,
                message,
            } => self.deliver_post(&room, &kind, &message).await,
            Announcement::EmoteAdded { alias, uri } => {
                if let Some(out) = self.emotes.added(&alias, &uri) {
                    self.local.deliver_all(&frame(&out));
                }
            }
            Announcement::EmoteRemoved { alias } => {
                if let Some(out) = self.emotes.removed(&alias) {
                    self.local.deliver_all(&frame(&out));
                }
            }
            Announcement::PasswordChanged { room, active } => {
                // The broadcast names the change, never the password, so none is needed here.
                let change = StreamerChange::Password(active.then(String::new));
                if let Some(out) = change.broadcast(&room) {
                    self.local
                        .deliver(&room.to_ascii_lowercase(), &frame(&out), None);
                }
            }
        }
    }

    /// A line from the API or the CLI, shown to this instance's chatters of the room as the
    /// streamer: under their chat name and color when they are logged in, else their username.
    /// (It was recorded by whoever posted it.)
    pub(super) async fn deliver_post(&self, room: &str, kind: &str, message: &str) {
        let room = room.to_ascii_lowercase();
        let emotes = self.emotes.snapshot();
        let message =
            text::emojify(message, |a| emotes.contains_key(&a.to_ascii_lowercase())).into_owned();
        let out = if kind == "server" {
            Outgoing::server(message)
        } else {
            let admin = match self.state.roster(&room).await {
                Ok(r) => r.into_iter().find(|m| m.kind == ChatterType::Admin),
                Err(e) => {
                    tracing::warn!("roster of {room}: {e}");
                    None
                }
            };
            let (username, color) = match admin {
                Some(m) => (m.username, m.color),
                None => {
                    let name = self
                        .streamer(&room)
                        .await
                        .ok()
                        .flatten()
                        .map_or(room.clone(), |s| s.username.into());
                    (name, text::DEFAULT_COLOR.to_string())
                }
            };
            if kind == "action" {
                Outgoing::ActionReceived {
                    username,
                    kind: ChatterType::Admin,
                    color,
                    message,
                }
            } else {
                Outgoing::MessageReceived {
                    username,
                    kind: ChatterType::Admin,
                    color,
                    message,
                }
            }
        };
        self.local.deliver(&room, &frame(&out), None);
    }

    /// After a lost link: take newer copies of our chatters' entries, and put back those a
    /// restarted Redis forgot.
    async fn resync(&self) {
        let _ = self.state.heartbeat().await;
        for socket in self.local.logged_in() {
            let Some(login) = socket.login() else {
                continue;
            };
            match self.state.member(&login.room, &socket.id).await {
                Ok(Some(m)) => socket.update_member(&m),
                Ok(None) => match self.state.claim(&login.room, &login.member).await {
                    Ok(true) => {}
                    Ok(false) => {
                        socket.set_login(None);
                        self.local.leave(&login.room, &socket.id);
                        self.drop_socket(&socket, "Your name was taken while the chat was reconnecting; please log in again.");
                    }
                    Err(e) => tracing::warn!("resync: {e}"),
                },
                Err(e) => tracing::warn!("resync: {e}"),
            }
        }
    }

    pub(super) async fn presence_loop(self: Arc<Self>) {
        let mut tick = tokio::time::interval(PRESENCE_FLUSH);
        loop {
            tick.tick().await;
            self.presence.flush(&self).await;
        }
    }

    /// Logs viewer-count changes (once, whichever instance sees them first).
    pub(super) async fn viewers_loop(self: Arc<Self>) {
        let mut tick = tokio::time::interval(VIEWER_CHECK);
        loop {
            tick.tick().await;
            let Ok(rooms) = self.state.presence_rooms().await else {
                continue;
            };
            for room in rooms {
                let Ok(count) = self.state.viewer_count(&room).await else {
                    continue;
                };
                if let Ok(true) = self.state.note_viewers(&room, count).await {
                    self.audit.record(NewEvent::now(
                        &room,
                        event_kind::VIEWERS,
                        serde_json::json!({"count": count}),
                    ));
                }
            }
        }
    }

    /// Keeps this instance alive in the shared state and removes chatters of dead ones.
    pub(super) async fn liveness_loop(self: Arc<Self>, every: Duration) {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = self.state.heartbeat().await {
                tracing::warn!("heartbeat: {e}");
                continue;
            }
            match self.state.sweep().await {
                Ok(gone) => {
                    for (room, m) in gone {
                        tracing::info!(
                            room,
                            username = m.username,
                            "removed a chatter of a stopped instance"
                        );
                        self.announce_leave(&room, &m).await;
                    }
                }
                Err(e) => tracing::warn!("sweep: {e}"),
            }
        }
    }

    /// Tells every page when custom emotes are added or dropped (by the CLI, or another site
    /// instance), by comparing the emotes table with what was seen last.
    pub(super) async fn emotes_loop(self: Arc<Self>) {
        let mut tick = tokio::time::interval(EMOTE_POLL);
        loop {
            tick.tick().await;
            match self.ctx.store.emotes().await {
                Ok(now) => {
                    for out in self.emotes.replace(now) {
                        self.local.deliver_all(&frame(&out));
                    }
                }
                Err(e) => tracing::warn!("reading emotes: {e}"),
            }
        }
    }

    pub(super) fn load_emotes(&self, now: Vec<Emote>) {
        let _ = self.emotes.replace(now);
    }

    /// Delivers messages that `rsstreaming message send` left in the outbox (used when there
    /// is no Redis to carry them), starting after what was there when this instance started.
    pub(super) async fn outbox_loop(self: Arc<Self>, mut last: i64) {
        let mut tick = tokio::time::interval(OUTBOX_POLL);
        let mut pruned = Instant::now();
        loop {
            tick.tick().await;
            match self.ctx.store.outbox_after(last).await {
                Ok(rows) => {
                    for row in rows {
                        last = last.max(row.id);
                        self.deliver_post(&row.room, &row.kind, &row.message).await;
                    }
                }
                Err(e) => tracing::warn!("reading the outbox: {e}"),
            }
            if pruned.elapsed() > Duration::from_secs(600) {
                pruned = Instant::now();
                let _ = self.ctx.store.prune_outbox(OUTBOX_KEEP_MS).await;
            }
        }
    }
}
