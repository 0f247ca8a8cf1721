//! A stream's public data: live info, playlists with every segment renamed, and segments.
//!
//! The key never shows: playlists are rewritten to `/hls/{room}[/{quality}]/{N}.ts`, and a
//! segment request is resolved back to the real file by the server, which either sends it or
//! (behind nginx, with `hls.accel_redirect`) names it in `X-Accel-Redirect`, a header nginx
//! consumes and never forwards.

use crate::access::may_view;
use crate::respond::{self, json, json_error, not_found, with_body, HandlerResult, M3U8, MPEG_TS};
use crate::status::{self, files, is_live, quality_live, status};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use rsstreaming_shared::config::PublishMode;
use rsstreaming_shared::hls::{self, StreamFiles, Variant};
use rsstreaming_shared::store::Streamer;

/// The streamer named by path parameter `name`, if it exists.
async fn streamer(
    ctx: &Ctx,
    params: &Params,
    name: &str,
) -> Result<Option<Streamer>, crate::respond::HandlerError> {
    match params.get(name) {
        Some(n) => Ok(ctx.store.streamer(n).await?),
        None => Ok(None),
    }
}

fn forbidden() -> Response<Bytes> {
    json_error(StatusCode::FORBIDDEN, "this stream is password-protected")
}

/// `GET /{streamer}/info`: `{"live", "count", "description"}`.
pub async fn info(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(s) = streamer(&ctx, &params, "streamer").await? else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such streamer"));
    };
    if !may_view(&ctx, &req, &s) {
        return Ok(forbidden());
    }
    let st = status(&ctx, &s, None).await?;
    let mut r = json(
        StatusCode::OK,
        &serde_json::json!({ "live": st.live, "count": st.viewers, "description": s.description }),
    );
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-cache");
    Ok(r)
}

fn playlist_response(body: String) -> Response<Bytes> {
    let mut r = with_body(StatusCode::OK, M3U8, body);
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-cache");
    r
}

