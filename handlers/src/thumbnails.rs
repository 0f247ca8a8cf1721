//! `GET /{streamer}/thumbnail.jpg` (SPEC §9): a frame of the live stream at most 30 s old,
//! under the stream's password rules; 404 while it is offline.
//!
//! The frame comes from the newest segment of the live playlist: ffmpeg (`thumbnails.ffmpeg`)
//! decodes its first picture, scaled to 360 lines, into `thumbnails.dir/{room}.jpg` — named by
//! the room, never the key, and written whole before it replaces the last one. A frame younger
//! than [`REFRESH`] is served as it is, so however many viewers ask, a room costs at most one
//! ffmpeg run per [`REFRESH`]; at most [`FFMPEG_RUNS`] run at once, each within
//! [`FFMPEG_TIMEOUT`]. The segment's path (key-named in `rename` mode) is never logged.

use crate::respond::{self, not_found, with_body, HandlerResult};
use crate::viewer_pass::open_stream;
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, StatusCode};
use rsstreaming_shared::hls::{self, StreamFiles};
use rsstreaming_shared::tool;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;

/// A frame older than this is taken again (with segments of a few seconds, what is served is
/// then at most about 25 s old).
const REFRESH: Duration = Duration::from_secs(20);

/// The oldest frame ever served (when taking a new one failed).
const MAX_AGE: Duration = Duration::from_secs(30);

/// How long one ffmpeg run may take before it is killed.
const FFMPEG_TIMEOUT: Duration = Duration::from_secs(10);

/// ffmpeg runs at once in this process.
const FFMPEG_RUNS: usize = 2;

static RUNS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(FFMPEG_RUNS));

/// Numbers this process's temporary frame files.
static TAKES: AtomicU64 = AtomicU64::new(0);

/// `GET /{streamer}/thumbnail.jpg`.
pub async fn thumbnail(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match open_stream(&ctx, &req, params.get("streamer"), not_found).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let room = s.room();
    let Some(files) = ctx.hls.locate(&room, &s.key_hash, None)? else {
        return Ok(not_found());
    };
    if !ctx.hls.is_live(Some(&files)) || ctx.config.thumbnails.ffmpeg.is_empty() {
        return Ok(not_found());
    }
    let Some(jpeg) = frame(&ctx, &room, &files).await else {
        return Ok(not_found());
    };
    let mut r = with_body(StatusCode::OK, "image/jpeg", jpeg);
    let cache = match s.streampass {
        Some(_) => "private, max-age=10",
        None => "public, max-age=10",
    };
    respond::set_header(&mut r, header::CACHE_CONTROL, cache);
    Ok(r)
}

/// The room's frame: the kept one while fresh, else a new one from the newest segment (the
/// kept one when ffmpeg fails, if it is not older than [`MAX_AGE`]).
async fn frame(ctx: &Ctx, room: &str, files: &StreamFiles) -> Option<Bytes> {
    let dir = ctx.config.thumbnails.dir();
    let kept = dir.join(format!("{room}.jpg"));
    if let Some(fresh) = read_younger(&kept, REFRESH).await {
        return Some(fresh);
    }
    let _run = RUNS.acquire().await.ok()?;
    // Another request may have taken it while this one waited.
    if let Some(fresh) = read_younger(&kept, REFRESH).await {
        return Some(fresh);
    }
    match newest_segment(ctx, files) {
        Some(segment) => {
            if let Err(why) = take(&ctx.config.thumbnails.ffmpeg, &segment, &dir, room).await {
                tracing::warn!("thumbnail of {room}: {why}");
            }
        }
        None => tracing::debug!("thumbnail of {room}: no segment yet"),
    }
    read_younger(&kept, MAX_AGE).await
}

/// The file at `path` if it was written less than `limit` ago.
async fn read_younger(path: &Path, limit: Duration) -> Option<Bytes> {
    let written = tokio::fs::metadata(path).await.ok()?.modified().ok()?;
    let age = SystemTime::now()
        .duration_since(written)
        .unwrap_or_default();
    if age >= limit {
        return None;
    }
    tokio::fs::read(path).await.ok().map(Bytes::from)
}

/// The file of the last segment the live playlist lists.
fn newest_segment(ctx: &Ctx, files: &StreamFiles) -> Option<PathBuf> {
    let playlist = files.playlist_path(ctx.hls.live_quality());
    let text = std::fs::read_to_string(playlist).ok()?;
    ctx.hls.resolve(hls::last_segment(&text)?).ok()?
}

/// Runs ffmpeg on `segment` into `dir/{room}.jpg` (through a temporary file, renamed once
/// whole); why not, without the segment's name.
async fn take(ffmpeg: &str, segment: &Path, dir: &Path, room: &str) -> Result<(), String> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| format!("creating the thumbnails folder: {e}"))?;
    // Unique to this run: another process or request writes its own.
    let n = TAKES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{room}.{}.{n}.jpg", std::process::id()));
    let taken = tool::ffmpeg(
        ffmpeg,
        &[],
        segment,
        &tool::JPEG_FRAME,
        &tmp,
        FFMPEG_TIMEOUT,
    )
    .await;
    let outcome = match taken {
        Err(why) => Err(why),
        Ok(()) => tokio::fs::rename(&tmp, dir.join(format!("{room}.jpg")))
            .await
            .map_err(|e| format!("keeping the frame: {e}")),
    };
    if outcome.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    outcome
}
