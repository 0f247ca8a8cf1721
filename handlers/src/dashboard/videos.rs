//! The recordings page: every recording of the streamer's (ready, being remuxed, failed) with
//! its date, duration and size, a link to the player, and a delete button — the same deletion
//! as `DELETE /api/videos/{id}` and `rsstreaming recording delete`.

use super::session::{home, posted, signed_in, Session};
use super::{page, Ctx, Outcome};
use crate::respond::{redirect, HandlerResult};
use crate::Params;
use bytes::Bytes;
use http::{Request, StatusCode};
use rsstreaming_shared::recordings;
use rsstreaming_shared::text::{clock, utc};

/// `GET /{streamer}/dashboard/videos`.
pub async fn videos(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session = or_respond!(signed_in(&ctx, &req, &params));
    videos_page(&ctx, &session, Outcome::Fresh).await
}

async fn videos_page(ctx: &Ctx, session: &Session, outcome: Outcome<'_>) -> HandlerResult {
    let room = session.streamer.room();
    let listed: Vec<_> = ctx
        .store
        .recordings(&room, true)
        .await?
        .iter()
        .map(|r| {
            minijinja::context! {
                id => r.id,
                recorded => utc(r.created / 1000),
                duration => r.duration_ms.map(|d| clock(d / 1000)),
                size_mb => r.size_bytes.map(|b| format!("{:.1}", b as f64 / 1_048_576.0)),
                status => r.status,
                ready => r.is_ready(),
            }
        })
        .collect();
    let keep_days = ctx
        .config
        .recordings
        .as_ref()
        .and_then(|c| c.keep_days)
        .filter(|d| *d > 0);
    let own = minijinja::context! {
        videos => listed,
        recording => ctx.config.recordings.is_some(),
        keep_days => keep_days,
    };
    page(ctx, session, ("videos.html", "videos"), own, outcome)
}

/// `POST /{streamer}/dashboard/videos/{id}/delete`: 303 back to the page.
pub async fn delete_video(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let (session, _) = or_respond!(posted(&ctx, &req, &params));
    let room = session.streamer.room();
    let id = params.get("id").and_then(|i| i.parse::<i64>().ok());
    let config = ctx.config.recordings.as_ref();
    let by = session.streamer.username.to_string();
    let refused = Outcome::Refused("No such recording.");
    let Some(id) = id else {
        return videos_page(&ctx, &session, refused).await;
    };
    if !recordings::delete(&ctx.store, config, &room, id, &by).await? {
        return videos_page(&ctx, &session, refused).await;
    }
    let back = format!("{}/videos", home(&room));
    Ok(redirect(StatusCode::SEE_OTHER, &back))
}
