//! The forwarded-chain rule: whatever `X-Forwarded-For` bytes arrive behind one trusted proxy,
//! the caller is the one value the proxy appended, or unknown; never the peer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsstreaming_shared::net::{
    header_values, parse_ip, readable, Caller, Forwarded, ProxyHops, UNKNOWN,
};

fuzz_target!(|data: &[u8]| {
    let peer = Caller {
        addr: "127.0.0.1".parse().unwrap(),
        scheme: "http".into(),
        host: None,
    };
    let forwarded = Forwarded {
        for_: Some(header_values([readable(data)])),
        proto: Vec::new(),
        host: Vec::new(),
    };
    let c = Caller::behind(peer, &forwarded, ProxyHops(1));
    let last = readable(data).rsplit(',').next().unwrap_or("").trim();
    assert_eq!(c.addr, parse_ip(last).unwrap_or(UNKNOWN), "{last:?}");
});
