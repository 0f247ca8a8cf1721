//! `GET /metrics`: the process's Prometheus metrics ([`rsstreaming_shared::metrics`]) in the
//! text exposition format, answered only to callers in `metrics.allow` (loopback by default;
//! behind `--nginx-proxy N` the forwarded caller, and an unknown caller never) — request
//! counts by route name tell an outsider what is popular and when, so they are not public.
//!
//! Live streams and viewers are gauges read here, at scrape time, from the same place the
//! pages read them (store, HLS folder, shared state), so they cost nothing between scrapes.
//! `serve` only: the cloud deployment leaves this route out (a function's counters would
//! describe one function instance), so there it is 404.

use crate::liveness::liveness;
use crate::request::caller;
use crate::respond::{self, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, StatusCode};
use rsstreaming_shared::metrics::metrics;
use rsstreaming_shared::net::{allowed, blocks};

/// The Prometheus text format's content type.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `GET /metrics`.
pub async fn scrape(ctx: Ctx, req: Request<Bytes>, _p: Params) -> HandlerResult {
    let who = caller(&req);
    if !allowed(&blocks(&ctx.config.metrics.allow), who.addr) {
        tracing::warn!(caller = %who.addr, "/metrics from an address outside metrics.allow refused");
        return Ok(respond::text(StatusCode::FORBIDDEN, "forbidden\n"));
    }
    let listing = ctx.hls.listing()?;
    let (mut live, mut viewers) = (0, 0);
    for s in ctx.store.streamers().await? {
        let st = liveness(&ctx, &s, listing.as_ref()).await?;
        if st.live {
            live += 1;
            viewers += st.viewers;
        }
    }
    let m = metrics();
    m.set_live(live, viewers);
    let mut r = respond::with_body(StatusCode::OK, PROMETHEUS_TEXT, m.render());
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-store");
    Ok(r)
}
