//! The remote-control API (SPEC §4, §8): Basic auth with the streamer's username and stream
//! key, or a scoped Bearer token ([`crate::api_auth`]).
//!
//! Errors are JSON `{"error": "..."}`: 401 (with `WWW-Authenticate`) for missing or wrong
//! credentials, 403 for a token without the operation's scope, 400 for a body or query that does not fit, 415 for a write whose body is not
//! declared `application/json`, 429 (with `Retry-After`) once a guess budget
//! ([`rsstreaming_shared::budget`]) is spent — checked before the key, so it stops a right
//! guess too.

use crate::api_auth::authenticate;
use crate::request::query_pairs;
use crate::respond::{self, json, json_error, HandlerResult};
use crate::streamer_settings;
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use rsstreaming_shared::chat::{LineStamp, StreamerChange};
use rsstreaming_shared::post::{Post, PostKind};
use rsstreaming_shared::state::Announcement;
use rsstreaming_shared::store::{ChatLine, Streamer};
use serde::Deserialize;

/// Writes must say they are JSON: a cross-site HTML form can send `text/plain` or a form
/// encoding with the browser's Basic credentials, but not `application/json` (that needs a
/// CORS preflight this site never grants).
pub(crate) fn not_json(req: &Request<Bytes>) -> Option<Response<Bytes>> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(respond::JSON));
    (!is_json).then(|| {
        json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be application/json",
        )
    })
}

/// `GET /api/info` / the answer of `PATCH /api/info`.
///
/// Unlike the public `/{streamer}/info` (whose count is 0 while offline), the streamer sees
/// the pages open on the stream right now, live or not: who is waiting for it matters to them.
async fn info_of(ctx: &Ctx, s: &Streamer) -> HandlerResult {
    let room = s.room();
    let live = ctx
        .hls
        .is_live(ctx.hls.locate(&s.room(), &s.key_hash, None)?.as_ref());
    let viewers = ctx.state.viewer_count(&room).await?;
    let members = ctx.state.members(&room).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({
            "username": s.username,
            "description": s.description,
            "streampass": s.streampass,
            "live": live,
            "viewers": viewers,
            "members": members,
        }),
    ))
}

/// `GET /api/info`.
pub async fn get_info(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    match authenticate(&ctx, &req).await? {
        Ok(s) => info_of(&ctx, &s).await,
        Err(r) => Ok(r),
    }
}

/// A JSON object body, or what is wrong with it (for a 400).
pub(crate) fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("a JSON body is required".into());
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))?;
    if !value.is_object() {
        return Err("the JSON body must be an object".into());
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let why = e.inner().to_string();
        if path == "." {
            format!("invalid JSON body: {why}")
        } else {
            format!("invalid JSON body at `{path}`: {why}")
        }
    })
}

pub(crate) fn bad_request(why: &str) -> Response<Bytes> {
    json_error(StatusCode::BAD_REQUEST, why)
}

/// The caller of a JSON write and its body: authenticated, declared JSON, parsed as `T`; or
/// the answer refusing it (401/403/429, 415, 400).
pub(crate) async fn json_write<T: for<'de> Deserialize<'de>>(
    ctx: &Ctx,
    req: &Request<Bytes>,
) -> Result<Result<(Streamer, T), Response<Bytes>>, crate::respond::HandlerError> {
    let s = match authenticate(ctx, req).await? {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    if let Some(r) = not_json(req) {
        return Ok(Err(r));
    }
    Ok(parse_body(req.body())
        .map(|b| (s, b))
        .map_err(|why| bad_request(&why)))
}

/// `PATCH /api/info` body. `streampass` distinguishes "absent" (keep) from `null` (remove).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InfoPatch {
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    streampass: Option<Option<String>>,
}

