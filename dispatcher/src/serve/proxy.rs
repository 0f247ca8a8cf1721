//! Who is calling: the peer address, or with `--nginx-proxy N` what exactly N trusted proxy hops
//! reported in `X-Forwarded-For`, `-Proto` and `-Host` (the N-th value from the right, as each
//! proxy appends one). Values further left were written by the client and are ignored; with
//! fewer than N values the peer itself is taken, as nothing trustworthy is there.

use http::header::HOST;
use http::{HeaderMap, Uri};
use rsstreaming_handlers::Caller;
use std::net::{IpAddr, SocketAddr};

/// The caller of one request.
pub fn caller(headers: &HeaderMap, uri: &Uri, peer: SocketAddr, trusted_hops: usize) -> Caller {
    let peer_ip = peer.ip().to_canonical();
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| uri.authority().map(|a| a.to_string()));
    if trusted_hops == 0 {
        return Caller {
            addr: peer_ip,
            scheme: "http".into(),
            host,
        };
    }
    let forwarded = |name: &str| trusted_value(headers, name, trusted_hops);
    let addr = forwarded("x-forwarded-for")
        .and_then(|v| parse_addr(&v))
        .unwrap_or(peer_ip);
    let scheme = forwarded("x-forwarded-proto")
        .map(|p| p.to_ascii_lowercase())
        .filter(|p| p == "http" || p == "https")
        .unwrap_or_else(|| "http".into());
    let host = forwarded("x-forwarded-host").or(host);
    Caller { addr, scheme, host }
}

/// The value `hops` places from the right of all `name` headers' comma-separated values.
fn trusted_value(headers: &HeaderMap, name: &str, hops: usize) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    if values.len() < hops {
        return None;
    }
    Some(values[values.len() - hops].to_string()).filter(|v| !v.is_empty())
}

/// `1.2.3.4`, `::1`, `1.2.3.4:80` or `[::1]:80`.
fn parse_addr(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .or_else(|_| text.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(headers: &[(&str, &str)], hops: usize) -> Caller {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        caller(
            &map,
            &Uri::from_static("/"),
            "127.0.0.1:9".parse().unwrap(),
            hops,
        )
    }

    #[test]
    fn exactly_n_hops_are_trusted() {
        let h = [
            ("x-forwarded-for", "6.6.6.6, 1.2.3.4"),
            ("x-forwarded-for", "10.0.0.1"),
            ("x-forwarded-proto", "https"),
            ("host", "inner"),
            ("x-forwarded-host", "evil, site.example"),
        ];
        let c = call(&h, 1);
        assert_eq!(c.addr.to_string(), "10.0.0.1");
        assert_eq!(c.scheme, "https");
        assert_eq!(c.host.as_deref(), Some("site.example"));
        assert_eq!(call(&h, 2).addr.to_string(), "1.2.3.4");
        // Fewer values than hops: nothing trustworthy, the peer stands.
        assert_eq!(call(&h, 4).addr.to_string(), "127.0.0.1");
        assert_eq!(call(&h, 4).scheme, "http");
        // No proxy trusted: headers are ignored.
        let c = call(&h, 0);
        assert_eq!(
            (c.addr.to_string(), c.scheme.as_str(), c.host.as_deref()),
            ("127.0.0.1".into(), "http", Some("inner"))
        );
        assert_eq!(
            call(&[("x-forwarded-for", "[::1]:80")], 1).addr.to_string(),
            "::1"
        );
        assert_eq!(
            call(&[("x-forwarded-for", "garbage")], 1).addr.to_string(),
            "127.0.0.1"
        );
        assert_eq!(
            call(&[("x-forwarded-for", "::ffff:8.8.8.8")], 1)
                .addr
                .to_string(),
            "8.8.8.8"
        );
    }
}
