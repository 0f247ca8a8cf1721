//! Translation between lambda_http's view of an API Gateway v2 / function-URL event and the
//! plain `http` request and response a handler deals in, so a handler cannot tell whether the
//! dispatcher or Lambda called it.
//!
//! lambda_http already decodes base64 bodies and folds the event's `cookies` array into one
//! `Cookie` header. What it leaves to us: the origin-form URI the dispatcher would give, the
//! `Caller` extension, and two response details it gets wrong for payload format 2.0 — it
//! serialises only the first value of a repeated header, and it re-decodes bodies by their
//! `Content-Type` (which would transcode or mangle bytes). [`Reply`] bypasses the latter.

use crate::caller::{caller, Platform};
use bytes::Bytes;
use http::header::{HeaderMap, HeaderValue, CONTENT_TYPE, SET_COOKIE};
use http::{Request, Response, Uri};
use lambda_http::request::RequestContext;
use lambda_http::{Body, IntoResponse};
use rsstreaming_shared::net::ProxyHops;

/// Turns the request lambda_http built from the event into what a handler expects: a bytes
/// body, an origin-form URI (`/path?query`), and the `Caller` established from the event.
pub fn handler_request(req: lambda_http::Request, hops: ProxyHops) -> Request<Bytes> {
    let context = req.extensions().get::<RequestContext>();
    let platform = match context {
        Some(RequestContext::ApiGatewayV2(c)) => Platform {
            source_ip: c.http.source_ip.as_deref(),
            domain_name: c.domain_name.as_deref(),
        },
        _ => Platform::default(),
    };
    let who = caller(req.headers(), &platform, hops);
    let (mut parts, body) = req.into_parts();
    parts.uri = origin_form(&parts.uri);
    parts.extensions.insert(who);
    let body = match body {
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    Request::from_parts(parts, body)
}

fn origin_form(uri: &Uri) -> Uri {
    uri.path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/")
        .parse()
        .unwrap_or_else(|_| Uri::from_static("/"))
}

/// A handler's response, ready for lambda_http to put into the event reply unchanged.
pub struct Reply(Response<Body>);

impl Reply {
    pub fn into_inner(self) -> Response<Body> {
        self.0
    }
}

impl IntoResponse for Reply {
    fn into_response(
        self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response<Body>> + Send>> {
        Box::pin(std::future::ready(self.0))
    }
}

/// Prepares a handler's response for payload format 2.0: repeated headers (other than
/// `Set-Cookie`, which lambda_http moves into `cookies`) joined into one comma-separated value,
/// header values that are not valid text dropped rather than failing the whole reply, and the
/// body sent as text when it is textual UTF-8 and base64-encoded otherwise.
pub fn lambda_response(resp: Response<Bytes>) -> Reply {
    let (mut parts, body) = resp.into_parts();
    parts.headers = joined_headers(parts.headers);
    let body = if body.is_empty() {
        Body::Empty
    } else if is_textual(&parts.headers) {
        match String::from_utf8(body.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(e) => Body::Binary(e.into_bytes()),
        }
    } else {
        Body::Binary(body.to_vec())
    };
    Reply(Response::from_parts(parts, body))
}

fn joined_headers(headers: HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.keys_len());
    for name in headers.keys() {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| match v.to_str() {
                Ok(s) => Some(s),
                Err(_) => {
                    tracing::warn!(header = %name, "dropping a response header value that is not visible ASCII");
                    None
                }
            })
            .collect();
        if name == SET_COOKIE {
            for v in values {
                out.append(
                    name.clone(),
                    HeaderValue::from_str(v).expect("was a header value"),
                );
            }
        } else if !values.is_empty() {
            let joined = values.join(", ");
            out.insert(
                name.clone(),
                HeaderValue::from_str(&joined).expect("visible ASCII joined by ', '"),
            );
        }
    }
    out
}

