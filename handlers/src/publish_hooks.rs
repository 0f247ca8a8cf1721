//! nginx-rtmp's publish hooks: `on_publish` decides whether a stream key may publish,
//! `on_publish_done` records the end of a stream: an audit event each, and the stream session
//! of `GET /api/streams` (one open stream a room, however many qualities nginx relays);
//! `on_record_done` registers a finished recording.
//!
//! nginx-rtmp POSTs `app=…&flashver=…&tcurl=…&addr=<client ip>&clientid=N&call=publish&
//! name=<key>&type=live` (query arguments of the publish URL appended); a GET with the same
//! fields in the query string is accepted too.
//!
//! The hook must not become a public key-guessing oracle:
//! - only callers in `publish.allow` (nginx's address; loopback by default) get an answer;
//! - every refused publish counts against two guess budgets ([`rsstreaming_shared::budget`]),
//!   taken before the key is looked up: one per RTMP client address (`addr`, which nginx
//!   reports; the caller's own address when absent) and a wider one per hook caller (the
//!   transport's caller, so rotating `addr` buys nothing). Once either is spent every attempt,
//!   right key or not, gets 429 with `Retry-After`, so guessing cannot go on at speed; an
//!   accepted publish gives its units back.
//!
//! Relays are not publishes: the seed's transcoding config pushes `<key>_<quality>` back into
//! nginx from ffmpeg on this machine, and a server-level `on_publish` sends those through the
//! hook too. Such a name, from a client address in `publish.allow`, is accepted with 200,
//! records nothing, and spends no budget; it proves knowledge of the key, so it opens nothing.
//! A bare room name is never accepted, from any address: otherwise any local user could publish
//! as any streamer in redirect mode. The redirect layouts (`infra/nginx/rtmp-redirect.conf`,
//! `rtmp-multi.conf`) therefore put `on_publish` in the `live` application only, and the `hls`
//! application accepts publishes from 127.0.0.1 alone.

use crate::request::{caller, field, form_pairs, query_pairs};
use crate::respond::{self, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use rsstreaming_shared::auth::StreamKey;
use rsstreaming_shared::budget::{self, Scope};
use rsstreaming_shared::config::PublishMode;
use rsstreaming_shared::net::{allowed, blocks, IpBlock};
use rsstreaming_shared::recordings::RecordingFiles;
use rsstreaming_shared::store::{event_kind, now_ms, NewEvent, Streamer};
use rsstreaming_shared::webhooks;
use std::net::IpAddr;

/// The hook's fields: the query string, then (for POST) the form body.
fn hook_fields(req: &Request<Bytes>) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if req.method() == Method::POST {
        pairs.extend(form_pairs(req.body()));
    }
    pairs.extend(query_pairs(req));
    pairs
}

fn allow_list(ctx: &Ctx) -> Vec<IpBlock> {
    blocks(&ctx.config.publish.allow)
}

/// What a hook call is about.
enum Publisher {
    /// A streamer's own key.
    Streamer(Streamer),
    /// nginx pushing a transcode or the renamed stream back into itself.
    Relay(Streamer),
    Unknown,
}

/// Who publishes under `name`, the stream key nginx-rtmp reports (never logged or recorded).
async fn identify(
    ctx: &Ctx,
    name: &StreamKey,
    client_trusted: bool,
) -> Result<Publisher, crate::respond::HandlerError> {
    if name.is_empty() {
        return Ok(Publisher::Unknown);
    }
    if let Some(s) = ctx.store.streamer_by_key(name).await? {
        return Ok(Publisher::Streamer(s));
    }
    if !client_trusted {
        return Ok(Publisher::Unknown);
    }
    let (base, quality) = ctx.hls.split_quality(name.expose());
    if quality.is_some() {
        if let Some(s) = ctx.store.streamer_by_key(base).await? {
            return Ok(Publisher::Relay(s));
        }
    }
    Ok(Publisher::Unknown)
}

/// The meta of a publish event: who, through which application, from where. Never the key.
fn meta(username: Option<&str>, app: &str, addr: IpAddr) -> serde_json::Value {
    let mut m = serde_json::json!({ "app": app, "addr": addr.to_string() });
    if let Some(u) = username {
        m["username"] = u.into();
    }
    m
}

/// `GET|POST /auth/on_publish`.
pub async fn on_publish(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let who = caller(&req);
    let blocks = allow_list(&ctx);
    if !allowed(&blocks, who.addr) {
        tracing::warn!(caller = %who.addr, "on_publish from an address outside publish.allow refused");
        return Ok(respond::text(StatusCode::FORBIDDEN, "forbidden\n"));
    }
    let fields = hook_fields(&req);
    let key = StreamKey::from(field(&fields, "name").unwrap_or(""));
    let app = field(&fields, "app").unwrap_or("").to_string();
    let client: IpAddr = field(&fields, "addr")
        .and_then(|a| a.parse().ok())
        .unwrap_or(who.addr);
    let publisher = identify(&ctx, &key, allowed(&blocks, client)).await?;
    if let Publisher::Relay(s) = &publisher {
        tracing::info!(streamer = %s.username, %app, "relay publish accepted");
        return Ok(respond::text(StatusCode::OK, "ok\n"));
    }
    let limits = [
        (budget::PUBLISH_PER_CLIENT, Scope::Addr(client)),
        (budget::PUBLISH_PER_HOOK_CALLER, Scope::Addr(who.addr)),
    ];
    let attempt = match budget::attempt(&*ctx.state, &limits).await? {
        Ok(a) => a,
        Err(spent) => {
            tracing::warn!(%client, %app, "publish attempts throttled");
            let r = respond::text(
                StatusCode::TOO_MANY_REQUESTS,
                "too many attempts, wait a minute\n",
            );
            return Ok(respond::retry_after(r, spent));
        }
    };
    match publisher {
        Publisher::Streamer(s) => {
            attempt.succeeded(&*ctx.state).await?;
            let room = s.room();
            ctx.store
                .record_event(NewEvent::now(
                    &room,
                    event_kind::STREAM_START,
                    meta(Some(s.username.as_str()), &app, client),
                ))
                .await?;
            // One stream a room: a second publish while one is open (a transcode's relays
            // never get here) continues it.
            if ctx.store.open_stream(&room, now_ms()).await? {
                tell_webhooks(&ctx, &s, webhooks::STREAM_STARTED).await?;
            }
            tracing::info!(streamer = %s.username, %app, %client, "publish accepted");
            Ok(match ctx.hls.mode() {
                PublishMode::Rename => respond::text(StatusCode::OK, "ok\n"),
                PublishMode::Redirect => respond::redirect(StatusCode::FOUND, &room),
            })
        }
        _ => {
            attempt.failed();
            ctx.store
                .record_event(NewEvent::now(
                    "",
                    event_kind::PUBLISH_REFUSED,
                    meta(None, &app, client),
                ))
                .await?;
            tracing::warn!(%client, %app, "publish refused: unknown stream key");
            Ok(respond::text(StatusCode::FORBIDDEN, "forbidden\n"))
        }
    }
}

