//! Webhooks (SPEC §9): receivers of a room's stream events (or, without a room, every room's),
//! and the queue of deliveries to them. A delivery row is written when the event happens, so a
//! restart loses none; `serve` claims due rows (one instance per row, by compare-and-set on
//! `next_at`), posts them, and marks them delivered, due again later (backoff), or failed once
//! an hour has passed. The rows stay as the delivery log the streamer reads.

use super::{now_ms, opt_text, text, Store, StoreResult};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// How long a delivery is retried before it counts as failed.
pub const RETRY_FOR_MS: i64 = 3_600_000;

/// How long a claimed delivery is left to the instance that claimed it before another may.
pub const CLAIM_MS: i64 = 60_000;

/// The most webhooks one room (or the site) may have.
pub const MAX_WEBHOOKS: i64 = 10;

/// What a receiver gets: rsstreaming's JSON, or a Discord webhook's `{content}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    Json,
    Discord,
}

stored_names!(WebhookFormat {
    Json => "json",
    Discord => "discord",
});

impl std::str::FromStr for WebhookFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::from_name(s).ok_or_else(|| format!("unknown format `{s}`: json or discord"))
    }
}

/// A receiver as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Webhook {
    pub id: i64,
    /// The room whose events it gets; `None`: every room's (site-wide).
    pub room: Option<String>,
    pub url: String,
    pub format: WebhookFormat,
    pub created: i64,
}

/// One delivery: queued, delivered, or given up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    #[serde(skip)]
    pub url: String,
    #[serde(skip)]
    pub format: WebhookFormat,
    pub room: String,
    pub event: String,
    #[serde(skip)]
    pub body: String,
    pub attempts: i64,
    #[serde(skip)]
    pub next_at: i64,
    pub created: i64,
    pub delivered: Option<i64>,
    pub failed: Option<i64>,
    /// The last answer: an HTTP status, or why there was none.
    pub status: Option<String>,
}

fn webhook(r: &AnyRow) -> StoreResult<Webhook> {
    Ok(Webhook {
        id: r.try_get("id")?,
        room: opt_text(r, "room")?,
        url: text(r, "url")?,
        format: text(r, "format")?.parse().unwrap_or(WebhookFormat::Json),
        created: r.try_get("created_at")?,
    })
}

fn delivery(r: &AnyRow) -> StoreResult<Delivery> {
    Ok(Delivery {
        id: r.try_get("id")?,
        webhook_id: r.try_get("webhook_id")?,
        url: text(r, "url")?,
        format: text(r, "format")?.parse().unwrap_or(WebhookFormat::Json),
        room: text(r, "room")?,
        event: text(r, "event")?,
        body: text(r, "body")?,
        attempts: r.try_get("attempts")?,
        next_at: r.try_get("next_at")?,
        created: r.try_get("created_at")?,
        delivered: r.try_get("delivered_at")?,
        failed: r.try_get("failed_at")?,
        status: opt_text(r, "last_status")?,
    })
}

const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, w.url, w.format, d.room, d.event, d.body, \
     d.attempts, d.next_at, d.created_at, d.delivered_at, d.failed_at, d.last_status";

impl Store {
    /// Adds a receiver of `room`'s events (`None`: every room's); its id. Refused (`Err`) past
    /// [`MAX_WEBHOOKS`].
    pub async fn add_webhook(
        &self,
        room: Option<&str>,
        url: &str,
        format: WebhookFormat,
    ) -> StoreResult<Result<i64, String>> {
        let room = room.map(str::to_ascii_lowercase);
        if self.webhooks(room.as_deref()).await?.len() as i64 >= MAX_WEBHOOKS {
            return Ok(Err(format!("at most {MAX_WEBHOOKS} webhooks")));
        }
        let created = now_ms();
        sqlx::query("INSERT INTO webhooks (room, url, format, created_at) VALUES (?, ?, ?, ?)")
            .bind(room.clone())
            .bind(url)
            .bind(format.as_str())
            .bind(created)
            .execute(&self.pool)
            .await?;
        let row =
            sqlx::query("SELECT MAX(id) AS id FROM webhooks WHERE url = ? AND created_at = ?")
                .bind(url)
                .bind(created)
                .fetch_one(&self.pool)
                .await?;
        Ok(Ok(row.try_get::<Option<i64>, _>("id")?.unwrap_or_default()))
    }

