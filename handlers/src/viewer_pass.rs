//! Viewer-password protection of a request: the site's one pass check
//! ([`rsstreaming_shared::auth::may_view`], which the chat gateway makes too) applied to the
//! request's cookies, and the pass cookie the password form grants.

use crate::request::{caller, cookies};
use crate::respond::{json_error, HandlerError};
use crate::Ctx;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use rsstreaming_shared::auth;
use rsstreaming_shared::store::Streamer;

/// Whether the request may see `streamer`'s page, info, playlists and segments.
pub fn may_view(ctx: &Ctx, req: &Request<Bytes>, streamer: &Streamer) -> bool {
    auth::may_view(
        &ctx.secret,
        &streamer.room(),
        streamer.streampass.as_deref(),
        &cookies(req.headers()),
    )
}

/// The `Set-Cookie` value granting a pass for `streamer` under `password`, `Secure` when the
/// caller came over HTTPS.
pub fn pass_cookie(ctx: &Ctx, req: &Request<Bytes>, streamer: &Streamer, password: &str) -> String {
    let https = caller(req).scheme.eq_ignore_ascii_case("https");
    auth::pass_cookie(&ctx.secret, &streamer.room(), password, https)
}

/// What a request may see of the streamer a path names.
pub enum Access {
    Open(Streamer),
    /// Password-protected, and the request carries no valid pass.
    Locked(Streamer),
    /// No streamer by that name.
    Unknown,
}

impl Access {
    /// Looks up the streamer named `name` (a path parameter, any letter case) and checks the
    /// request's pass against it.
    pub async fn check(
        ctx: &Ctx,
        req: &Request<Bytes>,
        name: Option<&str>,
    ) -> Result<Self, HandlerError> {
        let Some(s) = (match name {
            Some(n) => ctx.store.streamer(n).await?,
            None => None,
        }) else {
            return Ok(Access::Unknown);
        };
        Ok(if may_view(ctx, req, &s) {
            Access::Open(s)
        } else {
            Access::Locked(s)
        })
    }
}

/// The answer to a request for a protected stream's data without a valid pass.
pub fn forbidden() -> Response<Bytes> {
    json_error(StatusCode::FORBIDDEN, "this stream is password-protected")
}

/// For the data a stream page loads (info, playlists, segments): the streamer named `name`
/// when the request may see it, else the refusal — `unknown()` for no such streamer,
/// [`forbidden`] for a protected one.
pub async fn open_stream(
    ctx: &Ctx,
    req: &Request<Bytes>,
    name: Option<&str>,
    unknown: impl FnOnce() -> Response<Bytes>,
) -> Result<Result<Streamer, Response<Bytes>>, HandlerError> {
    Ok(match Access::check(ctx, req, name).await? {
        Access::Open(s) => Ok(s),
        Access::Locked(_) => Err(forbidden()),
        Access::Unknown => Err(unknown()),
    })
}
