//! The in-process backend: for one `rsstreaming serve` with no Redis.

use super::{Announcement, SharedState, StateResult};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Shared state held in this process.
pub struct MemoryState {
    throttles: Mutex<HashMap<String, Vec<Instant>>>,
    announcements: broadcast::Sender<Announcement>,
}

impl Default for MemoryState {
    fn default() -> Self {
        Self {
            throttles: Mutex::new(HashMap::new()),
            announcements: broadcast::channel(1024).0,
        }
    }
}

impl MemoryState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Announcements made through this state, for the gateway of this process.
    pub fn subscribe_announcements(&self) -> broadcast::Receiver<Announcement> {
        self.announcements.subscribe()
    }
}

#[async_trait]
impl SharedState for MemoryState {
    async fn viewer_count(&self, _room: &str) -> StateResult<usize> {
        Ok(0)
    }

    async fn members(&self, _room: &str) -> StateResult<Vec<String>> {
        Ok(Vec::new())
    }

    async fn announce(&self, announcement: &Announcement) -> StateResult<()> {
        // No receiver (no gateway yet) is not an error: nobody is there to see it.
        let _ = self.announcements.send(announcement.clone());
        Ok(())
    }

    async fn throttle(&self, bucket: &str, max: u32, window_secs: u64) -> StateResult<bool> {
        let now = Instant::now();
        let window = Duration::from_secs(window_secs);
        let mut map = self.throttles.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, hits| hits.last().is_some_and(|t| now.duration_since(*t) < window));
        }
        let hits = map.entry(bucket.to_string()).or_default();
        hits.retain(|t| now.duration_since(*t) < window);
        hits.push(now);
        Ok(hits.len() <= max as usize)
    }
}
