//! The playlist rewriter: whatever the HLS folder holds, the public playlist never contains
//! the key, and grows by a bounded amount per line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsstreaming_shared::hls::rewrite_playlist;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line is the key (as nginx-rtmp names files after it), the rest the playlist.
    let (key, body) = text.split_once('\n').unwrap_or((text, ""));
    if key.is_empty() {
        return;
    }
    let out = rewrite_playlist(body, key, "/hls/bob", Some(key));
    assert!(!out.contains(key), "the key leaked");
    assert!(out.len() <= body.len() + (body.lines().count() + 1) * 40);
});
