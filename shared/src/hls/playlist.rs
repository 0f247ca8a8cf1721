//! Playlist text: rewriting nginx-rtmp's media playlists to public segment URLs, building the
//! master playlist of a multi-quality stream, and parsing public segment names.

use super::Quality;
use std::fmt::Write as _;

/// The public URL folder of a stream's segments: `/hls/{room}` or `/hls/{room}/{quality}`.
pub fn public_base(room: &str, quality: Option<&Quality>) -> String {
    match quality {
        Some(q) => format!("/hls/{room}/{q}"),
        None => format!("/hls/{room}"),
    }
}

/// Rewrites a media playlist written for `source_stem` (e.g. `<key>_720P`) so every segment URI
/// becomes `{public_base}/{N}.ts`.
///
/// Lines that would still reveal `secret` (the stream key in `rename` mode) after rewriting are
/// dropped, as are segment URIs that do not follow nginx-rtmp's `<stem>-<N>.ts` naming: a viewer
/// misses a segment rather than ever seeing a key.
pub fn rewrite_playlist(
    text: &str,
    source_stem: &str,
    public_base: &str,
    secret: Option<&str>,
) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let rewritten;
        let line = if line.is_empty() || line.starts_with('#') {
            line
        } else {
            let file = line.rsplit('/').next().unwrap_or(line);
            let file = file.split(['?', '#']).next().unwrap_or(file);
            match file
                .strip_prefix(source_stem)
                .and_then(|r| r.strip_prefix('-'))
                .and_then(|r| r.strip_suffix(".ts"))
                .filter(|n| is_sequence(n))
            {
                Some(seq) => {
                    rewritten = format!("{public_base}/{seq}.ts");
                    rewritten.as_str()
                }
                None => continue,
            }
        };
        if secret.is_some_and(|s| !s.is_empty() && line.contains(s)) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The sequence number of a public segment name `N.ts`, as the digits of the real file name.
pub fn parse_segment_request(file: &str) -> Option<&str> {
    file.strip_suffix(".ts").filter(|n| is_sequence(n))
}

fn is_sequence(n: &str) -> bool {
    (1..=20).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
}

/// One quality of a multi-quality stream, for the master playlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub quality: String,
    pub uri: String,
    /// Bits per second (required by the HLS spec; estimated from the segments).
    pub bandwidth: u64,
    /// Width and height, when the quality's name says them ([`nominal_resolution`]).
    pub resolution: Option<(u32, u32)>,
}

/// The frame size a quality's name stands for: `480P` (any case) is 480 lines at 16:9 —
/// what the shipped transcoding configs make of a 16:9 source (`scale=-2:480`). `None` for
/// other names (`Original` is whatever the streamer sends), so a master playlist leaves
/// RESOLUTION out rather than guess it.
pub fn nominal_resolution(quality: &str) -> Option<(u32, u32)> {
    let lines: u32 = quality.strip_suffix(['p', 'P'])?.parse().ok()?;
    if !(144..=4320).contains(&lines) {
        return None;
    }
    let width = (lines * 16 / 9 + 1) & !1;
    Some((width, lines))
}

/// A master playlist listing each variant, in the order given. No two variants share a
/// BANDWIDTH (a later one gets a bit per second more): players such as hls.js take variants
/// that look alike for backup copies of one rendition and would never switch between them.
pub fn master_playlist(variants: &[Variant]) -> String {
    let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n");
    let mut used = std::collections::HashSet::new();
    for v in variants {
        let mut bandwidth = v.bandwidth.max(1);
        while !used.insert(bandwidth) {
            bandwidth += 1;
        }
        let resolution = v
            .resolution
            .map(|(w, h)| format!(",RESOLUTION={w}x{h}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "#EXT-X-STREAM-INF:BANDWIDTH={bandwidth}{resolution},NAME=\"{}\"\n{}",
            v.quality, v.uri
        );
    }
    out
}

/// The file name of a media playlist's last segment (its URI's last path part).
pub fn last_segment(text: &str) -> Option<&str> {
    let uri = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('#'))?;
    uri.rsplit('/').next()
}

