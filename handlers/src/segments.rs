//! `GET /hls/…`: a stream's segments under public names, resolved back to nginx-rtmp's files
//! by the server, which either sends the bytes or (behind nginx, with `hls.accel_redirect`)
//! names the file in `X-Accel-Redirect`, a header nginx consumes and never forwards.

use crate::playlists::playlist_response;
use crate::respond::{self, not_found, with_body, HandlerResult, MPEG_TS};
use crate::viewer_pass::{forbidden, open_stream, Access};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, StatusCode};
use rsstreaming_shared::config::PublishMode;
use rsstreaming_shared::hls::{self, Quality};

/// `GET /hls/{room}/{N}.ts`: a segment of the plain stream.
pub async fn segment(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    if !ctx.hls.qualities().is_empty() {
        return Ok(not_found());
    }
    serve_segment(&ctx, &req, &params, None).await
}

/// `GET /hls/{room}/{quality}/{N}.ts`: a segment of one quality.
pub async fn quality_segment(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(quality) = params.get("quality").and_then(|q| ctx.hls.quality(q)) else {
        return Ok(not_found());
    };
    serve_segment(&ctx, &req, &params, Some(quality)).await
}

async fn serve_segment(
    ctx: &Ctx,
    req: &Request<Bytes>,
    params: &Params,
    quality: Option<&Quality>,
) -> HandlerResult {
    let Some(seq) = params.get("file").and_then(hls::parse_segment_request) else {
        return Ok(not_found());
    };
    let s = match open_stream(ctx, req, params.get("room"), not_found).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let Some(files) = ctx.hls.locate(&s.room(), &s.key_hash, None)? else {
        return Ok(not_found());
    };
    send_segment(ctx, &files.segment_name(quality, seq)).await
}

/// Sends segment file `name` of `hls_dir`: its bytes, or with `hls.accel_redirect` an empty
/// answer naming it for nginx — only when a proxy in front is trusted (`--nginx-proxy` > 0):
/// in rename mode the name holds the key, and a site reached without nginx would hand the
/// header to the viewer. Without a trusted proxy the bytes are sent instead.
async fn send_segment(ctx: &Ctx, name: &str) -> HandlerResult {
    let Some(path) = ctx.hls.resolve(name)? else {
        return Ok(not_found());
    };
    let accel = ctx.config.hls.accel_redirect.as_deref();
    if let Some(mut r) = respond::accel_redirect(accel, ctx.trusted_proxy, name, MPEG_TS) {
        respond::set_header(&mut r, header::CACHE_CONTROL, "no-cache");
        return Ok(r);
    }
    let data = match tokio::fs::read(&path).await {
        Ok(d) => d,
        // Deleted between resolving and reading: nginx rotated it out.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(not_found()),
        Err(e) => return Err(e.into()),
    };
    let mut r = with_body(StatusCode::OK, MPEG_TS, data);
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-cache");
    Ok(r)
}

/// `GET /hls/{file}`: in `redirect` mode, nginx's own file names, which are public there
/// (`<room>.m3u8`, `<room>-N.ts`, `<room>_<quality>…`), for setups that link them directly;
/// same password rule as everything else. In `rename` mode those names are stream keys, so
/// this answers 404 to every name.
pub async fn public_file(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    if ctx.hls.mode() != PublishMode::Redirect {
        return Ok(not_found());
    }
    let Some(file) = params.get("file") else {
        return Ok(not_found());
    };
    let (stem, seq) = match file.strip_suffix(".m3u8") {
        Some(stem) => (stem, None),
        None => match file
            .rsplit_once('-')
            .and_then(|(stem, tail)| Some((stem, hls::parse_segment_request(tail)?)))
        {
            Some((stem, n)) => (stem, Some(n)),
            None => return Ok(not_found()),
        },
    };
    let (room, quality) = ctx.hls.split_quality(stem);
    // nginx's names use the room itself: the lowercase name, exactly.
    let s = match Access::check(&ctx, &req, Some(room)).await? {
        Access::Open(s) if s.room() == room => s,
        Access::Locked(s) if s.room() == room => return Ok(forbidden()),
        _ => return Ok(not_found()),
    };
    let files = ctx.hls.files_named(&s.room());
    match seq {
        Some(n) => send_segment(&ctx, &files.segment_name(quality, n)).await,
        None => {
            if !ctx.hls.quality_live(&files, quality) {
                return Ok(not_found());
            }
            let Some(path) = ctx.hls.resolve(&files.playlist_name(quality))? else {
                return Ok(not_found());
            };
            match std::fs::read_to_string(path) {
                Ok(text) => Ok(playlist_response(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(not_found()),
                Err(e) => Err(e.into()),
            }
        }
    }
}
