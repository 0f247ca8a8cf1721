//! Who an `/api/*` request acts for: HTTP Basic (username + stream key: every scope) or
//! `Authorization: Bearer TOKEN` (a scoped API token, SPEC §8: only its scopes).
//!
//! The scope an operation needs is declared once, by its row of the route table
//! (`api_handler!(f, ApiScope::Read)`), which puts it in the request's extensions; a route
//! that declares none accepts no token (fails closed). Both schemes spend the same guess
//! budget per caller address ([`rsstreaming_shared::budget`]), taken before the secret is
//! looked up, so once spent even a right key or token gets 429.
//!
//! A browser that was once asked for Basic credentials (the 401's challenge) keeps them and
//! sends them with any later request to this site — a form another site posts included. So a
//! Basic request a browser marks as coming from another site (`Sec-Fetch-Site`, or an `Origin`
//! that is neither this site nor one of `public_origins`) is refused (403) before the key is
//! looked at. Tokens need no such check: a browser never adds a Bearer header by itself.

use crate::request::{basic_auth, caller};
use crate::respond::{self, json_error, HandlerError};
use crate::Ctx;
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use rsstreaming_shared::auth::{ApiScope, StreamKey};
use rsstreaming_shared::budget::{self, Scope};
use rsstreaming_shared::net::origin_allowed;
use rsstreaming_shared::store::Streamer;

type Authenticated = Result<Result<Streamer, Response<Bytes>>, HandlerError>;

/// 401; the challenge names the scheme the request tried (Basic when none: what a browser or
/// a plain HTTP client can answer).
fn unauthorized(tried_bearer: bool) -> Response<Bytes> {
    let (why, challenge) = if tried_bearer {
        (
            "unknown or revoked API token",
            "Bearer realm=\"rsstreaming\", error=\"invalid_token\"",
        )
    } else {
        (
            "authentication required: Basic username:stream key, or Bearer API token",
            "Basic realm=\"rsstreaming\"",
        )
    };
    let mut r = json_error(StatusCode::UNAUTHORIZED, why);
    respond::set_header(&mut r, header::WWW_AUTHENTICATE, challenge);
    r
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(req: &Request<Bytes>) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The streamer the request authenticates as, or the response refusing it.
pub(crate) async fn authenticate(ctx: &Ctx, req: &Request<Bytes>) -> Authenticated {
    if let Some(token) = bearer(req) {
        return by_token(ctx, req, token).await;
    }
    let Some((username, key)) = basic_auth(req) else {
        return Ok(Err(unauthorized(false)));
    };
    if from_another_site(ctx, req) {
        let why = "Basic credentials are not accepted from another site's page";
        return Ok(Err(json_error(StatusCode::FORBIDDEN, why)));
    }
    match check_key(ctx, req, &username, key).await? {
        Ok(s) => Ok(Ok(s)),
        Err(KeyRefused::Spent(spent)) => Ok(Err(throttled(spent))),
        Err(KeyRefused::Wrong) => Ok(Err(unauthorized(false))),
    }
}

/// Whether a browser sent this from another site's page: `Sec-Fetch-Site` says so, or the
/// `Origin` is not the host asked for nor one of `public_origins` (no `Origin`: not a browser's
/// cross-site request).
fn from_another_site(ctx: &Ctx, req: &Request<Bytes>) -> bool {
    let text = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    if matches!(text("sec-fetch-site"), Some("cross-site" | "same-site")) {
        return true;
    }
    let host = caller(req)
        .host
        .or_else(|| text(header::HOST.as_str()).map(str::to_string));
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|v| rsstreaming_shared::net::readable(v.as_bytes()));
    !origin_allowed(origin, host.as_deref(), &ctx.config.public_origins)
}

/// Why a stream key was not accepted.
pub(crate) enum KeyRefused {
    /// A guess budget is spent: refused without comparing (429 with `Retry-After`).
    Spent(budget::Spent),
    /// Unknown streamer or wrong key.
    Wrong,
}

/// Checks `key` for streamer `username` as every stream-key login of the site does (the API's
/// Basic auth, the dashboard's sign-in): budgeted per caller address and per streamer, the
/// budget taken before the constant-time comparison against the stored keyed hash.
pub(crate) async fn check_key(
    ctx: &Ctx,
    req: &Request<Bytes>,
    username: &str,
    key: StreamKey,
) -> Result<Result<Streamer, KeyRefused>, HandlerError> {
    let room = username.to_lowercase();
    let limits = [
        (budget::KEY_PER_CALLER, Scope::Addr(caller(req).addr)),
        (budget::KEY_PER_STREAMER, Scope::Streamer(&room)),
    ];
    let attempt = match budget::attempt(&*ctx.state, &limits).await? {
        Ok(a) => a,
        Err(spent) => return Ok(Err(KeyRefused::Spent(spent))),
    };
    match ctx.store.authenticate(username, key).await? {
        Some(s) => {
            attempt.succeeded(&*ctx.state).await?;
            Ok(Ok(s))
        }
        None => {
            attempt.failed();
            Ok(Err(KeyRefused::Wrong))
        }
    }
}

fn throttled(spent: budget::Spent) -> Response<Bytes> {
    let r = json_error(
        StatusCode::TOO_MANY_REQUESTS,
        "too many failed logins, wait a minute",
    );
    respond::retry_after(r, spent)
}

/// A Bearer token: budgeted per caller like a key, then limited to the route's scope.
async fn by_token(ctx: &Ctx, req: &Request<Bytes>, token: &str) -> Authenticated {
    let limits = [(budget::KEY_PER_CALLER, Scope::Addr(caller(req).addr))];
    let attempt = match budget::attempt(&*ctx.state, &limits).await? {
        Ok(a) => a,
        Err(spent) => return Ok(Err(throttled(spent))),
    };
    let Some((s, scopes)) = ctx.store.streamer_by_token(token).await? else {
        attempt.failed();
        return Ok(Err(unauthorized(true)));
    };
    attempt.succeeded(&*ctx.state).await?;
    match req.extensions().get::<ApiScope>() {
        Some(&needed) if scopes.contains(needed) => Ok(Ok(s)),
        Some(needed) => Ok(Err(json_error(
            StatusCode::FORBIDDEN,
            &format!("this token lacks the `{needed}` scope"),
        ))),
        None => Ok(Err(json_error(
            StatusCode::FORBIDDEN,
            "API tokens are not accepted here",
        ))),
    }
}
