//! This instance's sockets and rooms, and delivery of frames to them.
//!
//! A frame is serialised once and handed to every recipient as the same reference-counted
//! bytes; each socket has a bounded queue, and a socket whose queue is full is disconnected
//! rather than allowed to slow the room (its writer drains the queue into one flush per batch).

use bytes::{BufMut, Bytes, BytesMut};
use rsstreaming_shared::chat::{Member, Outgoing};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Frames a socket may have waiting before it counts as too slow.
pub const QUEUE: usize = 1024;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A serialised frame ready to be queued on any number of sockets.
pub fn frame(out: &Outgoing) -> Message {
    Message::Text(Utf8Bytes::from(out.to_json()))
}

/// What a logged-in socket is: its room and its roster entry as last seen here.
#[derive(Debug, Clone)]
pub struct Login {
    pub room: String,
    /// The streamer's username as registered (for rules and API posts).
    pub streamer: String,
    pub member: Member,
}

/// One open socket of this instance.
pub struct Socket {
    pub id: Arc<str>,
    tx: mpsc::Sender<Message>,
    closing: AtomicBool,
    close_frame: Mutex<Option<CloseFrame>>,
    closed: Notify,
    login: Mutex<Option<Login>>,
    /// While logging in, room frames wait here so that `login success` comes first.
    held: Mutex<Option<Vec<Message>>>,
    /// The streamer this socket's page is watching (last `presence`).
    pub presence: Mutex<Option<String>>,
}

impl Socket {
    pub fn new(id: Arc<str>) -> (Arc<Self>, mpsc::Receiver<Message>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let s = Arc::new(Self {
            id,
            tx,
            closing: AtomicBool::new(false),
            close_frame: Mutex::new(None),
            closed: Notify::new(),
            login: Mutex::new(None),
            held: Mutex::new(None),
            presence: Mutex::new(None),
        });
        (s, rx)
    }

    /// Queues a room frame (held back while this socket is logging in); a full queue means a
    /// reader too slow for the room: it is closed.
    pub fn push(&self, msg: Message) {
        {
            let mut held = lock(&self.held);
            if let Some(h) = held.as_mut() {
                if h.len() < QUEUE {
                    h.push(msg);
                } else {
                    drop(held);
                    self.close(CloseCode::Policy, "too slow: messages were piling up");
                }
                return;
            }
        }
        self.queue(msg);
    }

    /// Queues a frame for this socket alone (a reply), ahead of held room frames.
    fn queue(&self, msg: Message) {
        match self.tx.try_send(msg) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.close(CloseCode::Policy, "too slow: messages were piling up")
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Queues a reply to this socket.
    pub fn send(&self, out: &Outgoing) {
        self.queue(frame(out));
    }

    /// Asks both halves of the socket to stop, sending `code` to the peer.
    pub fn close(&self, code: CloseCode, reason: &str) {
        if self.closing.swap(true, Ordering::AcqRel) {
            return;
        }
        *lock(&self.close_frame) = Some(CloseFrame {
            code,
            reason: reason.to_string().into(),
        });
        self.closed.notify_waiters();
    }

    pub fn is_closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    /// Resolves once [`close`](Self::close) was called.
    pub async fn closed(&self) {
        let notified = self.closed.notified();
        if self.is_closing() {
            return;
        }
        notified.await;
    }

    pub fn take_close_frame(&self) -> Option<CloseFrame> {
        lock(&self.close_frame).take()
    }

    pub fn login(&self) -> Option<Login> {
        lock(&self.login).clone()
    }

    pub fn set_login(&self, login: Option<Login>) {
        *lock(&self.login) = login;
    }

    /// Takes a newer copy of this socket's roster entry (older copies arriving late are ignored).
    pub fn update_member(&self, m: &Member) {
        if let Some(l) = lock(&self.login).as_mut() {
            if l.member.socket == m.socket && m.rev >= l.member.rev {
                l.member = m.clone();
            }
        }
    }

    pub fn hold(&self) {
        *lock(&self.held) = Some(Vec::new());
    }

    /// Queues what was held back, after whatever was queued directly meanwhile.
    pub fn release_held(&self) {
        let held = lock(&self.held).take();
        for m in held.into_iter().flatten() {
            self.push(m);
        }
    }
}

/// Sockets by id.
type Sockets = HashMap<Arc<str>, Arc<Socket>>;

/// This instance's sockets, and its logged-in sockets by room.
#[derive(Default)]
pub struct Local {
    sockets: RwLock<Sockets>,
    rooms: RwLock<HashMap<String, Sockets>>,
}

impl Local {
    pub fn add_socket(&self, s: &Arc<Socket>) {
        write(&self.sockets).insert(s.id.clone(), s.clone());
    }

