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
//! [`HlsLayout`] is that knowledge, built from the configuration once: the folder, the mode, the
//! qualities and the liveness window. Everything else here is a pure function or a plain
//! file-system read; nothing is cached.

mod files;
mod layout;
mod playlist;
mod quality;

pub use files::{resolve_in_dir, Listing, StreamFiles};
pub use layout::HlsLayout;
pub use playlist::{
    estimate_bandwidth, master_playlist, parse_segment_request, rewrite_playlist, Variant,
};
pub use quality::{Quality, QualityError};

use std::time::SystemTime;

/// The stem nginx uses for one quality of a stream: `stem` or `stem_<quality>`.
pub fn quality_stem(stem: &str, quality: Option<&Quality>) -> String {
    match quality {
        Some(q) => format!("{stem}_{q}"),
        None => stem.to_string(),
    }
}

/// The public URL folder of a stream's segments: `/hls/{room}` or `/hls/{room}/{quality}`.
pub fn public_base(room: &str, quality: Option<&Quality>) -> String {
    match quality {
        Some(q) => format!("/hls/{room}/{q}"),
        None => format!("/hls/{room}"),
    }
}

/// Live: the playlist was written less than `delay_secs` ago. A modification time slightly in
/// the future (clock skew between nginx and us) counts as fresh.
pub fn is_live(mtime: Option<SystemTime>, now: SystemTime, delay_secs: f64) -> bool {
    match mtime {
        None => false,
        Some(t) => match now.duration_since(t) {
            Ok(age) => age.as_secs_f64() < delay_secs,
            Err(_) => true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn names_and_urls_per_quality() {
        let q = Quality::parse("720P").unwrap();
        assert_eq!(quality_stem("k", Some(&q)), "k_720P");
        assert_eq!(quality_stem("k", None), "k");
        assert_eq!(public_base("bob", None), "/hls/bob");
        assert_eq!(public_base("bob", Some(&q)), "/hls/bob/720P");
    }

    #[test]
    fn liveness_window() {
        let now = SystemTime::now();
        assert!(is_live(Some(now - Duration::from_secs(2)), now, 5.0));
        assert!(!is_live(Some(now - Duration::from_secs(6)), now, 5.0));
        assert!(is_live(Some(now + Duration::from_secs(1)), now, 5.0));
        assert!(!is_live(None, now, 5.0));
    }
}
