//! `GET /{streamer}/playlist.m3u8`, `/{streamer}/master.m3u8` and
//! `/{streamer}/playlist/{quality}.m3u8`: a stream's live playlists with every segment renamed
//! to `/hls/{room}[/{quality}]/{N}.ts`, so the key (the file stem in `rename` mode) never shows; the renaming itself is
//! [`HlsLayout::public_playlist`](rsstreaming_shared::hls::HlsLayout::public_playlist).

use crate::respond::{self, not_found, with_body, HandlerResult, M3U8};
use crate::viewer_pass::open_stream;
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use rsstreaming_shared::hls::{self, StreamFiles, Variant};

/// A playlist answer: never cached, as it changes with every segment.
pub(crate) fn playlist_response(body: String) -> Response<Bytes> {
    let mut r = with_body(StatusCode::OK, M3U8, body);
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-cache");
    r
}

/// `GET /{streamer}/playlist.m3u8`: the live playlist; with qualities configured, the master
/// playlist (as `master.m3u8`), so players that know only this URL adapt too.
pub async fn playlist(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match open_stream(&ctx, &req, params.get("streamer"), not_found).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let Some(files) = ctx.hls.locate(&s.room(), &s.key_hash, None)? else {
        return Ok(not_found());
    };
    if ctx.hls.qualities().is_empty() {
        return Ok(match ctx.hls.public_playlist(&files, &s.room(), None)? {
            Some(body) => playlist_response(body),
            None => not_found(),
        });
    }
    Ok(master(&ctx, &s.room(), &files))
}

/// `GET /{streamer}/master.m3u8` (SPEC §9): the master playlist of the live renditions, which
/// hls.js switches between by itself ("Auto"); 404 without `video_qualities`.
pub async fn master_playlist(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match open_stream(&ctx, &req, params.get("streamer"), not_found).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    if ctx.hls.qualities().is_empty() {
        return Ok(not_found());
    }
    Ok(match ctx.hls.locate(&s.room(), &s.key_hash, None)? {
        Some(files) => master(&ctx, &s.room(), &files),
        None => not_found(),
    })
}

/// The master playlist of `room`'s live qualities — each `/{room}/playlist/{quality}.m3u8`
/// with the bit rate of its newest segment and the frame size its name says — or 404 when
/// the stream is not live.
fn master(ctx: &Ctx, room: &str, files: &StreamFiles) -> Response<Bytes> {
    if !ctx.hls.is_live(Some(files)) {
        return not_found();
    }
    let mut variants = Vec::new();
    for q in ctx.hls.qualities() {
        if !ctx.hls.quality_live(files, Some(q)) {
            continue;
        }
        let text = std::fs::read_to_string(files.playlist_path(Some(q))).unwrap_or_default();
        let bandwidth = hls::estimate_bandwidth(&text, |name| {
            let real = ctx.hls.resolve(name).ok()??;
            std::fs::metadata(real).ok().map(|m| m.len())
        })
        .unwrap_or(1_000_000);
        variants.push(Variant {
            quality: q.to_string(),
            uri: format!("/{room}/playlist/{q}.m3u8"),
            bandwidth,
            resolution: hls::nominal_resolution(q),
        });
    }
    playlist_response(hls::master_playlist(&variants))
}

/// `GET /{streamer}/playlist/{quality}.m3u8`: one configured quality's live playlist.
pub async fn quality_playlist(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match open_stream(&ctx, &req, params.get("streamer"), not_found).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let Some(quality) = params
        .get("file")
        .and_then(|f| f.strip_suffix(".m3u8"))
        .and_then(|q| ctx.hls.quality(q))
    else {
        return Ok(not_found());
    };
    let Some(files) = ctx.hls.locate(&s.room(), &s.key_hash, None)? else {
        return Ok(not_found());
    };
    Ok(
        match ctx.hls.public_playlist(&files, &s.room(), Some(quality))? {
            Some(body) => playlist_response(body),
            None => not_found(),
        },
    )
}
