//! Bans and mutes kept in the store, as this instance sees them: a per-room cache read at
//! login (never on a chat line's path), dropped and read again when an
//! [`Announcement::SanctionsChanged`](rsstreaming_shared::state::Announcement) says a room's
//! sanctions changed on any instance, the API or the CLI. Expired rows stop binding by
//! themselves: every check compares with the clock.
//!
//! Once a room's sanctions changed, this instance sends away its chatters a ban now names
//! (`banned {reason, until}`); the room is told with a `server` line. A name timed out or
//! unmuted outside the chat (the dashboard) is muted or unmuted in the roster here when this
//! instance holds its socket, and told so, as the chat's `/timeout` and `/unmute` do.

use super::envelope::Route;
use super::socket::Socket;
use super::Gateway;
use rsstreaming_shared::chat::{Change, ChatterType, Member, Outgoing};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::state::{Announcement, Replace};
use rsstreaming_shared::store::{now_ms, Sanction, SanctionKind, StoreResult};
use rsstreaming_shared::Store;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The sanctions in force per room, as last read from the store.
#[derive(Default)]
pub struct SanctionCache {
    rooms: RwLock<HashMap<RoomName, Arc<Vec<Sanction>>>>,
    /// Grows with every invalidation, so a read that raced one is not cached.
    generation: AtomicU64,
}

impl SanctionCache {
    /// The room's sanctions, from the cache or the store.
    pub async fn get(&self, store: &Store, room: &RoomName) -> StoreResult<Arc<Vec<Sanction>>> {
        if let Some(found) = self.read().get(room) {
            return Ok(found.clone());
        }
        let generation = self.generation.load(Ordering::Acquire);
        let fresh = Arc::new(store.sanctions(room).await?);
        if self.generation.load(Ordering::Acquire) == generation {
            let mut rooms = self.rooms.write().unwrap_or_else(|p| p.into_inner());
            rooms.insert(room.clone(), fresh.clone());
        }
        Ok(fresh)
    }

    /// Forgets what is cached of `room` (it changed somewhere).
    pub fn forget(&self, room: &RoomName) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let mut rooms = self.rooms.write().unwrap_or_else(|p| p.into_inner());
        rooms.remove(room);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<RoomName, Arc<Vec<Sanction>>>> {
        self.rooms.read().unwrap_or_else(|p| p.into_inner())
    }
}

/// The sanction of `kind` in force now that binds `member` (its name key or address).
pub fn binding<'a>(list: &'a [Sanction], kind: SanctionKind, m: &Member) -> Option<&'a Sanction> {
    let now = now_ms();
    list.iter()
        .rev()
        .find(|s| s.kind == kind && s.in_force(now) && s.binds(&m.key, m.addr.as_deref()))
}

/// The `banned` frame of a ban.
pub fn banned(ban: &Sanction) -> Outgoing {
    Outgoing::Banned {
        reason: ban.reason.clone(),
        until: ban.until,
    }
}

/// Tells every instance that `room`'s sanctions changed (and forgets them here at once, so
/// this instance's next login reads them even before the announcement comes back).
pub async fn announce(gw: &Gateway, room: &RoomName) {
    gw.sanctions.forget(room);
    let changed = Announcement::SanctionsChanged {
        room: room.to_string(),
    };
    if let Err(e) = gw.state.announce(&changed).await {
        tracing::error!("announcing a sanction change: {e}");
    }
}

/// `room`'s sanctions changed: read them again and send away this instance's chatters whom a
/// ban names (by name: others from the same address stay, but can't log in anew).
pub async fn changed(gw: Arc<Gateway>, room: RoomName) {
    let (gw, room) = (&gw, &room);
    gw.sanctions.forget(room);
    let list = match gw.sanctions.get(&gw.ctx.store, room).await {
        Ok(l) => l,
        Err(e) => return tracing::error!("reading the sanctions of {room}: {e}"),
    };
    for socket in gw.rooms.logged_in() {
        let Some(login) = socket.login().filter(|l| &l.room == room) else {
            continue;
        };
        let m = &login.member;
        let named = |s: &&Sanction| s.name_key == m.key;
        let Some(ban) = binding(&list, SanctionKind::Ban, m).filter(named) else {
            continue;
        };
        if m.kind == ChatterType::Admin {
            continue;
        }
        if !evict(gw, &socket, &banned(ban)).await {
            continue; // another run of this sent it away already
        }
        let line = Outgoing::server(format!("User '{}' has been banned.", m.username));
        gw.publish(room, &Route::default(), &line).await;
        // A ban by name (API, CLI) binds the address the chatter is seen at, too.
        if let (None, Some(addr)) = (&ban.addr, &m.addr) {
            match gw.ctx.store.bind_sanction_addr(ban.id, addr).await {
                Ok(()) => announce(gw, room).await,
                Err(e) => tracing::error!("binding a ban to an address: {e}"),
            }
        }
    }
}

/// The mute of the name key `key` in `room` changed in the store outside the chat: this
/// instance's chatter of that name (not the streamer) is muted until the stored end, or
/// unmuted, and told. The store and the shared-state binding hold the change already; a
/// roster entry changed meanwhile by the chat keeps the chat's change.
pub async fn mute_changed(gw: Arc<Gateway>, room: RoomName, key: String) {
    gw.sanctions.forget(&room);
    let list = match gw.sanctions.get(&gw.ctx.store, &room).await {
        Ok(l) => l,
        Err(e) => return tracing::error!("reading the sanctions of {room}: {e}"),
    };
    for socket in gw.rooms.logged_in() {
        let Some(login) = socket
            .login()
            .filter(|l| l.room == room && l.member.key == key)
        else {
            continue;
        };
        let m = &login.member;
        let stored = binding(&list, SanctionKind::Mute, m).filter(|s| s.name_key == key);
        let after = Member {
            muted: stored.is_some(),
            muted_until: stored.and_then(|s| s.until),
            ..m.clone()
        };
        let change = Change::new(m, after.bumped());
        if m.kind == ChatterType::Admin || !change.mute_changed() {
            continue;
        }
        match gw.state.replace(&room, m, &change.after).await {
            Ok(Replace::Done) => {}
            Ok(_) => continue,
            Err(e) => {
                tracing::error!("muting {} in the roster: {e}", m.username);
                continue;
            }
        }
        socket.update_member(&change.after);
        let told = match stored {
            Some(s) if s.until.is_some() => {
                let lasts = super::sanction_effects::lasting(s.until);
                format!("You have been timed out {lasts}.")
            }
            Some(_) => "You have been muted.".to_string(),
            None => "You have been unmuted.".to_string(),
        };
        socket.send(&Outgoing::server(told));
    }
}

/// Sends a chatter out of its room: the room gets `disconnected`, the socket `told`; it stays
/// open and may log in again. False when it was no longer in the room.
pub async fn evict(gw: &Gateway, socket: &Socket, told: &Outgoing) -> bool {
    let out = gw.log_out(socket).await;
    if out {
        socket.send(told);
    }
    out
}
