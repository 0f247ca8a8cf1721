//! One deployed function: the routes of the table it serves, and the matching of a request path
//! against exactly those routes' patterns.
//!
//! A function is named by route names (`RSSTREAMING_FUNCTION=stream_info`, `a,b` for a small
//! group, or `*` for the fallback function that serves the whole table). Its router is built
//! from the same `Route` entries the local dispatcher uses, so a URL pattern is declared once,
//! in the route table, and the path parameters a handler sees come from matching the request's
//! raw path against that pattern here, never from the API Gateway's own `pathParameters`.
//!
//! Everything around the handler behaves as under `rsstreaming serve`: `HEAD` is answered by
//! the `GET` route without a body, a known path with another method is a 405 with `Allow`,
//! parameters are percent-decoded, bodies over 64 KiB are a 413, and a panicking handler is a
//! plain 500 rather than a failed invocation.

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use rsstreaming_handlers::{
    loggable_path, plain_text, serve_only, unrouted, Ctx, Lookup, Route, Router, MAX_BODY,
};
use std::collections::BTreeSet;

/// The `RSSTREAMING_FUNCTION` value of the fallback function that serves every route.
pub const ALL_ROUTES: &str = "*";

/// Why a function could not be assembled from the route table.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("RSSTREAMING_FUNCTION is empty; set it to `*` or route names: {known}")]
    Empty { known: String },
    #[error("RSSTREAMING_FUNCTION names `{name}`, which is not a route; known routes: {known}")]
    Unknown { name: String, known: String },
    #[error("{0}")]
    Table(String),
}

/// The routes one function serves, with a router over their patterns.
pub struct Function {
    name: String,
    router: Router,
}

impl Function {
    /// Selects the routes named in `names` (comma-separated route names, or `*`) from `table`.
    /// A [`serve_only`] route (`/metrics`) is no function's: here it does not exist (404).
    pub fn select(table: &[Route], names: &str) -> Result<Self, SelectError> {
        let table: Vec<Route> = table.iter().filter(|r| !serve_only(r)).cloned().collect();
        let known = || {
            table
                .iter()
                .map(|r| r.name)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        };
        let wanted: Vec<&str> = names
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if wanted.is_empty() {
            return Err(SelectError::Empty { known: known() });
        }
        let everything = wanted.contains(&ALL_ROUTES);
        for name in wanted.iter().filter(|n| **n != ALL_ROUTES) {
            if !table.iter().any(|r| r.name == *name) {
                return Err(SelectError::Unknown {
                    name: (*name).to_string(),
                    known: known(),
                });
            }
        }
        let selected: Vec<Route> = table
            .iter()
            .filter(|r| everything || wanted.contains(&r.name))
            .cloned()
            .collect();
        let router = Router::new(selected).map_err(|e| SelectError::Table(e.to_string()))?;
        Ok(Self {
            name: wanted.join(","),
            router,
        })
    }

