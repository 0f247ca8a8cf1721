//! One deployed function: the routes of the table it serves, and the matching of a request path
//! against exactly those routes' patterns.
//!
//! A function is named by route names (`RSSTREAMING_FUNCTION=info`, or `a,b` for a small
//! group). Its router is built from the same `Route` entries the local dispatcher uses, so a
//! URL pattern is declared once, in the route table, and the path parameters a handler sees
//! come from matching the request's path against that pattern here, never from the API
//! Gateway's own `pathParameters`.

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use rsstreaming_handlers::{Ctx, Params, Route};
use std::collections::BTreeSet;

/// Why a function could not be assembled from the route table.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("RSSTREAMING_FUNCTION is empty; set it to a route name: {known}")]
    Empty { known: String },
    #[error("RSSTREAMING_FUNCTION names `{name}`, which is not a route; known routes: {known}")]
    Unknown { name: String, known: String },
    #[error("route `{name}` pattern `{path}` cannot be routed: {reason}")]
    Pattern {
        name: String,
        path: String,
        reason: String,
    },
}

/// What a request path and method resolve to inside one function.
pub enum Resolved<'a> {
    Found(&'a Route, Params),
    /// The path belongs to this function but not with that method.
    MethodNotAllowed(Vec<Method>),
    NotFound,
}

/// The routes one function serves, with a router over their patterns.
pub struct Function {
    name: String,
    routes: Vec<Route>,
    /// Pattern → indexes into `routes` (one pattern may carry several methods).
    router: matchit::Router<Vec<usize>>,
}

impl Function {
    /// Selects the routes named in `names` (comma-separated route names) from `table`.
    pub fn select(table: &[Route], names: &str) -> Result<Self, SelectError> {
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
        for name in &wanted {
            if !table.iter().any(|r| r.name == *name) {
                return Err(SelectError::Unknown {
                    name: (*name).to_string(),
                    known: known(),
                });
            }
        }
        let routes: Vec<Route> = table
            .iter()
            .filter(|r| wanted.contains(&r.name))
            .cloned()
            .collect();
        let mut by_pattern: Vec<(&'static str, Vec<usize>)> = Vec::new();
        for (i, route) in routes.iter().enumerate() {
            match by_pattern.iter_mut().find(|(p, _)| *p == route.path) {
                Some((_, ids)) => ids.push(i),
                None => by_pattern.push((route.path, vec![i])),
            }
        }
        let mut router = matchit::Router::new();
        for (path, ids) in by_pattern {
            router
                .insert(path, ids)
                .map_err(|e| SelectError::Pattern {
                    name: names.to_string(),
                    path: path.to_string(),
                    reason: e.to_string(),
                })?;
        }
        Ok(Self {
            name: wanted.join(","),
            routes,
            router,
        })
    }

    /// The route names this function serves, comma-separated.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The routes this function serves.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Matches a method and path against this function's routes.
    pub fn resolve(&self, method: &Method, path: &str) -> Resolved<'_> {
        let Ok(found) = self.router.at(path) else {
            return Resolved::NotFound;
        };
        let params = Params(
            found
                .params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let ids = found.value;
        match ids.iter().find(|i| self.routes[**i].method == *method) {
            Some(i) => Resolved::Found(&self.routes[*i], params),
            None => Resolved::MethodNotAllowed(
                ids.iter().map(|i| self.routes[*i].method.clone()).collect(),
            ),
        }
    }

    /// Runs the handler the request resolves to. A path outside this function means the API
    /// in front of it routes more than this function serves: a 404, as the dispatcher gives.
    pub async fn call(&self, ctx: Ctx, req: Request<Bytes>) -> Response<Bytes> {
        match self.resolve(req.method(), req.uri().path()) {
            Resolved::Found(route, params) => (route.handler)(ctx, req, params).await,
            Resolved::MethodNotAllowed(allowed) => {
                let allow = allowed
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut resp = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
                if let Ok(v) = HeaderValue::from_str(&allow) {
                    resp.headers_mut().insert(header::ALLOW, v);
                }
                resp
            }
            Resolved::NotFound => plain(StatusCode::NOT_FOUND, "not found\n"),
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Bytes> {
    let mut resp = Response::new(Bytes::from_static(text.as_bytes()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ctx, table};

    #[test]
    fn selects_by_name_and_rejects_unknown_names() {
        let f = Function::select(&table(), "echo").unwrap();
        assert_eq!(f.routes().len(), 2, "both methods of `echo`");
        let f = Function::select(&table(), "echo, hello").unwrap();
        assert_eq!(f.routes().len(), 3);
        assert_eq!(f.name(), "echo,hello");
        let Err(e) = Function::select(&table(), "nope") else {
            panic!("an unknown name must be refused")
        };
        let e = e.to_string();
        assert!(e.contains("nope") && e.contains("echo") && e.contains("hello"), "{e}");
        assert!(matches!(
            Function::select(&table(), " , "),
            Err(SelectError::Empty { .. })
        ));
    }

    #[test]
    fn parameters_come_from_the_route_pattern() {
        let f = Function::select(&table(), "echo").unwrap();
        match f.resolve(&Method::POST, "/alice/echo") {
            Resolved::Found(route, params) => {
                assert_eq!(route.name, "echo");
                assert_eq!(params.get("streamer"), Some("alice"));
            }
            _ => panic!("expected a match"),
        }
        assert!(matches!(
            f.resolve(&Method::DELETE, "/alice/echo"),
            Resolved::MethodNotAllowed(m) if m.len() == 2
        ));
        assert!(matches!(f.resolve(&Method::GET, "/hello"), Resolved::NotFound));
    }

    #[tokio::test]
    async fn foreign_paths_and_methods_get_404_and_405() {
        let f = Function::select(&table(), "hello").unwrap();
        let (ctx, _dir) = ctx().await;
        let req = Request::builder().uri("/alice/echo").body(Bytes::new()).unwrap();
        assert_eq!(f.call(ctx.clone(), req).await.status(), 404);
        let req = Request::builder()
            .method(Method::PUT)
            .uri("/hello")
            .body(Bytes::new())
            .unwrap();
        let resp = f.call(ctx.clone(), req).await;
        assert_eq!(resp.status(), 405);
        assert_eq!(resp.headers()[header::ALLOW], "GET");
    }
}
