//! The probes an orchestrator or a load balancer asks: `GET /healthz` (liveness: the process
//! answers requests — it touches nothing else, so a database outage does not get a healthy
//! process restarted) and `GET /readyz` (readiness: the database answers a query and, when
//! one is configured, Redis answers `PING` — send traffic elsewhere while it is 503).

use crate::respond::{self, json, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, StatusCode};
use std::future::Future;
use std::time::Duration;

/// How long one check may take before it counts as failed: a probe must answer quickly even
/// when a backend hangs rather than refuses.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: the process is up and serving.
pub async fn healthz(_ctx: Ctx, _req: Request<Bytes>, _p: Params) -> HandlerResult {
    Ok(respond::text(StatusCode::OK, "ok\n"))
}

/// `ok`, or `unreachable` (logged with the cause; the answer itself names none).
async fn check<E: std::fmt::Display>(
    what: &'static str,
    f: impl Future<Output = Result<(), E>>,
) -> &'static str {
    match tokio::time::timeout(CHECK_TIMEOUT, f).await {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            tracing::warn!(check = what, error = %e, "readiness check failed");
            "unreachable"
        }
        Err(_) => {
            tracing::warn!(check = what, timeout = ?CHECK_TIMEOUT, "readiness check timed out");
            "unreachable"
        }
    }
}

/// `GET /readyz`: `{"ready", "database", "redis"}`, 200 when every backend answers, else 503.
/// `redis` is `not configured` for the in-process shared state (nothing to reach).
pub async fn readyz(ctx: Ctx, _req: Request<Bytes>, _p: Params) -> HandlerResult {
    let database = check("database", ctx.store.ping()).await;
    let redis = match ctx.state.backend() {
        "redis" => check("redis", ctx.state.ping()).await,
        _ => "not configured",
    };
    let ready = database == "ok" && redis != "unreachable";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({ "ready": ready, "database": database, "redis": redis });
    let mut r = json(status, &body);
    respond::set_header(&mut r, header::CACHE_CONTROL, "no-store");
    Ok(r)
}
