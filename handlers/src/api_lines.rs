//! `POST /api/messages/{id}/delete` (SPEC §7): the streamer deletes a chat line as `/delete`
//! does — gone from history, from every page (an announcement every gateway instance acts on,
//! so it works from a cloud function as from `serve`), and marked in the audit log. Only lines
//! in the room's history can be deleted: any other id is 404.

use crate::api_auth::authenticate;
use crate::respond::{self, json, json_error, HandlerError, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use rsstreaming_shared::chat::Deletion;
use rsstreaming_shared::state::Announcement;
use rsstreaming_shared::store::Streamer;

/// A body, if any, must be a JSON object declared as JSON: a cross-site form (whose content
/// types are the only ones a page may send without a preflight) is refused with 415.
fn body_problem(req: &Request<Bytes>) -> Option<(StatusCode, &'static str)> {
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase());
    match declared.as_deref() {
        None | Some(respond::JSON) => {}
        Some(_) => {
            let why = "a body, if any, must be application/json";
            return Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, why));
        }
    }
    let body = req.body();
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) if v.is_object() => None,
        _ => Some((
            StatusCode::BAD_REQUEST,
            "the body, if any, must be a JSON object",
        )),
    }
}

/// The streamer a body-optional write (a delete) is made by: authenticated, and its body, if
/// any, a JSON object ([`body_problem`]); else the answer.
pub(crate) async fn deleter(
    ctx: &Ctx,
    req: &Request<Bytes>,
) -> Result<Result<Streamer, Response<Bytes>>, HandlerError> {
    let s = match authenticate(ctx, req).await? {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    Ok(match body_problem(req) {
        Some((status, why)) => Err(json_error(status, why)),
        None => Ok(s),
    })
}

/// `POST /api/messages/{id}/delete`.
pub async fn delete_message(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match deleter(&ctx, &req).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let id = params.get("id").unwrap_or_default();
    let room = s.room();
    let Some(line) = ctx.state.remove_history(&room, id).await? else {
        let why = format!("no line with id '{id}' in the chat history");
        return Ok(json_error(StatusCode::NOT_FOUND, &why));
    };
    let author = line.author().map(|a| a.username).unwrap_or_default();
    let by = s.username.to_string();
    ctx.store
        .record_event(Deletion::audit(&room, (id, &author), &by))
        .await?;
    ctx.state
        .announce(&Announcement::LineDeleted {
            room: room.to_string(),
            id: id.to_string(),
        })
        .await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({"id": id, "deleted": true}),
    ))
}
