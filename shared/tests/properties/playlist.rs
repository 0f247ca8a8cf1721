//! The playlist rewriter (shared::hls::playlist): whatever nginx-rtmp (or anyone who can write
//! the HLS folder) put in a playlist, the public one never contains the stream key, and it is
//! not much bigger than what was read.

use crate::{any_text, config};
use proptest::prelude::*;
use rsstreaming_parser_checks::playlist::check;

/// A playlist line that mentions `key` the ways a leak would: segment names, URIs, query
/// strings, tags and comments; and ordinary lines.
fn line(key: String) -> impl Strategy<Value = String> {
    let stem = prop_oneof![Just(key.clone()), Just(format!("{key}_720P"))];
    (stem, any::<u32>(), any_text(), 0usize..10).prop_map(
        move |(stem, n, noise, pick)| match pick {
            0 => format!("{stem}-{n}.ts"),
            1 => format!("http://h/hls/{stem}-{n}.ts?k={key}"),
            2 => format!("/{key}/{stem}-{n}.ts"),
            3 => format!("{stem}-{n}.ts#{key}"),
            4 => format!("#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/{key}.key\""),
            5 => format!("# {noise} {key}"),
            6 => format!("#EXTINF:{n}.0,{key}"),
            7 => format!("{noise}{key}{noise}"),
            8 => noise,
            _ => format!("#EXT-X-MEDIA-SEQUENCE:{n}"),
        },
    )
}

fn playlist() -> impl Strategy<Value = (String, String, String)> {
    // Keys are one-line texts (they are file names and RTMP stream names).
    "[^\n]{1,24}".prop_flat_map(|key| {
        let lines = proptest::collection::vec(line(key.clone()), 0..40);
        let stem = prop_oneof![Just(key.clone()), Just(format!("{key}_720P"))];
        (
            Just(key),
            stem,
            lines,
            prop_oneof![Just("\n"), Just("\r\n")],
        )
            .prop_map(|(key, stem, lines, eol)| (key, stem, lines.join(eol)))
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn no_rewritten_playlist_contains_the_key((key, stem, text) in playlist()) {
        check(&text, &stem, Some(&key));
    }

    #[test]
    fn any_text_is_rewritten_without_panicking(text in any_text(), stem in any_text(), secret in proptest::option::of(any_text())) {
        check(&text, &stem, secret.as_deref());
    }
}
