//! A streamer's recordings (SPEC §9): `GET /{streamer}/videos` lists them, `/videos/{id}` is
//! the player with the chat of that stream replayed in step with the video, `/videos/{id}.mp4`
//! the video (HTTP Range, or behind nginx `X-Accel-Redirect` to `recordings.accel_redirect`),
//! `/videos/{id}.jpg` its thumbnail, and `/videos/{id}/chat` the replayed lines as JSON. The
//! viewer password covers all of it; file names are `{room}-{ms}`, never the key.

use crate::assets::{render, script_json};
use crate::byte_range::{wanted, Wanted};
use crate::pages::{password_page, unknown_streamer};
use crate::respond::{self, html, json, not_found, with_body, HandlerResult};
use crate::viewer_pass::{forbidden, Access};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use minijinja::Value;
use rsstreaming_shared::recordings::RecordingFiles;
use rsstreaming_shared::store::{Recording, Streamer};
use rsstreaming_shared::text::{clock, utc};
use serde::Serialize;
use std::io::SeekFrom;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// The most bytes one answer to an open-ended Range carries; the player asks for the rest.
const MAX_PART: u64 = 4 << 20;

/// The largest video sent whole to a request without Range (players always send one).
const MAX_WHOLE: u64 = 32 << 20;

/// The most lines a replay carries (from the start of the recording).
const MAX_REPLAY_LINES: i64 = 20_000;

/// A recording as the list and the player show it.
#[derive(Serialize)]
struct ListedVideo {
    id: i64,
    /// "2026-12-04 14:05 UTC".
    date: String,
    /// RFC 3339, for `<time datetime>`.
    iso: String,
    /// "1:02:03" or "4:05".
    duration: String,
    thumbnail: bool,
}

fn listed(r: &Recording, files: Option<&RecordingFiles>) -> ListedVideo {
    let at = utc(r.started.unwrap_or(r.created).div_euclid(1000));
    ListedVideo {
        id: r.id,
        date: format!("{} UTC", &at[..16]),
        iso: format!("{}Z", at.replacen(' ', "T", 1)),
        duration: clock(r.duration_ms.unwrap_or(0) / 1000),
        thumbnail: files.is_some_and(|f| f.jpg(&r.stem).is_file()),
    }
}

fn files(ctx: &Ctx) -> Option<RecordingFiles> {
    ctx.config
        .recordings
        .as_ref()
        .map(|c| RecordingFiles::new(&c.dir))
}

/// What a request for one recording resolves to.
enum Found {
    Video(Streamer, Recording),
    /// The answer instead (unknown, locked, not ready).
    Refused(Response<Bytes>),
}

/// The streamer of the path and its ready recording `id`, if the request may see them;
/// `locked` answers a request without the stream's pass.
async fn find(
    ctx: &Ctx,
    req: &Request<Bytes>,
    params: &Params,
    id: Option<i64>,
    locked: impl FnOnce(&Streamer) -> HandlerResult,
) -> Result<Found, crate::respond::HandlerError> {
    let s = match Access::check(ctx, req, params.get("streamer")).await? {
        Access::Open(s) => s,
        Access::Locked(s) => return Ok(Found::Refused(locked(&s)?)),
        Access::Unknown => return Ok(Found::Refused(not_found())),
    };
    let Some(id) = id else {
        return Ok(Found::Refused(not_found()));
    };
    match ctx.store.recording(&s.room(), id).await? {
        Some(r) if r.is_ready() => Ok(Found::Video(s, r)),
        _ => Ok(Found::Refused(not_found())),
    }
}

/// The numeric id at the start of a path parameter such as `12`, `12.mp4`.
fn id_of(file: &str, suffix: &str) -> Option<i64> {
    let digits = file.strip_suffix(suffix)?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn private_if_protected(r: &mut Response<Bytes>, s: &Streamer, public: &str) {
    let cache = if s.streampass.is_some() {
        "private, no-store"
    } else {
        public
    };
    respond::set_header(r, header::CACHE_CONTROL, cache);
}

/// `GET /{streamer}/videos`: the playable recordings, newest first.
pub async fn list(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match Access::check(&ctx, &req, params.get("streamer")).await? {
        Access::Open(s) => s,
        Access::Locked(s) => return password_page(&ctx, &s, None),
        Access::Unknown => return Ok(unknown_streamer()),
    };
    let files = files(&ctx);
    let videos: Vec<ListedVideo> = ctx
        .store
        .recordings(&s.room(), false)
        .await?
        .iter()
        .map(|r| listed(r, files.as_ref()))
        .collect();
    let page = render(
        &ctx,
        "videos.html",
        minijinja::context! {
            streamer => minijinja::context! { username => &s.username, room => s.room() },
            videos => videos,
        },
    )?;
    let mut r = html(StatusCode::OK, page);
    private_if_protected(&mut r, &s, "no-cache");
    Ok(r)
}

/// What `/videos/{file}` names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Page,
    Mp4,
    Jpg,
}

/// `GET /{streamer}/videos/{file}`: `{id}` the player page, `{id}.mp4` the video, `{id}.jpg`
/// its thumbnail. Without the stream's pass the page is the password form, the files 403.
pub async fn video(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let file = params.get("file").unwrap_or("");
    let (part, id) = [(Part::Mp4, ".mp4"), (Part::Jpg, ".jpg"), (Part::Page, "")]
        .into_iter()
        .find_map(|(part, suffix)| id_of(file, suffix).map(|id| (part, id)))
        .map_or((Part::Page, None), |(part, id)| (part, Some(id)));
    let locked = |s: &Streamer| match part {
        Part::Page => password_page(&ctx, s, None),
        Part::Mp4 | Part::Jpg => Ok(forbidden()),
    };
    let (s, r) = match find(&ctx, &req, &params, id, locked).await? {
        Found::Video(s, r) => (s, r),
        Found::Refused(answer) => return Ok(answer),
    };
    match part {
        Part::Mp4 => mp4(&ctx, &req, &s, &r).await,
        Part::Jpg => jpg(&ctx, &s, &r).await,
        Part::Page => player(&ctx, &s, &r).await,
    }
}

