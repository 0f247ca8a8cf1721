//! The events audit log: every join, leave, message, moderation act and stream start/stop.

use super::{now_ms, Store, StoreResult};
use serde::Serialize;
use sqlx::Row;

/// An event to record. `meta` is free-form JSON describing it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub room: String,
    pub kind: &'static str,
    pub meta: serde_json::Value,
    /// When it happened (ms since epoch); recorded in batches, so not "now" at insert time.
    pub ts: i64,
}

impl NewEvent {
    pub fn now(room: &str, kind: &'static str, meta: serde_json::Value) -> Self {
        Self {
            room: room.to_ascii_lowercase(),
            kind,
            meta,
            ts: now_ms(),
        }
    }
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: i64,
    pub ts: i64,
    pub room: String,
    pub kind: String,
    pub meta: serde_json::Value,
}

/// A chat line as the remote-control API returns it (SPEC §4 `GET /api/messages`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatLine {
    #[serde(rename = "type")]
    pub kind: String,
    /// Unix seconds.
    pub timestamp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub message: String,
    /// The line's id (absent on broadcasts and on lines recorded before lines had ids).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Deleted from the chat (`/delete`, `/clear`, the API): kept here for the streamer's records.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// Kinds of event; one place so writers and readers agree.
pub mod kind {
    pub const JOIN: &str = "join";
    pub const LEAVE: &str = "leave";
    pub const RENAME: &str = "rename";
    pub const RECOLOR: &str = "recolor";
    pub const MESSAGE: &str = "message";
    pub const ACTION: &str = "action";
    pub const DRAWING: &str = "drawing";
    /// A chat line deleted (`/delete`, `/clear`, the API): its id, author and who deleted it.
    pub const DELETE: &str = "delete";
    pub const BROADCAST: &str = "broadcast";
    pub const MUTE: &str = "mute";
    pub const UNMUTE: &str = "unmute";
    pub const KICK: &str = "kick";
    pub const BAN: &str = "ban";
    pub const UNBAN: &str = "unban";
    pub const MOD: &str = "mod";
    pub const DEMOD: &str = "demod";
    pub const DESCRIPTION: &str = "description";
    pub const PASSWORD: &str = "password";
    pub const CHAT_SETTING: &str = "chat_setting";
    pub const VIEWERS: &str = "viewers";
    pub const STREAM_START: &str = "stream_start";
    pub const STREAM_STOP: &str = "stream_stop";
    pub const PUBLISH_REFUSED: &str = "publish_refused";
    /// A recording deleted by the streamer (dashboard, API, CLI); meta `id`, `by`.
    pub const RECORDING_DELETE: &str = "recording_delete";
    /// Room rules (SPEC §7): who changed what; `room` is `*` for the site's filters.
    pub const SLOW: &str = "slow";
    pub const EMOTE_ONLY: &str = "emote_only";
    pub const LINKS: &str = "links";
    pub const FILTER_ADD: &str = "filter_add";
    pub const FILTER_REMOVE: &str = "filter_remove";
    pub const PIN: &str = "pin";
    /// A line a filter kept from the room: who, and what.
    pub const BLOCKED: &str = "blocked";
    /// The Mastodon profile link changed (dashboard); meta `mastodon` (null: removed), `by`.
    pub const MASTODON: &str = "mastodon";
    /// The stream page's other profile links were replaced (dashboard).
    pub const PROFILE_LINKS: &str = "profile_links";
    /// The streamer signed in to the dashboard; meta `addr`.
    pub const DASHBOARD_SIGNIN: &str = "dashboard_signin";
    /// A chat name registered or unregistered (SPEC §8); meta `username` (never the password).
    pub const REGISTER: &str = "register";
    pub const UNREGISTER: &str = "unregister";
    /// Who may post (`/chatmode registered|all`); meta `registered`, `by`.
    pub const CHATMODE: &str = "chatmode";
}

