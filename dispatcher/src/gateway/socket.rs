//! One WebSocket: a reader (frames in → session) and a writer (queue → one flush per batch),
//! with keep-alive pings, a dead-peer timeout, size limits and flood control.

use super::fanout::Socket;
use super::Gateway;
use futures_util::{SinkExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

type Ws = WebSocketStream<TokioIo<Upgraded>>;

/// Largest frame or message a page may send: a drawing with room to spare.
pub const MAX_MESSAGE: usize = 256 * 1024;
/// How often the server pings an idle peer.
const PING_EVERY: Duration = Duration::from_secs(10);
/// A peer silent this long (no frame, not even a pong) is gone.
const DEAD_AFTER: Duration = Duration::from_secs(25);
/// Longest a batch of frames may take to write before the peer counts as stuck.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Most frames written before one flush.
const BATCH: usize = 512;

fn config() -> WebSocketConfig {
    let mut c = WebSocketConfig::default();
    c.read_buffer_size = 16 * 1024;
    c.write_buffer_size = 64 * 1024;
    c.max_write_buffer_size = 8 * 1024 * 1024;
    c.max_message_size = Some(MAX_MESSAGE);
    c.max_frame_size = Some(MAX_MESSAGE);
    c
}

/// Flood control of one socket: every frame counts against a generous limit; chat lines and
/// drawings against a human one.
pub struct Limits {
    frames: DefaultDirectRateLimiter,
    lines: DefaultDirectRateLimiter,
    last_warning: Option<Instant>,
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let nz = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(nz(per_second)).allow_burst(nz(burst))
}

impl Limits {
    fn new() -> Self {
        Self {
            frames: RateLimiter::direct(quota(20, 60)),
            lines: RateLimiter::direct(quota(3, 12)),
            last_warning: None,
        }
    }

    pub fn frame_allowed(&self) -> bool {
        self.frames.check().is_ok()
    }

    pub fn line_allowed(&self) -> bool {
        self.lines.check().is_ok()
    }

    /// Whether to tell the sender to slow down now (at most once a second).
    pub fn should_warn(&mut self) -> bool {
        let now = Instant::now();
        if self
            .last_warning
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
        {
            return false;
        }
        self.last_warning = Some(now);
        true
    }
}

/// What the upgrade request told us about the client, for the session's checks.
#[derive(Debug, Clone, Default)]
pub struct Handshake {
    /// The client's address after trusted proxy hops.
    pub addr: Option<IpAddr>,
    /// The `Cookie` header(s), joined; viewer passes for protected streams travel here.
    pub cookies: String,
}

impl Handshake {
    /// The value of cookie `name`, if the browser sent it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim_matches('"'))
    }
}

/// Serves an upgraded connection until it closes.
pub async fn serve(gw: Arc<Gateway>, io: TokioIo<Upgraded>, peer: Handshake) {
    let ws: Ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config())).await;
    let (sink, stream) = ws.split();
    let (socket, rx) = Socket::new(gw.next_socket_id());
    gw.local.add_socket(&socket);
    let writer = tokio::spawn(write_loop(sink, rx, socket.clone()));
    read_loop(&gw, stream, &socket, &peer).await;
    socket.close(CloseCode::Normal, "bye");
    gw.session_closed(&socket).await;
    gw.local.remove_socket(&socket.id);
    let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
}

async fn read_loop(
    gw: &Arc<Gateway>,
    mut stream: futures_util::stream::SplitStream<Ws>,
    socket: &Arc<Socket>,
    peer: &Handshake,
) {
    let mut limits = Limits::new();
    loop {
        let next = tokio::select! {
            _ = socket.closed() => return,
            next = tokio::time::timeout(DEAD_AFTER, stream.next()) => next,
        };
        let msg = match next {
            Err(_) => {
                socket.close(CloseCode::Away, "no answer to pings");
                return;
            }
            Ok(None) => return,
            Ok(Some(Err(WsError::Capacity(_)))) => {
                socket.close(CloseCode::Size, "message too big");
                return;
            }
            Ok(Some(Err(e))) => {
                tracing::debug!(socket = %socket.id, "socket error: {e}");
                return;
            }
            Ok(Some(Ok(m))) => m,
        };
        match msg {
            Message::Text(text) => {
                if !limits.frame_allowed() {
                    if limits.should_warn() {
                        socket.send(&super::session::slow_down());
                    }
                    continue;
                }
                gw.handle_frame(socket, &text, &mut limits, peer).await;
            }
            Message::Binary(_) => socket.send(&rsstreaming_shared::chat::Outgoing::error(
                "binary frames are not supported; send JSON text frames",
            )),
            Message::Close(_) => return,
            // Pings are answered by the protocol layer; pongs just prove the peer is there.
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    }
}

async fn write_loop(
    mut sink: futures_util::stream::SplitSink<Ws, Message>,
    mut rx: mpsc::Receiver<Message>,
    socket: Arc<Socket>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            biased;
            _ = socket.closed() => break,
            n = rx.recv_many(&mut batch, BATCH) => {
                if n == 0 {
                    break;
                }
                let write = async {
                    for m in batch.drain(..) {
                        sink.feed(m).await?;
                    }
                    sink.flush().await
                };
                match tokio::time::timeout(WRITE_TIMEOUT, write).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => {
                        socket.close(CloseCode::Abnormal, "write failed");
                        return;
                    }
                    Err(_) => {
                        socket.close(CloseCode::Policy, "too slow: writes timed out");
                        return;
                    }
                }
            }
            _ = ping.tick() => {
                let sent = tokio::time::timeout(WRITE_TIMEOUT, sink.send(Message::Ping(Default::default()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    socket.close(CloseCode::Abnormal, "ping failed");
                    return;
                }
            }
        }
    }
    // Say goodbye with the reason, without waiting long for a peer that may be stuck.
    let frame = socket.take_close_frame().unwrap_or(CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    });
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = sink.send(Message::Close(Some(frame))).await;
        let _ = sink.close().await;
    })
    .await;
}

#[cfg(test)]
mod handshake_tests {
    use super::Handshake;

    #[test]
    fn cookies_are_found_by_name() {
        let h = Handshake {
            addr: None,
            cookies: "a=1; pass_bob=tok-en; b=\"q\"".into(),
        };
        assert_eq!(h.cookie("pass_bob"), Some("tok-en"));
        assert_eq!(h.cookie("b"), Some("q"));
        assert_eq!(h.cookie("pass_alice"), None);
    }
}
