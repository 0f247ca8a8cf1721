//! Reading what a request carries: the caller, cookies, query and form fields, Basic auth.

use crate::Caller;
use base64::Engine;
use bytes::Bytes;
use http::header;
use http::Request;
use std::net::{IpAddr, Ipv4Addr};

/// The caller the transport established. Without one (a transport that forgot), the caller is
/// treated as an unknown remote on plain HTTP, which no allow-list contains.
pub fn caller(req: &Request<Bytes>) -> Caller {
    req.extensions().get::<Caller>().cloned().unwrap_or(Caller {
        addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        scheme: "http".into(),
        host: None,
    })
}

/// The value of cookie `name`, if sent.
pub fn cookie<'r>(req: &'r Request<Bytes>, name: &str) -> Option<&'r str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
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

/// `(username, password)` from an `Authorization: Basic` header.
pub fn basic_auth(req: &Request<Bytes>) -> Option<(String, String)> {
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
    Some((user.to_string(), pass.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_auth() {
        let req = Request::builder()
            .header("cookie", "a=1; pass_bob=tok")
            .header("cookie", "c=\"3\"")
            .header("authorization", "Basic Ym9iOms6ZXk=")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(cookie(&req, "pass_bob"), Some("tok"));
        assert_eq!(cookie(&req, "c"), Some("3"));
        assert_eq!(cookie(&req, "pass"), None);
        assert_eq!(basic_auth(&req), Some(("bob".into(), "k:ey".into())));
        let pairs = form_pairs(b"name=a%2Bb+c&x=%ZZ&name=2");
        assert_eq!(field(&pairs, "name"), Some("a+b c"));
    }
}