/// `GET|POST /auth/on_publish_done`: always 200; from an allowed caller, records the stop of an
/// open stream (once, though a relay's end reports the same room again).
pub async fn on_publish_done(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let ok = || Ok(respond::text(StatusCode::OK, "ok\n"));
    let who = caller(&req);
    let blocks = allow_list(&ctx);
    if !allowed(&blocks, who.addr) {
        return ok();
    }
    let fields = hook_fields(&req);
    let name = field(&fields, "name").unwrap_or("");
    let app = field(&fields, "app").unwrap_or("").to_string();
    let client: IpAddr = field(&fields, "addr")
        .and_then(|a| a.parse().ok())
        .unwrap_or(who.addr);
    let streamer = finished_streamer(&ctx, name).await?;
    if let Some(s) = streamer {
        let room = s.room();
        if ctx.store.close_stream(&room, now_ms()).await? {
            tell_webhooks(&ctx, &s, webhooks::STREAM_STOPPED).await?;
        }
        let start = ctx
            .store
            .latest_event(&room, event_kind::STREAM_START)
            .await?;
        let stop = ctx
            .store
            .latest_event(&room, event_kind::STREAM_STOP)
            .await?;
        let open = match (start, stop) {
            (Some(a), Some(b)) => a.id > b.id,
            (Some(_), None) => true,
            _ => false,
        };
        if open {
            ctx.store
                .record_event(NewEvent::now(
                    &room,
                    event_kind::STREAM_STOP,
                    meta(Some(s.username.as_str()), &app, client),
                ))
                .await?;
            tracing::info!(streamer = %s.username, %app, "stream stopped");
        }
    }
    ok()
}

/// Whose stream ended, by the `name` an end hook reports: the key, or in redirect mode the
/// room itself (nginx reports the end under the new name, from whatever address the streamer
/// publishes; ending a stream grants nothing).
async fn finished_streamer(
    ctx: &Ctx,
    name: &str,
) -> Result<Option<Streamer>, crate::respond::HandlerError> {
    Ok(match ctx.store.streamer_by_key(name).await? {
        Some(s) => Some(s),
        None if !name.is_empty() && ctx.hls.mode() == PublishMode::Redirect => {
            ctx.store.streamer(name).await?.filter(|s| s.room() == name)
        }
        None => None,
    })
}

/// `GET|POST /auth/on_record_done` (SPEC §9): nginx-rtmp finished a recording (`record all`),
/// its file at `path`. From an allowed caller, for a streamer's stream, with `recordings`
/// configured: the file is moved to a name without the key inside `recordings.dir` and
/// registered for the remux `serve` runs (it plays within seconds). Always 200 — nginx does
/// nothing with a refusal; what was refused is logged, never the path (it holds the key in
/// rename mode).
pub async fn on_record_done(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let ok = || Ok(respond::text(StatusCode::OK, "ok\n"));
    let who = caller(&req);
    if !allowed(&allow_list(&ctx), who.addr) {
        tracing::warn!(caller = %who.addr, "on_record_done from an address outside publish.allow refused");
        return ok();
    }
    let Some(config) = ctx.config.recordings.as_ref() else {
        tracing::debug!("on_record_done: recordings are off (no `recordings` in the config)");
        return ok();
    };
    let fields = hook_fields(&req);
    let name = field(&fields, "name").unwrap_or("");
    let Some(s) = finished_streamer(&ctx, name).await? else {
        tracing::warn!("on_record_done for no streamer's stream: not kept");
        return ok();
    };
    let room = s.room();
    let path = std::path::Path::new(field(&fields, "path").unwrap_or(""));
    let files = RecordingFiles::new(&config.dir);
    let stem = match files.adopt(path, &room) {
        Ok(stem) => stem,
        Err(e) => {
            tracing::warn!(streamer = %s.username, "recording not kept: {e}");
            return ok();
        }
    };
    let id = ctx.store.add_recording(&room, &stem).await?;
    tracing::info!(streamer = %s.username, id, "recording registered");
    ok()
}

/// Queues `event` of `s`'s stream for its webhooks and the site's, with the stream page's
/// address.
async fn tell_webhooks(
    ctx: &Ctx,
    s: &Streamer,
    event: &str,
) -> Result<(), crate::respond::HandlerError> {
    let page = format!("/{}/", s.room());
    webhooks::queue(&ctx.store, &ctx.config.public_origins, s, event, &page).await?;
    Ok(())
}