/// Estimates a media playlist's bit rate from its last segment: `size_of(segment name)` bytes
/// over the `#EXTINF` duration. `None` when the playlist has no segment or the size is unknown.
pub fn estimate_bandwidth(text: &str, size_of: impl Fn(&str) -> Option<u64>) -> Option<u64> {
    let mut duration: Option<f64> = None;
    let mut last = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            duration = rest.split(',').next().and_then(|d| d.trim().parse().ok());
        } else if !line.is_empty() && !line.starts_with('#') {
            last = duration;
        }
    }
    let secs = last?;
    let bytes = size_of(last_segment(text)?)?;
    (secs > 0.0).then(|| (bytes as f64 * 8.0 / secs) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NGINX: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:7\n#EXT-X-TARGETDURATION:3\n\
#EXTINF:3.000,\nsekrit_720P-7.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.500,\nhttp://h/hls/sekrit_720P-8.ts\n\
#EXTINF:3.0,\nsekrit-9.ts\n#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/sekrit.key\"\n#EXTINF:3.0,\nother-1.ts\n";

    #[test]
    fn segments_get_public_names_and_the_key_never_shows() {
        let out = rewrite_playlist(NGINX, "sekrit_720P", "/hls/bob/720P", Some("sekrit"));
        assert!(!out.contains("sekrit"), "{out}");
        assert!(out.contains("\n/hls/bob/720P/7.ts\n"));
        assert!(out.contains("\n/hls/bob/720P/8.ts\n"));
        assert!(out.contains("#EXT-X-MEDIA-SEQUENCE:7\n"));
        assert!(out.contains("#EXT-X-DISCONTINUITY\n"));
        assert!(!out.contains("other-1.ts"));
        assert!(!out.contains("9.ts"));
        assert!(out.starts_with("#EXTM3U\n"));
    }

    #[test]
    fn crlf_and_plain_streams() {
        let out = rewrite_playlist(
            "#EXTM3U\r\n#EXTINF:3,\r\nbob-1.ts\r\n",
            "bob",
            "/hls/bob",
            None,
        );
        assert_eq!(out, "#EXTM3U\n#EXTINF:3,\n/hls/bob/1.ts\n");
    }

    #[test]
    fn segment_names() {
        let q = Quality::parse("720P").unwrap();
        assert_eq!(public_base("bob", None), "/hls/bob");
        assert_eq!(public_base("bob", Some(&q)), "/hls/bob/720P");
        assert_eq!(parse_segment_request("12.ts"), Some("12"));
        for bad in [
            "x.ts",
            "1.m3u8",
            ".ts",
            "../1.ts",
            "1.ts/",
            "-1.ts",
            "1 .ts",
            "123456789012345678901.ts",
        ] {
            assert_eq!(parse_segment_request(bad), None, "{bad}");
        }
    }

    #[test]
    fn master_and_bandwidth() {
        let bw = estimate_bandwidth(NGINX, |f| (f == "other-1.ts").then_some(375_000));
        assert_eq!(bw, Some(1_000_000));
        assert_eq!(estimate_bandwidth("#EXTM3U\n", |_| Some(1)), None);
        let variant = |quality: &str, bandwidth| Variant {
            quality: quality.into(),
            uri: format!("/bob/playlist/{quality}.m3u8"),
            bandwidth,
            resolution: nominal_resolution(quality),
        };
        let m = master_playlist(&[variant("Original", 9), variant("720P", 5)]);
        assert_eq!(
            m,
            "#EXTM3U\n#EXT-X-VERSION:3\n\
             #EXT-X-STREAM-INF:BANDWIDTH=9,NAME=\"Original\"\n/bob/playlist/Original.m3u8\n\
             #EXT-X-STREAM-INF:BANDWIDTH=5,RESOLUTION=1280x720,NAME=\"720P\"\n/bob/playlist/720P.m3u8\n"
        );
        let alike = master_playlist(&[variant("a", 7), variant("b", 7), variant("c", 7)]);
        let rates: Vec<&str> = alike.matches("BANDWIDTH=").map(|_| "").collect();
        assert_eq!(rates.len(), 3);
        for rate in ["BANDWIDTH=7,", "BANDWIDTH=8,", "BANDWIDTH=9,"] {
            assert!(alike.contains(rate), "{alike}");
        }
        assert_eq!(nominal_resolution("480p"), Some((854, 480)));
        assert_eq!(nominal_resolution("1080P"), Some((1920, 1080)));
        for other in ["Original", "P", "99999P", "-480P", "480"] {
            assert_eq!(nominal_resolution(other), None, "{other}");
        }
    }
}
