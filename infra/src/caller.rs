//! Who called: the client address, scheme and host a handler sees in `Caller`, established from
//! the Lambda event.
//!
//! Trust model — the one rule of `rsstreaming_shared::net` that `rsstreaming serve
//! --nginx-proxy N` applies too, with the platform in the place of the TCP peer. API Gateway (HTTP API) and Lambda function URLs terminate the client's
//! connection themselves and write its address into `requestContext.http.sourceIp`, which a
//! client cannot forge; they append that address to `X-Forwarded-For` and add their own
//! `X-Forwarded-Proto` (always `https`), keeping whatever the client sent in front. So:
//!
//! - the platform's own entries are recognised (the last `X-Forwarded-For` value equals
//!   `sourceIp`) and set aside: the peer is `sourceIp`, the peer's scheme is the platform's
//!   `X-Forwarded-Proto`. Where nothing was appended (the local emulator) the peer's scheme is
//!   `http`, as for the dispatcher's plain TCP peer;
//! - with `RSSTREAMING_PROXY_HOPS` unset or `0` (the API is called directly: browsers, the
//!   nginx-rtmp host calling `on_publish`), that peer is the caller and every forwarded header
//!   the client sent is ignored;
//! - with `N > 0` (N trusted proxies such as CloudFront in front of the API), the caller is
//!   the N-th value from the right of what is left of `X-Forwarded-For`/`-Proto`/`-Host` — what
//!   the outermost trusted proxy reported. Values further left were written by the client and
//!   are never used; a chain left that is short or unreadable makes the caller unknown
//!   (`0.0.0.0`, in no allow-list), while no chain at all (a direct call) leaves the peer.
//!
//! With no `requestContext` at all (never on AWS) the address is `0.0.0.0`, which no
//! allow-list holds, so nothing is granted on a guess.

use http::HeaderMap;
use rsstreaming_shared::net::{parse_ip, scheme, Caller, ProxyHops, UNKNOWN};

/// The environment variable that sets how many proxies in front of the API are trusted.
pub const PROXY_HOPS_VAR: &str = "RSSTREAMING_PROXY_HOPS";

/// Reads `RSSTREAMING_PROXY_HOPS` (absent = 0).
pub fn proxy_hops_from_env() -> Result<ProxyHops, String> {
    parse_proxy_hops(std::env::var(PROXY_HOPS_VAR).ok().as_deref())
}

/// Parses the variable's value (absent or blank = 0).
pub fn parse_proxy_hops(value: Option<&str>) -> Result<ProxyHops, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(ProxyHops(0)),
        Some(v) => v
            .parse()
            .map(ProxyHops)
            .map_err(|_| format!("{PROXY_HOPS_VAR}: `{v}` is not a number of proxy hops")),
    }
}

/// What the platform recorded about the connection (from `requestContext`).
#[derive(Debug, Clone, Default)]
pub struct Platform<'a> {
    pub source_ip: Option<&'a str>,
    pub domain_name: Option<&'a str>,
}

