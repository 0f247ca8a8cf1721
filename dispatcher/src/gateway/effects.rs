//! Carrying out what the chat rules decided: replies to the sender, lines published to the
//! room, compare-and-set roster changes (then told to the room and to the changed chatter),
//! and streamer settings stored and announced. Every effect is recorded in the audit log.

use super::envelope::Route;
use super::history;
use super::names;
use super::room_rules;
use super::sanction_effects;
use super::socket::{Login, Socket};
use super::{unavailable, Gateway};
use rsstreaming_shared::chat::{self, Change, Effect, LineStamp, Outgoing, StreamerChange};
use rsstreaming_shared::metrics::metrics;
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::post::PostKind;
use rsstreaming_shared::state::{Announcement, Replace};
use rsstreaming_shared::store::NewEvent;
use std::sync::Arc;

/// Whether the effects were carried out, or a roster change found the roster changed since
/// the decision (the caller decides again).
pub enum Applied {
    Done,
    Stale,
}

pub async fn apply(
    gw: &Gateway,
    socket: &Arc<Socket>,
    login: &Login,
    effects: Vec<Effect>,
) -> Applied {
    let room = &login.room;
    let me = &login.member;
    for effect in effects {
        match effect {
            Effect::Reply(out) => socket.send(&out),
            Effect::Line { action, text } => {
                let kind = if action {
                    PostKind::Action
                } else {
                    PostKind::Normal
                };
                if !room_rules::allows(gw, socket, login, Some(&text)) {
                    continue;
                }
                let stamp = LineStamp::now();
                let id = stamp.id.clone();
                let out = kind.frame((&me.username, me.kind, &me.color), &text, stamp);
                if !history::post_line(gw, room, &out).await {
                    socket.send(&unavailable());
                    continue;
                }
                room_rules::posted(socket, me.kind);
                metrics().lines.inc();
                gw.audit.record(NewEvent::now(
                    room,
                    kind.event_kind(),
                    // The color too: a recording's chat replay shows the line as it was.
                    serde_json::json!({
                        "username": me.username,
                        "color": me.color,
                        "message": text,
                        "id": id,
                    }),
                ));
            }
            Effect::Change(change) => {
                if !names::rename_allowed(gw, socket, &change).await {
                    continue;
                }
                match gw.state.replace(room, &change.before, &change.after).await {
                    Ok(Replace::Done) => changed(gw, socket, room, &me.username, *change).await,
                    Ok(Replace::Stale) => return Applied::Stale,
                    Ok(Replace::Taken) => socket.send(&Outgoing::server(chat::NAME_TAKEN)),
                    Err(e) => {
                        tracing::error!("roster change: {e}");
                        socket.send(&unavailable());
                    }
                }
            }
            Effect::Streamer(change) => streamer_change(gw, socket, login, change).await,
            Effect::Delete(deletion) => history::delete(gw, socket, login, deletion).await,
            Effect::Rules(change) => room_rules::change(gw, socket, login, change).await,
            Effect::ListFilters => room_rules::list(gw, socket, login),
            Effect::Kick(target) => sanction_effects::kick(gw, socket, login, &target).await,
            Effect::Ban {
                target,
                until,
                reason,
            } => sanction_effects::ban(gw, socket, login, &target, until, reason).await,
            Effect::Unban(name) => sanction_effects::unban(gw, socket, login, &name).await,
            Effect::ListSanctions => sanction_effects::list(gw, socket, room).await,
            Effect::Register(password) => names::register(gw, socket, login, password).await,
            Effect::Unregister => names::unregister(gw, socket, login).await,
            Effect::NameRank { key, moderator } => {
                names::rank(gw, socket, login, &key, moderator).await
            }
            Effect::OfflineRank { name, moderator } => {
                names::offline_rank(gw, socket, login, &name, moderator).await
            }
        }
    }
    Applied::Done
}

/// After a roster change was made: bind, re-time or lift the mute, update local copies, tell the room
/// and the chatter.
async fn changed(gw: &Gateway, socket: &Socket, room: &RoomName, by: &str, change: Change) {
    if change.mute_changed() {
        sanction_effects::mute_changed(gw, room, by, &change).await;
    }
    if let Some(local) = gw.rooms.socket(&change.after.socket) {
        local.update_member(&change.after);
    }
    let mut set = Some(change.after.clone());
    for out in change.broadcasts() {
        let route = Route {
            set: set.take(),
            ..Route::default()
        };
        gw.publish(room, &route, &out).await;
    }
    if let Some(notice) = &change.notify {
        let route = Route {
            only: Some(change.after.socket.clone()),
            set: Some(change.after.clone()),
            ..Route::default()
        };
        gw.publish(room, &route, &Outgoing::server(notice.clone()))
            .await;
    }
    for out in &change.confirm {
        socket.send(out);
    }
    gw.audit.record_all(change.audit(room, by));
}

/// A streamer setting: stored, then announced to the room when the room should know.
async fn streamer_change(gw: &Gateway, socket: &Socket, login: &Login, change: StreamerChange) {
    let store = &gw.ctx.store;
    let room = &login.room;
    let done = match &change {
        StreamerChange::Description(d) => {
            let d = Some(d.as_str()).filter(|d| !d.is_empty());
            store.set_description(room, d).await
        }
        StreamerChange::Password(p) => store.set_streampass(room, p.as_deref()).await,
        StreamerChange::Chat(c) => store.set_chat(room, *c).await,
    };
    if let Err(e) = done {
        tracing::error!("storing a streamer setting: {e}");
        socket.send(&Outgoing::error("Could not save the setting, try again."));
        return;
    }
    if let StreamerChange::Password(p) = &change {
        // Every instance tells its sockets of the room and sends away those without a pass
        // for the new password (see `inbound`), as for a change made through the API.
        let changed = Announcement::PasswordChanged {
            room: room.to_string(),
            active: p.is_some(),
        };
        if let Err(e) = gw.state.announce(&changed).await {
            tracing::error!("announcing a password change: {e}");
        }
    } else if let Some(out) = change.broadcast(&login.streamer) {
        gw.publish(room, &Route::default(), &out).await;
    }
    gw.audit.record(change.audit(room, &login.member.username));
}
