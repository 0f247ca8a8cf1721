//! The deployment's shape, derived from the route table: one function per route plus a
//! fallback, and the HTTP API routes that lead to them. The template generator writes this out
//! and the local test harness routes by it, so both agree with the table by construction.
//!
//! Routing is the HTTP API's: a request matching a route's method and path goes to that route's
//! function; anything else (`HEAD`, a wrong method, an unknown path, or a path API Gateway
//! matches differently than matchit) reaches `$default`, the fallback function serving the
//! table **except the publish hooks**, which answers as the dispatcher would (the page, 404, or
//! 405 + `Allow`). The hooks trust only the RTMP host's address; a catch-all holding them would
//! answer `HEAD /auth/on_publish` under the browsers' trust settings, so it does not have them.
//!
//! Routes that belong to the long-lived process alone ([`serve_only`]: `GET /metrics`, whose
//! counters would describe one function instance) get no function and are not in the fallback
//! either, so the deployment answers them 404.

use http::Method;
use rsstreaming_handlers::{serve_only, Route};
use std::collections::HashMap;

/// The name of the fallback function behind the `$default` route.
pub const DEFAULT_FUNCTION: &str = "default";

/// One Lambda function of the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSpec {
    /// The function's short name: its route's name, or [`DEFAULT_FUNCTION`].
    pub name: String,
    /// The `RSSTREAMING_FUNCTION` value that makes the binary this function.
    pub selector: String,
    /// HTTP API route keys (`GET /{streamer}/info`) integrated with it; `$default` for the
    /// fallback.
    pub route_keys: Vec<String>,
    /// A publish hook's function (see [`is_publish_hook`]).
    pub publish_hook: bool,
}

impl FunctionSpec {
    /// A CloudFormation logical id: `stream_info` → `StreamInfoFunction`.
    pub fn logical_id(&self) -> String {
        let mut id: String = self
            .name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut cs = p.chars();
                let first = cs.next().map(|c| c.to_ascii_uppercase());
                first.into_iter().chain(cs).collect::<String>()
            })
            .collect();
        id.push_str("Function");
        id
    }
}

/// Every function of the deployment, in table order, the fallback last.
pub fn functions(table: &[Route]) -> Vec<FunctionSpec> {
    let deployed = || table.iter().filter(|r| !serve_only(r));
    let mut out: Vec<FunctionSpec> = deployed()
        .map(|r| FunctionSpec {
            name: r.name.to_string(),
            selector: r.name.to_string(),
            route_keys: vec![format!("{} {}", r.method, api_path(r.path))],
            publish_hook: is_publish_hook(r),
        })
        .collect();
    let fallback: Vec<&str> = deployed()
        .filter(|r| !is_publish_hook(r))
        .map(|r| r.name)
        .collect();
    out.push(FunctionSpec {
        name: DEFAULT_FUNCTION.into(),
        selector: fallback.join(","),
        route_keys: vec!["$default".into()],
        publish_hook: false,
    });
    out
}

/// The routes nginx-rtmp calls itself (from the RTMP host, not through CloudFront): their
/// functions trust no proxy hop and answer only the RTMP host's address, and no other
/// function serves them.
pub fn is_publish_hook(route: &Route) -> bool {
    route.path.starts_with("/auth/")
}

/// A matchit pattern in HTTP API syntax: `{name}` stays, a catch-all `{*rest}` becomes the
/// greedy `{rest+}`.
pub fn api_path(pattern: &str) -> String {
    pattern
        .split('/')
        .map(
            |seg| match seg.strip_prefix("{*").and_then(|s| s.strip_suffix('}')) {
                Some(name) => format!("{{{name}+}}"),
                None => seg.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// The HTTP API's routing decision, for running the functions locally behind one address.
pub struct ApiRouter {
    by_method: HashMap<Method, matchit::Router<&'static str>>,
}

impl ApiRouter {
    pub fn new(table: &[Route]) -> Result<Self, String> {
        let mut by_method: HashMap<Method, matchit::Router<&'static str>> = HashMap::new();
        for r in table.iter().filter(|r| !serve_only(r)) {
            by_method
                .entry(r.method.clone())
                .or_default()
                .insert(r.path, r.name)
                .map_err(|e| format!("cannot route {} {}: {e}", r.method, r.path))?;
        }
        Ok(Self { by_method })
    }

    /// The function a request for `method` and raw `path` is sent to.
    pub fn function_for(&self, method: &Method, path: &str) -> &'static str {
        self.by_method
            .get(method)
            .and_then(|r| r.at(path).ok())
            .map(|m| *m.value)
            .unwrap_or(DEFAULT_FUNCTION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::table;

    #[test]
    fn one_function_per_route_and_a_fallback() {
        let fs = functions(&table());
        let names: Vec<_> = fs.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["echo_get", "echo_post", "hello", "boom", "default"]);
        assert_eq!(fs[0].route_keys, ["GET /{streamer}/echo"]);
        assert_eq!(fs[0].logical_id(), "EchoGetFunction");
        assert_eq!(fs[4].selector, "echo_get,echo_post,hello,boom");
        assert_eq!(fs[4].route_keys, ["$default"]);
    }

    #[test]
    fn catch_alls_become_greedy_variables() {
        assert_eq!(api_path("/static/{*path}"), "/static/{path+}");
        assert_eq!(api_path("/{streamer}/"), "/{streamer}/");
        assert_eq!(api_path("/"), "/");
    }

    #[test]
    fn requests_route_like_the_http_api() {
        let api = ApiRouter::new(&table()).unwrap();
        assert_eq!(api.function_for(&Method::GET, "/bob/echo"), "echo_get");
        assert_eq!(api.function_for(&Method::POST, "/bob/echo"), "echo_post");
        assert_eq!(api.function_for(&Method::HEAD, "/bob/echo"), "default");
        assert_eq!(api.function_for(&Method::DELETE, "/bob/echo"), "default");
        assert_eq!(api.function_for(&Method::GET, "/a/b/c"), "default");
    }
}
