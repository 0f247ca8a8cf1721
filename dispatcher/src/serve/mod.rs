//! `rsstreaming serve`: the hyper server that runs every handler of the route table, serves the
//! chat gateway on `/ws`, and shuts down gracefully on SIGINT/SIGTERM.
//!
//! Logs go to stderr through `tracing` (`RUST_LOG` overrides the level). One line per request
//! is written at debug level (`--debug`, or `RUST_LOG=rsstreaming::serve=debug`): method, path,
//! route, status, time and client, never a query string, and for `/hls/` and `/auth/` paths
//! (which a careless URL could fill with a key) only the route. Server errors are logged at
//! warn level always.

use crate::gateway::Gateway;
use anyhow::Context;
use bytes::Bytes;
use http::header;
use http::{Method, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use rsstreaming_handlers::{
    forwarded, plain_text, unrouted, Caller, Ctx, Lookup, Router, Schema, MAX_BODY,
};
use rsstreaming_shared::logging::{self, LogStyle};
use rsstreaming_shared::net::ProxyHops;
use rsstreaming_shared::Config;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// How long a client may take to send its body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0")]
    pub host: String,
    /// Port to listen on.
    #[arg(long, default_value_t = 5678)]
    pub port: u16,
    /// Verbose logs; templates and static files re-read from the source tree.
    #[arg(long)]
    pub debug: bool,
    /// Trust this many proxy hops of X-Forwarded-For/-Proto/-Host (nginx in front: 1).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub nginx_proxy: usize,
}

/// Everything one request needs; shared by all connections.
struct App {
    ctx: Ctx,
    router: Router,
    gateway: Arc<Gateway>,
    hops: ProxyHops,
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

/// Runs the server until SIGINT or SIGTERM.
pub async fn run(config_path: &Path, args: ServeArgs) -> anyhow::Result<()> {
    logging::init(LogStyle::Server { debug: args.debug });
    let config = Config::load(config_path)?;
    let ctx = Ctx::connect(config, Schema::Prepare, args.debug).await?;
    let router = Router::new(rsstreaming_handlers::routes())?;
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let gateway = Gateway::start(ctx.clone())
        .await
        .context("starting the chat gateway")?;
    let store = ctx.store.clone();
    let app = Arc::new(App {
        ctx,
        router,
        gateway: gateway.clone(),
        hops: ProxyHops(args.nginx_proxy),
    });
    tracing::info!(
        addr = %listener.local_addr()?,
        trusted_hops = args.nginx_proxy,
        "rsstreaming serving"
    );

    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(20));
    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = service_fn(move |req| app.clone().handle(req, peer));
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    tracing::info!("shutting down");
    drop(listener);
    gateway.shutdown().await;
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after {DRAIN_TIMEOUT:?}; closing anyway");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

type Body = Full<Bytes>;

/// The path as it may appear in logs: hook and segment paths could carry a key if someone
/// typed one into a URL, so only their route is logged; query strings never are.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/hls/") || path.starts_with("/auth/") || path.len() > 200 {
        "-"
    } else {
        path
    }
}

impl App {
    async fn handle(
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
                Lookup::MethodNotAllowed(allow) => ("-", unrouted(Some(&allow))),
                Lookup::NotFound => ("-", unrouted(None)),
            }
        };

        let status = response.status();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let shown = loggable_path(&path);
        if status.is_server_error() {
            tracing::warn!(%method, path = shown, route = route_name, status = status.as_u16(), ms, client = %caller.addr, "request");
        } else {
            tracing::debug!(%method, path = shown, route = route_name, status = status.as_u16(), ms, client = %caller.addr, "request");
        }
        Ok(response.map(Full::new))
    }
}

/// Reads the whole body (at most [`MAX_BODY`] bytes, within [`BODY_TIMEOUT`]).
async fn read_body(req: Request<Incoming>) -> Result<Request<Bytes>, Response<Bytes>> {
    let too_large = || plain_text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n");
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
        Err(_) => Err(plain_text(
            StatusCode::REQUEST_TIMEOUT,
            "request body too slow\n",
        )),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(_)) => Err(plain_text(
            StatusCode::BAD_REQUEST,
            "could not read the request body\n",
        )),
        Ok(Ok(body)) => Ok(Request::from_parts(parts, body.to_bytes())),
    }
}
