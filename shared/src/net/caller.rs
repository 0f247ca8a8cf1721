//! Who called: the client address, scheme and host a handler sees, under one trust rule shared
//! by every transport (`serve --nginx-proxy N`, the Lambda adapter's `RSSTREAMING_PROXY_HOPS`).
//!
//! The transport knows the **peer**: whoever connected to us (the TCP peer for `serve`; for a
//! Lambda function, the client address the platform recorded). With no proxy trusted (`N = 0`)
//! the peer is the caller and every forwarded header is ignored. With `N > 0`, the caller is
//! the N-th value from the right of `X-Forwarded-For`, `-Proto` and `-Host` (each proxy appends
//! one): what the outermost trusted proxy reported. Values further left were written by the
//! client and are never used. Every value counts, even an empty one, so a client cannot shift
//! the positions.
//!
//! The address fails closed. No `X-Forwarded-For` at all means a direct call (nginx-rtmp
//! calling the publish hooks from its own host): the peer is the caller. But a chain that is
//! there and cannot be read — not text, fewer than N values, the N-th not an address — makes
//! the caller [`UNKNOWN`], never the peer: otherwise a forged header would turn any client into
//! the proxy's own (loopback) address, which allow-lists trust and budgets count separately.
//! Scheme and host fall back to the peer's (they open nothing).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The address of a caller whose forwarded chain could not be trusted: in no allow-list (see
/// [`super::allowed`]), and one budget scope for every such caller.
pub const UNKNOWN: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

/// Facts about the caller that the transport established and puts into the request's
/// extensions: the client address after trusted proxy hops, and the scheme and host it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub addr: IpAddr,
    /// `http` or `https`.
    pub scheme: String,
    pub host: Option<String>,
}

/// How many proxies in front of us are trusted to report the client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyHops(pub usize);

/// What proxies reported: every comma-separated value of `X-Forwarded-For`, `-Proto` and
/// `-Host`, in order (see [`header_values`]). `for_` is `None` when no `X-Forwarded-For` was
/// sent at all; a value that is not text is kept as one unreadable value (see [`readable`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forwarded {
    pub for_: Option<Vec<String>>,
    pub proto: Vec<String>,
    pub host: Vec<String>,
}

impl Caller {
    /// The caller of one request: `peer` itself, or with `hops` trusted proxies what the
    /// outermost of them reported in `forwarded`, each part falling back to the peer's.
    pub fn behind(peer: Caller, forwarded: &Forwarded, hops: ProxyHops) -> Caller {
        if hops.0 == 0 {
            return peer;
        }
        let nth = |values: &[String]| -> Option<String> {
            let i = values.len().checked_sub(hops.0)?;
            Some(values[i].clone()).filter(|v| !v.is_empty())
        };
        let addr = match &forwarded.for_ {
            None => peer.addr,
            Some(chain) => nth(chain).and_then(|v| parse_ip(&v)).unwrap_or(UNKNOWN),
        };
        Caller {
            addr,
            scheme: nth(&forwarded.proto)
                .and_then(|s| scheme(&s))
                .unwrap_or(peer.scheme),
            host: nth(&forwarded.host).or(peer.host),
        }
    }
}

/// `http` or `https` (any letter case), lowercased; anything else is no scheme.
pub fn scheme(text: &str) -> Option<String> {
    let s = text.to_ascii_lowercase();
    (s == "http" || s == "https").then_some(s)
}

/// Every comma-separated value of every occurrence of one header, trimmed, in order; empty
/// values are kept, as they hold a place.
pub fn header_values<'a>(occurrences: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    occurrences
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_string())
        .collect()
}

/// A header value as text: itself, or (not visible ASCII) a value no parser accepts, which
/// still holds its place in a chain.
pub fn readable(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes)
        .ok()
        .filter(|t| t.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)))
        .unwrap_or("\u{fffd}")
}

/// `1.2.3.4`, `::1`, `1.2.3.4:80` or `[::1]:80`; IPv4-mapped IPv6 is shown as IPv4.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    t.parse::<IpAddr>()
        .or_else(|_| t.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> Caller {
        Caller {
            addr: "127.0.0.1".parse().unwrap(),
            scheme: "http".into(),
            host: Some("inner".into()),
        }
    }

    fn forwarded(for_: &[&str], proto: &[&str], host: &[&str]) -> Forwarded {
        Forwarded {
            for_: (!for_.is_empty()).then(|| header_values(for_.iter().copied())),
            proto: header_values(proto.iter().copied()),
            host: header_values(host.iter().copied()),
        }
    }

    #[test]
    fn exactly_n_hops_are_trusted() {
        let f = forwarded(
            &["6.6.6.6, 1.2.3.4", "10.0.0.1"],
            &["https"],
            &["evil, site.example"],
        );
        let c = Caller::behind(peer(), &f, ProxyHops(1));
        assert_eq!(c.addr.to_string(), "10.0.0.1");
        assert_eq!(c.scheme, "https");
        assert_eq!(c.host.as_deref(), Some("site.example"));
        assert_eq!(
            Caller::behind(peer(), &f, ProxyHops(2)).addr.to_string(),
            "1.2.3.4"
        );
        // Fewer values than hops: nothing trustworthy, an unknown caller.
        assert_eq!(Caller::behind(peer(), &f, ProxyHops(4)).addr, UNKNOWN);
        // No proxy trusted: headers are ignored.
        assert_eq!(Caller::behind(peer(), &f, ProxyHops(0)), peer());
        // An empty value holds its place and is not a value.
        let f = forwarded(&["6.6.6.6, "], &[], &[]);
        assert_eq!(Caller::behind(peer(), &f, ProxyHops(1)).addr, UNKNOWN);
        // No header at all: a direct call, the peer.
        let f = forwarded(&[], &["https"], &[]);
        assert_eq!(Caller::behind(peer(), &f, ProxyHops(1)).addr, peer().addr);
        // Not readable text: one unknown value in its place.
        let f = forwarded(&[readable(b"\xff1.2.3.4")], &[], &[]);
        assert_eq!(Caller::behind(peer(), &f, ProxyHops(1)).addr, UNKNOWN);
        let f = forwarded(&[readable(b"1.2.3.4, \x01"), "5.6.7.8"], &[], &[]);
        assert_eq!(Caller::behind(peer(), &f, ProxyHops(2)).addr, UNKNOWN);
    }

    #[test]
    fn addresses_and_schemes_parse_strictly() {
        assert!(parse_ip("[::1]:80").is_some_and(|ip| ip.is_loopback()));
        assert_eq!(parse_ip("1.2.3.4:80").unwrap().to_string(), "1.2.3.4");
        assert_eq!(parse_ip("::ffff:8.8.8.8").unwrap().to_string(), "8.8.8.8");
        assert_eq!(parse_ip("garbage"), None);
        assert_eq!(scheme("HTTPS").as_deref(), Some("https"));
        assert_eq!(scheme("gopher"), None);
        let f = forwarded(&["garbage"], &["gopher"], &[]);
        let c = Caller::behind(peer(), &f, ProxyHops(1));
        assert_eq!(
            (c.addr, c.scheme, c.host),
            (UNKNOWN, peer().scheme, peer().host)
        );
    }
}
