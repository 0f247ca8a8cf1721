//! History in Redis: `P:history:{room}` a list of entries `id\ntimestamp\nreplay\nitem`
//! (`replay` 1 or 0), newest first,
//! and `P:history_bytes:{room}` their size; appending and removing are one script each, so the
//! bounds hold whichever instance writes.

use super::scripts::{HISTORY_APPEND, HISTORY_REMOVE};
use super::{unavailable, RedisState};
use crate::chat::line::{HISTORY_BYTES, HISTORY_LINES, HISTORY_TTL};
use crate::chat::HistoryLine;
use crate::state::{now_ms, StateResult};
use fred::interfaces::ListInterface;

fn entry(line: &HistoryLine) -> String {
    let replay = u8::from(line.replay);
    format!("{}\n{}\n{replay}\n{}", line.id, line.timestamp, line.item)
}

fn parse_entry(entry: &str) -> Option<HistoryLine> {
    let mut parts = entry.splitn(4, '\n');
    let id = parts.next()?.to_string();
    let timestamp = parts.next()?.parse().ok()?;
    let replay = parts.next()? == "1";
    let item = parts.next()?.to_string();
    Some(HistoryLine {
        id,
        timestamp,
        item,
        replay,
    })
}

impl RedisState {
    fn history_keys(&self, room: &str) -> Vec<String> {
        vec![self.key("history", room), self.key("history_bytes", room)]
    }

    pub(super) async fn append_history_entry(
        &self,
        room: &str,
        line: &HistoryLine,
    ) -> StateResult<()> {
        let _: i64 = self
            .eval(
                HISTORY_APPEND,
                self.history_keys(room),
                vec![
                    entry(line).into(),
                    (HISTORY_LINES as i64).into(),
                    (HISTORY_BYTES as i64).into(),
                    (HISTORY_TTL.as_millis() as i64).into(),
                ],
            )
            .await?;
        Ok(())
    }

    pub(super) async fn history_entries(&self, room: &str) -> StateResult<Vec<HistoryLine>> {
        let entries: Vec<String> = self
            .client
            .lrange(self.key("history", room), 0, -1)
            .await
            .map_err(unavailable)?;
        let now = now_ms();
        Ok(entries
            .iter()
            .rev()
            .filter_map(|e| parse_entry(e))
            .filter(|l| l.fresh(now))
            .collect())
    }

    pub(super) async fn remove_history_entry(
        &self,
        room: &str,
        id: &str,
    ) -> StateResult<Option<HistoryLine>> {
        let removed: Option<String> = self
            .eval(HISTORY_REMOVE, self.history_keys(room), vec![id.into()])
            .await?;
        Ok(removed.as_deref().and_then(parse_entry))
    }
}
