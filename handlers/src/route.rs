//! The route table: the one place where URLs are declared. The local dispatcher builds a matchit
//! router from it and the cloud adapter deploys each entry as its own function.

use crate::Ctx;
use bytes::Bytes;
use http::{Method, Request, Response};
use std::future::Future;
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
