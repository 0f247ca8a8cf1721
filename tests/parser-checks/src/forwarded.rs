//! The forwarded-header / caller rule (shared::net): a missing chain is the peer, a present one
//! is trusted only at the configured hop, and anything unreadable or short is the unknown
//! caller — never the peer.

use rsstreaming_shared::net::{
    header_values, parse_ip, readable, Caller, Forwarded, ProxyHops, UNKNOWN,
};

/// The direct peer of every check: the proxy's loopback, what a forged chain would like to be.
pub fn peer() -> Caller {
    Caller {
        addr: "127.0.0.1".parse().unwrap(),
        scheme: "http".into(),
        host: Some("inner".into()),
    }
}

/// `Forwarded` as the transports build it from raw header occurrences (no `X-Forwarded-For`
/// occurrence at all: no chain).
pub fn forwarded(for_: &[&[u8]], proto: &[&[u8]], host: &[&[u8]]) -> Forwarded {
    let text = |o: &[&[u8]]| header_values(o.iter().map(|v| readable(v)));
    Forwarded {
        for_: (!for_.is_empty()).then(|| text(for_)),
        proto: text(proto),
        host: text(host),
    }
}

/// Establishes the caller behind `hops` proxies and checks it against the rule.
pub fn check(f: &Forwarded, hops: usize) {
    let caller = Caller::behind(peer(), f, ProxyHops(hops));
    assert!(caller.scheme == "http" || caller.scheme == "https");
    match (&f.for_, hops) {
        (_, 0) => assert_eq!(caller, peer()),
        // No header at all: a direct call.
        (None, _) => assert_eq!(caller.addr, peer().addr),
        (Some(chain), hops) => {
            // Exactly the hop-th value from the right when it is an address, otherwise unknown:
            // the peer's own address only if it is written there.
            let expected = chain
                .len()
                .checked_sub(hops)
                .and_then(|i| parse_ip(&chain[i]))
                .unwrap_or(UNKNOWN);
            assert_eq!(caller.addr, expected, "{chain:?} behind {hops}");
            assert!(
                caller.addr == UNKNOWN || chain.iter().any(|v| parse_ip(v) == Some(caller.addr))
            );
            if chain.len() < hops {
                assert_eq!(caller.addr, UNKNOWN);
            }
        }
    }
}

/// The fuzz target `forwarded`: the first byte picks the hops (0–3) and whether a chain is
/// sent; the rest is header occurrences separated by `\n`, the first third `X-Forwarded-For`,
/// then `-Proto`, then `-Host`.
pub fn fuzz(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let lines: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    let third = lines.len().div_ceil(3);
    let (for_, others) = lines.split_at(third);
    let (proto, host) = others.split_at(third.min(others.len()));
    let for_ = if first & 4 == 0 { for_ } else { &[] };
    check(&forwarded(for_, proto, host), usize::from(first & 3));
}
