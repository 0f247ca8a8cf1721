//! Messages posted by another process (CLI `message send`) for gateways that share no Redis
//! with it: they poll this table. With Redis configured, messages travel over pub/sub instead.

use super::{now_ms, Store, StoreResult};

/// The outbox kind of "this room's sanctions changed" (not a line: the gateways read the
/// room's bans again), for a process without Redis to announce it on.
pub const OUTBOX_SANCTIONS: &str = "sanctions";

/// The `kind` of an outbox row that is no line but a notice: the rules of its room (or `*`,
/// the site's filters) changed, so gateways read them again.
pub const RULES_CHANGED: &str = "rules";

/// One message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub room: String,
    /// `normal`, `action` or `server` (a line), or [`OUTBOX_SANCTIONS`].
    pub kind: String,
    pub message: String,
    pub created_at: i64,
}

impl Store {
    /// Queues a message for the room's gateways.
    pub async fn push_outbox(&self, room: &str, kind: &str, message: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO outbox (room, kind, message, created_at) VALUES (?, ?, ?, ?)")
            .bind(room.to_ascii_lowercase())
            .bind(kind)
            .bind(message)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Messages newer than `after_id`, oldest first.
    pub async fn outbox_after(&self, after_id: i64) -> StoreResult<Vec<OutboxMessage>> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT id, room, kind, message, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT 500",
        )
        .bind(after_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    room: super::text(r, "room")?,
                    kind: super::text(r, "kind")?,
                    message: super::text(r, "message")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The newest outbox id, where a freshly started gateway begins (old messages are not
    /// replayed to whoever joins later).
    pub async fn outbox_head(&self) -> StoreResult<i64> {
        let row: (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM outbox")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.0.unwrap_or(0))
    }

    /// Drops outbox rows older than `max_age_ms`.
    pub async fn prune_outbox(&self, max_age_ms: i64) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM outbox WHERE created_at < ?")
            .bind(now_ms() - max_age_ms)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }
}
