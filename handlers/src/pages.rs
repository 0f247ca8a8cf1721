//! The HTML pages: the streamer list, a stream's page, the viewer-password form; plus the
//! small JSON endpoints the pages use (`/{streamer}/info`, `/emotes.json`).

use crate::assets::{render, script_json};
use crate::liveness::liveness;
use crate::request::{caller, field, form_pairs};
use crate::respond::{self, html, json, json_error, redirect, HandlerResult};
use crate::viewer_pass::{may_view, open_stream, pass_cookie, Access};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, StatusCode};
use minijinja::Value;
use rsstreaming_shared::auth::ct_eq;
use rsstreaming_shared::budget::{self, Scope};
use rsstreaming_shared::names::{RoomName, Username};
use rsstreaming_shared::store::Streamer;
use rsstreaming_shared::text::{clock, utc};
use serde::Serialize;

#[derive(Serialize)]
struct LatestRecording {
    url: String,
    /// "2026-12-04 14:05 UTC".
    date: String,
    duration: String,
}

#[derive(Serialize)]
struct ListedStreamer {
    username: Username,
    room: RoomName,
    live: bool,
    viewers: usize,
    description: String,
    protected: bool,
    /// "live for 2 h 5 min" while live (since its stream started), else none.
    live_for: Option<String>,
    /// "live 3 h ago": when its last stream ended, if it ever streamed.
    last_live: Option<String>,
    /// Whether the card shows the live thumbnail (live, and open to this visitor).
    thumbnail: bool,
    /// While offline, the newest playable recording (open to this visitor): its page and date.
    latest_recording: Option<LatestRecording>,
    #[serde(skip)]
    last_ended: i64,
}

/// `GET /`: live streams first, most viewers first, as cards with their thumbnail, viewers,
/// description and how long they have been live; then the others, the most recently live
/// first ("live 3 h ago", with their latest recording), then those that never streamed, by name. A protected stream shows
/// its live dot and lock, but its thumbnail, description and viewer count only to visitors
/// holding its pass (the same data `/{streamer}/info` refuses them).
pub async fn index(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let streamers = ctx.store.streamers().await?;
    let times = ctx.store.stream_times().await?;
    let latest = ctx.store.latest_recordings().await?;
    let listing = ctx.hls.listing()?;
    let now = rsstreaming_shared::store::now_ms();
    let mut rows = Vec::with_capacity(streamers.len());
    for s in streamers {
        let st = liveness(&ctx, &s, listing.as_ref()).await?;
        let open = may_view(&ctx, &req, &s);
        let t = times.get(s.room().as_str()).copied().unwrap_or_default();
        let room = s.room();
        rows.push(ListedStreamer {
            room: room.clone(),
            live: st.live,
            viewers: if open { st.viewers } else { 0 },
            protected: s.streampass.is_some(),
            description: if open { s.description } else { String::new() },
            username: s.username,
            live_for: t
                .live_since
                .filter(|_| st.live)
                .map(|t| match span(now - t) {
                    None => "just went live".into(),
                    Some(span) => format!("live for {span}"),
                }),
            last_live: t
                .last_ended
                .filter(|_| !st.live)
                .map(|t| match span(now - t) {
                    None => "live just now".into(),
                    Some(span) => format!("live {span} ago"),
                }),
            thumbnail: st.live && open,
            latest_recording: latest
                .get(room.as_str())
                .filter(|_| open && !st.live)
                .map(|r| LatestRecording {
                    url: format!("/{}/videos/{}", r.room, r.id),
                    date: format!("{} UTC", &utc(r.started.unwrap_or(r.created) / 1000)[..16]),
                    duration: clock(r.duration_ms.unwrap_or(0) / 1000),
                }),
            last_ended: t.last_ended.unwrap_or(i64::MIN),
        });
    }
    // The store lists by name already; a stable sort keeps that order among equals.
    rows.sort_by_key(|r| {
        (
            !r.live,
            std::cmp::Reverse(r.viewers),
            std::cmp::Reverse(r.last_ended),
        )
    });
    // Thumbnails change every 20 s: the list's quiet refresh asks for the new one.
    let frame = now / 20_000;
    let page = render(
        &ctx,
        "index.html",
        minijinja::context! { streamers => rows, frame => frame },
    )?;
    Ok(html(StatusCode::OK, page))
}