/// Maps a present field (even `null`) to `Some`, so absence stays `None`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `PATCH /api/info`: changes the description and/or viewer password; answers the new info.
pub async fn patch_info(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let (s, patch): (_, InfoPatch) = match json_write(&ctx, &req).await? {
        Ok(w) => w,
        Err(r) => return Ok(r),
    };
    if let Some(description) = patch.description {
        let change = StreamerChange::Description(description.unwrap_or_default());
        streamer_settings::apply(&ctx, &s, change).await?;
    }
    if let Some(password) = patch.streampass {
        let change = StreamerChange::Password(password.filter(|p| !p.is_empty()));
        streamer_settings::apply(&ctx, &s, change).await?;
    }
    let fresh = ctx.store.streamer(&s.username).await?.unwrap_or(s);
    info_of(&ctx, &fresh).await
}

/// `GET /api/messages?limit=N&lastStreamOnly=true`: chat lines, oldest first.
pub async fn get_messages(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let s = match authenticate(&ctx, &req).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let mut limit = None;
    let mut last_stream_only = false;
    for (k, v) in query_pairs(&req) {
        match k.as_str() {
            "limit" => match v.trim().parse::<i64>() {
                Ok(n) if n >= 0 => limit = Some(n),
                _ => {
                    return Ok(json_error(
                        StatusCode::BAD_REQUEST,
                        "limit must be a non-negative integer",
                    ))
                }
            },
            "lastStreamOnly" => match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "" => last_stream_only = true,
                "false" | "0" | "no" => last_stream_only = false,
                _ => {
                    return Ok(json_error(
                        StatusCode::BAD_REQUEST,
                        "lastStreamOnly must be true or false",
                    ))
                }
            },
            _ => {}
        }
    }
    let lines = ctx
        .store
        .chat_lines(&s.room(), limit, last_stream_only)
        .await?;
    Ok(json(StatusCode::OK, &lines))
}

/// `POST /api/messages` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMessage {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    message: String,
}

/// `POST /api/messages`: records the line once, keeps it quietly in history (deletable, never
/// replayed) and hands it to the chat gateways, which deliver it to whoever is in the room now
/// (and do not record it again).
pub async fn post_message(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let (s, msg): (_, NewMessage) = match json_write(&ctx, &req).await? {
        Ok(w) => w,
        Err(r) => return Ok(r),
    };
    let kind = match msg
        .kind
        .as_deref()
        .map(str::parse)
        .unwrap_or(Ok(PostKind::Normal))
    {
        Ok(kind) => kind,
        Err(e) => return Ok(json_error(StatusCode::BAD_REQUEST, &e.to_string())),
    };
    let emotes = ctx.store.emotes().await?;
    let is_custom = |a: &str| emotes.iter().any(|e| e.alias.eq_ignore_ascii_case(a));
    let post = match Post::new(kind, &msg.message, is_custom) {
        Ok(post) => post,
        Err(e) => return Ok(json_error(StatusCode::BAD_REQUEST, &e.to_string())),
    };
    let room = s.room();
    let stamp = LineStamp::now();
    let (ts, id) = (stamp.timestamp, stamp.id.clone());
    ctx.store
        .record_event(post.event(&room, &s.username, &stamp))
        .await?;
    if let Some(line) = post.history_line(&s.username, &stamp) {
        ctx.state.append_history(&room, &line).await?;
    }
    ctx.state
        .announce(&Announcement::Post {
            room: room.to_string(),
            kind,
            message: post.text().to_string(),
            stamp,
        })
        .await?;
    Ok(json(
        StatusCode::OK,
        &ChatLine {
            kind: kind.event_kind().to_string(),
            timestamp: ts / 1000,
            name: (kind != PostKind::Server).then(|| s.username.to_string()),
            message: post.text().to_string(),
            id: (kind != PostKind::Server).then_some(id),
            deleted: false,
        },
    ))
}

/// `GET /api/streams`: the streamer's stream sessions, newest first (SPEC §8).
pub async fn get_streams(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let s = match authenticate(&ctx, &req).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let streams = ctx.store.streams(&s.room()).await?;
    Ok(json(StatusCode::OK, &streams))
}