/// The player page of `r`.
async fn player(ctx: &Ctx, s: &Streamer, r: &Recording) -> HandlerResult {
    let room = s.room();
    let files = files(ctx);
    let page_config = serde_json::json!({
        "room": room,
        "id": r.id,
        "chat": format!("/{room}/videos/{}/chat", r.id),
        "emotes": ctx.store.emotes().await?,
    });
    let page = render(
        ctx,
        "video.html",
        minijinja::context! {
            streamer => minijinja::context! { username => &s.username, room => &room },
            video => listed(r, files.as_ref()),
            page_config => Value::from_safe_string(script_json(&page_config)),
        },
    )?;
    let mut answer = html(StatusCode::OK, page);
    private_if_protected(&mut answer, s, "no-cache");
    Ok(answer)
}

/// `GET /{streamer}/videos/{id}.mp4`.
async fn mp4(ctx: &Ctx, req: &Request<Bytes>, s: &Streamer, r: &Recording) -> HandlerResult {
    let (Some(config), Some(files)) = (ctx.config.recordings.as_ref(), files(ctx)) else {
        return Ok(not_found());
    };
    let path = files.mp4(&r.stem);
    let name = format!("{}.mp4", r.stem);
    // Behind nginx, nginx answers the ranges itself from the internal location.
    let accel = config.accel_redirect.as_deref();
    if let Some(mut answer) = respond::accel_redirect(accel, ctx.trusted_proxy, &name, "video/mp4")
    {
        private_if_protected(&mut answer, s, "public, max-age=3600");
        return Ok(answer);
    }
    let mut file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(not_found()),
        Err(e) => return Err(e.into()),
    };
    let size = file.metadata().await?.len();
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let mut answer = match wanted(range, size, MAX_PART) {
        Wanted::Part(part) => {
            let (start, end) = (*part.start(), *part.end());
            file.seek(SeekFrom::Start(start)).await?;
            let mut bytes = vec![0; (end - start + 1) as usize];
            file.read_exact(&mut bytes).await?;
            let mut a = with_body(StatusCode::PARTIAL_CONTENT, "video/mp4", bytes);
            respond::set_header(
                &mut a,
                header::CONTENT_RANGE,
                &format!("bytes {start}-{end}/{size}"),
            );
            a
        }
        Wanted::Whole if size <= MAX_WHOLE => {
            let mut bytes = Vec::with_capacity(size as usize);
            file.read_to_end(&mut bytes).await?;
            with_body(StatusCode::OK, "video/mp4", bytes)
        }
        Wanted::Whole | Wanted::Unsatisfiable => {
            let mut a = respond::text(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "ask for a byte range of this video\n",
            );
            respond::set_header(&mut a, header::CONTENT_RANGE, &format!("bytes */{size}"));
            a
        }
    };
    respond::set_header(&mut answer, header::ACCEPT_RANGES, "bytes");
    private_if_protected(&mut answer, s, "public, max-age=3600");
    Ok(answer)
}

/// `GET /{streamer}/videos/{id}.jpg`.
async fn jpg(ctx: &Ctx, s: &Streamer, r: &Recording) -> HandlerResult {
    let Some(files) = files(ctx) else {
        return Ok(not_found());
    };
    let bytes = match tokio::fs::read(files.jpg(&r.stem)).await {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(not_found()),
        Err(e) => return Err(e.into()),
    };
    let mut answer = with_body(StatusCode::OK, "image/jpeg", bytes);
    private_if_protected(&mut answer, s, "public, max-age=3600");
    Ok(answer)
}

/// One replayed line (SPEC §9).
#[derive(Serialize)]
struct ReplayedLine {
    offset_ms: i64,
    event: String,
    username: Option<String>,
    color: Option<String>,
    message: String,
}

/// `GET /{streamer}/videos/{id}/chat`: the lines written while it was recorded, by their
/// offset from the video's start, oldest first.
pub async fn chat(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let id = params.get("id").and_then(|i| id_of(i, ""));
    let (s, r) = match find(&ctx, &req, &params, id, |_| Ok(forbidden())).await? {
        Found::Video(s, r) => (s, r),
        Found::Refused(answer) => return Ok(answer),
    };
    let start = r.started.unwrap_or(r.created);
    let end = start + r.duration_ms.unwrap_or(0);
    let events = ctx
        .store
        .chat_between(&s.room(), start, end, MAX_REPLAY_LINES)
        .await?;
    let lines: Vec<ReplayedLine> = events
        .into_iter()
        .map(|e| {
            let text = |k: &str| e.meta.get(k).and_then(|v| v.as_str()).map(str::to_string);
            ReplayedLine {
                offset_ms: e.ts - start,
                username: text("username").filter(|_| e.kind != "broadcast"),
                color: text("color"),
                message: text("message").unwrap_or_default(),
                event: e.kind,
            }
        })
        .collect();
    let mut answer = json(StatusCode::OK, &lines);
    private_if_protected(&mut answer, &s, "public, max-age=60");
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(id_of("12", ""), Some(12));
        assert_eq!(id_of("12.mp4", ".mp4"), Some(12));
        assert_eq!(id_of("12.mp4", ""), None);
        assert_eq!(id_of(".mp4", ".mp4"), None);
        assert_eq!(id_of("-1", ""), None);
        assert_eq!(id_of("99999999999999999999", ""), None);
    }
}
