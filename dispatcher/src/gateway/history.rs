//! The room's history, gateway side: a chat line is appended to its history and then
//! published to the room (one round trip more to the shared state, never the store; appending
//! first keeps history in the order the room saw the lines); a joiner gets
//! `history` right after `login success`; deleted lines leave history and every page.

use super::envelope::Route;
use super::socket::{Login, Socket};
use super::{unavailable, Gateway};
use rsstreaming_shared::chat::{Deletion, HistoryLine, Outgoing};
use rsstreaming_shared::names::RoomName;

/// Keeps a chat line frame in history and publishes it to the room; false when the shared
/// state is down (nobody saw it). A joiner may get a line both in `history` and live: pages
/// tell them apart by id.
pub async fn post_line(gw: &Gateway, room: &RoomName, out: &Outgoing) -> bool {
    if let Some(line) = HistoryLine::of(out) {
        if let Err(e) = gw.state.append_history(room, &line).await {
            tracing::warn!("keeping a line of {room} in history: {e}");
            return false;
        }
    }
    gw.publish(room, &Route::default(), out).await
}

/// Sends a joiner the room's history, oldest first, without the quiet lines (API and CLI
/// posts); empty when the shared state can't say.
pub async fn send(gw: &Gateway, socket: &Socket, room: &RoomName) {
    let messages = match gw.state.history(room).await {
        Ok(lines) => lines
            .iter()
            .filter(|l| l.replay)
            .map(HistoryLine::value)
            .collect(),
        Err(e) => {
            tracing::warn!("reading the history of {room}: {e}");
            Vec::new()
        }
    };
    socket.send(&Outgoing::History { messages });
}

/// Deletes lines decided by `/delete` or `/clear`: each removed from history (once, whichever
/// instance gets there first), then `message deleted` to the room on every instance and a
/// `delete` event in the audit log.
pub async fn delete(gw: &Gateway, socket: &Socket, login: &Login, deletion: Deletion) {
    let room = &login.room;
    for (id, author) in &deletion.lines {
        match gw.state.remove_history(room, id).await {
            Ok(Some(_)) => {}
            // Deleted meanwhile by someone else, who told the room.
            Ok(None) => continue,
            Err(e) => {
                tracing::error!("deleting a line of {room}: {e}");
                return socket.send(&unavailable());
            }
        }
        let deleted = Outgoing::MessageDeleted { id: id.clone() };
        gw.publish(room, &Route::default(), &deleted).await;
        let by = &login.member.username;
        gw.audit.record(Deletion::audit(room, (id, author), by));
    }
    socket.send(&Outgoing::server(deletion.confirm));
}
