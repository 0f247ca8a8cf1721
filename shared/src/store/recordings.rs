//! Recordings (SPEC §9): what nginx-rtmp recorded of a room's streams, and the queue that turns
//! each into an MP4. `on_record_done` adds a `pending` row once it has moved the FLV to a name
//! without the key (`{stem}.flv`); an instance that sees that file claims the row (`working`,
//! compare-and-set on the status and the claim's end, so one instance remuxes it) and marks it
//! `ready` with the video's start, duration and size, or puts it back (`pending`) to try again,
//! or `failed` after [`MAX_ATTEMPTS`]. A claim whose instance died runs out after [`CLAIM_MS`].

use super::{now_ms, text, Store, StoreResult};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Where a recording stands: `Pending` (registered, its FLV waiting), `Working` (claimed for
/// the remux), `Ready` (`{stem}.mp4` and `{stem}.jpg` exist), `Failed` (after
/// [`MAX_ATTEMPTS`]; the FLV is left for the operator), `Deleted` (hidden everywhere until the
/// sweep of an instance that sees its files removes them and the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingStatus {
    Pending,
    Working,
    Ready,
    Failed,
    Deleted,
}

stored_names!(RecordingStatus {
    Pending => "pending",
    Working => "working",
    Ready => "ready",
    Failed => "failed",
    Deleted => "deleted",
});

/// The queue's bounds: a claimed recording is left to its instance for `CLAIM_MS`, a remux is
/// tried `MAX_ATTEMPTS` times, and a listing shows the newest `MAX_LISTED_RECORDINGS`.
pub const CLAIM_MS: i64 = 10 * 60_000;
pub const MAX_ATTEMPTS: i64 = 3;
pub const MAX_LISTED_RECORDINGS: i64 = 500;

/// One recording as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recording {
    pub id: i64,
    pub room: String,
    /// The file names' stem in `recordings.dir` (`{room}-{ms}`): never the key.
    #[serde(skip)]
    pub stem: String,
    pub status: RecordingStatus,
    /// When it was registered (the stream's end), unix ms.
    pub created: i64,
    #[serde(skip)]
    pub claimed_until: i64,
    #[serde(skip)]
    pub attempts: i64,
    /// When the recorded video starts, unix ms (known once ready).
    pub started: Option<i64>,
    pub duration_ms: Option<i64>,
    pub size_bytes: Option<i64>,
}

impl Recording {
    pub fn is_ready(&self) -> bool {
        self.status == RecordingStatus::Ready
    }
}

fn recording(r: &AnyRow) -> StoreResult<Recording> {
    // Known once ready.
    let [started, duration_ms, size_bytes] =
        ["started_at", "duration_ms", "size_bytes"].map(|c| r.try_get::<Option<i64>, _>(c));
    Ok(Recording {
        id: r.try_get("id")?,
        room: text(r, "room")?,
        stem: text(r, "stem")?,
        status: RecordingStatus::from_name(&text(r, "status")?).unwrap_or(RecordingStatus::Failed),
        created: r.try_get("created_at")?,
        claimed_until: r.try_get("claimed_until")?,
        attempts: r.try_get("attempts")?,
        started: started?,
        duration_ms: duration_ms?,
        size_bytes: size_bytes?,
    })
}

/// What the remux learnt of a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemuxedVideo {
    pub started: i64,
    pub duration_ms: i64,
    pub size_bytes: i64,
}

impl Store {
    /// The recordings `query` selects (`SELECT *`).
    async fn fetch_recordings<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> StoreResult<Vec<Recording>> {
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(recording).collect()
    }

