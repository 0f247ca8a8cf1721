//! The chat and presence gateway: the one long-lived, stateful part of the system.
//!
//! `GET /ws` upgrades to a WebSocket speaking SPEC §5. Everything several processes must agree
//! on goes through the shared state (`rsstreaming_shared::state`): name claims, roster changes,
//! presence, and one room channel per room that carries every frame once to every instance, in
//! one order. This module keeps only what is local: the open sockets and which room they are in.
//!
//! - `upgrade`: the HTTP handshake; `socket`: one connection's reader and writer;
//! - `session`: what frames do (login, lines, commands, drawings) via the shared chat rules;
//! - `fanout`: local sockets and rooms, bounded queues, the room payload envelope;
//! - `background`: presence batching, viewer counts, heartbeats/sweeps, emote and outbox
//!   polling, and the loop consuming the shared state's stream;
//! - `audit`: the batched events writer.

mod audit;
mod background;
mod fanout;
mod session;
mod socket;
mod upgrade;

use anyhow::Context;
use audit::Audit;
use background::{Emotes, Presence, Streamers};
use bytes::Bytes;
use fanout::Local;
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use rsstreaming_handlers::{Caller, Ctx};
use rsstreaming_shared::state::ChatState;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// How often the instance heartbeats and sweeps (well within the 15 s instance lifetime, so a
/// killed instance's chatters leave within ~20 s).
const LIVENESS_EVERY: Duration = Duration::from_secs(5);

/// Owns every socket of this process and its link to the shared state.
pub struct Gateway {
    ctx: Ctx,
    state: Arc<dyn ChatState>,
    local: Local,
    audit: Audit,
    audit_task: Mutex<Option<JoinHandle<()>>>,
    presence: Presence,
    emotes: Emotes,
    streamers: Streamers,
    followed: tokio::sync::Mutex<HashSet<String>>,
    next_socket: AtomicU64,
    stopping: AtomicBool,
    tasks: Mutex<Vec<JoinHandle<()>>>,
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
            local: Local::default(),
            audit,
            audit_task: Mutex::new(Some(audit_task)),
            presence: Presence::default(),
            emotes: Emotes::default(),
            streamers: Streamers::default(),
            followed: tokio::sync::Mutex::new(HashSet::new()),
            next_socket: AtomicU64::new(1),
            stopping: AtomicBool::new(false),
            tasks: Mutex::new(Vec::new()),
        });
        gw.load_emotes(emotes);
        let tasks = vec![
            tokio::spawn(gw.clone().inbound_loop(inbound)),
            tokio::spawn(gw.clone().presence_loop()),
            tokio::spawn(gw.clone().viewers_loop()),
            tokio::spawn(gw.clone().liveness_loop(LIVENESS_EVERY)),
            tokio::spawn(gw.clone().emotes_loop()),
            tokio::spawn(gw.clone().outbox_loop(outbox_head)),
        ];
        *gw.tasks.lock().unwrap_or_else(|p| p.into_inner()) = tasks;
        tracing::info!(instance = gw.state.instance_id(), "chat gateway started");
        Ok(gw)
    }

    /// Answers a `GET /ws` upgrade request; the socket is served on a task of its own.
    pub fn upgrade(self: &Arc<Self>, req: Request<Incoming>) -> Response<Bytes> {
        if self.stopping.load(Ordering::Acquire) {
            let mut r = Response::new(Bytes::from_static(b"shutting down\n"));
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            return r;
        }
        let response = upgrade::accept(req.method(), req.headers());
        if response.status() != StatusCode::SWITCHING_PROTOCOLS {
            return response;
        }
        let peer = socket::Handshake {
            addr: req.extensions().get::<Caller>().map(|c| c.addr),
            cookies: req
                .headers()
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join("; "),
        };
        let gw = self.clone();
        tokio::spawn(async move {
            match hyper::upgrade::on(req).await {
                Ok(upgraded) => {
                    socket::serve(gw, hyper_util::rt::TokioIo::new(upgraded), peer).await
                }
                Err(e) => tracing::debug!("websocket upgrade failed: {e}"),
            }
        });
        response
    }

    /// Closes every socket and flushes what is pending (called on graceful shutdown).
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::Release);
        for s in self.local.all_sockets() {
            s.close(CloseCode::Away, "server shutting down");
        }
        // Each socket leaves its room (and is recorded leaving) as it closes.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.local.socket_count() > 0 && tokio::time::Instant::now() < deadline {
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
    async fn follow(&self, room: &str) -> anyhow::Result<()> {
        let mut followed = self.followed.lock().await;
        if !followed.contains(room) {
            self.state.follow(room).await?;
            followed.insert(room.to_string());
        }
        Ok(())
    }
}
