//! The streamer's recordings over the remote-control API (SPEC §9): `GET /api/videos` lists
//! them (every status, so a remux in progress or failed shows), `DELETE /api/videos/{id}`
//! deletes one as the dashboard and `rsstreaming recording delete` do.

use crate::api_auth::authenticate;
use crate::api_lines::deleter;
use crate::respond::{json, json_error, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{Request, StatusCode};
use rsstreaming_shared::recordings;
use rsstreaming_shared::store::{Recording, RecordingStatus};
use serde::Serialize;

/// A recording as the API lists it. Times are Unix seconds.
#[derive(Serialize)]
struct VideoSummary {
    id: i64,
    status: RecordingStatus,
    /// When nginx finished it; when the video starts (once ready).
    recorded: i64,
    started: Option<i64>,
    duration_ms: Option<i64>,
    size_bytes: Option<i64>,
    /// The player page.
    page: String,
}

impl From<&Recording> for VideoSummary {
    fn from(r: &Recording) -> Self {
        Self {
            id: r.id,
            status: r.status,
            recorded: r.created / 1000,
            started: r.started.map(|t| t / 1000),
            duration_ms: r.duration_ms,
            size_bytes: r.size_bytes,
            page: format!("/{}/videos/{}", r.room, r.id),
        }
    }
}

/// `GET /api/videos`: newest first.
pub async fn get_videos(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let s = match authenticate(&ctx, &req).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let videos: Vec<VideoSummary> = ctx
        .store
        .recordings(&s.room(), true)
        .await?
        .iter()
        .map(VideoSummary::from)
        .collect();
    Ok(json(StatusCode::OK, &videos))
}

/// `DELETE /api/videos/{id}`.
pub async fn delete_video(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match deleter(&ctx, &req).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let raw = params.get("id").unwrap_or_default();
    let Some(id) = raw.parse::<i64>().ok().filter(|i| *i > 0) else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such recording"));
    };
    let room = s.room();
    let config = ctx.config.recordings.as_ref();
    if !recordings::delete(&ctx.store, config, &room, id, &s.username).await? {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such recording"));
    }
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({"id": id, "deleted": true}),
    ))
}
