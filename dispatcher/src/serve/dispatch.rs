//! One request through `serve`: the caller established (the peer, or what `--nginx-proxy N`
//! trusted hops reported), `/ws` handed to the chat gateway, anything else looked up in the
//! route table, its body read (at most [`MAX_BODY`] bytes, within [`BODY_TIMEOUT`]) and its
//! handler run.
//!
//! One line per request is logged at debug level (`--debug`, or
//! `RUST_LOG=rsstreaming::serve=debug`): method, path, route, status, time and client, never a
//! query string, and for `/hls/` and `/auth/` paths (which a careless URL could fill with a key)
//! only the route. Server errors are logged at warn level always.
//!
//! Every answered request is counted for `/metrics` under its route's name (never its path, which
//! may hold a key) and status, with its latency; a request no route takes counts as `unrouted`.

use crate::gateway::Gateway;
use bytes::Bytes;
use http::header;
use http::{HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use rsstreaming_handlers::{
    forwarded, loggable_path, plain_text, unrouted, Caller, Ctx, Lookup, Router, MAX_BODY,
};
use rsstreaming_shared::metrics::{metrics, UNROUTED};
use rsstreaming_shared::net::ProxyHops;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a client may take to send its body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything one request needs; shared by all connections.
pub(super) struct App {
    pub ctx: Ctx,
    pub router: Router,
    pub gateway: Arc<Gateway>,
    pub hops: ProxyHops,
}

/// The TCP peer as a caller: its address, plain HTTP, and the host it asked for.
fn tcp_peer(headers: &http::HeaderMap, uri: &Uri, peer: SocketAddr) -> Caller {
    Caller {
        addr: peer.ip().to_canonical(),
        scheme: "http".into(),
        host: headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| uri.authority().map(|a| a.to_string())),
    }
}

type Body = Full<Bytes>;

impl App {
    pub(super) async fn handle(
        self: Arc<Self>,
        mut req: Request<Incoming>,
        peer: SocketAddr,
    ) -> Result<Response<Body>, Infallible> {
        let started = Instant::now();
        let peer = tcp_peer(req.headers(), req.uri(), peer);
        let caller = Caller::behind(peer, &forwarded(req.headers()), self.hops);
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        req.extensions_mut().insert(caller.clone());

        let (route_name, response) = if method == Method::GET && path == "/ws" {
            ("ws", self.gateway.upgrade(req))
        } else {
            match self.router.lookup(&method, &path) {
                Lookup::Found(route, params) => {
                    let name = route.name;
                    let response = match read_body(req).await {
                        Ok(req) => {
                            rsstreaming_handlers::run(route, self.ctx.clone(), req, params).await
                        }
                        Err(r) => r,
                    };
                    (name, response)
                }
                Lookup::MethodNotAllowed(allow) => (UNROUTED, unrouted(Some(&allow))),
                Lookup::NotFound => (UNROUTED, unrouted(None)),
            }
        };

        let status = response.status();
        let took = started.elapsed();
        metrics().request(route_name, status.as_u16(), took);
        let ms = took.as_secs_f64() * 1000.0;
        let shown = loggable_path(&path);
        if status.is_server_error() {
            tracing::warn!(%method, path = shown, route = route_name, status = status.as_u16(), ms, client = %caller.addr, "request");
        } else {
            tracing::debug!(%method, path = shown, route = route_name, status = status.as_u16(), ms, client = %caller.addr, "request");
        }
        Ok(response.map(Full::new))
    }
}

/// Reads the whole body (at most [`MAX_BODY`] bytes, within [`BODY_TIMEOUT`]). A refusal
/// leaves the rest of the body unread, so hyper drops the connection after answering; the
/// answer says `Connection: close`, or the client would send its next request into a
/// connection that is going away.
async fn read_body(req: Request<Incoming>) -> Result<Request<Bytes>, Response<Bytes>> {
    let refuse = |status, text: &'static str| {
        let mut r = plain_text(status, text);
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        r
    };
    let too_large = || refuse(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n");
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    let collected =
        tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY).collect()).await;
    match collected {
        Err(_) => Err(refuse(
            StatusCode::REQUEST_TIMEOUT,
            "request body too slow\n",
        )),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(_)) => Err(refuse(
            StatusCode::BAD_REQUEST,
            "could not read the request body\n",
        )),
        Ok(Ok(body)) => Ok(Request::from_parts(parts, body.to_bytes())),
    }
}
