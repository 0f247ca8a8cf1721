//! Reading what a request carries: the caller, forwarded headers, cookies, query and form
//! fields, Basic auth.

use crate::Caller;
use base64::Engine;
use bytes::Bytes;
use http::{header, HeaderMap, Request};
use rsstreaming_shared::auth::{Cookies, StreamKey};
use rsstreaming_shared::net::{header_values, readable, Forwarded, UNKNOWN};

/// The caller the transport established. Without one (a transport that forgot), the caller is
/// treated as an unknown remote on plain HTTP, which no allow-list contains.
pub fn caller(req: &Request<Bytes>) -> Caller {
    req.extensions().get::<Caller>().cloned().unwrap_or(Caller {
        addr: UNKNOWN,
        scheme: "http".into(),
        host: None,
    })
}

/// Every value of the header `name` that is text, in order.
fn text_values<'h>(headers: &'h HeaderMap, name: &str) -> impl Iterator<Item = &'h str> {
    headers.get_all(name).iter().filter_map(|v| v.to_str().ok())
}

/// What proxies reported in `X-Forwarded-For`, `-Proto` and `-Host`, for
/// [`Caller::behind`] (every transport establishes the caller by that one rule).
pub fn forwarded(headers: &HeaderMap) -> Forwarded {
    let chain = headers.get_all("x-forwarded-for");
    Forwarded {
        for_: chain
            .iter()
            .next()
            .is_some()
            .then(|| header_values(chain.iter().map(|v| readable(v.as_bytes())))),
        proto: header_values(text_values(headers, "x-forwarded-proto")),
        host: header_values(text_values(headers, "x-forwarded-host")),
    }
}

/// The cookies sent with a request (every `Cookie` header; the WebSocket handshake too).
pub fn cookies(headers: &HeaderMap) -> Cookies {
    Cookies::from_headers(text_values(headers, header::COOKIE.as_str()))
}

/// Decoded `key=value` pairs of the query string.
pub fn query_pairs(req: &Request<Bytes>) -> Vec<(String, String)> {
    req.uri()
        .query()
        .map(|q| form_pairs(q.as_bytes()))
        .unwrap_or_default()
}

/// Decoded `application/x-www-form-urlencoded` pairs (malformed escapes decode leniently).
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// The first value of `name` among `pairs`.
pub fn field<'p>(pairs: &'p [(String, String)], name: &str) -> Option<&'p str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `(username, stream key)` from an `Authorization: Basic` header.
pub fn basic_auth(req: &Request<Bytes>) -> Option<(String, StreamKey)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_string(), StreamKey::from(pass)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_forwarded_headers_and_auth() {
        let req = Request::builder()
            .header("cookie", "a=1; pass_bob=tok")
            .header("cookie", "c=\"3\"")
            .header("authorization", "Basic Ym9iOms6ZXk=")
            .header("x-forwarded-for", "1.2.3.4, 5.6.7.8")
            .header("x-forwarded-for", "9.9.9.9")
            .body(Bytes::new())
            .unwrap();
        let jar = cookies(req.headers());
        assert_eq!(jar.get("pass_bob"), Some("tok"));
        assert_eq!(jar.get("c"), Some("3"));
        assert_eq!(jar.get("pass"), None);
        assert_eq!(
            basic_auth(&req),
            Some(("bob".into(), StreamKey::from("k:ey")))
        );
        let f = forwarded(req.headers());
        assert_eq!(f.for_.unwrap(), ["1.2.3.4", "5.6.7.8", "9.9.9.9"]);
        assert!(f.proto.is_empty() && f.host.is_empty());
        let pairs = form_pairs(b"name=a%2Bb+c&x=%ZZ&name=2");
        assert_eq!(field(&pairs, "name"), Some("a+b c"));
    }
}
