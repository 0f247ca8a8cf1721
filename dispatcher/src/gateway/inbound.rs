//! What arrives from the shared state, in order: room payloads from every instance (this one
//! included) delivered to this instance's sockets of the room, announcements (API/CLI posts,
//! emote and password changes), and resynchronisation after a lost link.

use super::room_rules;
use super::socket::frame;
use super::Gateway;
use super::{envelope, sanctions};
use rsstreaming_shared::auth::may_view;
use rsstreaming_shared::chat::{ChatterType, LineStamp, Outgoing, StreamerChange};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::post::{Post, PostKind};
use rsstreaming_shared::state::{Announcement, Inbound};
use rsstreaming_shared::text;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

pub async fn run(gw: Arc<Gateway>, mut rx: mpsc::Receiver<Inbound>) {
    while let Some(inbound) = rx.recv().await {
        match inbound {
            Inbound::Room { room, payload } => match RoomName::parse(&room) {
                Ok(room) => room_payload(&gw, &room, payload),
                Err(_) => tracing::warn!("ignoring a payload on a room that cannot exist"),
            },
            Inbound::Announcement(a) => announcement(&gw, a).await,
            Inbound::Resynced => {
                tokio::spawn(resync(gw.clone()));
                let gw = gw.clone();
                tokio::spawn(async move { room_rules::resync(&gw).await });
            }
        }
    }
}

/// A room frame: the roster entry it carries goes to the socket holding it, and the frame to
/// the sockets it is routed to (a socket told to leave, a kicked one, then leaves its room).
fn room_payload(gw: &Arc<Gateway>, room: &RoomName, payload: bytes::Bytes) {
    let Some((route, msg)) = envelope::open(payload) else {
        tracing::warn!("ignoring a malformed payload on room {room}");
        return;
    };
    if let Some(m) = &route.set {
        if let Some(s) = gw.rooms.socket(&m.socket) {
            s.update_member(m);
        }
    }
    match &route.only {
        Some(id) => {
            if let Some(s) = gw.rooms.socket(id) {
                if s.login().is_some_and(|l| &l.room == room) {
                    s.push(msg);
                    if route.leave {
                        let gw = gw.clone();
                        tokio::spawn(async move { gw.log_out(&s).await });
                    }
                }
            }
        }
        None => gw.rooms.deliver(room, &msg, route.except.as_deref()),
    }
}

async fn announcement(gw: &Arc<Gateway>, a: Announcement) {
    match a {
        Announcement::Post {
            room,
            kind,
            message,
            stamp,
        } => {
            deliver_post(gw, &room, (kind, &message), stamp).await;
        }
        Announcement::LineDeleted { room, id } => match RoomName::parse(&room) {
            Ok(room) => gw
                .rooms
                .deliver(&room, &frame(&Outgoing::MessageDeleted { id }), None),
            Err(_) => tracing::warn!("a deletion in a room that cannot exist"),
        },
        Announcement::EmoteAdded { alias, uri } => {
            if let Some(out) = gw.caches.emote_added(&alias, &uri) {
                gw.rooms.deliver_all(&frame(&out));
            }
        }
        Announcement::EmoteRemoved { alias } => {
            if let Some(out) = gw.caches.emote_removed(&alias) {
                gw.rooms.deliver_all(&frame(&out));
            }
        }
        Announcement::PasswordChanged { room, active } => match RoomName::parse(&room) {
            Ok(room) => password_changed(gw, &room, active).await,
            Err(_) => tracing::warn!("a password change of a room that cannot exist"),
        },
        // Read from the store off this loop, so room frames keep flowing meanwhile.
        Announcement::RulesChanged { room } => {
            let gw = gw.clone();
            tokio::spawn(async move { room_rules::changed(&gw, &room).await });
        }
        Announcement::SanctionsChanged { room } => match RoomName::parse(&room) {
            // Off this loop: it reads the store.
            Ok(room) => drop(tokio::spawn(sanctions::changed(gw.clone(), room))),
            Err(_) => tracing::warn!("a sanction change of a room that cannot exist"),
        },
        Announcement::MuteChanged { room, name_key } => match RoomName::parse(&room) {
            Ok(room) => drop(tokio::spawn(sanctions::mute_changed(
                gw.clone(),
                room,
                name_key,
            ))),
            Err(_) => tracing::warn!("a mute change of a room that cannot exist"),
        },
    }
}

