//! `GET|POST|DELETE /api/bans` (SPEC §7, issue 12): the chat's bans from outside it, under the
//! same rules and words as `/ban` and `/unban` (see `rsstreaming_shared::chat::ban_request`).
//! A change is stored and audited, then announced, so every gateway instance refreshes its
//! cache at once and sends away a banned chatter who is in the chat.

use crate::api::{bad_request, json_write};
use crate::api_auth::authenticate;
use crate::request::query_pairs;
use crate::respond::{json, json_error, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use rsstreaming_shared::chat::ban_request::{ban_request, checked_name, BanRefused};
use rsstreaming_shared::state::Announcement;
use rsstreaming_shared::store::Streamer;
use serde::Deserialize;

/// `POST /api/bans` body. `duration` is a DURATION (`"10m"`) or a number of seconds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewBan {
    username: String,
    #[serde(default)]
    duration: Option<serde_json::Value>,
    #[serde(default)]
    reason: Option<String>,
}

/// Tells every gateway instance that `s`'s room's bans changed.
pub(crate) async fn announce(ctx: &Ctx, s: &Streamer) -> Result<(), crate::respond::HandlerError> {
    let changed = Announcement::SanctionsChanged {
        room: s.room().to_string(),
    };
    Ok(ctx.state.announce(&changed).await?)
}

/// `/api/bans`, by method (the route table's three rows).
pub async fn bans(ctx: Ctx, req: Request<Bytes>, p: Params) -> HandlerResult {
    match *req.method() {
        Method::POST => post_ban(ctx, req, p).await,
        Method::DELETE => delete_ban(ctx, req, p).await,
        _ => get_bans(ctx, req, p).await,
    }
}

/// `GET /api/bans`: the bans and mutes (timeouts when timed) in force, oldest first.
async fn get_bans(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let s = match authenticate(&ctx, &req).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    Ok(json(StatusCode::OK, &ctx.store.sanctions(&s.room()).await?))
}

/// `POST /api/bans`: bans a name (and, once the gateway sees it, its address); the ban as stored.
async fn post_ban(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let (s, asked): (_, NewBan) = match json_write(&ctx, &req).await? {
        Ok(w) => w,
        Err(r) => return Ok(r),
    };
    let duration = match asked.duration {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(d)) => Some(d),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            return Ok(bad_request(
                "duration must be a string or a number of seconds",
            ))
        }
    };
    let by = s.username.to_string();
    let reason = asked.reason.as_deref();
    let mut ban = match ban_request(
        &s.username,
        &asked.username,
        duration.as_deref(),
        reason,
        &by,
    ) {
        Ok(b) => b,
        Err(refused) => return Ok(bad_request(&refused.to_string())),
    };
    ban.id = ctx.store.ban(&ban).await?;
    announce(&ctx, &s).await?;
    Ok(json(StatusCode::OK, &ban))
}

/// `DELETE /api/bans?username=NAME`: lifts the name's bans; 404 when it had none.
async fn delete_ban(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let s = match authenticate(&ctx, &req).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let asked = query_pairs(&req)
        .into_iter()
        .find(|(k, _)| k == "username")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let name = match checked_name(&s.username, &asked) {
        Ok(n) => n,
        // The streamer is never banned: lifting its bans finds none (404 below).
        Err(BanRefused::Streamer(_)) => asked.trim(),
        Err(refused) => return Ok(bad_request(&refused.to_string())),
    };
    if !ctx.store.unban(&s.room(), name, &s.username).await? {
        let not = format!("User '{name}' is not banned.");
        return Ok(json_error(StatusCode::NOT_FOUND, &not));
    }
    announce(&ctx, &s).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({"username": name, "unbanned": true}),
    ))
}
