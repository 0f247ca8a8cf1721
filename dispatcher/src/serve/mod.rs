//! `rsstreaming serve`: the hyper server that runs every handler of the route table, serves the
//! chat gateway on `/ws`, samples live streams ([`sampler`]), delivers webhooks ([`webhooks`]),
//! remuxes recordings ([`recordings`]), and shuts down gracefully on SIGINT/SIGTERM. What happens to one request is in [`dispatch`].
//!
//! Logs go to stderr through `tracing` (`RUST_LOG` overrides the level), as text or JSON lines
//! (`--log-format`, or `RSSTREAMING_LOG_FORMAT`).

mod dispatch;
mod recordings;
mod sampler;
mod webhooks;

use crate::gateway::Gateway;
use anyhow::Context;
use dispatch::App;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use rsstreaming_handlers::{Ctx, Router, Schema};
use rsstreaming_shared::logging::{self, LogStyle, LOG_FORMAT_ENV};
use rsstreaming_shared::net::ProxyHops;
use rsstreaming_shared::Config;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The kernel send buffer asked for each connection (Linux doubles it for bookkeeping).
const SEND_BUFFER: usize = 128 * 1024;

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
    /// Log lines as `text` for people or `json` (one object per line) for log shippers.
    #[arg(long, value_name = "FORMAT", default_value = "text", env = LOG_FORMAT_ENV,
          value_parser = ["text", "json"])]
    pub log_format: String,
}

/// Runs the server until SIGINT or SIGTERM.
pub async fn run(config_path: &Path, args: ServeArgs) -> anyhow::Result<()> {
    let format = args.log_format.parse().map_err(anyhow::Error::msg)?;
    logging::init(LogStyle::Server { debug: args.debug }, format);
    let config = Config::load(config_path)?;
    config.apply();
    if config.key_pepper.is_none() {
        tracing::warn!(
            "no key_pepper (RSSTREAMING_KEY_PEPPER): stream keys are stored as plain SHA-256, \
             which a copy of the database gives up to guessing; set one (see docs/security.md)"
        );
    }
    let mut ctx = Ctx::connect(config, Schema::Prepare, args.debug).await?;
    ctx.trusted_proxy = args.nginx_proxy > 0;
    let router = Router::new(rsstreaming_handlers::routes())?;
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let gateway = Gateway::start(ctx.clone())
        .await
        .context("starting the chat gateway")?;
    let store = ctx.store.clone();
    let sampler = tokio::spawn(sampler::run(ctx.clone()));
    let webhooks = tokio::spawn(webhooks::run(ctx.clone()));
    let recordings = tokio::spawn(recordings::run(ctx.clone()));
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
        // A bounded kernel send buffer per connection: tens of thousands of chat sockets must
        // not each hold megabytes the peer has not read (a slow reader is caught by its lag,
        // see the gateway's `lag`). Large HTTP bodies still stream, in more writes.
        let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER);
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
    sampler.abort();
    webhooks.abort();
    recordings.abort();
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
