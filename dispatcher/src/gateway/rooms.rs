//! This instance's sockets, and its logged-in sockets by room: local delivery.
//!
//! A frame is serialised once and handed to every recipient as the same reference-counted
//! bytes; each socket's queue is bounded (see [`Socket::push`]).

use super::socket::Socket;
use rsstreaming_shared::names::RoomName;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tokio_tungstenite::tungstenite::Message;

/// Sockets by id.
type Sockets = HashMap<Arc<str>, Arc<Socket>>;

/// This instance's sockets, and its logged-in sockets by room.
#[derive(Default)]
pub struct Rooms {
    sockets: RwLock<Sockets>,
    rooms: RwLock<HashMap<RoomName, Sockets>>,
}

impl Rooms {
    pub fn add_socket(&self, s: &Arc<Socket>) {
        write(&self.sockets).insert(s.id.clone(), s.clone());
    }

    pub fn remove_socket(&self, id: &str) {
        write(&self.sockets).remove(id);
    }

    pub fn socket_count(&self) -> usize {
        read(&self.sockets).len()
    }

    pub fn all_sockets(&self) -> Vec<Arc<Socket>> {
        read(&self.sockets).values().cloned().collect()
    }

    pub fn socket(&self, id: &str) -> Option<Arc<Socket>> {
        read(&self.sockets).get(id).cloned()
    }

    pub fn join(&self, room: &RoomName, s: &Arc<Socket>) {
        write(&self.rooms)
            .entry(room.clone())
            .or_default()
            .insert(s.id.clone(), s.clone());
    }

    pub fn leave(&self, room: &RoomName, id: &str) {
        let mut rooms = write(&self.rooms);
        if let Some(r) = rooms.get_mut(room) {
            r.remove(id);
            if r.is_empty() {
                rooms.remove(room);
            }
        }
    }

    /// Logged-in sockets of every room, for resynchronising with the shared state.
    pub fn logged_in(&self) -> Vec<Arc<Socket>> {
        read(&self.rooms)
            .values()
            .flat_map(|r| r.values().cloned())
            .collect()
    }

    /// Queues `msg` on every logged-in socket of `room` (but `except`).
    pub fn deliver(&self, room: &RoomName, msg: &Message, except: Option<&str>) {
        let rooms = read(&self.rooms);
        if let Some(r) = rooms.get(room) {
            for s in r.values() {
                if except != Some(&*s.id) {
                    s.push(msg.clone());
                }
            }
        }
    }

    /// Queues `msg` on every socket of this instance, logged in or not.
    pub fn deliver_all(&self, msg: &Message) {
        for s in read(&self.sockets).values() {
            s.push(msg.clone());
        }
    }
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::socket::{frame, QUEUE};
    use rsstreaming_shared::chat::Outgoing;

    #[tokio::test]
    async fn a_full_queue_closes_the_socket_not_the_room() {
        let (slow, _rx_kept_unread) = Socket::new("i.1".into());
        let (fast, mut rx) = Socket::new("i.2".into());
        let local = Rooms::default();
        let room = RoomName::parse("room").unwrap();
        local.join(&room, &slow);
        local.join(&room, &fast);
        let msg = frame(&Outgoing::server("x"));
        for _ in 0..QUEUE + 1 {
            local.deliver(&room, &msg, None);
            while rx.try_recv().is_ok() {}
        }
        assert!(slow.is_closing());
        assert!(!fast.is_closing());
    }
}
