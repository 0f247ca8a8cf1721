//! What a socket's frames do: presence, login, chat lines and commands, drawings, colors.
//! The rules themselves live in `rsstreaming_shared::chat::rules`; this module loads what they
//! need, carries out their effects through the shared state and records the audit events.

use super::fanout::{envelope, Login, Route, Socket};
use super::socket::{Handshake, Limits};
use super::Gateway;
use rsstreaming_shared::auth::{pass_cookie_name, viewer_pass_ok};
use rsstreaming_shared::chat::{self as chat, Change, ChatterType, Effect, Incoming, Member};
use rsstreaming_shared::chat::{Need, Outgoing, Room, StreamerChange};
use rsstreaming_shared::state::Replace;
use rsstreaming_shared::store::{event_kind, NewEvent, Streamer};
use rsstreaming_shared::text::{self, NameProblem};
use rsstreaming_shared::{drawing, names};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Failed stream-key attempts allowed per address (or per room for unknown addresses) a minute.
const KEY_ATTEMPTS: u32 = 10;
/// How often a decision is retried when the roster changed under it.
const RETRIES: usize = 4;

pub fn slow_down() -> Outgoing {
    Outgoing::warning("You are sending messages too fast, slow down.")
}

fn unavailable() -> Outgoing {
    Outgoing::error("The chat is briefly unavailable, try again in a moment.")
}

impl Gateway {
    /// Handles one text frame from a page. Malformed frames get an `error` and change nothing.
    pub(super) async fn handle_frame(
        self: &Arc<Self>,
        socket: &Arc<Socket>,
        text: &str,
        limits: &mut Limits,
        peer: &Handshake,
    ) {
        let incoming = match Incoming::parse(text) {
            Ok(i) => i,
            Err(e) => {
                socket.send(&Outgoing::error(e.to_string()));
                return;
            }
        };
        let is_line = matches!(
            incoming,
            Incoming::Message { .. } | Incoming::Drawing { .. }
        );
        if is_line && !limits.line_allowed() {
            if limits.should_warn() {
                socket.send(&slow_down());
            }
            return;
        }
        match incoming {
            Incoming::Presence { streamer } => self.presence(socket, &streamer).await,
            Incoming::Login {
                streamer,
                username,
                color,
                key,
            } => {
                self.login(socket, &streamer, &username, &color, key.as_deref(), peer)
                    .await
            }
            Incoming::Message { message } => self.message(socket, &message).await,
            Incoming::Drawing { src } => self.drawing(socket, &src).await,
            Incoming::GetColor => match socket.login() {
                Some(l) => socket.send(&Outgoing::ReturnColor {
                    color: l.member.color,
                }),
                None => socket.send(&Outgoing::error("You are not logged in.")),
            },
        }
    }

    async fn presence(&self, socket: &Arc<Socket>, streamer: &str) {
        if !names::valid_username(streamer) {
            socket.send(&Outgoing::error("Streamer does not exist"));
            return;
        }
        match self.streamer(streamer).await {
            Ok(Some(s)) => self.presence.touch(socket, &s.room()),
            Ok(None) => socket.send(&Outgoing::error("Streamer does not exist")),
            Err(()) => socket.send(&unavailable()),
        }
    }

