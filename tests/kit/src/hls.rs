//! Fake HLS output, written the way nginx-rtmp names it: a media playlist and its segments,
//! with the modification times that decide liveness.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// Writes a media playlist `{stem}.m3u8` listing `{stem}-N.ts` for each N (and the segment
/// files), all last modified `age` ago.
pub fn write_stream(dir: &Path, stem: &str, segments: &[u64], age: Duration) {
    let mut playlist = format!(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:{}\n#EXT-X-TARGETDURATION:3\n",
        segments.first().copied().unwrap_or(0)
    );
    for n in segments {
        playlist.push_str(&format!("#EXTINF:3.000,\n{stem}-{n}.ts\n"));
        let segment = dir.join(format!("{stem}-{n}.ts"));
        std::fs::write(&segment, segment_bytes(*n)).expect("segment");
        set_age(&segment, age);
    }
    let path = dir.join(format!("{stem}.m3u8"));
    std::fs::write(&path, playlist).expect("playlist");
    set_age(&path, age);
}

/// The bytes of fake segment `n` (no stream name inside, like real MPEG-TS).
pub fn segment_bytes(n: u64) -> Vec<u8> {
    let mut v = vec![0x47u8; 188];
    v.extend(format!("segment-{n}").bytes());
    v
}

/// Sets a file's modification time to `age` ago.
pub fn set_age(path: &Path, age: Duration) {
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    f.set_modified(SystemTime::now() - age).expect("set mtime");
}

/// The URI lines of a playlist (everything that is not a tag).
pub fn uris(playlist: &str) -> Vec<&str> {
    playlist.lines().filter(|l| !l.starts_with('#')).collect()
}