    /// The route names this function serves, comma-separated (`*` for all).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The routes this function serves.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.router.routes()
    }

    /// Matches a method and path against this function's routes (`HEAD` finds `GET`).
    pub fn resolve(&self, method: &Method, path: &str) -> Lookup<'_> {
        self.router.lookup(method, path)
    }

    /// Runs the handler the request resolves to, with the dispatcher's surroundings.
    pub async fn call(&self, ctx: Ctx, req: Request<Bytes>) -> Response<Bytes> {
        let started = std::time::Instant::now();
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let (route, response) = match self.resolve(&method, &path) {
            Lookup::Found(route, params) => {
                let response = if req.body().len() > MAX_BODY {
                    plain_text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n")
                } else {
                    rsstreaming_handlers::run(route, ctx, req, params).await
                };
                (route.name, response)
            }
            Lookup::MethodNotAllowed(allow) => ("-", unrouted(Some(&allow))),
            Lookup::NotFound => ("-", unrouted(None)),
        };
        let mut response = response;
        if method == Method::HEAD {
            *response.body_mut() = Bytes::new();
        }
        let status = response.status().as_u16();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let shown = loggable_path(&path);
        if response.status().is_server_error() {
            tracing::warn!(%method, path = shown, route, status, ms, "request");
        } else {
            tracing::info!(%method, path = shown, route, status, ms, "request");
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ctx, table};
    use http::header;

    fn request(method: Method, uri: &str, body: Vec<u8>) -> Request<Bytes> {
        let req = Request::builder().method(method).uri(uri);
        req.body(Bytes::from(body)).unwrap()
    }

    #[test]
    fn selects_by_name_and_rejects_unknown_names() {
        let f = Function::select(&table(), "echo_get").unwrap();
        assert_eq!(f.routes().count(), 1);
        let f = Function::select(&table(), "echo_get, hello").unwrap();
        assert_eq!(f.routes().count(), 2);
        assert_eq!(f.name(), "echo_get,hello");
        let f = Function::select(&table(), "*").unwrap();
        assert_eq!(f.routes().count(), 4);
        let Err(e) = Function::select(&table(), "nope") else {
            panic!("an unknown name must be refused")
        };
        let e = e.to_string();
        assert!(
            e.contains("nope") && e.contains("echo_post") && e.contains("hello"),
            "{e}"
        );
        assert!(matches!(
            Function::select(&table(), " , "),
            Err(SelectError::Empty { .. })
        ));
    }

    #[test]
    fn no_function_serves_metrics() {
        let site = rsstreaming_handlers::routes();
        let f = Function::select(&site, "*").unwrap();
        assert!(f.routes().all(|r| !serve_only(r)));
        // `/metrics` is then `/{streamer}` of a name no streamer can have (a reserved one): 404.
        match f.resolve(&Method::GET, "/metrics") {
            Lookup::Found(route, _) => assert_eq!(route.name, "stream_redirect"),
            _ => panic!("expected /{{streamer}}"),
        }
        assert!(Function::select(&site, "metrics").is_err());
        let api = crate::ApiRouter::new(&site).unwrap();
        assert_eq!(
            api.function_for(&Method::GET, "/metrics"),
            "stream_redirect"
        );
    }

    #[test]
    fn parameters_come_from_the_route_pattern() {
        let f = Function::select(&table(), "*").unwrap();
        match f.resolve(&Method::POST, "/al%20ice/echo") {
            Lookup::Found(route, params) => {
                assert_eq!(route.name, "echo_post");
                assert_eq!(params.get("streamer"), Some("al ice"), "decoded");
            }
            _ => panic!("expected a match"),
        }
        match f.resolve(&Method::HEAD, "/alice/echo") {
            Lookup::Found(route, _) => assert_eq!(route.name, "echo_get"),
            _ => panic!("HEAD is answered by GET"),
        }
        assert!(matches!(
            f.resolve(&Method::DELETE, "/alice/echo"),
            Lookup::MethodNotAllowed(m) if m == "GET, POST, HEAD"
        ));
        let f = Function::select(&table(), "echo_post").unwrap();
        assert!(matches!(
            f.resolve(&Method::GET, "/hello"),
            Lookup::NotFound
        ));
        assert!(matches!(
            f.resolve(&Method::GET, "/alice/echo"),
            Lookup::MethodNotAllowed(m) if m == "POST"
        ));
    }

    #[tokio::test]
    async fn the_dispatcher_surroundings_apply() {
        let (ctx, _dir) = ctx().await;
        let f = Function::select(&table(), "*").unwrap();
        let big = request(Method::POST, "/alice/echo", vec![b'a'; MAX_BODY + 1]);
        assert_eq!(f.call(ctx.clone(), big).await.status(), 413);
        let head = request(Method::HEAD, "/hello", Vec::new());
        let resp = f.call(ctx.clone(), head).await;
        assert_eq!(resp.status(), 200);
        assert!(resp.body().is_empty());
        let boom = Request::builder().uri("/boom").body(Bytes::new()).unwrap();
        let resp = f.call(ctx.clone(), boom).await;
        assert_eq!(resp.status(), 500);
        assert_eq!(&resp.body()[..], b"internal error\n");
    }

    #[tokio::test]
    async fn foreign_paths_and_methods_get_404_and_405() {
        let f = Function::select(&table(), "hello").unwrap();
        let (ctx, _dir) = ctx().await;
        let req = request(Method::GET, "/alice/echo", Vec::new());
        assert_eq!(f.call(ctx.clone(), req).await.status(), 404);
        let req = request(Method::PUT, "/hello", Vec::new());
        let resp = f.call(ctx.clone(), req).await;
        assert_eq!(resp.status(), 405);
        assert_eq!(resp.headers()[header::ALLOW], "GET, HEAD");
    }
}
