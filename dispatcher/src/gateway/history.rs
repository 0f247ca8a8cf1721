//! The room's history, gateway side: a chat line is published to the room and then appended
//! to its history (one round trip to the shared state, never the store); a joiner gets
//! `history` right after `login success`.

use super::envelope::Route;
use super::socket::Socket;
use super::Gateway;
use rsstreaming_shared::chat::{HistoryLine, Outgoing};
use rsstreaming_shared::names::RoomName;

/// Publishes a chat line frame to the room and keeps it in history; false when the shared
/// state is down (nobody saw it).
pub async fn post_line(gw: &Gateway, room: &RoomName, out: &Outgoing) -> bool {
    if !gw.publish(room, &Route::default(), out).await {
        return false;
    }
    if let Some(line) = HistoryLine::of(out) {
        if let Err(e) = gw.state.append_history(room, &line).await {
            // Everyone in the room saw the line; only later joiners miss it.
            tracing::warn!("keeping a line of {room} in history: {e}");
        }
    }
    true
}

/// Sends a joiner the room's history, oldest first (empty when the shared state can't say).
pub async fn send(gw: &Gateway, socket: &Socket, room: &RoomName) {
    let messages = match gw.state.history(room).await {
        Ok(lines) => lines.iter().map(HistoryLine::value).collect(),
        Err(e) => {
            tracing::warn!("reading the history of {room}: {e}");
            Vec::new()
        }
    };
    socket.send(&Outgoing::History { messages });
}
