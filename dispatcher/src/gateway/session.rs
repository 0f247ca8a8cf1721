//! A `Session` owns the handling of one socket's frames: its socket handle, the peer it came
//! from and its flood state. It parses a frame, applies flood control and hands the frame to
//! [`login`](super::login), [`message`](super::message) or [`drawing`](super::drawing); when
//! the socket closes, it leaves its room.

use super::flood::Flood;
use super::peer::Peer;
use super::socket::Socket;
use super::{drawing, login, message, Gateway};
use rsstreaming_shared::chat::{self, roster_page, Incoming, Member, Outgoing};
use rsstreaming_shared::text;
use std::sync::Arc;

pub struct Session {
    gw: Arc<Gateway>,
    socket: Arc<Socket>,
    peer: Peer,
    flood: Flood,
}

impl Session {
    pub fn new(gw: Arc<Gateway>, socket: Arc<Socket>, peer: Peer) -> Self {
        Self {
            gw,
            socket,
            peer,
            flood: Flood::default(),
        }
    }

    pub fn socket(&self) -> &Arc<Socket> {
        &self.socket
    }

    /// Handles one text frame from a page. Malformed frames get an `error` and change nothing.
    pub async fn handle(&mut self, text: &str) {
        let (gw, socket) = (&self.gw, &self.socket);
        if !self.flood.allows_frame(socket) {
            return;
        }
        let incoming = match Incoming::parse(text) {
            Ok(i) => i,
            Err(e) => return socket.send(&Outgoing::error(e.to_string())),
        };
        let is_line = matches!(
            incoming,
            Incoming::Message { .. } | Incoming::Drawing { .. }
        );
        if is_line && !self.flood.allows_line(socket) {
            return;
        }
        if let Incoming::Message { message } = &incoming {
            // `/users` answers with the room's roster: the one reply that grows with the room.
            let heavy = matches!(
                chat::parse(&text::clean_line(message)),
                chat::Input::Command { command, .. } if command.names.first() == Some(&"users")
            );
            if heavy && !self.flood.allows_heavy(socket) {
                return;
            }
        }
        match incoming {
            Incoming::Presence { streamer } => {
                login::presence(gw, socket, &self.peer, &streamer).await
            }
            Incoming::Login {
                streamer,
                username,
                color,
                key,
                password,
            } => {
                let asked = login::Asked {
                    streamer: &streamer,
                    username: &username,
                    color: &color,
                    key: key.as_deref(),
                    password: password.as_deref(),
                };
                login::login(gw, socket, &self.peer, asked).await
            }
            Incoming::Message { message } => message::message(gw, socket, &message).await,
            Incoming::Drawing { src } => drawing::drawing(gw, socket, &src).await,
            Incoming::GetColor => {
                if let Some(l) = socket.login_or_refuse() {
                    socket.send(&Outgoing::ReturnColor {
                        color: l.member.color,
                    });
                }
            }
            Incoming::GetUsers { offset } => {
                self.roster_answer(|r| roster_page::userlist(r, offset))
                    .await
            }
            Incoming::FindUsers { prefix } => {
                self.roster_answer(|r| roster_page::found(r, &prefix)).await
            }
        }
    }

    /// Answers a logged-in socket's roster question (SPEC §5a) from the room's roster,
    /// within the socket's budget for lookups.
    async fn roster_answer(&mut self, answer: impl FnOnce(&[Member]) -> Outgoing) {
        let (gw, socket) = (&self.gw, &self.socket);
        let Some(login) = socket.login_or_refuse() else {
            return;
        };
        if !self.flood.allows_lookup(socket) {
            return;
        }
        match gw.state.roster(&login.room).await {
            Ok(roster) => socket.send(&answer(&roster)),
            Err(e) => {
                tracing::warn!("roster of {}: {e}", login.room);
                socket.send(&super::unavailable());
            }
        }
    }

    /// The socket closed: it leaves the viewers and the roster, and the room is told.
    pub async fn closed(self) {
        let (gw, socket) = (&self.gw, &self.socket);
        gw.presence.forget(gw.state.as_ref(), socket).await;
        gw.log_out(socket).await;
    }
}