impl Store {
    /// Records a batch of events in one transaction (the gateway batches off the hot path).
    pub async fn record_events(&self, events: &[NewEvent]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        insert_events(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records one event.
    pub async fn record_event(&self, event: NewEvent) -> StoreResult<()> {
        self.record_events(std::slice::from_ref(&event)).await
    }

    /// The newest event of a room of one kind.
    pub async fn latest_event(&self, room: &str, kind: &str) -> StoreResult<Option<Event>> {
        let row = sqlx::query(
            "SELECT id, ts, room, kind, meta FROM events WHERE room = ? AND kind = ? ORDER BY id DESC LIMIT 1",
        )
        .bind(room.to_ascii_lowercase())
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| event_from_row(&r)).transpose()
    }

    /// Events of a room (any kind), newest last, at most `limit`.
    pub async fn events(&self, room: &str, limit: i64) -> StoreResult<Vec<Event>> {
        let rows = sqlx::query(
            "SELECT id, ts, room, kind, meta FROM events WHERE room = ? ORDER BY id DESC LIMIT ?",
        )
        .bind(room.to_ascii_lowercase())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut events = rows
            .iter()
            .map(event_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        events.reverse();
        Ok(events)
    }

    /// The chat lines of a room, oldest first: the last `limit` (all when `None`), and only
    /// those after the latest stream start when `last_stream_only` (none → empty).
    pub async fn chat_lines(
        &self,
        room: &str,
        limit: Option<i64>,
        last_stream_only: bool,
    ) -> StoreResult<Vec<ChatLine>> {
        let room = room.to_ascii_lowercase();
        let since = if last_stream_only {
            match self.latest_event(&room, kind::STREAM_START).await? {
                Some(e) => e.id,
                None => return Ok(Vec::new()),
            }
        } else {
            0
        };
        let limit = limit.unwrap_or(i64::MAX).clamp(0, 1_000_000);
        let rows = sqlx::query(
            "SELECT id, ts, room, kind, meta FROM events \
             WHERE room = ? AND kind IN ('message', 'action', 'broadcast') AND id > ? \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(&room)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows.iter().rev() {
            let e = event_from_row(row)?;
            let text = |k: &str| e.meta.get(k).and_then(|v| v.as_str()).map(str::to_string);
            lines.push(ChatLine {
                timestamp: e.ts / 1000,
                name: if e.kind == kind::BROADCAST {
                    None
                } else {
                    text("username")
                },
                message: text("message").unwrap_or_default(),
                id: text("id"),
                kind: e.kind,
                deleted: false,
            });
        }
        let deleted = self.deleted_ids(&room).await?;
        for line in &mut lines {
            line.deleted = line.id.as_ref().is_some_and(|id| deleted.contains(id));
        }
        Ok(lines)
    }

    /// The chat lines (messages, actions, broadcasts) of `room` written from `from` to `to`
    /// (unix ms), oldest first, at most `limit`; deleted lines left out. What a recording's
    /// chat replay shows.
    pub async fn chat_between(
        &self,
        room: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> StoreResult<Vec<Event>> {
        let room = room.to_ascii_lowercase();
        let rows = sqlx::query(
            "SELECT id, ts, room, kind, meta FROM events \
             WHERE room = ? AND kind IN ('message', 'action', 'broadcast') AND ts >= ? AND ts <= ? \
             ORDER BY ts, id LIMIT ?",
        )
        .bind(&room)
        .bind(from)
        .bind(to)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        let deleted = self.deleted_ids(&room).await?;
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            let e = event_from_row(row)?;
            let id = e.meta.get("id").and_then(|v| v.as_str());
            if !id.is_some_and(|id| deleted.contains(id)) {
                events.push(e);
            }
        }
        Ok(events)
    }

    /// The ids of the room's deleted lines (from its `delete` events).
    async fn deleted_ids(&self, room: &str) -> StoreResult<std::collections::HashSet<String>> {
        let rows =
            sqlx::query("SELECT id, ts, room, kind, meta FROM events WHERE room = ? AND kind = ?")
                .bind(room)
                .bind(kind::DELETE)
                .fetch_all(&self.pool)
                .await?;
        let mut ids = std::collections::HashSet::new();
        for row in &rows {
            if let Some(id) = event_from_row(row)?.meta.get("id").and_then(|v| v.as_str()) {
                ids.insert(id.to_string());
            }
        }
        Ok(ids)
    }
}

/// Inserts events on `conn` (a transaction of the caller's), 200 rows a statement.
pub(super) async fn insert_events(
    conn: &mut sqlx::AnyConnection,
    events: &[NewEvent],
) -> StoreResult<()> {
    for chunk in events.chunks(200) {
        let mut sql = String::from("INSERT INTO events (ts, room, kind, meta) VALUES ");
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 {
                "(?, ?, ?, ?)"
            } else {
                ", (?, ?, ?, ?)"
            });
        }
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.ts)
                .bind(e.room.clone())
                .bind(e.kind)
                .bind(e.meta.to_string());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn event_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Event> {
    let meta = super::text(row, "meta")?;
    Ok(Event {
        id: row.try_get("id")?,
        ts: row.try_get("ts")?,
        room: row.try_get("room")?,
        kind: row.try_get("kind")?,
        meta: serde_json::from_str(&meta).unwrap_or(serde_json::Value::Null),
    })
}
