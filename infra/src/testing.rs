//! A small route table of test handlers and a throw-away context, for the unit tests.

use bytes::Bytes;
use http::{Method, Request, Response};
use rsstreaming_handlers::{Caller, Ctx, HandlerFuture, Params, Route};
use rsstreaming_shared::hls::HlsLayout;
use rsstreaming_shared::state::MemoryState;
use rsstreaming_shared::{Config, Store};
use std::sync::Arc;

fn echo(_ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerFuture {
    Box::pin(async move {
        let who = req.extensions().get::<Caller>().cloned();
        let text = format!(
            "{} {} streamer={:?} caller={:?} body={}",
            req.method(),
            req.uri(),
            params.get("streamer"),
            who.map(|c| c.addr.to_string()),
            String::from_utf8_lossy(req.body())
        );
        Response::new(Bytes::from(text))
    })
}

fn hello(_ctx: Ctx, _req: Request<Bytes>, _params: Params) -> HandlerFuture {
    Box::pin(async { Response::new(Bytes::from_static(b"hello")) })
}

fn boom(_ctx: Ctx, _req: Request<Bytes>, _params: Params) -> HandlerFuture {
    Box::pin(async { panic!("a handler bug") })
}

pub fn table() -> Vec<Route> {
    let r = Route::new;
    vec![
        r(
            Method::GET,
            "/{streamer}/echo",
            "echo_get",
            echo as rsstreaming_handlers::Handler,
        ),
        r(Method::POST, "/{streamer}/echo", "echo_post", echo),
        r(Method::GET, "/hello", "hello", hello),
        r(Method::GET, "/boom", "boom", boom),
    ]
}

/// A context over a throw-away SQLite file; keep the folder alive while the context is used.
pub async fn ctx() -> (Ctx, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::connect(&url).await.expect("sqlite store");
    let config = Config::from_yaml("{}", "test", |_| None).expect("default config");
    let ctx = Ctx {
        hls: Arc::new(HlsLayout::new(&config)),
        config: Arc::new(config),
        store,
        state: Arc::new(MemoryState::new()),
        secret: "test".into(),
        debug: false,
        trusted_proxy: false,
    };
    (ctx, dir)
}
