//! The matchit router built from the route table, shared by every transport (the local
//! dispatcher and the cloud adapter) so 404/405/HEAD and parameter decoding behave the same.

use super::{Params, Route};
use http::Method;

/// The route table cannot be routed (a pattern matchit rejects, or a method declared twice).
#[derive(Debug, thiserror::Error)]
#[error("route table: {0}")]
pub struct RouteTableError(String);

/// Routes grouped by path, so a known path with the wrong method can answer 405 + `Allow`.
pub struct Router {
    paths: matchit::Router<usize>,
    by_path: Vec<Vec<Route>>,
}

/// The outcome of looking a request up.
pub enum Lookup<'r> {
    Found(&'r Route, Params),
    /// The path exists; these methods would have matched (for `Allow`).
    MethodNotAllowed(String),
    NotFound,
}

impl Router {
    pub fn new(routes: Vec<Route>) -> Result<Self, RouteTableError> {
        let mut paths = matchit::Router::new();
        let mut by_path: Vec<Vec<Route>> = Vec::new();
        let mut index_of: Vec<&'static str> = Vec::new();
        for route in routes {
            match index_of.iter().position(|p| *p == route.path) {
                Some(i) => {
                    if by_path[i].iter().any(|r| r.method == route.method) {
                        return Err(RouteTableError(format!(
                            "{} {} declared twice",
                            route.method, route.path
                        )));
                    }
                    by_path[i].push(route);
                }
                None => {
                    paths.insert(route.path, by_path.len()).map_err(|e| {
                        RouteTableError(format!("cannot route {}: {e}", route.path))
                    })?;
                    index_of.push(route.path);
                    by_path.push(vec![route]);
                }
            }
        }
        Ok(Self { paths, by_path })
    }

    /// Every route, grouped by path in table order.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.by_path.iter().flatten()
    }

    /// Finds the route for `method` and `path`; `HEAD` is answered by the `GET` route.
    /// Path parameters are percent-decoded.
    pub fn lookup(&self, method: &Method, path: &str) -> Lookup<'_> {
        let Ok(matched) = self.paths.at(path) else {
            return Lookup::NotFound;
        };
        let routes = &self.by_path[*matched.value];
        let wanted = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        match routes.iter().find(|r| r.method == *wanted) {
            Some(route) => {
                let params = matched
                    .params
                    .iter()
                    .map(|(k, v)| {
                        let decoded = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                        (k.to_string(), decoded.into_owned())
                    })
                    .collect();
                Lookup::Found(route, Params(params))
            }
            None => {
                let mut allow: Vec<&str> = routes.iter().map(|r| r.method.as_str()).collect();
                if routes.iter().any(|r| r.method == Method::GET) {
                    allow.push("HEAD");
                }
                Lookup::MethodNotAllowed(allow.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(r: &Router, m: Method, p: &str) -> Option<(&'static str, Params)> {
        match r.lookup(&m, p) {
            Lookup::Found(route, params) => Some((route.name, params)),
            _ => None,
        }
    }

    #[test]
    fn the_site_table_routes_as_intended() {
        let r = Router::new(crate::routes()).unwrap();
        assert_eq!(found(&r, Method::GET, "/").unwrap().0, "index");
        assert_eq!(found(&r, Method::GET, "/healthz").unwrap().0, "healthz");
        assert_eq!(
            found(&r, Method::GET, "/api/info").unwrap().0,
            "api_get_info"
        );
        assert_eq!(
            found(&r, Method::GET, "/bob/info").unwrap().0,
            "stream_info"
        );
        assert_eq!(found(&r, Method::GET, "/bob").unwrap().0, "stream_redirect");
        assert_eq!(found(&r, Method::HEAD, "/bob/").unwrap().0, "stream_page");
        assert_eq!(
            found(&r, Method::GET, "/bob/playlist.m3u8").unwrap().0,
            "playlist"
        );
        let (name, params) = found(&r, Method::GET, "/bob/playlist/720P.m3u8").unwrap();
        assert_eq!(
            (name, params.get("file")),
            ("quality_playlist", Some("720P.m3u8"))
        );
        let (name, params) = found(&r, Method::GET, "/hls/bob/12.ts").unwrap();
        assert_eq!(
            (name, params.get("room"), params.get("file")),
            ("segment", Some("bob"), Some("12.ts"))
        );
        assert_eq!(
            found(&r, Method::GET, "/hls/bob/720P/1.ts").unwrap().0,
            "quality_segment"
        );
        let (_, params) = found(&r, Method::GET, "/static/a%20b/c.css").unwrap();
        assert_eq!(params.get("path"), Some("a b/c.css"));
        assert_eq!(
            found(&r, Method::GET, "/hls/bob-3.ts").unwrap().0,
            "hls_public_file"
        );
        assert!(matches!(
            r.lookup(&Method::GET, "/a/b/c/d"),
            Lookup::NotFound
        ));
        match r.lookup(&Method::DELETE, "/api/info") {
            Lookup::MethodNotAllowed(allow) => assert_eq!(allow, "GET, PATCH, HEAD"),
            _ => panic!("expected 405"),
        }
    }
}
