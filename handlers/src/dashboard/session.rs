//! Who a dashboard request is: the session its cookie names ([`signed_in`]), and whether a form
//! it posts may change anything ([`Session::check_form`]: same origin and the session's CSRF
//! token, both or 403).

use super::streamer_from_path;
use crate::request::{caller, cookies, field, form_pairs};
use crate::respond::{self, redirect, text, HandlerError};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use rsstreaming_shared::auth::{csrf_token, ct_eq, session_cookie, SESSION_COOKIE};
use rsstreaming_shared::store::Streamer;

/// A signed-in request: the streamer and the session token its cookie carried.
pub(crate) struct Session {
    pub streamer: Streamer,
    token: String,
}

/// A signed-in session, or the response a request without one gets.
pub(crate) type SignedIn = Result<Result<Session, Response<Bytes>>, HandlerError>;

/// The dashboard's base path of `room`.
pub(crate) fn home(room: &str) -> String {
    format!("/{room}/dashboard")
}

/// The session of the request for the streamer in its path: 404 for an unknown streamer, a
/// redirect to the sign-in page without a live session of that streamer.
pub(crate) async fn signed_in(ctx: &Ctx, req: &Request<Bytes>, params: &Params) -> SignedIn {
    let Some(s) = streamer_from_path(ctx, params).await? else {
        return Ok(Err(respond::not_found()));
    };
    let room = s.room();
    let jar = cookies(req.headers());
    if let Some(token) = jar.get(SESSION_COOKIE) {
        if let Some(owner) = ctx.store.session_streamer(token).await? {
            if owner.room() == room {
                let token = token.to_string();
                return Ok(Ok(Session {
                    streamer: owner,
                    token,
                }));
            }
        }
    }
    let signin = format!("{}/signin", home(&room));
    Ok(Err(redirect(StatusCode::SEE_OTHER, &signin)))
}

/// A form post of a signed-in session that may act: the session and the form's fields. Else
/// the response to give (sign-in redirect, 404, or 403 from [`Session::check_form`]).
pub(crate) async fn posted(
    ctx: &Ctx,
    req: &Request<Bytes>,
    params: &Params,
) -> Result<Result<(Session, Vec<(String, String)>), Response<Bytes>>, HandlerError> {
    let session = match signed_in(ctx, req, params).await? {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    let form = form_pairs(req.body());
    Ok(match session.check_form(ctx, req, &form) {
        Some(refused) => Err(refused),
        None => Ok((session, form)),
    })
}

impl Session {
    /// The CSRF token the session's forms carry (field `csrf`).
    pub fn csrf(&self, ctx: &Ctx) -> String {
        csrf_token(&ctx.secret, &self.token)
    }

    /// Whether `req`, a form post of this session with fields `form`, may act: it comes from a
    /// page of this site ([`same_origin`]) and carries the session's CSRF token (compared in
    /// constant time). Else the 403 to answer; nothing is changed then.
    pub fn check_form(
        &self,
        ctx: &Ctx,
        req: &Request<Bytes>,
        form: &[(String, String)],
    ) -> Option<Response<Bytes>> {
        if !same_origin(req) {
            return Some(text(StatusCode::FORBIDDEN, "cross-site form refused\n"));
        }
        let sent = field(form, "csrf").unwrap_or("");
        (!ct_eq(sent, &self.csrf(ctx)))
            .then(|| text(StatusCode::FORBIDDEN, "invalid or missing CSRF token\n"))
    }

    /// Ends the session (sign-out): gone from the store, the cookie deleted.
    pub async fn close(
        self,
        ctx: &Ctx,
        req: &Request<Bytes>,
    ) -> Result<Response<Bytes>, HandlerError> {
        ctx.store.close_session(&self.token).await?;
        let room = self.streamer.room();
        let mut r = redirect(StatusCode::SEE_OTHER, &format!("{}/signin", home(&room)));
        set_cookie(&mut r, req, &room, None);
        Ok(r)
    }
}

/// Sets the session cookie of `room`'s dashboard on `r` (`None`: deletes it), `Secure` when the
/// caller came over HTTPS (directly, or through a trusted proxy that says so).
pub(crate) fn set_cookie(
    r: &mut Response<Bytes>,
    req: &Request<Bytes>,
    room: &str,
    token: Option<&str>,
) {
    let https = caller(req).scheme.eq_ignore_ascii_case("https");
    respond::set_header(r, header::SET_COOKIE, &session_cookie(room, token, https));
}

/// Whether a POST comes from a page of this site: its `Origin` (or, without one, its `Referer`)
/// names the host the request was sent to (the caller's host: `Host`, or `X-Forwarded-Host`
/// of a trusted proxy). A post carrying neither is refused: every browser sends `Origin` on a
/// form post, so only a forged or stripped request lacks both. The scheme is not compared, as a
/// TLS-terminating proxy that is not trusted would make every honest post look cross-scheme;
/// the host is what a cross-site attacker cannot choose.
pub(crate) fn same_origin(req: &Request<Bytes>) -> bool {
    let header_text = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let Some(origin) = header_text(header::ORIGIN).or_else(|| header_text(header::REFERER)) else {
        return false;
    };
    let Some(host) = caller(req)
        .host
        .or_else(|| header_text(header::HOST).map(str::to_string))
    else {
        return false;
    };
    let authority = origin
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
    authority.is_some_and(|a| !a.is_empty() && a.eq_ignore_ascii_case(host.trim()))
}