/// The viewer password of `room` was set or removed. The room is told; once a password is
/// set, this instance's sockets of the room (chatters and pages counted as viewers) without a
/// pass for the password now stored — read from the store, not the streamer cache, which may
/// be seconds old — are sent away, except the streamer logged in with the key.
async fn password_changed(gw: &Gateway, room: &RoomName, active: bool) {
    let fresh = match gw.ctx.store.streamer(room).await {
        Ok(Some(s)) => s,
        Ok(None) => return,
        Err(e) => return tracing::error!("reading {room} after a password change: {e}"),
    };
    // The broadcast names the change, never the password.
    let change = StreamerChange::Password(active.then(String::new));
    if let Some(out) = change.broadcast(&fresh.username) {
        gw.rooms.deliver(room, &frame(&out), None);
    }
    gw.caches.refresh_streamer(room, fresh.clone());
    let Some(password) = fresh.streampass.as_deref() else {
        return;
    };
    for s in gw.rooms.all_sockets() {
        let login = s.login();
        let chatting = login.as_ref().is_some_and(|l| &l.room == room);
        let watching = s.presence_room().as_deref() == Some(room.as_str());
        let admin = login.is_some_and(|l| l.member.kind == ChatterType::Admin);
        if (chatting || watching)
            && !admin
            && !may_view(&gw.ctx.secret, room, Some(password), &s.cookies())
        {
            // Closed with the reason; a page that reconnects is told at login to enter the
            // password (a frame queued now would not outrun the close).
            s.close(CloseCode::Policy, "this stream is now password-protected");
        }
    }
}

/// A line from the API or the CLI, shown to this instance's chatters of the room as the
/// streamer: under their chat name and color when they are logged in, else their username.
/// (It was recorded, and kept quietly in history, by whoever posted it: SPEC §5 has such a line
/// reach whoever is in the chat at that moment, never a later joiner.) The frame delivered.
pub async fn deliver_post(
    gw: &Gateway,
    room: &str,
    (kind, message): (PostKind, &str),
    stamp: LineStamp,
) -> Option<Outgoing> {
    let Ok(room) = RoomName::parse(room) else {
        tracing::warn!("a post for a room that cannot exist");
        return None;
    };
    let emotes = gw.caches.emotes();
    let post = match Post::new(kind, message, |a| {
        emotes.contains_key(&a.to_ascii_lowercase())
    }) {
        Ok(post) => post,
        Err(e) => {
            tracing::warn!("a post for {room} refused: {e}");
            return None;
        }
    };
    let admin = match kind {
        PostKind::Server => None,
        _ => match gw.state.roster(&room).await {
            Ok(r) => r.into_iter().find(|m| m.kind == ChatterType::Admin),
            Err(e) => {
                tracing::warn!("roster of {room}: {e}");
                None
            }
        },
    };
    let (username, color) = match admin {
        Some(m) => (m.username, m.color),
        None if kind == PostKind::Server => (String::new(), String::new()),
        None => {
            let record = gw.caches.streamer(&gw.ctx.store, &room).await;
            let name = record.ok().flatten().map(|s| s.username.into());
            (
                name.unwrap_or_else(|| room.to_string()),
                text::DEFAULT_COLOR.to_string(),
            )
        }
    };
    let shown = post.frame(&username, &color, stamp);
    gw.rooms.deliver(&room, &frame(&shown), None);
    Some(shown)
}

/// After a lost link: take newer copies of our chatters' entries, and put back those a
/// restarted Redis forgot.
async fn resync(gw: Arc<Gateway>) {
    let _ = gw.state.heartbeat().await;
    for socket in gw.rooms.logged_in() {
        let Some(login) = socket.login() else {
            continue;
        };
        match gw.state.member(&login.room, &socket.id).await {
            Ok(Some(m)) => socket.update_member(&m),
            Ok(None) => match gw.state.claim(&login.room, &login.member).await {
                Ok(true) => {}
                Ok(false) => {
                    socket.set_login(None);
                    gw.rooms.leave(&login.room, &socket.id);
                    gw.drop_socket(
                        &socket,
                        "Your name was taken while the chat was reconnecting; please log in again.",
                    );
                }
                Err(e) => tracing::warn!("resync: {e}"),
            },
            Err(e) => tracing::warn!("resync: {e}"),
        }
    }
}
