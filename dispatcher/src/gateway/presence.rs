//! Who watches which stream: presence touches gathered and written in one round trip a second,
//! and viewer-count changes logged (once, whichever instance sees them first).

use super::socket::Socket;
use super::Gateway;
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::state::ChatState;
use rsstreaming_shared::store::{event_kind, NewEvent};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

const PRESENCE_FLUSH: Duration = Duration::from_secs(1);
const VIEWER_CHECK: Duration = Duration::from_secs(5);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Default)]
pub struct Presence {
    pending: Mutex<HashMap<Arc<str>, String>>,
    moved: Mutex<Vec<(String, Arc<str>)>>,
}

impl Presence {
    /// Counts the socket as a viewer of `room` (and no longer of the room it watched before).
    pub fn touch(&self, socket: &Socket, room: &RoomName) {
        let mut current = lock(&socket.presence);
        if current.as_deref() != Some(room.as_str()) {
            if let Some(old) = current.replace(room.to_string()) {
                lock(&self.moved).push((old, socket.id.clone()));
            }
        }
        drop(current);
        lock(&self.pending).insert(socket.id.clone(), room.to_string());
    }

    /// The socket closed: it is no longer a viewer anywhere.
    pub async fn forget(&self, state: &dyn ChatState, socket: &Socket) {
        lock(&self.pending).remove(&socket.id);
        let room = lock(&socket.presence).take();
        if let Some(room) = room {
            if let Err(e) = state.drop_presence(&room, &socket.id).await {
                tracing::debug!("dropping presence: {e}");
            }
        }
    }

    async fn flush(&self, state: &dyn ChatState) {
        let pending: Vec<(String, String)> = lock(&self.pending)
            .drain()
            .map(|(s, r)| (r, s.to_string()))
            .collect();
        let moved = std::mem::take(&mut *lock(&self.moved));
        for (room, socket) in moved {
            let _ = state.drop_presence(&room, &socket).await;
        }
        if let Err(e) = state.touch_presence(&pending).await {
            tracing::warn!("presence not recorded: {e}");
            // Keep them for the next round rather than losing viewers for a blip.
            let mut p = lock(&self.pending);
            for (room, socket) in pending {
                p.entry(socket.into()).or_insert(room);
            }
        }
    }
}

pub async fn flush_loop(gw: Arc<Gateway>) {
    let mut tick = tokio::time::interval(PRESENCE_FLUSH);
    loop {
        tick.tick().await;
        gw.presence.flush(gw.state.as_ref()).await;
    }
}

/// Logs viewer-count changes (once, whichever instance sees them first).
pub async fn viewers_loop(gw: Arc<Gateway>) {
    let mut tick = tokio::time::interval(VIEWER_CHECK);
    loop {
        tick.tick().await;
        let Ok(rooms) = gw.state.presence_rooms().await else {
            continue;
        };
        for room in rooms {
            let Ok(count) = gw.state.viewer_count(&room).await else {
                continue;
            };
            if let Ok(true) = gw.state.note_viewers(&room, count).await {
                gw.audit.record(NewEvent::now(
                    &room,
                    event_kind::VIEWERS,
                    serde_json::json!({"count": count}),
                ));
            }
        }
    }
}
