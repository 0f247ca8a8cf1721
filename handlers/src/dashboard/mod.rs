//! The streamer's dashboard, `/{streamer}/dashboard` (SPEC §8): signed in with the stream key,
//! then server-rendered pages — overview (live state, viewers and chatters now, viewers over
//! time of the current or last stream), past streams (table, and a chart per stream),
//! moderation (bans, timeouts, filters, pin, slow/emote-only/links/who may chat), settings,
//! API tokens, webhooks (with their delivery log), recordings (list and delete).
//!
//! Stateless like every handler: the session is a row of the store found by the keyed hash of
//! the cookie's token ([`session`]), so it holds across instances and under the Lambda
//! adapter. Sign-in spends the same guess budgets as the API's Basic auth
//! ([`crate::api_auth::check_key`]); every form carries the session's CSRF token and every
//! POST must come from this site's pages (`Origin`/`Referer`), or 403 and nothing changes.
//! The key is only ever read from the sign-in form's body: no page, URL, cookie or log holds it.
//!
//! Files: `session.rs` (cookie, CSRF, origin), `signin.rs` (sign-in and sign-out),
//! `overview.rs` (overview and past streams, with their chart data), `moderation.rs`,
//! `settings.rs`, `tokens.rs`, `videos.rs`, `webhooks.rs`.

/// The signed-in session (or session and form) of `$lookup` — `signed_in(..)` or `posted(..)` —
/// or, from the handler, the response a request without one gets.
macro_rules! or_respond {
    ($lookup:expr) => {
        match $lookup.await? {
            Ok(found) => found,
            Err(response) => return Ok(response),
        }
    };
}

mod moderation;
mod overview;
mod session;
mod settings;
mod signin;
mod tokens;
mod videos;
mod webhooks;

pub use moderation::{moderate, moderation};
pub use overview::{overview, stream, streams};
pub use settings::{save_settings, settings};
pub use signin::{signin, signin_page, signout};
pub use tokens::{add_token, revoke_token, tokens};
pub use videos::{delete_video, videos};
pub use webhooks::{add_webhook, remove_webhook, webhooks};

pub(crate) use crate::pages::streamer_from_path;

use crate::assets::render;
use crate::respond::{self, html, HandlerResult};
use crate::Ctx;
use http::{header, StatusCode};
use minijinja::Value;
use session::{home, Session};

/// What a page says about the form just sent: nothing, what was done (`done` in the
/// template), or why it was refused (`error`; the page answers 400 then, nothing changed).
#[derive(Clone, Copy)]
pub(crate) enum Outcome<'a> {
    Fresh,
    Done(&'a str),
    Refused(&'a str),
}

/// A dashboard page of `session`: `template` (under `templates/dashboard/`) with the layout's
/// context — `streamer {username, room}`, `home` (the dashboard's path), `csrf`, `section`
/// (the navigation entry to mark current) — plus `done`/`error` of `outcome` and the page's
/// own. Never stored by caches.
fn page(
    ctx: &Ctx,
    session: &Session,
    (template, section): (&str, &str),
    own: Value,
    outcome: Outcome<'_>,
) -> HandlerResult {
    let s = &session.streamer;
    let room = s.room();
    let (done, error, status) = match outcome {
        Outcome::Fresh => (None, None, StatusCode::OK),
        Outcome::Done(what) => (Some(what), None, StatusCode::OK),
        Outcome::Refused(why) => (None, Some(why), StatusCode::BAD_REQUEST),
    };
    let body = render(
        ctx,
        &format!("dashboard/{template}"),
        minijinja::context! {
            streamer => minijinja::context! { username => &s.username, room => &room },
            home => home(&room),
            csrf => session.csrf(ctx),
            section => section,
            done => done,
            error => error,
            ..own
        },
    )?;
    let mut r = html(status, body);
    private(&mut r);
    Ok(r)
}

/// Marks a dashboard response as the streamer's alone: no cache keeps it.
fn private(r: &mut http::Response<bytes::Bytes>) {
    respond::set_header(r, header::CACHE_CONTROL, "no-store");
}