    /// The receivers of `room` (`None`: the site-wide ones), oldest first.
    pub async fn webhooks(&self, room: Option<&str>) -> StoreResult<Vec<Webhook>> {
        let rows = match room {
            Some(room) => {
                sqlx::query("SELECT * FROM webhooks WHERE room = ? ORDER BY id")
                    .bind(room.to_ascii_lowercase())
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM webhooks WHERE room IS NULL ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(webhook).collect()
    }

    /// Removes receiver `id` of `room` (`None`: a site-wide one) and its queued deliveries;
    /// whether there was one.
    pub async fn remove_webhook(&self, room: Option<&str>, id: i64) -> StoreResult<bool> {
        let done = match room {
            Some(room) => {
                sqlx::query("DELETE FROM webhooks WHERE id = ? AND room = ?")
                    .bind(id)
                    .bind(room.to_ascii_lowercase())
                    .execute(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("DELETE FROM webhooks WHERE id = ? AND room IS NULL")
                    .bind(id)
                    .execute(&self.pool)
                    .await?
            }
        };
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND delivered_at IS NULL")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(true)
    }

    /// Queues `event` of `room` for each of its receivers and the site-wide ones, the body
    /// made by `body` for the receiver's format; how many were queued.
    pub async fn queue_webhooks(
        &self,
        room: &str,
        event: &str,
        body: impl Fn(WebhookFormat) -> String,
    ) -> StoreResult<usize> {
        let room = room.to_ascii_lowercase();
        let mut receivers = self.webhooks(Some(&room)).await?;
        receivers.extend(self.webhooks(None).await?);
        let now = now_ms();
        for w in &receivers {
            sqlx::query(
                "INSERT INTO webhook_deliveries (webhook_id, room, event, body, attempts, next_at, created_at) \
                 VALUES (?, ?, ?, ?, 0, ?, ?)",
            )
            .bind(w.id)
            .bind(&room)
            .bind(event)
            .bind(body(w.format))
            .bind(now)
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
        Ok(receivers.len())
    }

    /// Deliveries due now (oldest first, at most `limit`), not yet claimed.
    pub async fn due_deliveries(&self, limit: i64) -> StoreResult<Vec<Delivery>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_at <= ? ORDER BY d.id LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(now_ms())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(delivery).collect()
    }

    /// Claims a due delivery for this instance for [`CLAIM_MS`]: true when no other instance
    /// claimed it since it was read.
    pub async fn claim_delivery(&self, d: &Delivery) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET next_at = ?, attempts = attempts + 1 \
             WHERE id = ? AND next_at = ? AND delivered_at IS NULL AND failed_at IS NULL",
        )
        .bind(now_ms() + CLAIM_MS)
        .bind(d.id)
        .bind(d.next_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records an attempt: delivered, due again at `retry_at`, or (past [`RETRY_FOR_MS`])
    /// failed; `status` is what the receiver answered.
    pub async fn delivery_attempted(
        &self,
        d: &Delivery,
        delivered: bool,
        retry_at: i64,
        status: &str,
    ) -> StoreResult<()> {
        let now = now_ms();
        let status: String = status.chars().take(200).collect();
        let (sql, at) = match (delivered, now - d.created >= RETRY_FOR_MS) {
            (true, _) => (
                "UPDATE webhook_deliveries SET delivered_at = ?, last_status = ? WHERE id = ?",
                now,
            ),
            (false, true) => (
                "UPDATE webhook_deliveries SET failed_at = ?, last_status = ? WHERE id = ?",
                now,
            ),
            (false, false) => (
                "UPDATE webhook_deliveries SET next_at = ?, last_status = ? WHERE id = ?",
                retry_at,
            ),
        };
        sqlx::query(sql)
            .bind(at)
            .bind(status)
            .bind(d.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The delivery log of `room`: its last `limit` deliveries, newest first.
    pub async fn deliveries(&self, room: &str, limit: i64) -> StoreResult<Vec<Delivery>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.room = ? ORDER BY d.id DESC LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(room.to_ascii_lowercase())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(delivery).collect()
    }
}
