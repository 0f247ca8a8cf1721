//! Chat lines as a room keeps them (SPEC §7): the id and time every `message received`,
//! `action received` and `drawing received` carries, and the history entry a joiner is sent —
//! the same payload with its `event` name.

use super::member::ChatterType;
use super::protocol::Outgoing;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Most lines a room's history keeps.
pub const HISTORY_LINES: usize = 50;
/// Most bytes a room's history keeps (drawings are up to 192 KiB each): older lines go first.
pub const HISTORY_BYTES: usize = 2 * 1024 * 1024;
/// How long a line stays in history.
pub const HISTORY_TTL: Duration = Duration::from_secs(24 * 3600);

/// The id and time of one chat line. The id is unique across instances and processes without
/// coordination: the time in ms and 64 random bits, in hex (safe in a URL and a command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineStamp {
    pub id: String,
    /// Unix ms.
    pub timestamp: i64,
}

impl LineStamp {
    /// A new line's stamp, now.
    pub fn now() -> Self {
        Self::at(crate::store::now_ms())
    }

    /// A new line's stamp at `timestamp` (unix ms).
    pub fn at(timestamp: i64) -> Self {
        Self {
            id: format!("{timestamp:x}-{:016x}", rand::random::<u64>()),
            timestamp,
        }
    }
}

/// One line of a room's history: its id and time (what the backends keep it by) and the
/// history item as JSON — the `*received` payload with an `event` field, as pages get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub id: String,
    pub timestamp: i64,
    pub item: String,
    /// Whether joiners get it. A line posted through the API or the CLI is kept only so it can
    /// be deleted: SPEC §5 has it reach whoever is in the chat then, never a later joiner.
    pub replay: bool,
}

/// Who wrote a history line, read back from its item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Author {
    pub username: String,
    #[serde(rename = "type")]
    pub kind: ChatterType,
}

impl HistoryLine {
    /// The history entry of a chat line frame; `None` for any other frame.
    pub fn of(out: &Outgoing) -> Option<Self> {
        let stamp = out.stamp()?.clone();
        let serde_json::Value::Object(mut frame) = serde_json::to_value(out).ok()? else {
            return None;
        };
        let event = frame.remove("event")?;
        let serde_json::Value::Object(mut item) = frame.remove("data")? else {
            return None;
        };
        item.insert("event".into(), event);
        Some(Self {
            id: stamp.id,
            timestamp: stamp.timestamp,
            item: serde_json::Value::Object(item).to_string(),
            replay: true,
        })
    }

    /// This line kept for deletion only, never sent to joiners.
    pub fn quiet(self) -> Self {
        Self {
            replay: false,
            ..self
        }
    }

    /// Who wrote it (`None` for an item that does not say).
    pub fn author(&self) -> Option<Author> {
        serde_json::from_str(&self.item).ok()
    }

    /// The item as JSON for the `history` frame.
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.item).unwrap_or(serde_json::Value::Null)
    }

    /// What the line counts against [`HISTORY_BYTES`].
    pub fn bytes(&self) -> usize {
        self.id.len() + self.item.len() + 16
    }

    /// Whether the line is younger than [`HISTORY_TTL`] at `now_ms`.
    pub fn fresh(&self, now_ms: i64) -> bool {
        now_ms - self.timestamp < HISTORY_TTL.as_millis() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_distinct_and_url_safe() {
        let (a, b) = (LineStamp::at(5), LineStamp::at(5));
        assert_ne!(a.id, b.id);
        assert!(a.id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    }

    #[test]
    fn history_items_are_payloads_with_their_event() {
        let stamp = LineStamp::at(1_700_000_000_000);
        let out = Outgoing::ActionReceived(crate::chat::protocol::Said {
            username: "Bob".into(),
            kind: ChatterType::Moderator,
            color: "#ff0000".into(),
            message: "waves".into(),
            stamp: stamp.clone(),
        });
        let line = HistoryLine::of(&out).unwrap();
        assert_eq!(line.id, stamp.id);
        assert_eq!(
            line.value(),
            serde_json::json!({"event": "action received", "username": "Bob", "type": "moderator",
                "color": "#ff0000", "message": "waves", "id": stamp.id, "timestamp": stamp.timestamp})
        );
        assert_eq!(
            line.author(),
            Some(Author {
                username: "Bob".into(),
                kind: ChatterType::Moderator
            })
        );
        assert!(line.fresh(stamp.timestamp + 1000));
        assert!(!line.fresh(stamp.timestamp + HISTORY_TTL.as_millis() as i64));
        assert_eq!(HistoryLine::of(&Outgoing::server("hi")), None);
    }
}
