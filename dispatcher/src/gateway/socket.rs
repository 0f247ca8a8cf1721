//! The handle of one open socket: its queue, bounded in frames and in bytes (a full queue
//! closes the socket rather than slowing its room), its close request, and what it is logged in as. The connection's
//! loops own the WebSocket itself; everything else talks to the socket through this handle.
//! Each frame queued counts as a delivery, each socket closed for being too slow as a dropped
//! slow reader (`/metrics`; atomic adds, no lock).

use rsstreaming_shared::auth::Cookies;
use rsstreaming_shared::chat::{Member, Outgoing};
use rsstreaming_shared::metrics::metrics;
use rsstreaming_shared::names::{RoomName, Username};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Frames a socket may have waiting before it counts as too slow.
pub const QUEUE: usize = 1024;
/// Bytes a socket may have waiting (queued or held): a page that asks for much and never
/// reads is closed at this, not at its write timeout with a gigabyte queued.
pub const QUEUE_BYTES: usize = 64 * 1024 * 1024;

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
    pub room: RoomName,
    /// The streamer's username as registered (for rules and API posts).
    pub streamer: Username,
    pub member: Member,
}

/// One open socket of this instance.
pub struct Socket {
    pub id: Arc<str>,
    tx: mpsc::Sender<Message>,
    /// Bytes of frames queued or held and not yet written.
    queued_bytes: AtomicUsize,
    /// The cookies of the handshake (viewer passes), for checks made after it.
    cookies: std::sync::OnceLock<Cookies>,
    closing: AtomicBool,
    close_frame: Mutex<Option<CloseFrame>>,
    closed: Notify,
    login: Mutex<Option<Login>>,
    /// While logging in, room frames wait here so that `login success` comes first.
    held: Mutex<Option<Vec<Message>>>,
    /// The streamer this socket's page is watching (last `presence`).
    pub presence: Mutex<Option<String>>,
    /// When this socket's last line or drawing went to the room (slow mode counts from it).
    pub last_line: Mutex<Option<std::time::Instant>>,
    /// How far behind its reader is (pings and pongs).
    pub lag: super::lag::Lag,
}

impl Socket {
    pub fn new(id: Arc<str>) -> (Arc<Self>, mpsc::Receiver<Message>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let s = Arc::new(Self {
            id,
            tx,
            queued_bytes: AtomicUsize::new(0),
            cookies: std::sync::OnceLock::new(),
            closing: AtomicBool::new(false),
            close_frame: Mutex::new(None),
            closed: Notify::new(),
            login: Mutex::new(None),
            held: Mutex::new(None),
            presence: Mutex::new(None),
            last_line: Mutex::new(None),
            lag: super::lag::Lag::default(),
        });
        (s, rx)
    }

    /// Queues a room frame (held back while this socket is logging in); a full queue means a
    /// reader too slow for the room: it is closed.
    pub fn push(&self, msg: Message) {
        if !self.charge(msg.len()) {
            return;
        }
        self.push_charged(msg);
    }

    fn push_charged(&self, msg: Message) {
        {
            let mut held = lock(&self.held);
            if let Some(h) = held.as_mut() {
                if h.len() < QUEUE {
                    h.push(msg);
                } else {
                    drop(held);
                    self.close_slow("too slow: messages were piling up");
                }
                return;
            }
        }
        self.queue_charged(msg);
    }

    /// Counts `bytes` more waiting; past [`QUEUE_BYTES`] the socket is closed instead.
    fn charge(&self, bytes: usize) -> bool {
        let before = self.queued_bytes.fetch_add(bytes, Ordering::AcqRel);
        if before + bytes > QUEUE_BYTES {
            self.written(bytes);
            self.close_slow("too slow: messages were piling up");
            return false;
        }
        true
    }

    /// The writer sent a frame of `bytes`.
    pub fn written(&self, bytes: usize) {
        let _ = self
            .queued_bytes
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_sub(bytes))
            });
    }

    /// Queues a frame for this socket alone (a reply), ahead of held room frames.
    fn queue(&self, msg: Message) {
        if self.charge(msg.len()) {
            self.queue_charged(msg);
        }
    }

    fn queue_charged(&self, msg: Message) {
        let bytes = msg.len();
        match self.tx.try_send(msg) {
            Ok(()) => {
                metrics().deliveries.inc();
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.written(bytes);
                self.close_slow("too slow: messages were piling up");
            }
            Err(mpsc::error::TrySendError::Closed(_)) => self.written(bytes),
        }
    }

    /// The handshake's cookies (set once, when the socket opens).
    pub fn set_cookies(&self, cookies: Cookies) {
        let _ = self.cookies.set(cookies);
    }

    pub fn cookies(&self) -> Cookies {
        self.cookies.get().cloned().unwrap_or_default()
    }

    /// The room this socket's page last said it watches.
    pub fn presence_room(&self) -> Option<String> {
        lock(&self.presence).clone()
    }

    /// Queues a reply to this socket.
    pub fn send(&self, out: &Outgoing) {
        self.queue(frame(out));
    }

    /// Closes a reader too slow for its room, counting it once.
    pub fn close_slow(&self, reason: &str) {
        if self.close(CloseCode::Policy, reason) {
            metrics().slow_readers_dropped.inc();
            tracing::info!(socket = %self.id, reason, "slow reader dropped");
        }
    }

    /// Asks both halves of the socket to stop, sending `code` to the peer; false when it was
    /// already closing.
    pub fn close(&self, code: CloseCode, reason: &str) -> bool {
        if self.closing.swap(true, Ordering::AcqRel) {
            return false;
        }
        *lock(&self.close_frame) = Some(CloseFrame {
            code,
            reason: reason.to_string().into(),
        });
        self.closed.notify_waiters();
        true
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

    /// What this socket is logged in as; when it is not, it is told so.
    pub fn login_or_refuse(&self) -> Option<Login> {
        let login = self.login();
        if login.is_none() {
            self.send(&Outgoing::error("You are not logged in."));
        }
        login
    }

    /// Takes what this socket is logged in as, leaving it logged out (only one caller gets it).
    pub fn take_login(&self) -> Option<Login> {
        lock(&self.login).take()
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
            self.push_charged(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_bytes_are_bounded_and_written_frames_free_them() {
        let (s, mut rx) = Socket::new("i.1".into());
        let big = Message::Text(Utf8Bytes::from("x".repeat(QUEUE_BYTES / 4 + 1)));
        for _ in 0..3 {
            s.push(big.clone());
        }
        assert!(!s.is_closing(), "3/4 of the bound");
        // The writer takes one: room for one more, not two.
        let sent = rx.try_recv().unwrap();
        s.written(sent.len());
        s.push(big.clone());
        assert!(!s.is_closing());
        s.push(big);
        assert!(
            s.is_closing(),
            "a reader that never reads is closed at the byte bound"
        );
    }

    #[test]
    fn held_frames_count_too() {
        let (s, _rx) = Socket::new("i.1".into());
        s.hold();
        let big = Message::Text(Utf8Bytes::from("x".repeat(QUEUE_BYTES / 2 + 1)));
        s.push(big.clone());
        assert!(!s.is_closing());
        s.push(big);
        assert!(s.is_closing());
    }
}