/// A time span as a front page says it: "12 min", "2 h 5 min", "3 d"; none under a minute.
fn span(ms: i64) -> Option<String> {
    let mins = ms.max(0) / 60_000;
    Some(match mins {
        0 => return None,
        1..=59 => format!("{mins} min"),
        60..=1439 if mins % 60 == 0 => format!("{} h", mins / 60),
        60..=1439 => format!("{} h {} min", mins / 60, mins % 60),
        _ => format!("{} d", mins / 1440),
    })
}

/// The streamer named in the path, or a 404 response.
pub(crate) async fn streamer_from_path(
    ctx: &Ctx,
    params: &Params,
) -> Result<Option<Streamer>, crate::respond::HandlerError> {
    match params.get("streamer") {
        Some(name) => Ok(ctx.store.streamer(name).await?),
        None => Ok(None),
    }
}

pub(crate) fn unknown_streamer() -> http::Response<Bytes> {
    html(
        StatusCode::NOT_FOUND,
        "<!doctype html><title>Not found</title><p>No such streamer.</p>\n",
    )
}

/// `GET /{streamer}`: the page lives at `/{streamer}/`.
pub async fn stream_redirect(ctx: Ctx, _req: Request<Bytes>, params: Params) -> HandlerResult {
    Ok(match streamer_from_path(&ctx, &params).await? {
        Some(s) => redirect(StatusCode::MOVED_PERMANENTLY, &format!("/{}/", s.room())),
        None => unknown_streamer(),
    })
}

/// The password form, with an error line when a wrong password was sent.
pub(crate) fn password_page(ctx: &Ctx, streamer: &Streamer, error: Option<&str>) -> HandlerResult {
    let page = render(
        ctx,
        "password.html",
        minijinja::context! {
            streamer => minijinja::context! { username => &streamer.username, room => streamer.room() },
            error => error,
        },
    )?;
    Ok(html(StatusCode::FORBIDDEN, page))
}

/// `GET /{streamer}/`: the player and chat, or the password form for a protected stream.
pub async fn stream_page(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let s = match Access::check(&ctx, &req, params.get("streamer")).await? {
        Access::Open(s) => s,
        Access::Locked(s) => return password_page(&ctx, &s, None),
        Access::Unknown => return Ok(unknown_streamer()),
    };
    let st = liveness(&ctx, &s, None).await?;
    let emotes = ctx.store.emotes().await?;
    let room = s.room();
    let qualities = ctx.hls.qualities();
    let page_config = serde_json::json!({
        "room": room,
        "username": s.username,
        "qualities": qualities,
        "themes": ctx.config.themes,
        "theme": ctx.config.default_theme(),
        "chat": s.chat.as_str(),
        "live_delay": ctx.config.live_indicator_delay,
        "emotes": emotes,
        "playlist": format!("/{room}/playlist.m3u8"),
    });
    let page = render(
        &ctx,
        "stream.html",
        minijinja::context! {
            streamer => minijinja::context! {
                username => &s.username,
                room => &room,
                description => &s.description,
                live => st.live,
                viewers => st.viewers,
                protected => s.streampass.is_some(),
                chat => s.chat.as_str(),
                profile => ctx.store.profile(&s.username).await?,
                recordings => ctx.store.has_recordings(&room).await?,
            },
            qualities => qualities,
            page_config => Value::from_safe_string(script_json(&page_config)),
        },
    )?;
    let mut r = html(StatusCode::OK, page);
    if s.streampass.is_some() {
        // A protected page must not be kept by shared caches.
        respond::set_header(&mut r, header::CACHE_CONTROL, "private, no-store");
    }
    Ok(r)
}

