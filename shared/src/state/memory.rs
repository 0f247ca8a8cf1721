//! The in-process backend: for one `rsstreaming serve` with no Redis. It follows the same model
//! as the Redis backend (a hub that several instances can share, heartbeats, compare-and-set),
//! so the conformance suite can hold both to the same behaviour, multi-instance cases included.

use super::{history_ring::HistoryRings, mute_table::MuteTable, MuteBinding};
use super::{
    new_instance_id, now_ms, Announcement, ChatState, Inbound, Replace, SharedState, StateOptions,
    StateResult, WindowCount, PRESENCE_WINDOW_MS,
};
use crate::chat::{member::instance_of, HistoryLine, Member};
use async_trait::async_trait;
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How many undelivered payloads an instance's inbound queue holds.
const INBOUND_CAPACITY: usize = 65_536;

#[derive(Default)]
struct RoomRoster {
    /// Case-folded name → socket holding it.
    names: HashMap<String, String>,
    /// Socket → entry.
    entries: HashMap<String, Member>,
}

#[derive(Default)]
struct HubState {
    rosters: HashMap<String, RoomRoster>,
    /// Room → socket → last seen (ms).
    presence: HashMap<String, HashMap<String, i64>>,
    viewers_noted: HashMap<String, usize>,
    /// Instance → when its heartbeat lapses.
    alive_until: HashMap<String, Instant>,
    subscribers: HashMap<String, Subscriber>,
}

/// Budget counters: one fixed entry per bucket (its count and when its window closes), under
/// their own lock so a flood of failed logins never waits on, or stalls, the chat rosters.
#[derive(Default)]
struct Counters {
    windows: HashMap<String, (Instant, i64)>,
    /// Closed windows are swept once the map grows past this (then twice what is left), so a
    /// sweep costs O(1) amortised per call.
    sweep_at: usize,
}

impl Counters {
    const MIN_SWEEP: usize = 10_000;

    fn add(&mut self, bucket: &str, window: Duration, delta: i64) -> WindowCount {
        let now = Instant::now();
        if self.windows.len() >= self.sweep_at.max(Self::MIN_SWEEP) {
            self.windows.retain(|_, (ends, _)| *ends > now);
            self.sweep_at = self.windows.len() * 2;
        }
        let entry = match self.windows.get_mut(bucket) {
            Some(e) if e.0 > now => e,
            _ if delta <= 0 => {
                return WindowCount {
                    hits: 0,
                    resets_in: Duration::ZERO,
                }
            }
            _ => {
                self.windows.insert(bucket.to_string(), (now + window, 0));
                self.windows.get_mut(bucket).expect("just inserted")
            }
        };
        entry.1 = entry.1.saturating_add(delta).max(0);
        WindowCount {
            hits: entry.1,
            resets_in: entry.0.saturating_duration_since(now),
        }
    }
}

struct Subscriber {
    tx: mpsc::Sender<Inbound>,
    rooms: HashSet<String>,
}

