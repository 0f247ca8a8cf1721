//! The stateless HTTP handlers of rsstreaming and the route table.
//!
//! Each handler is an `async fn` of the shared clients ([`Ctx`]), the request (body already
//! read, at most 64 KiB) and its path parameters (percent-decoded), returning a response. None
//! keeps anything between calls: what must last lives in the store or the shared state. The
//! only things built once are compiled-in assets (the template environment over the embedded
//! templates), never data. The transport puts a [`Caller`] into the request's extensions.
//!
//! Layout — a behaviour is found by file name:
//! - `routing/`: the one route table (`table.rs`), the matchit router, the handler type and the
//!   surroundings every transport runs a handler in (panic → 500, 404, 405 + `Allow`);
//! - `context.rs`: [`Ctx`] and [`Ctx::connect`], the one way `serve` and the Lambda adapter
//!   build it from the configuration;
//! - `request.rs` / `respond.rs`: reading a request (caller, forwarded headers, cookies, forms,
//!   Basic auth) and building responses, with the one error type handlers bubble up;
//! - the handlers, one file per part of the site: `pages.rs` (HTML pages, `/{streamer}/info`,
//!   `/emotes.json`), `dashboard/` (the streamer's dashboard, `/{streamer}/dashboard…`), `probes.rs` (`/healthz` liveness, `/readyz` readiness), `playlists.rs`,
//!   `segments.rs` (`/hls/…`), `metrics.rs` (`GET /metrics`, allow-listed), `api.rs` (the
//!   remote-control API; `api_videos.rs` its recordings), `videos.rs` (`/{streamer}/videos…`,
//!   with `byte_range.rs` reading `Range`), `thumbnails.rs`, `publish_hooks.rs` (nginx-rtmp's
//!   `on_publish`/`on_publish_done`/`on_record_done`),
//!   `assets/` (the embedded front end and `GET /static/…`), `openapi.rs` (`GET /api/openapi.json`,
//!   the API's document, which also says which query parameters `/api/*` takes);
//! - what several handlers ask: `liveness.rs` (is a stream live, how many watch),
//!   `viewer_pass.rs` (may this request see a protected stream) and `streamer_settings.rs`
//!   (a settings change from the API or the dashboard, as the chat makes it).
//!
//! Choices the SPEC leaves open, made here:
//! - Public media URLs are `/{room}/playlist.m3u8`, `/{room}/playlist/{quality}.m3u8` and
//!   segments `/hls/{room}/{N}.ts` or `/hls/{room}/{quality}/{N}.ts`; a request for any other
//!   name under `/hls/` (in particular one holding a key) is 404, except that in `redirect`
//!   mode nginx's own names (`/hls/<room>.m3u8`, `/hls/<room>-N.ts`), which hold no key
//!   there, are served too. With qualities configured,
//!   `/{room}/playlist.m3u8` is a master playlist of the live qualities (bandwidth estimated
//!   from each one's newest segment), so players can switch on their own.
//! - Viewer-password protection covers the page, info, playlists and segments; the pass is the
//!   `pass_{room}` cookie (HMAC bound to the streamer and its current password; one day). The
//!   index shows a protected stream's live dot and lock to everyone, its description and
//!   viewer count only to pass holders.
//! - `on_publish` answers only `publish.allow` callers, spends a budget of 10 attempts per
//!   minute per RTMP client address, and treats transcode relays (`<key>_<quality>` from an
//!   allowed address) as accepted non-events; a bare room name is never accepted: see the
//!   module documentation of `publish_hooks.rs`.
//! - The API answers 401 (with `WWW-Authenticate`) to missing or wrong credentials and 429
//!   after 20 failed logins per minute from one address; bodies must be JSON objects, unknown
//!   fields are refused (400), and so are query parameters the OpenAPI document does not declare. `POST /api/messages` answers the recorded line
//!   `{"type","timestamp","name"?,"message"}`; `PATCH /api/info` with `"description": null`
//!   clears it, `"streampass": null` or `""` removes the password. Its `viewers` counts open
//!   pages even while offline (the public `info` says 0 then, as the SPEC asks).
//! - Events recorded here: `stream_start`/`stream_stop` (meta `username`, `app`, `addr`),
//!   `publish_refused` (room `""`, meta `app`, `addr`), `description`/`password` from the API
//!   as from the chat (meta `description` or `set`, and `by`), and API chat lines. Never a key
//!   or a viewer password.

mod api;
mod api_auth;
mod api_bans;
mod api_lines;
mod api_videos;
mod assets;
mod byte_range;
mod context;
mod dashboard;
mod liveness;
mod metrics;
mod openapi;
mod pages;
mod playlists;
mod probes;
mod publish_hooks;
mod request;
mod respond;
mod routing;
mod rules_api;
mod segments;
mod streamer_settings;
mod thumbnails;
mod videos;
mod viewer_pass;

pub use context::{Ctx, CtxError, Schema};
pub use request::{cookies, forwarded};
pub use respond::text as plain_text;
pub use routing::{
    loggable_path, routes, run, serve_only, unrouted, Handler, HandlerFuture, Lookup, Params,
    Route, RouteTableError, Router, MAX_BODY,
};
pub use rsstreaming_shared::net::Caller;