    async fn login(
        self: &Arc<Self>,
        socket: &Arc<Socket>,
        streamer: &str,
        username: &str,
        color: &str,
        key: Option<&str>,
        peer: &Handshake,
    ) {
        if socket.login().is_some() {
            socket.send(&Outgoing::error("You are already logged in."));
            return;
        }
        let username = username.trim();
        let emotes = self.emotes.snapshot();
        match text::check_name(username, |a| emotes.contains_key(&a.to_ascii_lowercase())) {
            Err(NameProblem::Blank) => {
                return socket.send(&Outgoing::error("Username cannot be blank"))
            }
            Err(NameProblem::TooLong) => {
                return socket.send(&Outgoing::error("Username cannot be that long"))
            }
            Err(NameProblem::BadCharacters) => {
                return socket.send(&Outgoing::error(
                    "Username contains characters that are not allowed",
                ))
            }
            Ok(()) => {}
        }
        let record = if names::valid_username(streamer) {
            match self.streamer(streamer).await {
                Ok(r) => r,
                Err(()) => return socket.send(&unavailable()),
            }
        } else {
            None
        };
        let Some(record) = record else {
            return socket.send(&Outgoing::error("Streamer does not exist"));
        };
        let room = record.room();
        let wants_admin = text::name_key(username) == room.as_str();
        // A protected stream's chat is as protected as its video: a viewer needs the pass the
        // password page hands out; the streamer proves more with the key below.
        if let Some(password) = &record.streampass {
            let passed = peer
                .cookie(&pass_cookie_name(&room))
                .is_some_and(|token| viewer_pass_ok(&self.ctx.secret, &room, password, token));
            if !passed && !wants_admin {
                return socket.send(&Outgoing::error(
                    "This stream is password-protected: enter the password first.",
                ));
            }
        }
        let mut name = username.to_string();
        let mut kind = ChatterType::Normal;
        if wants_admin {
            let Some(key) = key else {
                return socket.send(&Outgoing::LoginKeyRequired {
                    username: record.username.to_string(),
                });
            };
            let bucket = format!(
                "chat-key:{}",
                peer.addr
                    .map_or_else(|| room.to_string(), |p| p.to_string())
            );
            match self.state.throttle(&bucket, KEY_ATTEMPTS, 60).await {
                Ok(true) => {}
                Ok(false) => {
                    return socket.send(&Outgoing::error(
                        "Too many attempts, try again in a minute.",
                    ))
                }
                Err(_) => return socket.send(&unavailable()),
            }
            // Fresh from the store: a key changed a moment ago must not still work.
            let fresh = match self.ctx.store.streamer(&room).await {
                Ok(Some(s)) => s,
                Ok(None) => return socket.send(&Outgoing::error("Streamer does not exist")),
                Err(e) => {
                    tracing::error!("store: {e}");
                    return socket.send(&unavailable());
                }
            };
            if !fresh.key_matches(key) {
                return socket.send(&Outgoing::error("Invalid password!"));
            }
            name = fresh.username.to_string();
            kind = ChatterType::Admin;
        }
        let color = text::parse_color(color).unwrap_or_else(text::random_color);
        let member = Member::new(&socket.id, &name, kind, &color);

        // Follow the room before claiming, so nothing said after the claim is missed; hold
        // room frames until `login success` is queued, so it comes first.
        if let Err(e) = self.follow(&room).await {
            tracing::error!("following room {room}: {e}");
            return socket.send(&unavailable());
        }
        match self.state.claim(&room, &member).await {
            Ok(true) => {}
            Ok(false) => return socket.send(&Outgoing::error("Username is already taken")),
            Err(e) => {
                tracing::error!("claiming a name: {e}");
                return socket.send(&unavailable());
            }
        }
        socket.hold();
        socket.set_login(Some(Login {
            room: room.to_string(),
            streamer: record.username.to_string(),
            member: member.clone(),
        }));
        self.local.join(&room, socket);
        let users = match self.state.roster(&room).await {
            Ok(r) => r.iter().map(Member::user).collect(),
            Err(_) => vec![member.user()],
        };
        socket.send(&Outgoing::LoginSuccess {
            username: member.username.clone(),
            kind,
            color: member.color.clone(),
            users,
        });
        if kind == ChatterType::Admin {
            socket.send(&Outgoing::server("You have admin rights."));
        }
        socket.release_held();
        self.presence.touch(socket, &room);
        let route = Route {
            except: Some(socket.id.to_string()),
            ..Route::default()
        };
        self.publish(&room, &route, &Outgoing::Connected(member.user()))
            .await;
        self.audit.record(NewEvent::now(
            &room,
            event_kind::JOIN,
            serde_json::json!({"username": member.username, "type": kind.as_str()}),
        ));
    }

