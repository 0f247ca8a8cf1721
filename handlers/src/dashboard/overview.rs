//! The overview (live state, viewers and chatters now, viewers over time of the current or
//! last stream) and the past streams (a table, and one page per stream with its chart).
//!
//! Chart figures come from the samples the sampler stores while a stream is open (every
//! `streams.sample_secs`, one instance per site); the page gets them as JSON in a
//! `<script type="application/json">` that `static/js/dashboard.js` draws with uPlot, and a
//! summary in words beside the chart for those who cannot see it.

use super::session::{signed_in, Session};
use super::{page, Ctx, Outcome};
use crate::assets::script_json;
use crate::liveness::liveness;
use crate::respond::{not_found, HandlerError, HandlerResult};
use crate::Params;
use bytes::Bytes;
use http::Request;
use minijinja::Value;
use rsstreaming_shared::store::{StreamSample, StreamSummary};
use rsstreaming_shared::text::{duration, utc};
use serde::Serialize;

/// A stream as the pages show it: the API's figures plus readable times.
#[derive(Serialize)]
struct ShownStream<'a> {
    #[serde(flatten)]
    figures: &'a StreamSummary,
    started_at: String,
    ended_at: Option<String>,
    length: String,
}

fn shown(s: &StreamSummary) -> ShownStream<'_> {
    ShownStream {
        figures: s,
        started_at: utc(s.started),
        ended_at: s.ended.map(utc),
        length: duration(s.duration_s),
    }
}

/// The chart of one stream: its samples as uPlot's columns (times, viewers, chatters), safe
/// to put in a script element.
async fn chart(ctx: &Ctx, room: &str, stream: &StreamSummary) -> Result<Value, HandlerError> {
    let samples: Vec<StreamSample> = ctx.store.stream_samples(room, stream.id).await?;
    let column = |f: fn(&StreamSample) -> i64| samples.iter().map(f).collect::<Vec<_>>();
    let data = serde_json::json!({
        "stream": stream.id,
        "columns": [column(|s| s.ts), column(|s| s.viewers), column(|s| s.chatters)],
    });
    Ok(Value::from_safe_string(script_json(&data)))
}

/// `GET /{streamer}/dashboard`.
pub async fn overview(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session = or_respond!(signed_in(&ctx, &req, &params));
    let s = &session.streamer;
    let room = s.room();
    let live = liveness(&ctx, s, None).await?.live;
    // As the API's info: pages open on the stream now, live or not.
    let viewers = ctx.state.viewer_count(&room).await?;
    let chatters = ctx.state.members(&room).await?.len();
    let streams = ctx.store.streams(&room).await?;
    let latest = streams.first();
    let chart = match latest {
        Some(l) => Some(chart(&ctx, &room, l).await?),
        None => None,
    };
    let own = minijinja::context! {
        live => live,
        viewers => viewers,
        chatters => chatters,
        latest => latest.map(shown),
        chart => chart,
    };
    page(
        &ctx,
        &session,
        ("overview.html", "overview"),
        own,
        Outcome::Fresh,
    )
}

/// `GET /{streamer}/dashboard/streams`: every stream, newest first.
pub async fn streams(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session = or_respond!(signed_in(&ctx, &req, &params));
    let streams = ctx.store.streams(&session.streamer.room()).await?;
    let rows: Vec<_> = streams.iter().map(shown).collect();
    let own = minijinja::context! { streams => rows };
    page(
        &ctx,
        &session,
        ("streams.html", "streams"),
        own,
        Outcome::Fresh,
    )
}

/// `GET /{streamer}/dashboard/streams/{id}`: one stream's figures and chart; 404 for an id that
/// is not one of this streamer's listed streams.
pub async fn stream(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session: Session = or_respond!(signed_in(&ctx, &req, &params));
    let room = session.streamer.room();
    let id = params.get("id").and_then(|i| i.parse::<i64>().ok());
    let streams = ctx.store.streams(&room).await?;
    let Some(found) = streams.iter().find(|s| Some(s.id) == id) else {
        return Ok(not_found());
    };
    let own = minijinja::context! {
        stream => shown(found),
        chart => chart(&ctx, &room, found).await?,
    };
    page(
        &ctx,
        &session,
        ("stream.html", "streams"),
        own,
        Outcome::Fresh,
    )
}