fn is_textual(headers: &HeaderMap) -> bool {
    // A compressed body (the static files' brotli and gzip copies) is bytes whatever its type.
    if headers.contains_key(http::header::CONTENT_ENCODING) {
        return false;
    }
    let Some(ct) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime.starts_with("text/")
        || matches!(
            mime.as_str(),
            "application/json"
                | "application/javascript"
                | "application/xml"
                | "application/x-www-form-urlencoded"
                | "application/vnd.apple.mpegurl"
                | "application/x-mpegurl"
                | "image/svg+xml"
        )
        || mime.ends_with("+json")
        || mime.ends_with("+xml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsstreaming_handlers::Caller;

    /// A function-URL event as AWS sends it: cookies array, base64 body, repeated header.
    const FUNCTION_URL_EVENT: &str = r#"{
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/alice/password",
        "rawQueryString": "next=%2Falice%2F&x=1",
        "cookies": ["a=1", "pass_alice=tok"],
        "headers": {
            "content-type": "application/x-www-form-urlencoded",
            "host": "abc.lambda-url.eu-west-1.on.aws",
            "x-forwarded-for": "198.51.100.7",
            "x-forwarded-proto": "https"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": "abc.lambda-url.eu-west-1.on.aws",
            "domainPrefix": "abc",
            "http": {
                "method": "POST",
                "path": "/alice/password",
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
                "userAgent": "test"
            },
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "12/Mar/2020:19:03:58 +0000",
            "timeEpoch": 1583348638390
        },
        "body": "c3RyZWFtcGFzcz1zJTI2cCU0MCVGRg==",
        "isBase64Encoded": true
    }"#;

    #[test]
    fn events_become_the_request_a_handler_expects() {
        let req = lambda_http::request::from_str(FUNCTION_URL_EVENT).unwrap();
        let req = handler_request(req, ProxyHops(0));
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(
            req.uri().to_string(),
            "/alice/password?next=%2Falice%2F&x=1"
        );
        assert_eq!(req.headers()["cookie"], "a=1; pass_alice=tok");
        assert_eq!(&req.body()[..], b"streampass=s%26p%40%FF");
        let who = req.extensions().get::<Caller>().unwrap();
        assert_eq!(who.addr.to_string(), "198.51.100.7");
        assert_eq!(who.scheme, "https");
        assert_eq!(who.host.as_deref(), Some("abc.lambda-url.eu-west-1.on.aws"));
    }

    /// An HTTP API (payload 2.0, `$default` stage) event through CloudFront: repeated request
    /// headers arrive comma-joined, the platform's own forwarding entries last.
    const HTTP_API_EVENT: &str = r#"{
        "version": "2.0",
        "routeKey": "GET /{streamer}/info",
        "rawPath": "/b%C3%B6b/info",
        "rawQueryString": "",
        "cookies": ["pass_bob=tok"],
        "headers": {
            "accept": "application/json",
            "host": "abc.execute-api.eu-west-1.amazonaws.com",
            "x-forwarded-for": "10.9.9.9, 198.51.100.7, 130.176.0.1",
            "x-forwarded-proto": "https"
        },
        "pathParameters": {"streamer": "not-used"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": "abc.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc",
            "http": {
                "method": "GET",
                "path": "/b%C3%B6b/info",
                "protocol": "HTTP/1.1",
                "sourceIp": "130.176.0.1",
                "userAgent": "Amazon CloudFront"
            },
            "requestId": "id",
            "routeKey": "GET /{streamer}/info",
            "stage": "$default",
            "time": "12/Mar/2020:19:03:58 +0000",
            "timeEpoch": 1583348638390
        },
        "isBase64Encoded": false
    }"#;

    #[test]
    fn http_api_events_keep_the_raw_path_and_trust_one_hop() {
        let req = lambda_http::request::from_str(HTTP_API_EVENT).unwrap();
        let req = handler_request(req, ProxyHops(1));
        assert_eq!(req.uri().to_string(), "/b%C3%B6b/info");
        assert!(req.body().is_empty());
        assert_eq!(req.headers()["cookie"], "pass_bob=tok");
        let who = req.extensions().get::<Caller>().unwrap();
        assert_eq!(who.addr.to_string(), "198.51.100.7", "what CloudFront saw");
        assert_eq!(who.scheme, "https");
    }

    #[test]
    fn repeated_headers_and_cookies_survive() {
        let resp = Response::builder()
            .status(303)
            .header("location", "/alice/")
            .header("set-cookie", "a=1; Path=/")
            .header("set-cookie", "b=2; Path=/; HttpOnly")
            .header("vary", "cookie")
            .header("vary", "accept-encoding")
            .header("content-type", "text/html; charset=utf-8")
            .body(Bytes::from_static("<p>é</p>".as_bytes()))
            .unwrap();
        let resp = lambda_response(resp).into_inner();
        assert_eq!(resp.status(), 303);
        let cookies: Vec<_> = resp.headers().get_all("set-cookie").iter().collect();
        assert_eq!(cookies, ["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
        assert_eq!(resp.headers()["vary"], "cookie, accept-encoding");
        assert_eq!(resp.headers().get_all("vary").iter().count(), 1);
        assert!(matches!(resp.body(), Body::Text(t) if t == "<p>é</p>"));
    }

    #[test]
    fn binary_and_invalid_text_bodies_travel_as_bytes() {
        let png = Response::builder()
            .header("content-type", "image/png")
            .body(Bytes::from_static(&[0x89, b'P', b'N', b'G', 0, 0xff]))
            .unwrap();
        assert!(matches!(lambda_response(png).into_inner().body(),
            Body::Binary(b) if b == &[0x89, b'P', b'N', b'G', 0, 0xff]));
        let latin1 = Response::builder()
            .header("content-type", "text/plain; charset=iso-8859-1")
            .body(Bytes::from_static(&[b'c', 0xe9]))
            .unwrap();
        assert!(matches!(lambda_response(latin1).into_inner().body(),
            Body::Binary(b) if b == &[b'c', 0xe9]));
        let empty = Response::builder().status(204).body(Bytes::new()).unwrap();
        assert!(matches!(
            lambda_response(empty).into_inner().body(),
            Body::Empty
        ));
    }

    #[test]
    fn header_values_that_are_not_text_are_dropped_not_fatal() {
        let resp = Response::builder()
            .header("x-odd", HeaderValue::from_bytes(&[b'a', 0xff]).unwrap())
            .header("x-fine", "yes")
            .body(Bytes::new())
            .unwrap();
        let resp = lambda_response(resp).into_inner();
        assert!(resp.headers().get("x-odd").is_none());
        assert_eq!(resp.headers()["x-fine"], "yes");
    }
}
