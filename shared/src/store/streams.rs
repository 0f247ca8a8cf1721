//! Stream sessions: each publish start/stop of a room is one row of `streams`, and the sampler
//! (`rsstreaming serve`, one instance per site through a [lease](super::Store::take_lease)) adds
//! viewer/chatter samples to the open ones.
//!
//! Peak and average viewers are kept as running aggregates on the row as samples arrive, so
//! listing streams reads no samples; lines and unique chatters are counted from the events
//! table (`message`, `action`, `drawing` of the room between start and end), which the chat
//! already writes, so the chat's path gains nothing.

use super::{inserted, now_ms, Store, StoreResult};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// The most streams `GET /api/streams` and `streamer streams` list (the newest).
pub const MAX_LISTED: i64 = 200;

/// One stream as the API and the CLI show it. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamSummary {
    pub id: i64,
    pub started: i64,
    /// `None` while the stream is live.
    pub ended: Option<i64>,
    /// Until the end, or until now while live.
    pub duration_s: i64,
    pub peak_viewers: i64,
    /// The mean of the samples, two decimals; 0 before the first sample.
    pub avg_viewers: f64,
    /// Distinct names (case-insensitively) that wrote a line during the stream.
    pub unique_chatters: i64,
    /// Messages, actions and drawings written during the stream.
    pub lines: i64,
}

/// One sample of a stream, for its chart. `ts` is Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamSample {
    pub ts: i64,
    pub viewers: i64,
    pub chatters: i64,
}

/// The most samples a chart gets (the newest): a day at the default 30 s.
pub const MAX_SAMPLES: i64 = 2880;

/// When a room went live (its open stream's start) and when it last stopped, for the front
/// page. Unix ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamTimes {
    pub live_since: Option<i64>,
    pub last_ended: Option<i64>,
}

/// An open stream, for the sampler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStream {
    pub id: i64,
    pub room: String,
}

impl Store {
    /// Opens a stream of `room` at `at_ms` unless one is open already (a second publish of a
    /// room, e.g. nginx reconnecting, continues it). True when a new one was opened.
    pub async fn open_stream(&self, room: &str, at_ms: i64) -> StoreResult<bool> {
        let room = room.to_ascii_lowercase();
        let result =
            sqlx::query("INSERT INTO streams (room, open_room, started_at) VALUES (?, ?, ?)")
                .bind(&room)
                .bind(&room)
                .bind(at_ms)
                .execute(&self.pool)
                .await;
        inserted(result)
    }

    /// Ends the open stream of `room` at `at_ms`; false when none was open.
    pub async fn close_stream(&self, room: &str, at_ms: i64) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE streams SET ended_at = ?, open_room = NULL WHERE open_room = ?")
                .bind(at_ms)
                .bind(room.to_ascii_lowercase())
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every room's [`StreamTimes`], in one query (rooms that never streamed are absent).
    pub async fn stream_times(&self) -> StoreResult<HashMap<String, StreamTimes>> {
        let rows = sqlx::query(
            "SELECT room, MAX(CASE WHEN open_room IS NOT NULL THEN started_at END) AS live_since, \
             MAX(ended_at) AS last_ended FROM streams GROUP BY room",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let times = StreamTimes {
                    live_since: r.try_get("live_since")?,
                    last_ended: r.try_get("last_ended")?,
                };
                Ok((super::text(r, "room")?, times))
            })
            .collect()
    }

    /// Every stream open now, on any room.
    pub async fn open_streams(&self) -> StoreResult<Vec<OpenStream>> {
        let rows = sqlx::query("SELECT id, room FROM streams WHERE open_room IS NOT NULL")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(OpenStream {
                    id: r.try_get("id")?,
                    room: super::text(r, "room")?,
                })
            })
            .collect()
    }

    /// Records one sample of a stream and folds it into the stream's peak and average.
    pub async fn record_sample(
        &self,
        stream_id: i64,
        at_ms: i64,
        viewers: i64,
        chatters: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO stream_samples (stream_id, ts, viewers, chatters) VALUES (?, ?, ?, ?)",
        )
        .bind(stream_id)
        .bind(at_ms)
        .bind(viewers)
        .bind(chatters)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE streams SET samples = samples + 1, viewers_sum = viewers_sum + ?, \
             peak_viewers = CASE WHEN peak_viewers < ? THEN ? ELSE peak_viewers END WHERE id = ?",
        )
        .bind(viewers)
        .bind(viewers)
        .bind(viewers)
        .bind(stream_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The streams of `room`, newest first, at most [`MAX_LISTED`].
    pub async fn streams(&self, room: &str) -> StoreResult<Vec<StreamSummary>> {
        let room = room.to_ascii_lowercase();
        let rows = sqlx::query(
            "SELECT id, started_at, ended_at, samples, viewers_sum, peak_viewers FROM streams \
             WHERE room = ? ORDER BY id DESC LIMIT ?",
        )
        .bind(&room)
        .bind(MAX_LISTED)
        .fetch_all(&self.pool)
        .await?;
        let now = now_ms();
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let started: i64 = r.try_get("started_at")?;
            let ended: Option<i64> = r.try_get("ended_at")?;
            let samples: i64 = r.try_get("samples")?;
            let sum: i64 = r.try_get("viewers_sum")?;
            let until = ended.unwrap_or(now).max(started);
            let (lines, unique_chatters) = self.lines_between(&room, started, until).await?;
            out.push(StreamSummary {
                id: r.try_get("id")?,
                started: started / 1000,
                ended: ended.map(|e| e / 1000),
                // In whole seconds of the figures shown, so `ended - started` is the duration.
                duration_s: until / 1000 - started / 1000,
                peak_viewers: r.try_get("peak_viewers")?,
                avg_viewers: if samples > 0 {
                    (sum as f64 / samples as f64 * 100.0).round() / 100.0
                } else {
                    0.0
                },
                unique_chatters,
                lines,
            });
        }
        Ok(out)
    }

    /// The samples of stream `id` of `room`, oldest first (the newest [`MAX_SAMPLES`]); none
    /// for a stream of another room.
    pub async fn stream_samples(&self, room: &str, id: i64) -> StoreResult<Vec<StreamSample>> {
        let newest_first = sqlx::query(
            "SELECT s.ts, s.viewers, s.chatters FROM streams t \
             JOIN stream_samples s ON s.stream_id = t.id WHERE t.room = ? AND t.id = ? \
             ORDER BY s.id DESC LIMIT ?",
        )
        .bind(room.to_ascii_lowercase())
        .bind(id)
        .bind(MAX_SAMPLES)
        .fetch_all(&self.pool);
        let sample = |r: &sqlx::any::AnyRow| -> StoreResult<StreamSample> {
            Ok(StreamSample {
                ts: r.try_get::<i64, _>("ts")? / 1000,
                viewers: r.try_get("viewers")?,
                chatters: r.try_get("chatters")?,
            })
        };
        newest_first.await?.iter().rev().map(sample).collect()
    }

    /// Lines and distinct writers of a room between two instants (ms, inclusive).
    async fn lines_between(&self, room: &str, from: i64, to: i64) -> StoreResult<(i64, i64)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT LOWER(JSON_EXTRACT(meta, '$.username'))) AS u \
             FROM events WHERE room = ? AND kind IN ('message', 'action', 'drawing') \
             AND ts >= ? AND ts <= ?",
        )
        .bind(room)
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("n")?, row.try_get("u")?))
    }
}
