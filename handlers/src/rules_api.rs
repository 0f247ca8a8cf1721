//! The room rules of the remote-control API (SPEC §7): `GET/POST/DELETE /api/filters` and
//! `PUT/DELETE /api/pin`. The same rules and errors as `/filter` and `/pin` in the chat (the
//! store checks every change, see `Store::change_rules`); a change is audited with the
//! streamer as its author and announced, so every gateway instance puts it in force within a
//! moment and tells the room (`pinned`).
//!
//! Filters: `{"filter": "WORD"}` or `{"filter": "/REGEX/"}` to add (POST) or remove (DELETE);
//! answers `{"filters": [...], "site": [...]}` (the room's, and the site's set by the CLI,
//! which apply too), as GET does. A refused filter is 400 with the chat's message, a duplicate
//! 409, removing one that is not set 404. Pin: PUT `{"message": "TEXT"}` → `{"message": TEXT}`
//! (emojified as shown), DELETE → `{"message": null}`.

use crate::api::{bad_request, json_write};
use crate::api_auth::authenticate;
use crate::respond::{json, json_error, HandlerError, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use rsstreaming_shared::chat::filters::{Filter, FilterError};
use rsstreaming_shared::chat::room_rules::{pin_text, RuleChange};
use rsstreaming_shared::state::Announcement;
use rsstreaming_shared::store::{Streamer, SITE_RULES};
use rsstreaming_shared::text::MAX_MESSAGE_LEN;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterBody {
    filter: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PinBody {
    message: String,
}

/// The room's and the site's filters, as listed.
async fn filters_of(ctx: &Ctx, s: &Streamer) -> HandlerResult {
    let shown = |list: Vec<Filter>| list.iter().map(Filter::display).collect::<Vec<_>>();
    let room = shown(ctx.store.filters(&s.room()).await?);
    let site = shown(ctx.store.filters(SITE_RULES).await?);
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({"filters": room, "site": site}),
    ))
}

/// Stores a change the chat would make and announces it, so every gateway instance puts it
/// in force; the refusal when the rules say no (nothing stored). The dashboard's moderation
/// page changes the rules through this too.
pub(crate) async fn store_change(
    ctx: &Ctx,
    s: &Streamer,
    change: &RuleChange,
) -> Result<Result<(), FilterError>, HandlerError> {
    let room = s.room();
    if let Err(refused) = ctx.store.change_rules(&room, change, &s.username).await? {
        return Ok(Err(refused));
    }
    ctx.state
        .announce(&Announcement::RulesChanged {
            room: room.to_string(),
        })
        .await?;
    Ok(Ok(()))
}

/// [`store_change`], answering a refusal as JSON: 409 for a duplicate filter, 404 for
/// removing one that is not set, 400 otherwise.
async fn change(
    ctx: &Ctx,
    s: &Streamer,
    change: &RuleChange,
) -> Result<Option<Response<Bytes>>, HandlerError> {
    let Err(refused) = store_change(ctx, s, change).await? else {
        return Ok(None);
    };
    let status = match refused {
        FilterError::Duplicate(_) => StatusCode::CONFLICT,
        FilterError::Unknown(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    Ok(Some(json_error(status, &refused.to_string())))
}

/// The pinned text of what the streamer typed, as `/pin` makes it (emojified, custom emotes
/// kept); why not when it is too long or blank.
pub(crate) async fn pin_of(ctx: &Ctx, typed: &str) -> Result<Result<String, String>, HandlerError> {
    if typed.chars().count() > MAX_MESSAGE_LEN {
        let why = format!("message is too long (at most {MAX_MESSAGE_LEN} characters)");
        return Ok(Err(why));
    }
    let emotes = ctx.store.emotes().await?;
    let is_custom = |a: &str| emotes.iter().any(|e| e.alias.eq_ignore_ascii_case(a));
    Ok(pin_text(typed, &is_custom).ok_or_else(|| "message must not be blank".to_string()))
}

/// `GET /api/filters`.
pub async fn get_filters(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    match authenticate(&ctx, &req).await? {
        Ok(s) => filters_of(&ctx, &s).await,
        Err(r) => Ok(r),
    }
}

/// `POST /api/filters` (`add`) and `DELETE /api/filters` (remove).
async fn change_filter(ctx: Ctx, req: Request<Bytes>, add: bool) -> HandlerResult {
    let (s, body) = match json_write::<FilterBody>(&ctx, &req).await? {
        Ok(ok) => ok,
        Err(r) => return Ok(r),
    };
    let filter = match Filter::parse(&body.filter) {
        Ok(f) => f,
        Err(e) => return Ok(bad_request(&e.to_string())),
    };
    let asked = match add {
        true => RuleChange::AddFilter(filter),
        false => RuleChange::RemoveFilter(filter),
    };
    match change(&ctx, &s, &asked).await? {
        Some(refused) => Ok(refused),
        None => filters_of(&ctx, &s).await,
    }
}

pub async fn post_filter(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    change_filter(ctx, req, true).await
}

pub async fn delete_filter(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    change_filter(ctx, req, false).await
}

/// `PUT /api/pin`.
pub async fn put_pin(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let (s, body) = match json_write::<PinBody>(&ctx, &req).await? {
        Ok(ok) => ok,
        Err(r) => return Ok(r),
    };
    match pin_of(&ctx, &body.message).await? {
        Ok(text) => pinned(&ctx, &s, Some(text)).await,
        Err(why) => Ok(bad_request(&why)),
    }
}

/// `DELETE /api/pin`.
pub async fn delete_pin(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    match authenticate(&ctx, &req).await? {
        Ok(s) => pinned(&ctx, &s, None).await,
        Err(r) => Ok(r),
    }
}

async fn pinned(ctx: &Ctx, s: &Streamer, pin: Option<String>) -> HandlerResult {
    let asked = RuleChange::Pin(pin.clone());
    match change(ctx, s, &asked).await? {
        Some(refused) => Ok(refused),
        None => Ok(json(StatusCode::OK, &serde_json::json!({"message": pin}))),
    }
}
