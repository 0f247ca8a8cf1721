//! The chat and presence gateway: the one long-lived, stateful part of the system.
//!
//! `GET /ws` upgrades to a WebSocket speaking SPEC §5. Everything several processes must agree
//! on goes through the shared state (`rsstreaming_shared::state`): name claims, roster changes,
//! presence, and one room channel per room that carries every frame once to every instance, in
//! one order. The gateway keeps only what is local: the open sockets and which room they are in.
//!
//! A frame's path, by file: [`upgrade`] → [`connection`] (read/write loops) → [`session`] (one
//! socket's frames, [`flood`] control) → [`login`] | [`message`] | [`drawing`] → [`effects`]
//! (carrying out the shared chat rules' decisions; lines kept in [`history`]) → published in an [`envelope`] → every
//! instance's [`inbound`] → [`rooms`] (local delivery) → each [`socket`]'s queue.
//! Beside it: [`presence`] (viewers), [`caches`] (emotes, streamers), [`sanctions`] (bans and
//! mutes from the store; [`sanction_effects`] carries out kicks and bans), [`room_rules`] (slow
//! mode, emote-only, links, filters and the pin, cached and checked on every line), [`liveness`]
//! (heartbeat, sweeping stopped instances), [`outbox`] (CLI posts without Redis), [`audit`].

mod audit;
mod caches;
mod connection;
mod drawing;
mod effects;
mod envelope;
mod flood;
mod guess;
mod history;
mod inbound;
mod lag;
mod liveness;
mod login;
mod message;
mod names;
mod outbox;
mod peer;
mod presence;
mod room_rules;
mod rooms;
mod sanction_effects;
mod sanctions;
mod session;
mod socket;
mod upgrade;

use anyhow::Context;
use audit::Audit;
use caches::Caches;
use envelope::Route;
use presence::Presence;
use rooms::Rooms;
use rsstreaming_handlers::Ctx;
use rsstreaming_shared::chat::{Member, Outgoing};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::state::ChatState;
use rsstreaming_shared::store::{event_kind, NewEvent};
use sanctions::SanctionCache;
use socket::Socket;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Owns every socket of this process and its link to the shared state.
pub struct Gateway {
    ctx: Ctx,
    state: Arc<dyn ChatState>,
    rooms: Rooms,
    audit: Audit,
    audit_task: Mutex<Option<JoinHandle<()>>>,
    presence: Presence,
    caches: Caches,
    rules: room_rules::RulesCache,
    sanctions: SanctionCache,
    followed: tokio::sync::Mutex<HashSet<RoomName>>,
    next_socket: AtomicU64,
    stopping: AtomicBool,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

/// The reply when the shared state or the store cannot be reached.
fn unavailable() -> Outgoing {
    Outgoing::error("The chat is briefly unavailable, try again in a moment.")
}

impl Gateway {
    /// Starts the gateway's background tasks (subscriptions, presence sweeps, audit writer).
    pub async fn start(ctx: Ctx) -> anyhow::Result<Arc<Self>> {
        let state = ctx
            .state
            .clone()
            .chat()
            .context("the configured shared state cannot host the chat gateway")?;
        let inbound = state
            .subscribe()
            .await
            .context("subscribing to the shared state")?;
        state
            .heartbeat()
            .await
            .context("registering the chat gateway")?;
        let outbox_head = ctx
            .store
            .outbox_head()
            .await
            .context("reading the chat outbox")?;
        let emotes = ctx.store.emotes().await.context("reading emotes")?;
        let (audit, audit_task) = Audit::start(ctx.store.clone());
        let gw = Arc::new(Self {
            ctx,
            state,
            rooms: Rooms::default(),
            audit,
            audit_task: Mutex::new(Some(audit_task)),
            presence: Presence::default(),
            caches: Caches::default(),
            rules: room_rules::RulesCache::default(),
            sanctions: SanctionCache::default(),
            followed: tokio::sync::Mutex::new(HashSet::new()),
            next_socket: AtomicU64::new(1),
            stopping: AtomicBool::new(false),
            tasks: Mutex::new(Vec::new()),
        });
        let _ = gw.caches.replace_emotes(emotes);
        gw.rules
            .reload_site(&gw.ctx.store)
            .await
            .context("reading the site's filters")?;
        let tasks = vec![
            tokio::spawn(inbound::run(gw.clone(), inbound)),
            tokio::spawn(presence::flush_loop(gw.clone())),
            tokio::spawn(presence::viewers_loop(gw.clone())),
            tokio::spawn(liveness::run(gw.clone(), liveness::EVERY)),
            tokio::spawn(caches::poll_emotes(gw.clone())),
            tokio::spawn(outbox::poll(gw.clone(), outbox_head)),
        ];
        *gw.tasks.lock().unwrap_or_else(|p| p.into_inner()) = tasks;
        tracing::info!(instance = gw.state.instance_id(), "chat gateway started");
        Ok(gw)
    }

    /// Closes every socket and flushes what is pending (called on graceful shutdown).
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::Release);
        for s in self.rooms.all_sockets() {
            s.close(CloseCode::Away, "server shutting down");
        }
        // Each socket leaves its room (and is recorded leaving) as it closes.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.rooms.socket_count() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for t in self
            .tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            t.abort();
        }
        self.audit.close();
        let task = self
            .audit_task
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(task) = task {
            if tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .is_err()
            {
                tracing::error!("audit events could not all be written before shutdown");
            }
        }
    }

    fn next_socket_id(&self) -> Arc<str> {
        let n = self.next_socket.fetch_add(1, Ordering::Relaxed);
        format!("{}.{n}", self.state.instance_id()).into()
    }

    /// Subscribes this instance to a room's channel (once; rooms are streamers, so few).
    async fn follow(&self, room: &RoomName) -> anyhow::Result<()> {
        let mut followed = self.followed.lock().await;
        if !followed.contains(room) {
            self.state.follow(room).await?;
            followed.insert(room.clone());
        }
        Ok(())
    }

    /// Publishes a frame to a room on every instance; false when the shared state is down.
    async fn publish(&self, room: &RoomName, route: &Route, out: &Outgoing) -> bool {
        match self.state.publish(room, envelope::seal(route, out)).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!("publishing to {room}: {e}");
                false
            }
        }
    }

    /// Tells a room that a chatter left, and records it.
    async fn announce_leave(&self, room: &RoomName, m: &Member) {
        self.publish(room, &Route::default(), &Outgoing::Disconnected(m.user()))
            .await;
        self.audit.record(NewEvent::now(
            room,
            event_kind::LEAVE,
            serde_json::json!({"username": m.username}),
        ));
    }

    /// Takes a socket out of its room (closing, kicked, banned): it leaves the roster and the
    /// room is told. False when it was not in a room (or another caller took it out first).
    async fn log_out(&self, socket: &Socket) -> bool {
        let Some(login) = socket.take_login() else {
            return false;
        };
        self.rooms.leave(&login.room, &socket.id);
        match self.state.release(&login.room, &socket.id).await {
            Ok(Some(m)) => self.announce_leave(&login.room, &m).await,
            Ok(None) => {}
            Err(e) => tracing::warn!("releasing {}: {e} (the sweep will)", socket.id),
        }
        true
    }

    /// Closes a socket that can no longer be kept consistent (e.g. its name was lost).
    fn drop_socket(&self, socket: &Socket, why: &str) {
        socket.send(&Outgoing::error(why));
        socket.close(CloseCode::Again, why);
    }
}
