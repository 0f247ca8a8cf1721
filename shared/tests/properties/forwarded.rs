//! The forwarded-header / caller rule (shared::net): a missing chain is the peer, a chain that
//! is there is trusted only at the configured hop, and anything unreadable or short is the
//! unknown caller — never the peer.

use crate::config;
use proptest::prelude::*;
use rsstreaming_parser_checks::forwarded::{check, forwarded, peer};
use rsstreaming_shared::net::{Caller, ProxyHops, UNKNOWN};
use std::net::IpAddr;

/// One comma-separated value as a client or proxy may write it.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|o| IpAddr::from(o).to_string().into_bytes()),
        any::<[u8; 16]>().prop_map(|o| IpAddr::from(o).to_string().into_bytes()),
        Just(b"127.0.0.1".to_vec()),
        Just(b"[::1]:80".to_vec()),
        Just(b"::ffff:10.0.0.1".to_vec()),
        Just(Vec::new()),
        "[ -~]{0,12}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

/// Header occurrences: each a few values joined by commas (and maybe spaces).
fn occurrences() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let occurrence = proptest::collection::vec(value(), 1..4).prop_map(|vs| vs.join(&b", "[..]));
    proptest::collection::vec(occurrence, 0..4)
}

fn refs(occurrences: &[Vec<u8>]) -> Vec<&[u8]> {
    occurrences.iter().map(Vec::as_slice).collect()
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn the_caller_is_the_trusted_hop_or_unknown(
        for_ in occurrences(),
        proto in occurrences(),
        host in occurrences(),
        hops in 0usize..4,
    ) {
        check(&forwarded(&refs(&for_), &refs(&proto), &refs(&host)), hops);
    }

    #[test]
    fn an_unreadable_trusted_value_is_unknown(
        good in any::<[u8; 4]>(),
        junk in proptest::collection::vec(any::<u8>(), 1..12),
        hops in 1usize..4,
    ) {
        // Junk that is not visible ASCII at the trusted position, honest addresses around it.
        prop_assume!(std::str::from_utf8(&junk).map_or(true, |t| t.bytes().any(|b| b != b'\t' && !(0x20..0x7f).contains(&b))));
        let honest = IpAddr::from(good).to_string().into_bytes();
        let mut chain = vec![honest.clone(); 3];
        chain.push(junk);
        chain.extend(std::iter::repeat_n(honest, hops - 1));
        let f = forwarded(&refs(&chain), &[], &[]);
        prop_assert_eq!(Caller::behind(peer(), &f, ProxyHops(hops)).addr, UNKNOWN);
    }
}
