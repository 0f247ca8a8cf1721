//! Room rules on this instance (SPEC §7): a cache of every followed room's rules, compiled, and
//! of the site's filters, so a chat line is checked without the store; changes made here
//! (chat) or elsewhere (API, CLI, another instance) come as [`Announcement::RulesChanged`],
//! after which the rules are read again from the store and this instance's sockets of the
//! room are told what changed (`pinned`, `room rules`). The writer reloads at once too, so
//! its own chatters are bound without waiting for the announcement.

use super::socket::{frame, Login, Socket};
use super::Gateway;
use rsstreaming_shared::chat::filters::{Filter, FilterSet};
use rsstreaming_shared::chat::room_rules::{ActiveRules, RoomRules, RuleChange};
use rsstreaming_shared::chat::{ChatterType, Outgoing};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::state::Announcement;
use rsstreaming_shared::store::{event_kind, NewEvent, Store, StoreResult, SITE_RULES};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// The site's filters: as listed, and compiled.
#[derive(Default)]
pub struct SiteFilters {
    pub list: Vec<Filter>,
    pub set: FilterSet,
}

#[derive(Default)]
pub struct RulesCache {
    rooms: RwLock<HashMap<RoomName, Arc<ActiveRules>>>,
    site: RwLock<Arc<SiteFilters>>,
    /// One reload at a time, so an older read never replaces a newer one.
    reloading: tokio::sync::Mutex<()>,
}

fn compiled(room: &str, rules: RoomRules) -> ActiveRules {
    let filters = rules.filters.clone();
    ActiveRules::new(rules).unwrap_or_else(|e| {
        // Every stored filter was checked alone when added; a set that no longer compiles
        // together (limits lowered since) keeps its modes and pin, and loses its filters.
        tracing::error!("the filters of {room} do not compile ({e}); ignoring them");
        ActiveRules {
            rules: RoomRules {
                filters,
                ..Default::default()
            },
            filters: FilterSet::default(),
        }
    })
}

impl RulesCache {
    /// The rules of a followed room (`None` before its first login here).
    pub fn room(&self, room: &RoomName) -> Option<Arc<ActiveRules>> {
        let rooms = self.rooms.read().unwrap_or_else(|p| p.into_inner());
        rooms.get(room).cloned()
    }