    async fn message(self: &Arc<Self>, socket: &Arc<Socket>, message: &str) {
        let Some(login) = socket.login() else {
            return socket.send(&Outgoing::error("You are not logged in."));
        };
        let text = text::clean_line(message);
        if text.is_empty() {
            return socket.send(&Outgoing::warning(chat::BLANK));
        }
        if text.chars().count() > text::MAX_MESSAGE_LEN {
            return socket.send(&Outgoing::warning(format!(
                "Message is too long (at most {} characters).",
                text::MAX_MESSAGE_LEN
            )));
        }
        self.presence.touch(socket, &login.room);
        let input = chat::parse(&text);
        let emotes = self.emotes.snapshot();
        let is_custom = |a: &str| emotes.contains_key(&a.to_ascii_lowercase());
        let mut login = login;
        for _ in 0..RETRIES {
            let roster = if input.needs(Need::Roster) {
                match self.state.roster(&login.room).await {
                    Ok(r) => r,
                    Err(_) => return socket.send(&unavailable()),
                }
            } else {
                Vec::new()
            };
            let settings = if input.needs(Need::Settings) {
                self.ctx.store.streamer(&login.room).await.ok().flatten()
            } else {
                None
            };
            let room = Room {
                streamer: &login.streamer,
                themes: &self.ctx.config.themes,
                is_custom_emote: &is_custom,
                roster: &roster,
                settings: settings.as_ref(),
            };
            let effects = chat::decide(&room, &login.member, &input);
            match self.apply(socket, &login, effects).await {
                Applied::Done => return,
                Applied::Stale => {
                    // Decided on an old roster: read our own entry again and decide again.
                    match self.state.member(&login.room, &socket.id).await {
                        Ok(Some(m)) => {
                            socket.update_member(&m);
                            match socket.login() {
                                Some(l) => login = l,
                                None => return,
                            }
                        }
                        Ok(None) => return socket.send(&Outgoing::error("You are not logged in.")),
                        Err(_) => return socket.send(&unavailable()),
                    }
                }
            }
        }
        socket.send(&Outgoing::server("The chat is busy, try again."));
    }

    async fn apply(
        self: &Arc<Self>,
        socket: &Arc<Socket>,
        login: &Login,
        effects: Vec<Effect>,
    ) -> Applied {
        let room = &login.room;
        let me = &login.member;
        for effect in effects {
            match effect {
                Effect::Reply(out) => socket.send(&out),
                Effect::Line { action, text } => {
                    let (out, kind) = if action {
                        (
                            Outgoing::ActionReceived {
                                username: me.username.clone(),
                                kind: me.kind,
                                color: me.color.clone(),
                                message: text.clone(),
                            },
                            event_kind::ACTION,
                        )
                    } else {
                        (
                            Outgoing::MessageReceived {
                                username: me.username.clone(),
                                kind: me.kind,
                                color: me.color.clone(),
                                message: text.clone(),
                            },
                            event_kind::MESSAGE,
                        )
                    };
                    if !self.publish(room, &Route::default(), &out).await {
                        socket.send(&unavailable());
                        continue;
                    }
                    self.audit.record(NewEvent::now(
                        room,
                        kind,
                        serde_json::json!({"username": me.username, "message": text}),
                    ));
                }
                Effect::Change(change) => match self
                    .state
                    .replace(room, &change.before, &change.after)
                    .await
                {
                    Ok(Replace::Done) => self.changed(socket, room, &me.username, change).await,
                    Ok(Replace::Stale) => return Applied::Stale,
                    Ok(Replace::Taken) => socket.send(&Outgoing::server(chat::NAME_TAKEN)),
                    Err(e) => {
                        tracing::error!("roster change: {e}");
                        socket.send(&unavailable());
                    }
                },
                Effect::Streamer(change) => self.streamer_change(socket, login, change).await,
            }
        }
        Applied::Done
    }

    /// After a roster change was made: update local copies, tell the room and the chatter.
    async fn changed(&self, socket: &Arc<Socket>, room: &str, by: &str, change: Change) {
        if let Some(local) = self.local.socket(&change.after.socket) {
            local.update_member(&change.after);
        }
        let mut set = Some(change.after.clone());
        for out in change.broadcasts() {
            let route = Route {
                set: set.take(),
                ..Route::default()
            };
            self.publish(room, &route, &out).await;
        }
        if let Some(notice) = &change.notify {
            let route = Route {
                only: Some(change.after.socket.clone()),
                set: Some(change.after.clone()),
                ..Route::default()
            };
            self.publish(room, &route, &Outgoing::server(notice.clone()))
                .await;
        }
        for out in &change.confirm {
            socket.send(out);
        }
        self.audit.record_all(change.audit(room, by));
    }

