//! The handle of one open socket: its bounded queue (a full queue closes the socket rather
//! than slowing its room), its close request, and what it is logged in as. The connection's
//! loops own the WebSocket itself; everything else talks to the socket through this handle.
//! Each frame queued counts as a delivery, each socket closed for being too slow as a dropped
//! slow reader (`/metrics`; atomic adds, no lock).

use rsstreaming_shared::chat::{Member, Outgoing};
use rsstreaming_shared::metrics::metrics;
use rsstreaming_shared::names::{RoomName, Username};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
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
    pub room: RoomName,
    /// The streamer's username as registered (for rules and API posts).
    pub streamer: Username,
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
                    self.close_slow("too slow: messages were piling up");
                }
                return;
            }
        }
        self.queue(msg);
    }

    /// Queues a frame for this socket alone (a reply), ahead of held room frames.
    fn queue(&self, msg: Message) {
        match self.tx.try_send(msg) {
            Ok(()) => {
                metrics().deliveries.inc();
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.close_slow("too slow: messages were piling up");
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Queues a reply to this socket.
    pub fn send(&self, out: &Outgoing) {
        self.queue(frame(out));
    }

    /// Closes a reader too slow for its room, counting it once.
    pub fn close_slow(&self, reason: &str) {
        if self.close(CloseCode::Policy, reason) {
            metrics().slow_readers_dropped.inc();
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
