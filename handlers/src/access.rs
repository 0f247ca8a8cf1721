//! Viewer-password protection: who may see a protected stream's page, info, playlists and
//! segments, and the pass cookie that proves it.

use crate::request::{caller, cookie};
use crate::Ctx;
use bytes::Bytes;
use http::Request;
use rsstreaming_shared::auth::{pass_cookie_name, viewer_pass, viewer_pass_ok};
use rsstreaming_shared::store::Streamer;

/// How long a pass cookie lasts.
pub const PASS_MAX_AGE_SECS: u64 = 24 * 60 * 60;

/// Whether the request may see `streamer`'s stream: it is public, or the request carries a pass
/// signed for this streamer under its current password.
pub fn may_view(ctx: &Ctx, req: &Request<Bytes>, streamer: &Streamer) -> bool {
    match streamer.streampass.as_deref() {
        None => true,
        Some(password) => {
            let room = streamer.room();
            cookie(req, &pass_cookie_name(&room))
                .is_some_and(|token| viewer_pass_ok(&ctx.secret, &room, password, token))
        }
    }
}

/// The `Set-Cookie` value granting a pass for `streamer` under `password`: one day, HttpOnly,
/// SameSite=Lax, whole site, and Secure when the caller came over HTTPS.
pub fn pass_cookie(ctx: &Ctx, req: &Request<Bytes>, streamer: &Streamer, password: &str) -> String {
    let room = streamer.room();
    let token = viewer_pass(&ctx.secret, &room, password);
    let secure = if caller(req).scheme.eq_ignore_ascii_case("https") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={token}; Max-Age={PASS_MAX_AGE_SECS}; Path=/; HttpOnly; SameSite=Lax{secure}",
        pass_cookie_name(&room)
    )
}