    pub fn remove_socket(&self, id: &str) {
        write(&self.sockets).remove(id);
    }

    pub fn socket_count(&self) -> usize {
        read(&self.sockets).len()
    }

    pub fn all_sockets(&self) -> Vec<Arc<Socket>> {
        read(&self.sockets).values().cloned().collect()
    }

    pub fn socket(&self, id: &str) -> Option<Arc<Socket>> {
        read(&self.sockets).get(id).cloned()
    }

    pub fn join(&self, room: &str, s: &Arc<Socket>) {
        write(&self.rooms)
            .entry(room.to_string())
            .or_default()
            .insert(s.id.clone(), s.clone());
    }

    pub fn leave(&self, room: &str, id: &str) {
        let mut rooms = write(&self.rooms);
        if let Some(r) = rooms.get_mut(room) {
            r.remove(id);
            if r.is_empty() {
                rooms.remove(room);
            }
        }
    }

    /// Logged-in sockets of every room, for resynchronising with the shared state.
    pub fn logged_in(&self) -> Vec<Arc<Socket>> {
        read(&self.rooms)
            .values()
            .flat_map(|r| r.values().cloned())
            .collect()
    }

    /// Queues `msg` on every logged-in socket of `room` (but `except`).
    pub fn deliver(&self, room: &str, msg: &Message, except: Option<&str>) {
        let rooms = read(&self.rooms);
        if let Some(r) = rooms.get(room) {
            for s in r.values() {
                if except != Some(&*s.id) {
                    s.push(msg.clone());
                }
            }
        }
    }

    /// Queues `msg` on every socket of this instance, logged in or not.
    pub fn deliver_all(&self, msg: &Message) {
        for s in read(&self.sockets).values() {
            s.push(msg.clone());
        }
    }
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

/// Routing of a room payload: who gets the frame, and which cached entry it updates.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Everyone but this socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub except: Option<String>,
    /// Only this socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<String>,
    /// The new roster entry of a chatter, for the instance holding its socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Member>,
}

/// A room payload: the route as one JSON line, then the frame exactly as sockets receive it —
/// so instances forward the frame's bytes without decoding or re-encoding them.
pub fn envelope(route: &Route, out: &Outgoing) -> Bytes {
    let json = out.to_json();
    let mut buf = BytesMut::with_capacity(json.len() + 64);
    if *route != Route::default() {
        // A route never contains a raw newline: JSON escapes it.
        buf.put_slice(serde_json::to_string(route).unwrap_or_default().as_bytes());
    }
    buf.put_u8(b'\n');
    buf.put_slice(json.as_bytes());
    buf.freeze()
}

/// Splits a room payload into its route and its frame.
pub fn open_envelope(payload: Bytes) -> Option<(Route, Message)> {
    let nl = payload.iter().position(|&b| b == b'\n')?;
    let route = if nl == 0 {
        Route::default()
    } else {
        serde_json::from_slice(&payload[..nl]).ok()?
    };
    let text = Utf8Bytes::try_from(payload.slice(nl + 1..)).ok()?;
    Some((route, Message::Text(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsstreaming_shared::chat::ChatterType;

    #[test]
    fn envelopes_round_trip() {
        let out = Outgoing::server("line\nbreak");
        let (route, msg) = open_envelope(envelope(&Route::default(), &out)).unwrap();
        assert_eq!(route, Route::default());
        assert_eq!(msg, frame(&out));
        let route = Route {
            only: Some("a.1".into()),
            set: Some(Member::new("a.1", "x\ny", ChatterType::Normal, "#000000")),
            ..Route::default()
        };
        let (back, msg) = open_envelope(envelope(&route, &out)).unwrap();
        assert_eq!((back, msg), (route, frame(&out)));
        assert!(open_envelope(Bytes::from_static(b"no newline")).is_none());
        assert!(open_envelope(Bytes::from_static(b"{bad\n{}")).is_none());
    }

    #[tokio::test]
    async fn a_full_queue_closes_the_socket_not_the_room() {
        let (slow, _rx_kept_unread) = Socket::new("i.1".into());
        let (fast, mut rx) = Socket::new("i.2".into());
        let local = Local::default();
        local.join("r", &slow);
        local.join("r", &fast);
        let msg = frame(&Outgoing::server("x"));
        for _ in 0..QUEUE + 1 {
            local.deliver("r", &msg, None);
            while rx.try_recv().is_ok() {}
        }
        assert!(slow.is_closing());
        assert!(!fast.is_closing());
    }
}