    /// Registers a recording of `room` whose FLV is `{stem}.flv`; its id. The stem must be
    /// new (a second registration of it is refused by the caller choosing unique stems).
    pub async fn add_recording(&self, room: &str, stem: &str) -> StoreResult<i64> {
        sqlx::query(
            "INSERT INTO recordings (room, stem, status, created_at) VALUES (?, ?, 'pending', ?)",
        )
        .bind(room.to_ascii_lowercase())
        .bind(stem)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT id FROM recordings WHERE stem = ?")
            .bind(stem)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("id")?)
    }

    /// Recordings waiting for a remux (pending, or claimed by an instance whose claim ran
    /// out), oldest first.
    pub async fn due_recordings(&self, limit: i64) -> StoreResult<Vec<Recording>> {
        let query = sqlx::query(
            "SELECT * FROM recordings WHERE status = 'pending' \
             OR (status = 'working' AND claimed_until < ?) ORDER BY id LIMIT ?",
        )
        .bind(now_ms())
        .bind(limit);
        self.fetch_recordings(query).await
    }

    /// Claims `r` (as [`Store::due_recordings`] read it) for this instance's remux; whether
    /// this instance got it.
    pub async fn claim_recording(&self, r: &Recording) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE recordings SET status = 'working', claimed_until = ?, attempts = attempts + 1 \
             WHERE id = ? AND status = ? AND claimed_until = ?",
        )
        .bind(now_ms() + CLAIM_MS)
        .bind(r.id)
        .bind(r.status.as_str())
        .bind(r.claimed_until)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks claimed recording `id` playable.
    pub async fn recording_ready(&self, id: i64, video: RemuxedVideo) -> StoreResult<()> {
        sqlx::query(
            "UPDATE recordings SET status = 'ready', started_at = ?, duration_ms = ?, \
             size_bytes = ? WHERE id = ?",
        )
        .bind(video.started)
        .bind(video.duration_ms)
        .bind(video.size_bytes)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// After a failed remux of claimed `r`: pending again, or failed for good once it has
    /// had [`MAX_ATTEMPTS`]; whether it failed for good.
    pub async fn recording_not_remuxed(&self, r: &Recording) -> StoreResult<bool> {
        // `attempts` was read before the claim counted this one.
        let failed = r.attempts + 1 >= MAX_ATTEMPTS;
        let status = if failed { "failed" } else { "pending" };
        sqlx::query("UPDATE recordings SET status = ?, claimed_until = 0 WHERE id = ?")
            .bind(status)
            .bind(r.id)
            .execute(&self.pool)
            .await?;
        Ok(failed)
    }

    /// The recordings of `room`, newest first: the playable ones, or (`all`) every one not
    /// deleted.
    pub async fn recordings(&self, room: &str, all: bool) -> StoreResult<Vec<Recording>> {
        let sql = if all {
            "SELECT * FROM recordings WHERE room = ? AND status <> 'deleted' \
             ORDER BY id DESC LIMIT ?"
        } else {
            "SELECT * FROM recordings WHERE room = ? AND status = 'ready' ORDER BY id DESC LIMIT ?"
        };
        let query = sqlx::query(sql)
            .bind(room.to_ascii_lowercase())
            .bind(MAX_LISTED_RECORDINGS);
        self.fetch_recordings(query).await
    }

    /// Whether `room` has a playable recording (the stream page's link to them).
    pub async fn has_recordings(&self, room: &str) -> StoreResult<bool> {
        let sql = "SELECT * FROM recordings WHERE room = ? AND status = 'ready' LIMIT 1";
        let query = sqlx::query(sql).bind(room.to_ascii_lowercase());
        Ok(!self.fetch_recordings(query).await?.is_empty())
    }

    /// Recording `id`, when it is `room`'s.
    pub async fn recording(&self, room: &str, id: i64) -> StoreResult<Option<Recording>> {
        let row = sqlx::query("SELECT * FROM recordings WHERE id = ? AND room = ?")
            .bind(id)
            .bind(room.to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(recording).transpose()
    }

    /// Every room's newest playable recording, by room.
    pub async fn latest_recordings(
        &self,
    ) -> StoreResult<std::collections::HashMap<String, Recording>> {
        let rows = sqlx::query(
            "SELECT r.* FROM recordings r JOIN (SELECT room, MAX(id) AS id FROM recordings \
             WHERE status = 'ready' GROUP BY room) latest ON r.id = latest.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| recording(row).map(|r| (r.room.clone(), r)))
            .collect()
    }

    /// What the sweep removes, oldest first: deleted recordings, and (with `before`, unix ms)
    /// those registered before it that no instance is remuxing.
    pub async fn swept_recordings(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<Recording>> {
        let query = sqlx::query(
            "SELECT * FROM recordings WHERE status = 'deleted' \
             OR (created_at < ? AND status <> 'working') ORDER BY id LIMIT ?",
        )
        .bind(before.unwrap_or(i64::MIN))
        .bind(limit);
        self.fetch_recordings(query).await
    }

    /// Marks `room`'s recording `id` deleted; whether there was one (not deleted already).
    pub async fn mark_recording_deleted(&self, room: &str, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE recordings SET status = 'deleted' WHERE id = ? AND room = ? \
             AND status <> 'deleted'",
        )
        .bind(id)
        .bind(room.to_ascii_lowercase())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Forgets recording `id`; whether there was one. Its files are the caller's to remove.
    pub async fn delete_recording(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM recordings WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
