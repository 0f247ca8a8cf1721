//! A drawing sent to the room: checked (size, PNG data URL), published, and recorded by its
//! fingerprint (drawings are too big for the audit log).

use super::history;
use super::room_rules;
use super::socket::Socket;
use super::{unavailable, Gateway};
use rsstreaming_shared::chat::{self, LineStamp, Outgoing};
use rsstreaming_shared::drawing::check_drawing;
use rsstreaming_shared::store::{event_kind, NewEvent};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub async fn drawing(gw: &Gateway, socket: &Arc<Socket>, src: &str) {
    let Some(login) = socket.login_or_refuse() else {
        return;
    };
    if login.member.is_muted() {
        return socket.send(&Outgoing::server(chat::MUTED));
    }
    if let Err(e) = check_drawing(src) {
        tracing::debug!(socket = %socket.id, "refused drawing: {e}");
        return socket.send(&Outgoing::server("Invalid drawing received!"));
    }
    if !room_rules::allows(gw, socket, &login, None) {
        return;
    }
    gw.presence.touch(socket, &login.room);
    let me = &login.member;
    let out = Outgoing::DrawingReceived {
        username: me.username.clone(),
        kind: me.kind,
        color: me.color.clone(),
        src: src.to_string(),
        stamp: LineStamp::now(),
    };
    let id = out.stamp().map(|s| s.id.clone());
    if !history::post_line(gw, &login.room, &out).await {
        return socket.send(&unavailable());
    }
    room_rules::posted(socket, me.kind);
    gw.audit.record(NewEvent::now(
        &login.room,
        event_kind::DRAWING,
        serde_json::json!({
            "id": id,
            "username": me.username,
            "bytes": src.len(),
            "sha256": hex::encode(Sha256::digest(src.as_bytes())),
        }),
    ));
}