    pub fn site(&self) -> Arc<SiteFilters> {
        self.site.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The rules of a room, read from the store the first time (once, however many chatters
    /// join the room at that moment).
    pub async fn load(&self, store: &Store, room: &RoomName) -> StoreResult<Arc<ActiveRules>> {
        if let Some(r) = self.room(room) {
            return Ok(r);
        }
        let one = self.reloading.lock().await;
        match self.room(room) {
            Some(r) => Ok(r),
            None => Ok(self.read(store, room, one).await?.1),
        }
    }

    /// Reads a room's rules again; what they were here before (if held) and are now.
    async fn reload(
        &self,
        store: &Store,
        room: &RoomName,
    ) -> StoreResult<(Option<Arc<ActiveRules>>, Arc<ActiveRules>)> {
        let one = self.reloading.lock().await;
        self.read(store, room, one).await
    }

    /// [`Self::reload`] under the reload lock (`_one`).
    async fn read(
        &self,
        store: &Store,
        room: &RoomName,
        _one: tokio::sync::MutexGuard<'_, ()>,
    ) -> StoreResult<(Option<Arc<ActiveRules>>, Arc<ActiveRules>)> {
        let fresh = Arc::new(compiled(room, store.room_rules(room).await?));
        let mut rooms = self.rooms.write().unwrap_or_else(|p| p.into_inner());
        let old = rooms.insert(room.clone(), fresh.clone());
        Ok((old, fresh))
    }

    pub async fn reload_site(&self, store: &Store) -> StoreResult<()> {
        let _one = self.reloading.lock().await;
        let list = store.filters(SITE_RULES).await?;
        let set = FilterSet::compile(&list).unwrap_or_else(|e| {
            tracing::error!("the site's filters do not compile ({e}); ignoring them");
            FilterSet::default()
        });
        *self.site.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(SiteFilters { list, set });
        Ok(())
    }

    fn cached_rooms(&self) -> Vec<RoomName> {
        let rooms = self.rooms.read().unwrap_or_else(|p| p.into_inner());
        rooms.keys().cloned().collect()
    }
}

/// What a page shows of the rules: the modes (`room rules`).
fn modes(r: &RoomRules) -> Outgoing {
    Outgoing::RoomRules {
        slow: r.slow_secs,
        emote_only: r.emote_only,
        links: r.links.as_str(),
        chatmode: if r.registered_only {
            "registered"
        } else {
            "all"
        },
    }
}

/// The frames telling a room's pages what changed from `old` to `new`.
fn news(old: &RoomRules, new: &RoomRules) -> Vec<Outgoing> {
    let mut out = Vec::new();
    if old.pin != new.pin {
        out.push(Outgoing::Pinned {
            message: new.pin.clone(),
        });
    }
    if old.modes() != new.modes() {
        out.push(modes(new));
    }
    out
}

/// Reads a room's rules again and tells this instance's sockets of the room what changed.
async fn refresh(gw: &Gateway, room: &RoomName) -> StoreResult<()> {
    let (old, new) = gw.rules.reload(&gw.ctx.store, room).await?;
    let old = old.map(|o| o.rules.clone()).unwrap_or_default();
    for out in news(&old, &new.rules) {
        gw.rooms.deliver(room, &frame(&out), None);
    }
    Ok(())
}

/// After `login success`: the pin and the modes, when the room has them (loaded before the
/// name was claimed).
pub fn greet(gw: &Gateway, socket: &Socket, room: &RoomName) {
    let rules = gw.rules.room(room).unwrap_or_default();
    for out in news(&RoomRules::default(), &rules.rules) {
        socket.send(&out);
    }
}

/// An announcement that the rules of a room (or the site's filters) changed somewhere.
pub async fn changed(gw: &Gateway, room: &str) {
    let done = if room == SITE_RULES {
        gw.rules.reload_site(&gw.ctx.store).await
    } else {
        match RoomName::parse(room) {
            // A room nobody joined here yet is read at its first login.
            Ok(room) if gw.rules.room(&room).is_some() => refresh(gw, &room).await,
            Ok(_) => Ok(()),
            Err(_) => return tracing::warn!("rules of a room that cannot exist"),
        }
    };
    if let Err(e) = done {
        tracing::error!("reloading the rules of {room}: {e}");
    }
}

/// After a lost link to the shared state, announcements may have been missed: read again.
pub async fn resync(gw: &Gateway) {
    changed(gw, SITE_RULES).await;
    for room in gw.rules.cached_rooms() {
        changed(gw, &room).await;
    }
}

/// A change asked for in the chat: checked and stored, in force here at once, then announced.
pub async fn change(gw: &Gateway, socket: &Socket, login: &Login, change: RuleChange) {
    let room = &login.room;
    match gw
        .ctx
        .store
        .change_rules(room, &change, &login.member.username)
        .await
    {
        Ok(Ok(())) => {}
        Ok(Err(refused)) => return socket.send(&Outgoing::server(refused.to_string())),
        Err(e) => {
            tracing::error!("storing a rule of {room}: {e}");
            return socket.send(&Outgoing::error("Could not save the rule, try again."));
        }
    }
    socket.send(&Outgoing::server(change.confirmation(false)));
    if let Err(e) = refresh(gw, room).await {
        tracing::error!("reloading the rules of {room}: {e}");
    }
    let news = Announcement::RulesChanged {
        room: room.to_string(),
    };
    if let Err(e) = gw.state.announce(&news).await {
        tracing::error!("announcing a rule change: {e}");
    }
}

/// `/filter list`: the room's filters, then the site's.
pub fn list(gw: &Gateway, socket: &Socket, login: &Login) {
    let room = gw.rules.room(&login.room).unwrap_or_default();
    let site = gw.rules.site();
    let lines = |what: &str, list: &[Filter]| match list.is_empty() {
        true => format!("{what}: none"),
        false => format!(
            "{what}: {}",
            list.iter()
                .map(Filter::display)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    socket.send(&Outgoing::server(lines(
        "Room filters",
        &room.rules.filters,
    )));
    socket.send(&Outgoing::server(lines("Site-wide filters", &site.list)));
}

/// Whether a line (`text`) or a drawing (`None`) of this socket may go to the room now; when
/// not, the sender is told why (and a filtered line is recorded, never shown to anyone).
pub fn allows(gw: &Gateway, socket: &Socket, login: &Login, text: Option<&str>) -> bool {
    // Rules are loaded at login; a room without them here has none to check.
    let Some(rules) = gw.rules.room(&login.room) else {
        return true;
    };
    let me = &login.member;
    let since = socket
        .last_line
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .map(|t| t.elapsed());
    let emotes = gw.caches.emotes();
    let is_custom = |a: &str| emotes.contains_key(&a.to_ascii_lowercase());
    let site = gw.rules.site();
    let verdict = rules
        .poster(me.kind, me.registered)
        .and_then(|()| rules.check(&site.set, me.kind, text, since, &is_custom));
    match verdict {
        Ok(()) => true,
        Err(refusal) => {
            if refusal == rsstreaming_shared::chat::room_rules::Refusal::Blocked {
                gw.audit.record(NewEvent::now(
                    &login.room,
                    event_kind::BLOCKED,
                    serde_json::json!({"username": me.username, "message": text}),
                ));
            }
            socket.send(&Outgoing::server(refusal.to_string()));
            false
        }
    }
}

/// Marks that this socket just posted (slow mode counts from here). Staff are not counted.
pub fn posted(socket: &Socket, kind: ChatterType) {
    if kind == ChatterType::Normal {
        *socket.last_line.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
    }
}
