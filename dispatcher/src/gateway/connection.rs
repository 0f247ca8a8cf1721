//! One connection's two loops: the reader hands each text frame to the [`Session`]; the writer
//! drains the socket's queue into one flush per batch and pings an idle peer. A peer silent
//! too long, too slow to take its frames, or sending a frame over the size limit is closed.
//! An open connection counts in the `ws_connections` gauge (`/metrics`) until it ends.

use super::lag::AfterBatch;
use super::peer::Peer;
use super::session::Session;
use super::socket::Socket;
use super::Gateway;
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use rsstreaming_shared::chat::Outgoing;
use rsstreaming_shared::metrics::metrics;
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

/// Buffers sized for many mostly idle sockets (issue 15 point 2): the read buffer is taken up
/// front for every socket, so it is small (a drawing is read in several chunks); the write
/// buffer grows only as frames are written.
fn config() -> WebSocketConfig {
    let mut c = WebSocketConfig::default();
    c.read_buffer_size = 4 * 1024;
    c.write_buffer_size = 64 * 1024;
    c.max_write_buffer_size = 8 * 1024 * 1024;
    c.max_message_size = Some(MAX_MESSAGE);
    c.max_frame_size = Some(MAX_MESSAGE);
    c
}

/// Counts a connection in `ws_connections` while it lives, also when its task ends early.
struct Counted;

impl Counted {
    fn open() -> Self {
        metrics().ws_connections.inc();
        Counted
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        metrics().ws_connections.dec();
    }
}

/// Serves an upgraded connection until it closes.
pub async fn serve(gw: Arc<Gateway>, io: TokioIo<Upgraded>, peer: Peer) {
    let _counted = Counted::open();
    let ws: Ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config())).await;
    let (sink, stream) = ws.split();
    let (socket, rx) = Socket::new(gw.next_socket_id());
    socket.set_cookies(peer.cookies.clone());
    gw.rooms.add_socket(&socket);
    let writer = tokio::spawn(write_loop(sink, rx, socket.clone()));
    let mut session = Session::new(gw.clone(), socket.clone(), peer);
    read_loop(stream, &mut session).await;
    socket.close(CloseCode::Normal, "bye");
    session.closed().await;
    gw.rooms.remove_socket(&socket.id);
    let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
}

async fn read_loop(mut stream: futures_util::stream::SplitStream<Ws>, session: &mut Session) {
    let socket = session.socket().clone();
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
            Message::Text(text) => session.handle(&text).await,
            Message::Binary(_) => socket.send(&Outgoing::error(
                "binary frames are not supported; send JSON text frames",
            )),
            Message::Close(_) => return,
            // The peer has read everything before the ping it answers.
            Message::Pong(_) => socket.lag.ponged(),
            // Pings are answered by the protocol layer.
            Message::Ping(_) | Message::Frame(_) => {}
        }
    }
}

async fn write_loop(
    mut sink: futures_util::stream::SplitSink<Ws, Message>,
    mut rx: mpsc::Receiver<Message>,
    socket: Arc<Socket>,
) {
    // Grown by the first busy moment, not taken up front by every idle socket.
    let mut batch = Vec::new();
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
                        let bytes = m.len();
                        sink.feed(m).await?;
                        socket.written(bytes);
                    }
                    match socket.lag.wrote(n, Instant::now()) {
                        AfterBatch::Nothing => {}
                        AfterBatch::Ping => sink.feed(Message::Ping(Default::default())).await?,
                        AfterBatch::Behind(lag) => {
                            socket.close_slow(&format!(
                                "too slow: {} s behind the room",
                                lag.as_secs()
                            ));
                        }
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
                        socket.close_slow("too slow: writes timed out");
                        return;
                    }
                }
            }
            _ = ping.tick() => {
                socket.lag.pinged(Instant::now());
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
