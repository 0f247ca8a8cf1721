//! The playlist rewriter (shared::hls::playlist): the public playlist never contains the key
//! and is not much bigger than what was read.

use rsstreaming_shared::hls::rewrite_playlist;

/// The public folder every check rewrites to.
pub const BASE: &str = "/hls/bob/720P";

/// Most bytes one output line can add beyond the input's own bytes: a segment line becomes
/// `{BASE}/{N}.ts` with N at most 20 digits, plus the newline.
pub const LINE_GROWTH: usize = BASE.len() + 1 + 20 + 3 + 1;

/// Rewrites `text` (written for `stem`, hiding `key`) and checks the public playlist.
pub fn check(text: &str, stem: &str, key: Option<&str>) {
    let out = rewrite_playlist(text, stem, BASE, key);
    if let Some(key) = key.filter(|k| !k.is_empty() && !k.contains('\n')) {
        assert!(!out.contains(key), "key {key:?} in {out:?}");
    }
    assert!(out.len() <= text.len() + (text.lines().count() + 1) * LINE_GROWTH);
    assert!(out.lines().count() <= text.lines().count());
    // Every line kept is a tag, a comment or a public segment URI.
    for l in out.lines() {
        assert!(
            l.is_empty() || l.starts_with('#') || l.starts_with(&format!("{BASE}/")),
            "{l:?}"
        );
    }
}

/// The fuzz target `playlist`: the first line is the key, the first byte of the second says
/// whether the stem is the key or `<key>_720P`, the rest is the playlist.
pub fn fuzz(data: &[u8]) {
    let text = crate::text(data);
    let (key, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let (quality, playlist) = rest.split_at(rest.chars().next().map_or(0, char::len_utf8));
    let stem = match quality {
        "q" => format!("{key}_720P"),
        _ => key.to_string(),
    };
    check(playlist, &stem, Some(key));
}
