//! Signing in to the dashboard with the stream key, and signing out.
//!
//! The sign-in form posts the key once; a right key opens a session (a new random token, its
//! keyed hash stored) and sends the browser to the overview with the session cookie. Wrong keys
//! spend the caller's and the streamer's guess budgets, shared with the API, and once one is
//! spent even the right key gets 429. The form itself carries no CSRF token (there is no
//! session yet to bind one to): its post must pass the same-origin check, and the cookie is
//! SameSite=Strict, so another site can neither sign a browser in nor use the session.

use super::session::{home, posted, same_origin, set_cookie, signed_in};
use super::{private, streamer_from_path};
use crate::api_auth::{check_key, KeyRefused};
use crate::assets::render;
use crate::request::{caller, field, form_pairs};
use crate::respond::{self, html, not_found, redirect, text, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{Request, StatusCode};
use rsstreaming_shared::auth::{generate_session, StreamKey};
use rsstreaming_shared::store::{event_kind, NewEvent, Streamer};

/// The sign-in form of `s`'s dashboard, with an error line after a refused try.
fn form(ctx: &Ctx, s: &Streamer, error: Option<&str>, status: StatusCode) -> HandlerResult {
    let room = s.room();
    let body = render(
        ctx,
        "dashboard/signin.html",
        minijinja::context! {
            streamer => minijinja::context! { username => &s.username, room => &room },
            home => home(&room),
            error => error,
        },
    )?;
    let mut r = html(status, body);
    private(&mut r);
    Ok(r)
}

/// `GET /{streamer}/dashboard/signin`: the form (or, already signed in, the overview).
pub async fn signin_page(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(s) = streamer_from_path(&ctx, &params).await? else {
        return Ok(not_found());
    };
    if signed_in(&ctx, &req, &params).await?.is_ok() {
        return Ok(redirect(StatusCode::SEE_OTHER, &home(&s.room())));
    }
    form(&ctx, &s, None, StatusCode::OK)
}

/// `POST /{streamer}/dashboard/signin` (field `key`): a session, or the form with why not.
pub async fn signin(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(s) = streamer_from_path(&ctx, &params).await? else {
        return Ok(not_found());
    };
    if !same_origin(&req) {
        return Ok(text(StatusCode::FORBIDDEN, "cross-site form refused\n"));
    }
    let fields = form_pairs(req.body());
    let key = StreamKey::from(field(&fields, "key").unwrap_or(""));
    match check_key(&ctx, &req, s.username.as_str(), key).await? {
        Ok(s) => {
            let room = s.room();
            let token = generate_session();
            ctx.store.open_session(&room, &token).await?;
            let addr = caller(&req).addr.to_string();
            let meta = serde_json::json!({ "addr": addr });
            let event = NewEvent::now(&room, event_kind::DASHBOARD_SIGNIN, meta);
            ctx.store.record_event(event).await?;
            let mut r = redirect(StatusCode::SEE_OTHER, &home(&room));
            set_cookie(&mut r, &req, &room, Some(&token));
            Ok(r)
        }
        Err(KeyRefused::Spent(spent)) => {
            let why = Some("Too many wrong keys: wait a minute, then try again.");
            let r = form(&ctx, &s, why, StatusCode::TOO_MANY_REQUESTS)?;
            Ok(respond::retry_after(r, spent))
        }
        Err(KeyRefused::Wrong) => form(&ctx, &s, Some("Wrong stream key."), StatusCode::FORBIDDEN),
    }
}

/// `POST /{streamer}/dashboard/signout`: the session ends here and in the store.
pub async fn signout(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    match posted(&ctx, &req, &params).await? {
        Ok((session, _)) => session.close(&ctx, &req).await,
        Err(r) => Ok(r),
    }
}