/// The caller of one request, under the trust model above.
pub fn caller(headers: &HeaderMap, platform: &Platform<'_>, hops: ProxyHops) -> Caller {
    let addr = platform.source_ip.and_then(parse_ip).unwrap_or(UNKNOWN);
    let mut forwarded = rsstreaming_handlers::forwarded(headers);
    let platform_appended = forwarded
        .for_
        .as_ref()
        .and_then(|chain| chain.last())
        .and_then(|v| parse_ip(v))
        .is_some_and(|ip| ip == addr);
    let peer_scheme = if platform_appended {
        // What is left is what the client (and any proxy before the platform) sent; nothing
        // left means the client sent no header: a direct call, as for `serve`.
        if let Some(chain) = forwarded.for_.as_mut() {
            chain.pop();
        }
        forwarded.for_ = forwarded.for_.filter(|chain| !chain.is_empty());
        forwarded.proto.pop().unwrap_or_else(|| "https".into())
    } else {
        "http".into()
    };
    let host = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| platform.domain_name.map(str::to_string))
        .filter(|h| !h.is_empty());
    let peer = Caller {
        addr,
        scheme: scheme(&peer_scheme).unwrap_or_else(|| "http".into()),
        host,
    };
    Caller::behind(peer, &forwarded, hops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn platform(ip: &'static str) -> Platform<'static> {
        Platform {
            source_ip: Some(ip),
            domain_name: Some("abc.execute-api.eu-west-1.amazonaws.com"),
        }
    }

    #[test]
    fn without_hops_the_platform_peer_wins_over_anything_the_client_sent() {
        // AWS: the client forged one entry, API Gateway appended the source address.
        let h = headers(&[
            ("x-forwarded-for", "127.0.0.1, 203.0.113.9"),
            ("x-forwarded-proto", "http, https"),
            ("x-forwarded-host", "evil.example"),
            ("host", "stream.example"),
        ]);
        let c = caller(&h, &platform("203.0.113.9"), ProxyHops(0));
        assert_eq!(c.addr, "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(c.scheme, "https");
        assert_eq!(c.host.as_deref(), Some("stream.example"));
        // The local emulator appends nothing: forged headers are ignored, the scheme is http.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = caller(&h, &platform("127.0.0.1"), ProxyHops(0));
        assert_eq!(c.addr, "127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(c.scheme, "http");
        assert_eq!(
            c.host.as_deref(),
            Some("abc.execute-api.eu-west-1.amazonaws.com")
        );
    }

    #[test]
    fn with_hops_what_the_outermost_trusted_proxy_reported_is_used() {
        // Client forged 10.0.0.1; CloudFront saw 198.51.100.7; API Gateway saw the edge.
        let h = headers(&[
            ("x-forwarded-for", "10.0.0.1, 198.51.100.7, 130.176.0.1"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "forged.example, stream.example"),
        ]);
        let c = caller(&h, &platform("130.176.0.1"), ProxyHops(1));
        assert_eq!(c.addr, "198.51.100.7".parse::<IpAddr>().unwrap());
        assert_eq!(c.scheme, "https");
        assert_eq!(c.host.as_deref(), Some("stream.example"));
        // The emulator (nothing appended) gives the dispatcher's answer for the same headers.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.1"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = caller(&h, &platform("127.0.0.1"), ProxyHops(1));
        assert_eq!(c.addr, "198.51.100.1".parse::<IpAddr>().unwrap());
        assert_eq!(c.scheme, "https");
        assert_eq!(
            caller(&h, &platform("127.0.0.1"), ProxyHops(2))
                .addr
                .to_string(),
            "6.6.6.6"
        );
        // Fewer values than hops, or an unreadable value: an unknown caller, never the peer.
        let c = caller(&h, &platform("127.0.0.1"), ProxyHops(3));
        assert_eq!((c.addr, c.scheme.as_str()), (UNKNOWN, "http"));
        let h = headers(&[("x-forwarded-for", "garbage")]);
        let c = caller(&h, &platform("127.0.0.1"), ProxyHops(1));
        assert_eq!(c.addr, UNKNOWN);
        // A forged loopback sent straight to the platform, which appended the source.
        let h = headers(&[("x-forwarded-for", "127.0.0.1, 203.0.113.9")]);
        let c = caller(&h, &platform("203.0.113.9"), ProxyHops(0));
        assert_eq!(c.addr.to_string(), "203.0.113.9");
        // Nothing sent by the client, one value appended: a direct call from the source.
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        let c = caller(&h, &platform("203.0.113.9"), ProxyHops(1));
        assert_eq!(c.addr.to_string(), "203.0.113.9");
    }

    #[test]
    fn missing_or_bogus_context_grants_nothing() {
        let h = headers(&[("x-forwarded-proto", "gopher")]);
        let c = caller(&h, &Platform::default(), ProxyHops(0));
        assert!(c.addr.is_unspecified());
        assert_eq!(c.scheme, "http");
        assert_eq!(c.host, None);
        let c = caller(&h, &platform("not an ip"), ProxyHops(1));
        assert!(c.addr.is_unspecified());
        assert_eq!(c.scheme, "http");
    }

    #[test]
    fn hop_counts_parse() {
        assert_eq!(parse_proxy_hops(None), Ok(ProxyHops(0)));
        assert_eq!(parse_proxy_hops(Some(" ")), Ok(ProxyHops(0)));
        assert_eq!(parse_proxy_hops(Some("2")), Ok(ProxyHops(2)));
        assert!(parse_proxy_hops(Some("-1"))
            .unwrap_err()
            .contains("RSSTREAMING_PROXY_HOPS"));
    }
}
