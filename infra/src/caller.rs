//! Who called: the client address, scheme and host a handler sees in `Caller`, established from
//! the Lambda event.
//!
//! Trust model. API Gateway (HTTP API) and Lambda function URLs terminate the client's TCP
//! connection themselves and write its address into `requestContext.http.sourceIp`; a client
//! cannot forge that field. They also append that address to `X-Forwarded-For` and set
//! `X-Forwarded-Proto`, keeping whatever the client sent in front. So:
//!
//! - with `RSSTREAMING_PROXY_HOPS` unset or `0` (the API is called directly — browsers, OBS's
//!   nginx host calling `on_publish`), the client is `sourceIp`, and every `X-Forwarded-For`
//!   entry is ignored;
//! - with `N > 0` (N trusted proxies such as CloudFront stand in front of the API), the chain
//!   is the `X-Forwarded-For` entries followed by `sourceIp`, and the client is the entry N
//!   places left of `sourceIp` — the address the outermost trusted proxy saw. Entries further
//!   left were written by the client and are never used. If the chain is shorter than that,
//!   the request did not pass through all N proxies and its leftmost entry is used.
//!
//! The scheme is the last `X-Forwarded-Proto` value (the platform's own, `https` on AWS) and
//! `http` when absent (the local emulator). The host is the `Host` header (the platform
//! forwards the one the client used), or with N > 0 the last `X-Forwarded-Host` a trusted
//! proxy set, falling back to `requestContext.domainName`.

use http::HeaderMap;
use rsstreaming_handlers::Caller;
use std::net::{IpAddr, Ipv4Addr};

/// How many proxies in front of the API are trusted to report the client's address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyHops(pub usize);

impl ProxyHops {
    /// The environment variable that sets it.
    pub const VAR: &'static str = "RSSTREAMING_PROXY_HOPS";

    /// Reads `RSSTREAMING_PROXY_HOPS` (absent = 0).
    pub fn from_env() -> Result<Self, String> {
        Self::parse(std::env::var(Self::VAR).ok().as_deref())
    }

    /// Parses the variable's value (absent or blank = 0).
    pub fn parse(value: Option<&str>) -> Result<Self, String> {
        match value.map(str::trim) {
            None | Some("") => Ok(Self(0)),
            Some(v) => v
                .parse()
                .map(Self)
                .map_err(|_| format!("{}: `{v}` is not a number of proxy hops", Self::VAR)),
        }
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
    // No source address means no event context (never the case on AWS): an address that no
    // allow-list holds, so nothing is granted on a guess.
    let source = platform
        .source_ip
        .and_then(parse_ip)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let addr = if hops.0 == 0 {
        source
    } else {
        let mut chain: Vec<IpAddr> = list(headers, "x-forwarded-for")
            .iter()
            .filter_map(|s| parse_ip(s))
            .collect();
        if chain.last() != Some(&source) {
            chain.push(source);
        }
        let index = chain.len().saturating_sub(1 + hops.0);
        chain[index]
    };
    let scheme = list(headers, "x-forwarded-proto")
        .last()
        .map(|s| s.to_ascii_lowercase())
        .filter(|s| s == "http" || s == "https")
        .unwrap_or_else(|| "http".to_string());
    let forwarded_host = if hops.0 > 0 {
        list(headers, "x-forwarded-host").last().cloned()
    } else {
        None
    };
    let host = forwarded_host
        .or_else(|| {
            headers
                .get(http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .or_else(|| platform.domain_name.map(str::to_string))
        .filter(|h| !h.is_empty());
    Caller { addr, scheme, host }
}

/// Every comma-separated value of every occurrence of a header, trimmed, in order.
fn list(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    t.parse()
        .ok()
        .or_else(|| t.trim_start_matches('[').split(']').next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn without_hops_the_source_ip_wins_over_any_header() {
        let h = headers(&[
            ("x-forwarded-for", "127.0.0.1, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("host", "stream.example"),
        ]);
        let c = caller(&h, &platform("203.0.113.9"), ProxyHops(0));
        assert_eq!(c.addr, "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(c.scheme, "https");
        assert_eq!(c.host.as_deref(), Some("stream.example"));
    }

    #[test]
    fn with_hops_the_address_the_outermost_trusted_proxy_saw_is_used() {
        // Client forged 10.0.0.1; CloudFront saw 198.51.100.7; API Gateway saw the edge.
        let h = headers(&[
            ("x-forwarded-for", "10.0.0.1, 198.51.100.7, 130.176.0.1"),
            ("x-forwarded-host", "forged.example, stream.example"),
        ]);
        let c = caller(&h, &platform("130.176.0.1"), ProxyHops(1));
        assert_eq!(c.addr, "198.51.100.7".parse::<IpAddr>().unwrap());
        assert_eq!(c.host.as_deref(), Some("stream.example"));
        // Platforms that do not append sourceIp get the same answer.
        let h = headers(&[("x-forwarded-for", "10.0.0.1, 198.51.100.7")]);
        let c = caller(&h, &platform("130.176.0.1"), ProxyHops(1));
        assert_eq!(c.addr, "198.51.100.7".parse::<IpAddr>().unwrap());
        // Too short a chain: the leftmost entry, never an index panic.
        let c = caller(&HeaderMap::new(), &platform("130.176.0.1"), ProxyHops(3));
        assert_eq!(c.addr, "130.176.0.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn missing_or_bogus_context_grants_nothing() {
        let h = headers(&[("x-forwarded-proto", "gopher")]);
        let c = caller(&h, &Platform::default(), ProxyHops(0));
        assert!(c.addr.is_unspecified());
        assert_eq!(c.scheme, "http");
        assert_eq!(c.host, None);
        let c = caller(&h, &platform("not an ip"), ProxyHops(0));
        assert!(c.addr.is_unspecified());
    }

    #[test]
    fn hop_counts_and_bracketed_addresses_parse() {
        assert_eq!(ProxyHops::parse(None), Ok(ProxyHops(0)));
        assert_eq!(ProxyHops::parse(Some(" ")), Ok(ProxyHops(0)));
        assert_eq!(ProxyHops::parse(Some("2")), Ok(ProxyHops(2)));
        assert!(ProxyHops::parse(Some("-1")).unwrap_err().contains("RSSTREAMING_PROXY_HOPS"));
        assert!(parse_ip("[::1]").is_some_and(|ip| ip.is_loopback()));
    }
}
