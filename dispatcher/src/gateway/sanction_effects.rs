//! Carrying out the sanctions the chat rules decided: a kick (routed to the instance holding
//! the chatter's socket), a ban or unban (stored, audited, announced to every instance — see
//! [`sanctions`]), a mute or timeout kept in the store beside its shared-state binding, and
//! `/bans` read from the store.

use super::envelope::Route;
use super::sanctions;
use super::socket::{Login, Socket};
use super::Gateway;
use rsstreaming_shared::chat::duration::Spoken;
use rsstreaming_shared::chat::{Change, Member, Outgoing};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::state::MuteBinding;
use rsstreaming_shared::store::{event_kind, now_ms, NewEvent, Sanction, SanctionKind};
use std::time::Duration;

fn store_failed(socket: &Socket) {
    socket.send(&Outgoing::error("Could not save that, try again."));
}

/// `/kick`: the target's instance sends it `kicked {by}` and takes it out of the room.
pub async fn kick(gw: &Gateway, socket: &Socket, login: &Login, target: &Member) {
    let by = &login.member.username;
    let route = Route {
        only: Some(target.socket.clone()),
        leave: true,
        ..Route::default()
    };
    let told = Outgoing::Kicked { by: by.clone() };
    if !gw.publish(&login.room, &route, &told).await {
        return socket.send(&super::unavailable());
    }
    let who = &target.username;
    socket.send(&Outgoing::server(format!("User '{who}' has been kicked.")));
    gw.audit.record(NewEvent::now(
        &login.room,
        event_kind::KICK,
        serde_json::json!({"username": who, "by": by}),
    ));
}

/// How long from now until `until` (unix ms); `None` for "until lifted".
fn left(until: Option<i64>) -> Option<Duration> {
    until.map(|t| Duration::from_millis((t - now_ms()).max(1) as u64))
}

/// "until lifted" or "for 7 days".
pub(super) fn lasting(until: Option<i64>) -> String {
    match left(until) {
        // Rounded: a ban for an hour decided a moment ago still reads "1 hour".
        Some(d) => {
            let secs = (d.as_millis() as u64 + 500) / 1000;
            format!("for {}", Spoken(Duration::from_secs(secs.max(1))))
        }
        None => "until lifted".into(),
    }
}

/// `/ban`: stored, audited and announced; the target's instance sends it away.
pub async fn ban(
    gw: &Gateway,
    socket: &Socket,
    login: &Login,
    t: &Member,
    until: Option<i64>,
    reason: Option<String>,
) {
    let by = &login.member.username;
    let row = Sanction {
        reason,
        until,
        ..Sanction::of(&login.room, SanctionKind::Ban, t, by)
    };
    if let Err(e) = gw.ctx.store.ban(&row).await {
        tracing::error!("storing a ban: {e}");
        return store_failed(socket);
    }
    // Told before the room hears of it (the room's line comes from the target's instance).
    let who = &t.username;
    let lasts = lasting(until);
    socket.send(&Outgoing::server(format!(
        "User '{who}' has been banned {lasts}."
    )));
    sanctions::announce(gw, &login.room).await;
}

/// `/unban NAME`.
pub async fn unban(gw: &Gateway, socket: &Socket, login: &Login, name: &str) {
    match gw
        .ctx
        .store
        .unban(&login.room, name, &login.member.username)
        .await
    {
        Ok(false) => socket.send(&Outgoing::server(format!("User '{name}' is not banned."))),
        Ok(true) => {
            socket.send(&Outgoing::server(format!(
                "User '{name}' has been unbanned."
            )));
            sanctions::announce(gw, &login.room).await;
        }
        Err(e) => {
            tracing::error!("lifting a ban: {e}");
            store_failed(socket);
        }
    }
}

/// One `/bans` line.
pub fn describe(s: &Sanction) -> String {
    let what = match (s.kind, s.until) {
        (SanctionKind::Ban, _) => "banned",
        (SanctionKind::Mute, Some(_)) => "timed out",
        (SanctionKind::Mute, None) => "muted",
    };
    let until = match s.until {
        Some(t) => format!("until {}", rsstreaming_shared::text::utc(t / 1000) + " UTC"),
        None => "until lifted".into(),
    };
    let reason = s
        .reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    format!("{} {what} by {} {until}{reason}", s.username, s.by)
}

/// `/bans`: the room's bans and timeouts in force, one line each.
pub async fn list(gw: &Gateway, socket: &Socket, room: &RoomName) {
    match gw.ctx.store.sanctions(room).await {
        Ok(list) if list.is_empty() => socket.send(&Outgoing::server("No bans or timeouts.")),
        Ok(list) => {
            for s in &list {
                socket.send(&Outgoing::server(describe(s)));
            }
        }
        Err(e) => {
            tracing::error!("listing sanctions: {e}");
            socket.send(&super::unavailable());
        }
    }
}

/// After a roster change that starts, ends or re-times a mute: the identity's binding in the
/// shared state, and the row in the store (which `/bans` lists and logins read).
pub async fn mute_changed(gw: &Gateway, room: &RoomName, by: &str, change: &Change) {
    let (before, after) = (&change.before, &change.after);
    let store = &gw.ctx.store;
    let bound = if after.is_muted() {
        let binding = MuteBinding {
            ttl: left(after.muted_until),
            ..MuteBinding::of(after)
        };
        gw.state.bind_mute(room, &binding).await
    } else {
        gw.state
            .lift_mute(room, &before.key, before.addr.as_deref())
            .await
    };
    if let Err(e) = bound {
        tracing::error!("binding a mute in the shared state: {e}");
    }
    let mut stored = store
        .lift_sanctions(room, SanctionKind::Mute, &before.key)
        .await;
    if after.is_muted() {
        let row = Sanction {
            until: after.muted_until,
            ..Sanction::of(room, SanctionKind::Mute, after, by)
        };
        stored = store.add_sanction(&row).await.map(|_| 1);
    }
    if let Err(e) = stored {
        tracing::error!("storing a mute: {e}");
    }
    sanctions::announce(gw, room).await;
}
