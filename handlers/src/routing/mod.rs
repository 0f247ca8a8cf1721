//! Routing: the one table where the site's URLs are declared ([`table`]), the handler type its
//! entries point to, the matchit [`Router`] built from it, and the surroundings every
//! transport runs a handler in ([`run`]: panic → 500; [`unrouted`]: 404 / 405 + `Allow`).
//!
//! `rsstreaming serve` routes with one `Router` over the whole table; the cloud adapter deploys
//! each entry as its own function with a `Router` over its entries, so both answer alike.

mod router;
mod table;

pub use router::{Lookup, RouteTableError, Router};
pub use table::{routes, serve_only};

use crate::respond::text;
use crate::Ctx;
use bytes::Bytes;
use futures_util::FutureExt;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

/// The largest request body any transport hands a handler; larger requests get 413 (the API's
/// JSON bodies are tiny, and a cap keeps a hostile client from making us buffer megabytes).
pub const MAX_BODY: usize = 64 * 1024;

/// What a handler returns (boxed so the table can hold plain function pointers).
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response<Bytes>> + Send>>;

/// A handler: a stateless function of the shared clients, the request and its path parameters.
pub type Handler = fn(Ctx, Request<Bytes>, Params) -> HandlerFuture;

/// One route: method, matchit path pattern, a stable name (function name in the cloud), handler.
#[derive(Clone)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub name: &'static str,
    pub handler: Handler,
}

impl Route {
    pub fn new(method: Method, path: &'static str, name: &'static str, handler: Handler) -> Self {
        Route {
            method,
            path,
            name,
            handler,
        }
    }
}

/// Path parameters captured by the router, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Runs a route's handler. A panic becomes a plain 500: one bad request must not take a
/// connection (or a function invocation) down with it.
pub async fn run(route: &Route, ctx: Ctx, req: Request<Bytes>, params: Params) -> Response<Bytes> {
    match AssertUnwindSafe((route.handler)(ctx, req, params))
        .catch_unwind()
        .await
    {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(route = route.name, "handler panicked");
            text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
        }
    }
}

/// The answer to a request no handler takes: 405 with `Allow` when the path exists (`allow`
/// from [`Lookup::MethodNotAllowed`]), else 404.
pub fn unrouted(allow: Option<&str>) -> Response<Bytes> {
    match allow {
        Some(allow) => {
            let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
            if let Ok(v) = HeaderValue::from_str(allow) {
                r.headers_mut().insert(header::ALLOW, v);
            }
            r
        }
        None => text(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// The path as it may appear in logs: hook and segment paths could carry a key if someone
/// typed one into a URL, so only their route is logged; query strings never are.
pub fn loggable_path(path: &str) -> &str {
    if path.starts_with("/hls/") || path.starts_with("/auth/") || path.len() > 200 {
        "-"
    } else {
        path
    }
}
