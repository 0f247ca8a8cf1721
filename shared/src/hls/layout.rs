//! [`HlsLayout`]: what the configuration says about nginx-rtmp's HLS files, built once, so
//! nothing downstream passes `hls_dir`, `video_qualities` and `publish.mode` around by hand.

use super::files::{resolve_in_dir, scan, Listing, StreamFiles};
use super::playlist::{public_base, rewrite_playlist};
use super::quality::{quality_stem, split_quality, Quality};
use crate::config::{Config, PublishMode};
use crate::names::RoomName;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Where nginx-rtmp writes HLS, how a stream's files are named there, and how fresh a playlist
/// must be to count as live.
#[derive(Debug, Clone)]
pub struct HlsLayout {
    dir: PathBuf,
    mode: PublishMode,
    qualities: Vec<Quality>,
    live_delay_secs: f64,
}

impl HlsLayout {
    /// From `hls_dir`, `publish.mode`, `video_qualities` and `live_indicator_delay`.
    pub fn new(config: &Config) -> Self {
        Self {
            dir: config.hls_dir.clone(),
            mode: config.publish.mode,
            qualities: config.video_qualities.clone(),
            live_delay_secs: config.live_indicator_delay,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn mode(&self) -> PublishMode {
        self.mode
    }

    /// The configured qualities; empty = one plain stream.
    pub fn qualities(&self) -> &[Quality] {
        &self.qualities
    }

    /// The configured quality called `name`, if any.
    pub fn quality(&self, name: &str) -> Option<&Quality> {
        self.qualities.iter().find(|q| q.as_str() == name)
    }

    /// Splits a configured `_<quality>` suffix off a file stem (see [`split_quality`]).
    pub fn split_quality<'a>(&'a self, stem: &'a str) -> (&'a str, Option<&'a Quality>) {
        split_quality(stem, &self.qualities)
    }

    /// The quality whose playlist decides liveness: the first configured one, or the plain one.
    pub fn live_quality(&self) -> Option<&Quality> {
        self.qualities.first()
    }

    /// The folder listed once, when this layout needs a listing to find files (`rename` mode),
    /// for pages about many streams.
    pub fn listing(&self) -> io::Result<Option<Listing>> {
        match self.mode {
            PublishMode::Rename => scan(&self.dir, &self.qualities).map(Some),
            PublishMode::Redirect => Ok(None),
        }
    }

    /// Where the files of the streamer with `room` and `key_hash` are, if anywhere. `listing`
    /// is one built for a whole page, or `None` to list the folder here when needed.
    pub fn locate(
        &self,
        room: &RoomName,
        key_hash: &str,
        listing: Option<&Listing>,
    ) -> io::Result<Option<StreamFiles>> {
        match self.mode {
            PublishMode::Redirect => Ok(Some(self.files_named(room))),
            PublishMode::Rename => {
                let scanned;
                let listing = match listing {
                    Some(l) => l,
                    None => {
                        scanned = scan(&self.dir, &self.qualities)?;
                        &scanned
                    }
                };
                Ok(listing
                    .stem_for(key_hash)
                    .map(|stem| self.files_named(stem)))
            }
        }
    }

    /// The files nginx writes under `stem` (the room in `redirect` mode).
    pub fn files_named(&self, stem: &str) -> StreamFiles {
        StreamFiles::new(&self.dir, stem)
    }

    /// Whether the stream's deciding playlist (see [`Self::live_quality`]) is fresh.
    pub fn is_live(&self, files: Option<&StreamFiles>) -> bool {
        files.is_some_and(|f| self.quality_live(f, self.live_quality()))
    }

    /// Whether one quality's playlist (or the plain stream's) is fresh.
    pub fn quality_live(&self, files: &StreamFiles, quality: Option<&Quality>) -> bool {
        fresh(
            files.playlist_mtime(quality),
            SystemTime::now(),
            self.live_delay_secs,
        )
    }

    /// The regular file `name` directly inside the folder (see [`resolve_in_dir`]).
    pub fn resolve(&self, name: &str) -> io::Result<Option<PathBuf>> {
        resolve_in_dir(&self.dir, name)
    }

    /// The media playlist of one quality (or the plain stream) as the public may read it:
    /// every segment renamed to `/hls/{room}[/{quality}]/{N}.ts`, and in `rename` mode no line
    /// that would still hold the key. `None` while that playlist is not live.
    pub fn public_playlist(
        &self,
        files: &StreamFiles,
        room: &RoomName,
        quality: Option<&Quality>,
    ) -> io::Result<Option<String>> {
        if !self.quality_live(files, quality) {
            return Ok(None);
        }
        let text = match std::fs::read_to_string(files.playlist_path(quality)) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let secret = (self.mode == PublishMode::Rename).then(|| files.stem());
        Ok(Some(rewrite_playlist(
            &text,
            &quality_stem(files.stem(), quality),
            &public_base(room, quality),
            secret,
        )))
    }
}

/// Live: the playlist was written less than `delay_secs` ago. A modification time slightly in
/// the future (clock skew between nginx and us) counts as fresh.
fn fresh(mtime: Option<SystemTime>, now: SystemTime, delay_secs: f64) -> bool {
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
    use crate::auth::hash_key;
    use std::time::Duration;

    #[test]
    fn liveness_window() {
        let now = SystemTime::now();
        assert!(fresh(Some(now - Duration::from_secs(2)), now, 5.0));
        assert!(!fresh(Some(now - Duration::from_secs(6)), now, 5.0));
        assert!(fresh(Some(now + Duration::from_secs(1)), now, 5.0));
        assert!(!fresh(None, now, 5.0));
    }

    fn layout(dir: &Path, yaml: &str) -> HlsLayout {
        let yaml = format!("hls_dir: \"{}\"\n{yaml}", dir.display());
        HlsLayout::new(&Config::from_yaml(&yaml, "test", |_| None).unwrap())
    }

    fn touch(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn rename_mode_finds_files_by_key_hash() {
        let d = tempfile::tempdir().unwrap();
        let l = layout(d.path(), "video_qualities: [Original, 720P]\n");
        touch(d.path(), "sekrit_Original.m3u8", "");
        touch(d.path(), "sekrit_720P.m3u8", "");
        touch(d.path(), "other.m3u8", "");
        let bob = RoomName::parse("bob").unwrap();
        let listing = l.listing().unwrap();
        let found = l
            .locate(&bob, &hash_key("sekrit"), listing.as_ref())
            .unwrap()
            .unwrap();
        assert_eq!(found.stem(), "sekrit");
        assert!(l.is_live(Some(&found)));
        assert!(!l.quality_live(&found, None));
        assert!(l.locate(&bob, &hash_key("nope"), None).unwrap().is_none());
        assert_eq!(l.quality("720P").map(Quality::as_str), Some("720P"));
        assert!(l.quality("1080P").is_none());
    }

    #[test]
    fn redirect_mode_uses_the_room() {
        let d = tempfile::tempdir().unwrap();
        let l = layout(d.path(), "publish:\n  mode: redirect\n");
        assert!(l.listing().unwrap().is_none());
        let bob = RoomName::parse("bob").unwrap();
        let f = l.locate(&bob, "ignored", None).unwrap().unwrap();
        assert_eq!(f.playlist_name(None), "bob.m3u8");
        assert_eq!(f.segment_name(None, "12"), "bob-12.ts");
        assert!(!l.is_live(Some(&f)), "no playlist yet");
    }

    #[test]
    fn public_playlists_hide_the_key() {
        let d = tempfile::tempdir().unwrap();
        let l = layout(d.path(), "");
        touch(
            d.path(),
            "sekrit.m3u8",
            "#EXTM3U\n#EXTINF:3,\nsekrit-1.ts\n#EXT-X-KEY:URI=\"sekrit\"\n",
        );
        let bob = RoomName::parse("bob").unwrap();
        let files = l.files_named("sekrit");
        let text = l.public_playlist(&files, &bob, None).unwrap().unwrap();
        assert_eq!(text, "#EXTM3U\n#EXTINF:3,\n/hls/bob/1.ts\n");
        let gone = l.files_named("absent");
        assert_eq!(l.public_playlist(&gone, &bob, None).unwrap(), None);
    }
}