/// The rewritten media playlist of one quality (or the plain stream), if it is live.
fn media_playlist(
    ctx: &Ctx,
    s: &Streamer,
    files: &StreamFiles,
    quality: Option<&str>,
) -> Result<Option<String>, std::io::Error> {
    if !quality_live(ctx, files, quality) {
        return Ok(None);
    }
    let text = match std::fs::read_to_string(files.playlist_path(quality)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let secret = (ctx.config.publish.mode == PublishMode::Rename).then(|| files.stem());
    Ok(Some(hls::rewrite_playlist(
        &text,
        &hls::quality_stem(files.stem(), quality),
        &hls::public_base(&s.room(), quality),
        secret,
    )))
}

/// `GET /{streamer}/playlist.m3u8`: the live playlist; with qualities configured, a master
/// playlist listing each live quality's `/{streamer}/playlist/{quality}.m3u8`.
pub async fn playlist(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(s) = streamer(&ctx, &params, "streamer").await? else {
        return Ok(not_found());
    };
    if !may_view(&ctx, &req, &s) {
        return Ok(forbidden());
    }
    let Some(files) = files(&ctx, &s, None)? else {
        return Ok(not_found());
    };
    let qualities = &ctx.config.video_qualities;
    if qualities.is_empty() {
        return Ok(match media_playlist(&ctx, &s, &files, None)? {
            Some(body) => playlist_response(body),
            None => not_found(),
        });
    }
    if !is_live(&ctx, Some(&files)) {
        return Ok(not_found());
    }
    let room = s.room();
    let mut variants = Vec::new();
    for q in qualities {
        if !quality_live(&ctx, &files, Some(q)) {
            continue;
        }
        let text = std::fs::read_to_string(files.playlist_path(Some(q))).unwrap_or_default();
        let bandwidth = hls::estimate_bandwidth(&text, |name| {
            let real = hls::resolve_in_dir(&ctx.config.hls_dir, name).ok()??;
            std::fs::metadata(real).ok().map(|m| m.len())
        })
        .unwrap_or(1_000_000);
        variants.push(Variant {
            quality: q.clone(),
            uri: format!("/{room}/playlist/{q}.m3u8"),
            bandwidth,
        });
    }
    Ok(playlist_response(hls::master_playlist(&variants)))
}

/// `GET /{streamer}/playlist/{quality}.m3u8`: one configured quality's live playlist.
pub async fn quality_playlist(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(s) = streamer(&ctx, &params, "streamer").await? else {
        return Ok(not_found());
    };
    if !may_view(&ctx, &req, &s) {
        return Ok(forbidden());
    }
    let Some(quality) = params
        .get("file")
        .and_then(|f| f.strip_suffix(".m3u8"))
        .and_then(|q| ctx.config.video_qualities.iter().find(|c| c.as_str() == q))
    else {
        return Ok(not_found());
    };
    let Some(files) = files(&ctx, &s, None)? else {
        return Ok(not_found());
    };
    Ok(match media_playlist(&ctx, &s, &files, Some(quality))? {
        Some(body) => playlist_response(body),
        None => not_found(),
    })
}

/// `GET /hls/{room}/{N}.ts`: a segment of the plain stream.
pub async fn segment(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    if !ctx.config.video_qualities.is_empty() {
        return Ok(not_found());
    }
    serve_segment(ctx, req, params, None).await
}

/// `GET /hls/{room}/{quality}/{N}.ts`: a segment of one quality.
pub async fn quality_segment(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(quality) = params
        .get("quality")
        .and_then(|q| ctx.config.video_qualities.iter().find(|c| c.as_str() == q))
        .cloned()
    else {
        return Ok(not_found());
    };
    serve_segment(ctx, req, params, Some(&quality)).await
}

async fn serve_segment(
    ctx: Ctx,
    req: Request<Bytes>,
    params: Params,
    quality: Option<&str>,
) -> HandlerResult {
    let Some(seq) = params.get("file").and_then(hls::parse_segment_request) else {
        return Ok(not_found());
    };
    let Some(s) = streamer(&ctx, &params, "room").await? else {
        return Ok(not_found());
    };
    if !may_view(&ctx, &req, &s) {
        return Ok(forbidden());
    }
    let Some(files) = status::files(&ctx, &s, None)? else {
        return Ok(not_found());
    };
    send_segment(&ctx, &files.segment_name(quality, seq)).await
}

/// Sends segment file `name` of `hls_dir`: its bytes, or with `hls.accel_redirect` an empty
/// answer naming it for nginx.
async fn send_segment(ctx: &Ctx, name: &str) -> HandlerResult {
    let Some(path) = hls::resolve_in_dir(&ctx.config.hls_dir, name)? else {
        return Ok(not_found());
    };
    if let Some(prefix) = ctx
        .config
        .hls
        .accel_redirect
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        let slash = if prefix.ends_with('/') { "" } else { "/" };
        let mut r = with_body(StatusCode::OK, MPEG_TS, Bytes::new());
        respond::set_header(
            &mut r,
            header::HeaderName::from_static("x-accel-redirect"),
            &format!("{prefix}{slash}{name}"),
        );
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
    if ctx.config.publish.mode != PublishMode::Redirect {
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
    let (room, quality) = hls::split_quality(stem, &ctx.config.video_qualities);
    let Some(s) = ctx.store.streamer(room).await?.filter(|s| s.room() == room) else {
        return Ok(not_found());
    };
    if !may_view(&ctx, &req, &s) {
        return Ok(forbidden());
    }
    let files = StreamFiles::new(&ctx.config.hls_dir, room);
    match seq {
        Some(n) => send_segment(&ctx, &files.segment_name(quality, n)).await,
        None => {
            if !quality_live(&ctx, &files, quality) {
                return Ok(not_found());
            }
            let Some(path) =
                hls::resolve_in_dir(&ctx.config.hls_dir, &files.playlist_name(quality))?
            else {
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