    async fn streamer_change(&self, socket: &Arc<Socket>, login: &Login, change: StreamerChange) {
        let store = &self.ctx.store;
        let done = match &change {
            StreamerChange::Description(d) => {
                store
                    .set_description(
                        &login.room,
                        Some(d).filter(|d| !d.is_empty()).map(|d| d.as_str()),
                    )
                    .await
            }
            StreamerChange::Password(p) => store.set_streampass(&login.room, p.as_deref()).await,
            StreamerChange::Chat(c) => store.set_chat(&login.room, *c).await,
        };
        if let Err(e) = done {
            tracing::error!("storing a streamer setting: {e}");
            socket.send(&Outgoing::error("Could not save the setting, try again."));
            return;
        }
        if let Some(out) = change.broadcast(&login.streamer) {
            self.publish(&login.room, &Route::default(), &out).await;
        }
        self.audit
            .record(change.audit(&login.room, &login.member.username));
    }

    async fn drawing(&self, socket: &Arc<Socket>, src: &str) {
        let Some(login) = socket.login() else {
            return socket.send(&Outgoing::error("You are not logged in."));
        };
        if login.member.muted {
            return socket.send(&Outgoing::server(chat::MUTED));
        }
        if let Err(e) = drawing::check_drawing(src) {
            tracing::debug!(socket = %socket.id, "refused drawing: {e}");
            return socket.send(&Outgoing::server("Invalid drawing received!"));
        }
        self.presence.touch(socket, &login.room);
        let me = &login.member;
        let out = Outgoing::DrawingReceived {
            username: me.username.clone(),
            kind: me.kind,
            color: me.color.clone(),
            src: src.to_string(),
        };
        if !self.publish(&login.room, &Route::default(), &out).await {
            return socket.send(&unavailable());
        }
        // Drawings are too big for the audit log; their fingerprint identifies them.
        self.audit.record(NewEvent::now(
            &login.room,
            event_kind::DRAWING,
            serde_json::json!({
                "username": me.username,
                "bytes": src.len(),
                "sha256": hex::encode(Sha256::digest(src.as_bytes())),
            }),
        ));
    }

    /// A socket closed: it leaves the roster and the viewers, and the room is told.
    pub(super) async fn session_closed(&self, socket: &Arc<Socket>) {
        self.presence.forget(self, socket).await;
        let Some(login) = socket.login() else { return };
        socket.set_login(None);
        self.local.leave(&login.room, &socket.id);
        match self.state.release(&login.room, &socket.id).await {
            Ok(Some(m)) => self.announce_leave(&login.room, &m).await,
            Ok(None) => {}
            Err(e) => tracing::warn!("releasing {}: {e} (the sweep will)", socket.id),
        }
    }

    /// Tells a room that a chatter left, and records it.
    pub(super) async fn announce_leave(&self, room: &str, m: &Member) {
        self.publish(room, &Route::default(), &Outgoing::Disconnected(m.user()))
            .await;
        self.audit.record(NewEvent::now(
            room,
            event_kind::LEAVE,
            serde_json::json!({"username": m.username}),
        ));
    }

    /// Publishes a frame to a room on every instance; false when the shared state is down.
    pub(super) async fn publish(&self, room: &str, route: &Route, out: &Outgoing) -> bool {
        match self.state.publish(room, envelope(route, out)).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!("publishing to {room}: {e}");
                false
            }
        }
    }

    /// The streamer record for a name (cached briefly); `Err` when the store is unreachable.
    pub(super) async fn streamer(&self, name: &str) -> Result<Option<Streamer>, ()> {
        self.streamers.get(&self.ctx.store, name).await
    }

    /// Closes a socket that can no longer be kept consistent (e.g. its name was lost).
    pub(super) fn drop_socket(&self, socket: &Socket, why: &str) {
        socket.send(&Outgoing::error(why));
        socket.close(CloseCode::Again, why);
    }
}

pub(super) enum Applied {
    Done,
    Stale,
}
