//! The in-process backend's history: per room a ring of the last lines, bounded by count and
//! bytes as the Redis list is (oldest first out), lines past the TTL dropped as they are met
//! and rooms that went quiet for the TTL dropped by the sweep.

use crate::chat::line::{HISTORY_BYTES, HISTORY_LINES};
use crate::chat::HistoryLine;
use std::collections::{HashMap, VecDeque};

#[derive(Default)]
struct Ring {
    /// Oldest first.
    lines: VecDeque<HistoryLine>,
    bytes: usize,
}

impl Ring {
    fn pop_oldest(&mut self) {
        if let Some(old) = self.lines.pop_front() {
            self.bytes -= old.bytes();
        }
    }

    fn drop_stale(&mut self, now_ms: i64) {
        while self.lines.front().is_some_and(|l| !l.fresh(now_ms)) {
            self.pop_oldest();
        }
    }
}

#[derive(Default)]
pub(super) struct HistoryRings {
    rooms: HashMap<String, Ring>,
}

impl HistoryRings {
    pub fn append(&mut self, room: &str, line: &HistoryLine, now_ms: i64) {
        let ring = self.rooms.entry(room.to_string()).or_default();
        ring.bytes += line.bytes();
        ring.lines.push_back(line.clone());
        // The newest line stays even when it alone is over the byte budget.
        while ring.lines.len() > 1
            && (ring.lines.len() > HISTORY_LINES || ring.bytes > HISTORY_BYTES)
        {
            ring.pop_oldest();
        }
        ring.drop_stale(now_ms);
    }

    pub fn lines(&self, room: &str, now_ms: i64) -> Vec<HistoryLine> {
        self.rooms.get(room).map_or_else(Vec::new, |r| {
            r.lines
                .iter()
                .filter(|l| l.fresh(now_ms))
                .cloned()
                .collect()
        })
    }

    pub fn remove(&mut self, room: &str, id: &str) -> Option<HistoryLine> {
        let ring = self.rooms.get_mut(room)?;
        let at = ring.lines.iter().position(|l| l.id == id)?;
        let removed = ring.lines.remove(at)?;
        ring.bytes -= removed.bytes();
        Some(removed)
    }

    /// Drops lines past the TTL and the rooms left empty.
    pub fn sweep(&mut self, now_ms: i64) {
        for ring in self.rooms.values_mut() {
            ring.drop_stale(now_ms);
        }
        self.rooms.retain(|_, r| !r.lines.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize, len: usize) -> HistoryLine {
        HistoryLine {
            id: format!("id{n}"),
            timestamp: 1_000,
            item: "x".repeat(len),
            replay: true,
        }
    }

    #[test]
    fn rings_are_bounded_by_count_and_bytes() {
        let mut rings = HistoryRings::default();
        for n in 0..60 {
            rings.append("r", &line(n, 10), 2_000);
        }
        let kept = rings.lines("r", 2_000);
        assert_eq!(kept.len(), HISTORY_LINES);
        assert_eq!(kept[0].id, "id10");
        let big = HISTORY_BYTES / 3;
        for n in 100..104 {
            rings.append("r", &line(n, big), 2_000);
        }
        let kept = rings.lines("r", 2_000);
        assert_eq!(
            kept.len(),
            2,
            "{:?}",
            kept.iter().map(|l| &l.id).collect::<Vec<_>>()
        );
        assert_eq!(
            rings.remove("r", "id103").map(|l| l.id),
            Some("id103".into())
        );
        assert_eq!(rings.remove("r", "id103"), None);
        rings.sweep(1_000 + crate::chat::line::HISTORY_TTL.as_millis() as i64);
        assert!(rings.rooms.is_empty());
    }
}