/// `POST /{streamer}/password`: a right `streampass` earns the pass cookie and a redirect to
/// the page; a wrong one gets the form again with an error. Guesses are budgeted per caller
/// and per stream, taken before the comparison: once spent, 429 even for the right password.
pub async fn stream_password(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(s) = streamer_from_path(&ctx, &params).await? else {
        return Ok(unknown_streamer());
    };
    let page = format!("/{}/", s.room());
    let Some(password) = s.streampass.as_deref() else {
        return Ok(redirect(StatusCode::SEE_OTHER, &page));
    };
    let room = s.room();
    let limits = [
        (
            budget::VIEWER_PASSWORD_PER_CALLER,
            Scope::Addr(caller(&req).addr),
        ),
        (budget::VIEWER_PASSWORD_PER_STREAMER, Scope::Streamer(&room)),
    ];
    let attempt = match budget::attempt(&*ctx.state, &limits).await? {
        Ok(a) => a,
        Err(spent) => {
            let mut r = password_page(&ctx, &s, Some("Too many tries: wait a minute."))?;
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            return Ok(respond::retry_after(r, spent));
        }
    };
    let pairs = form_pairs(req.body());
    let offered = field(&pairs, "streampass").unwrap_or("");
    if !ct_eq(offered, password) {
        attempt.failed();
        return password_page(&ctx, &s, Some("Wrong password, try again."));
    }
    attempt.succeeded(&*ctx.state).await?;
    let mut r = redirect(StatusCode::SEE_OTHER, &page);
    respond::set_header(
        &mut r,
        header::SET_COOKIE,
        &pass_cookie(&ctx, &req, &s, password),
    );
    Ok(r)
}

/// How long `/{streamer}/info` may wait on the store and the shared state.
const INFO_DEADLINE: std::time::Duration = std::time::Duration::from_millis(100);

/// `GET /{streamer}/info`: `{"live", "count", "description"}`, which the page polls.
///
/// Pages poll it every few seconds: when the store or the shared state does not answer within
/// [`INFO_DEADLINE`] it is 503 with `Retry-After: 1` at once, not after the pool's timeout.
pub async fn info(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let looked_up = tokio::time::timeout(INFO_DEADLINE, async {
        let unknown = || json_error(StatusCode::NOT_FOUND, "no such streamer");
        let s = match open_stream(&ctx, &req, params.get("streamer"), unknown).await? {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        let st = liveness(&ctx, &s, None).await?;
        Ok::<_, crate::respond::HandlerError>(Ok((s, st)))
    })
    .await;
    let (s, st) = match looked_up {
        Ok(Ok(Ok(found))) => found,
        Ok(Ok(Err(refused))) => return Ok(refused),
        Ok(Err(e)) => return Err(e),
        Err(_) => {
            let mut r = json_error(StatusCode::SERVICE_UNAVAILABLE, "try again in a moment");
            respond::set_header(&mut r, header::RETRY_AFTER, "1");
            return Ok(r);
        }
    };
    let mut r = json(
        StatusCode::OK,
        &serde_json::json!({ "live": st.live, "count": st.viewers, "description": s.description }),
    );
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-cache");
    Ok(r)
}

/// `GET /emotes.json`: the custom emotes, `[{alias, uri}]`.
pub async fn emotes(ctx: Ctx, _req: Request<Bytes>, _p: Params) -> HandlerResult {
    let list = ctx.store.emotes().await?;
    let mut r = json(StatusCode::OK, &list);
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-cache");
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::span;

    #[test]
    fn spans_read_as_a_person_says_them() {
        let min = 60_000;
        assert_eq!(span(59_999), None);
        assert_eq!(span(-5), None);
        assert_eq!(span(12 * min).as_deref(), Some("12 min"));
        assert_eq!(span(120 * min).as_deref(), Some("2 h"));
        assert_eq!(span(125 * min).as_deref(), Some("2 h 5 min"));
        assert_eq!(span(3 * 1440 * min + 7).as_deref(), Some("3 d"));
    }
}
