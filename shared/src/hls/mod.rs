//! HLS files written by nginx-rtmp: where a streamer's files are, whether the stream is live,
//! playlists rewritten to public names, and public segment names resolved back to files.
//!
//! Two layouts exist (see [`crate::config::PublishMode`]). In `rename` mode nginx names every
//! file after the stream key (`<key>.m3u8`, `<key>-N.ts`, `<key>_<Q>.m3u8`, `<key>_<Q>-N.ts`);
//! the store holds only the key's hash, so a streamer's files are found by listing the folder and
//! hashing each playlist's stem. In `redirect` mode on_publish renamed the stream to the room,
//! so the files are `<room>…` and are found by name. Either way the public side only ever sees
//! `/hls/{room}/{N}.ts` (or `/hls/{room}/{quality}/{N}.ts`).
//!
//! Everything here is a pure function or a plain file-system read; nothing is cached.

mod files;
mod playlist;

pub use files::{is_live, locate, resolve_in_dir, scan, Listing, StreamFiles};
pub use playlist::{
    estimate_bandwidth, master_playlist, parse_segment_request, rewrite_playlist, Variant,
};

/// Splits a configured `_<quality>` suffix off a file stem: `abc_720P` → (`abc`, `Some("720P")`).
/// Qualities are tried longest first so `_1080P` is not mistaken for a shorter suffix.
pub fn split_quality<'a>(stem: &'a str, qualities: &'a [String]) -> (&'a str, Option<&'a str>) {
    let mut best: Option<(&str, &str)> = None;
    for q in qualities {
        if let Some(base) = stem
            .strip_suffix(q.as_str())
            .and_then(|b| b.strip_suffix('_'))
        {
            if !base.is_empty() && best.is_none_or(|(_, bq)| q.len() > bq.len()) {
                best = Some((base, q.as_str()));
            }
        }
    }
    match best {
        Some((base, q)) => (base, Some(q)),
        None => (stem, None),
    }
}

/// The stem nginx uses for one quality of a stream: `stem` or `stem_<quality>`.
pub fn quality_stem(stem: &str, quality: Option<&str>) -> String {
    match quality {
        Some(q) => format!("{stem}_{q}"),
        None => stem.to_string(),
    }
}

/// The public URL folder of a stream's segments: `/hls/{room}` or `/hls/{room}/{quality}`.
pub fn public_base(room: &str, quality: Option<&str>) -> String {
    match quality {
        Some(q) => format!("/hls/{room}/{q}"),
        None => format!("/hls/{room}"),
    }
}

/// The playlist whose age decides liveness: the first configured quality, or the plain one.
pub fn live_quality(qualities: &[String]) -> Option<&str> {
    qualities.first().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_suffixes() {
        let qs = vec!["Original".to_string(), "P".to_string(), "1080P".to_string()];
        assert_eq!(
            split_quality("key_Original", &qs),
            ("key", Some("Original"))
        );
        assert_eq!(split_quality("key_1080P", &qs), ("key", Some("1080P")));
        assert_eq!(split_quality("key_P", &qs), ("key", Some("P")));
        assert_eq!(split_quality("key", &qs), ("key", None));
        assert_eq!(split_quality("_720P", &qs), ("_720P", None));
        assert_eq!(split_quality("key_Original", &[]), ("key_Original", None));
        assert_eq!(quality_stem("k", Some("720P")), "k_720P");
        assert_eq!(public_base("bob", None), "/hls/bob");
        assert_eq!(public_base("bob", Some("720P")), "/hls/bob/720P");
    }
}