/// The state all instances of one hub share.
#[derive(Default)]
struct Hub {
    state: Mutex<HubState>,
    counters: Mutex<Counters>,
    mutes: Mutex<MuteTable>,
    history: Mutex<HistoryRings>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, HubState> {
        // A panic elsewhere must not take the chat down with it: the data stays consistent
        // because every critical section below is a handful of map operations.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Shared state held in this process: one instance attached to a hub.
pub struct MemoryState {
    hub: Arc<Hub>,
    instance: String,
    options: StateOptions,
}

impl Default for MemoryState {
    fn default() -> Self {
        Self::with_options(StateOptions::default())
    }
}

impl MemoryState {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_options(options: StateOptions) -> Self {
        let s = Self {
            hub: Arc::default(),
            instance: new_instance_id(),
            options,
        };
        s.mark_alive();
        s
    }

    /// Another instance sharing this one's hub, as a second gateway process shares a Redis.
    pub fn peer(&self) -> Self {
        let s = Self {
            hub: self.hub.clone(),
            instance: new_instance_id(),
            options: self.options.clone(),
        };
        s.mark_alive();
        s
    }

    fn mark_alive(&self) {
        let until = Instant::now() + self.options.instance_ttl;
        self.hub
            .lock()
            .alive_until
            .insert(self.instance.clone(), until);
    }

    /// Senders of every subscribed instance following `room` (all of them when `None`).
    fn receivers(&self, room: Option<&str>) -> Vec<mpsc::Sender<Inbound>> {
        self.hub
            .lock()
            .subscribers
            .values()
            .filter(|s| room.is_none_or(|r| s.rooms.contains(r)))
            .map(|s| s.tx.clone())
            .collect()
    }
}

#[async_trait]
impl SharedState for MemoryState {
    async fn ping(&self) -> StateResult<()> {
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "in-process"
    }

    async fn viewer_count(&self, room: &str) -> StateResult<usize> {
        let since = now_ms() - PRESENCE_WINDOW_MS;
        Ok(self
            .hub
            .lock()
            .presence
            .get(room)
            .map_or(0, |p| p.values().filter(|&&t| t > since).count()))
    }

    async fn members(&self, room: &str) -> StateResult<Vec<String>> {
        let mut names: Vec<String> = self
            .hub
            .lock()
            .rosters
            .get(room)
            .map(|r| r.entries.values().map(|m| m.username.clone()).collect())
            .unwrap_or_default();
        names.sort_by_key(|n| n.to_lowercase());
        Ok(names)
    }

    async fn announce(&self, announcement: &Announcement) -> StateResult<()> {
        for tx in self.receivers(None) {
            // An instance that went away is not an error: nobody is there to see it.
            let _ = tx.send(Inbound::Announcement(announcement.clone())).await;
        }
        Ok(())
    }

    async fn count(&self, bucket: &str, window_secs: u64, delta: i64) -> StateResult<WindowCount> {
        let mut counters = lock(&self.hub.counters);
        Ok(counters.add(bucket, Duration::from_secs(window_secs), delta))
    }

    async fn append_history(&self, room: &str, line: &HistoryLine) -> StateResult<()> {
        lock(&self.hub.history).append(room, line, now_ms());
        Ok(())
    }

    async fn history(&self, room: &str) -> StateResult<Vec<HistoryLine>> {
        Ok(lock(&self.hub.history).lines(room, now_ms()))
    }

    async fn remove_history(&self, room: &str, id: &str) -> StateResult<Option<HistoryLine>> {
        Ok(lock(&self.hub.history).remove(room, id))
    }

    fn chat(self: Arc<Self>) -> Option<Arc<dyn ChatState>> {
        Some(self)
    }
}

#[async_trait]
impl ChatState for MemoryState {
    fn instance_id(&self) -> &str {
        &self.instance
    }

    async fn claim(&self, room: &str, member: &Member) -> StateResult<bool> {
        let mut hub = self.hub.lock();
        let roster = hub.rosters.entry(room.to_string()).or_default();
        match roster.names.get(&member.key) {
            Some(holder) if *holder != member.socket => return Ok(false),
            _ => {}
        }
        roster
            .names
            .insert(member.key.clone(), member.socket.clone());
        roster.entries.insert(member.socket.clone(), member.clone());
        Ok(true)
    }

    async fn replace(&self, room: &str, before: &Member, after: &Member) -> StateResult<Replace> {
        let mut hub = self.hub.lock();
        let Some(roster) = hub.rosters.get_mut(room) else {
            return Ok(Replace::Stale);
        };
        if roster.entries.get(&before.socket) != Some(before) {
            return Ok(Replace::Stale);
        }
        if before.key != after.key {
            if roster
                .names
                .get(&after.key)
                .is_some_and(|h| *h != before.socket)
            {
                return Ok(Replace::Taken);
            }
            roster.names.remove(&before.key);
            roster
                .names
                .insert(after.key.clone(), before.socket.clone());
        }
        roster.entries.insert(before.socket.clone(), after.clone());
        Ok(Replace::Done)
    }

    async fn release(&self, room: &str, socket: &str) -> StateResult<Option<Member>> {
        let mut hub = self.hub.lock();
        let Some(roster) = hub.rosters.get_mut(room) else {
            return Ok(None);
        };
        let removed = roster.entries.remove(socket);
        if let Some(m) = &removed {
            if roster.names.get(&m.key).is_some_and(|h| h == socket) {
                roster.names.remove(&m.key);
            }
        }
        if roster.entries.is_empty() {
            hub.rosters.remove(room);
        }
        Ok(removed)
    }

    async fn roster(&self, room: &str) -> StateResult<Vec<Member>> {
        let mut all: Vec<Member> = self
            .hub
            .lock()
            .rosters
            .get(room)
            .map(|r| r.entries.values().cloned().collect())
            .unwrap_or_default();
        all.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(all)
    }

    /// Selects the first `n` by key among references and copies only those: a login into a room
    /// of thousands copies a hundred entries, not thousands.
    async fn roster_head(&self, room: &str, n: usize) -> StateResult<(Vec<Member>, usize)> {
        let hub = self.hub.lock();
        let Some(roster) = hub.rosters.get(room) else {
            return Ok((Vec::new(), 0));
        };
        let mut refs: Vec<&Member> = roster.entries.values().collect();
        let count = refs.len();
        if n < count {
            refs.select_nth_unstable_by(n, |a, b| a.key.cmp(&b.key));
            refs.truncate(n);
        }
        refs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok((refs.into_iter().cloned().collect(), count))
    }

    async fn member(&self, room: &str, socket: &str) -> StateResult<Option<Member>> {
        Ok(self
            .hub
            .lock()
            .rosters
            .get(room)
            .and_then(|r| r.entries.get(socket).cloned()))
    }

    async fn publish(&self, room: &str, payload: Bytes) -> StateResult<()> {
        for tx in self.receivers(Some(room)) {
            let _ = tx
                .send(Inbound::Room {
                    room: room.to_string(),
                    payload: payload.clone(),
                })
                .await;
        }
        Ok(())
    }

    async fn follow(&self, room: &str) -> StateResult<()> {
        if let Some(s) = self.hub.lock().subscribers.get_mut(&self.instance) {
            s.rooms.insert(room.to_string());
        }
        Ok(())
    }

    async fn unfollow(&self, room: &str) -> StateResult<()> {
        if let Some(s) = self.hub.lock().subscribers.get_mut(&self.instance) {
            s.rooms.remove(room);
        }
        Ok(())
    }

    async fn subscribe(&self) -> StateResult<mpsc::Receiver<Inbound>> {
        let (tx, rx) = mpsc::channel(INBOUND_CAPACITY);
        let mut hub = self.hub.lock();
        let rooms = hub
            .subscribers
            .remove(&self.instance)
            .map(|s| s.rooms)
            .unwrap_or_default();
        hub.subscribers
            .insert(self.instance.clone(), Subscriber { tx, rooms });
        Ok(rx)
    }

    async fn touch_presence(&self, seen: &[(String, String)]) -> StateResult<()> {
        let now = now_ms();
        let mut hub = self.hub.lock();
        for (room, socket) in seen {
            hub.presence
                .entry(room.clone())
                .or_default()
                .insert(socket.clone(), now);
        }
        Ok(())
    }

    async fn drop_presence(&self, room: &str, socket: &str) -> StateResult<()> {
        if let Some(p) = self.hub.lock().presence.get_mut(room) {
            p.remove(socket);
        }
        Ok(())
    }

    async fn presence_rooms(&self) -> StateResult<Vec<String>> {
        let hub = self.hub.lock();
        let mut rooms: HashSet<String> = hub.presence.keys().cloned().collect();
        rooms.extend(
            hub.viewers_noted
                .iter()
                .filter(|(_, &c)| c > 0)
                .map(|(r, _)| r.clone()),
        );
        Ok(rooms.into_iter().collect())
    }

    async fn note_viewers(&self, room: &str, count: usize) -> StateResult<bool> {
        let old = self
            .hub
            .lock()
            .viewers_noted
            .insert(room.to_string(), count)
            .unwrap_or(0);
        Ok(old != count)
    }

    async fn heartbeat(&self) -> StateResult<()> {
        self.mark_alive();
        Ok(())
    }

    async fn bind_mute(&self, room: &str, mute: &MuteBinding) -> StateResult<()> {
        lock(&self.hub.mutes).bind(room, mute);
        Ok(())
    }

    async fn lift_mute(&self, room: &str, name_key: &str, addr: Option<&str>) -> StateResult<()> {
        lock(&self.hub.mutes).lift(room, name_key, addr);
        Ok(())
    }

    async fn is_muted(&self, room: &str, name_key: &str, addr: Option<&str>) -> StateResult<bool> {
        Ok(lock(&self.hub.mutes).is_muted(room, name_key, addr))
    }

    async fn sweep(&self) -> StateResult<Vec<(String, Member)>> {
        lock(&self.hub.history).sweep(now_ms());
        let now = Instant::now();
        let since = now_ms() - PRESENCE_WINDOW_MS;
        let mut hub = self.hub.lock();
        let alive: HashSet<String> = hub
            .alive_until
            .iter()
            .filter(|(_, &until)| until > now)
            .map(|(i, _)| i.clone())
            .collect();
        hub.alive_until.retain(|i, _| alive.contains(i));
        let mut removed = Vec::new();
        for (room, roster) in hub.rosters.iter_mut() {
            let dead: Vec<String> = roster
                .entries
                .keys()
                .filter(|s| !alive.contains(instance_of(s)))
                .cloned()
                .collect();
            for socket in dead {
                if let Some(m) = roster.entries.remove(&socket) {
                    if roster.names.get(&m.key).is_some_and(|h| *h == socket) {
                        roster.names.remove(&m.key);
                    }
                    removed.push((room.clone(), m));
                }
            }
        }
        hub.rosters.retain(|_, r| !r.entries.is_empty());
        for p in hub.presence.values_mut() {
            p.retain(|_, &mut t| t > since);
        }
        hub.presence.retain(|_, p| !p.is_empty());
        Ok(removed)
    }
}
