//! Finding a stream's files in `hls_dir` and resolving names safely inside it.

use super::{quality_stem, split_quality};
use crate::auth::hash_key;
use crate::config::PublishMode;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The playlists present in `hls_dir`, keyed by the hash of their stem (quality suffix
/// stripped). Built by one directory listing so a page about every streamer costs one scan.
#[derive(Default)]
pub struct Listing {
    by_hash: HashMap<String, String>,
}

impl fmt::Debug for Listing {
    // The stems are stream keys in `rename` mode: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listing")
            .field("playlists", &self.by_hash.len())
            .finish()
    }
}

impl Listing {
    /// The stem (the key, in `rename` mode) whose hash is `key_hash`.
    pub fn stem_for(&self, key_hash: &str) -> Option<&str> {
        self.by_hash.get(key_hash).map(String::as_str)
    }
}

/// Lists the playlists of `dir`. A missing folder is an empty listing (nothing is live yet).
pub fn scan(dir: &Path, qualities: &[String]) -> io::Result<Listing> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Listing::default()),
        Err(e) => return Err(e),
    };
    let mut listing = Listing::default();
    let mut seen = HashSet::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".m3u8")) else {
            continue;
        };
        let (base, _) = split_quality(stem, qualities);
        if base.is_empty() || !seen.insert(base.to_string()) {
            continue;
        }
        listing.by_hash.insert(hash_key(base), base.to_string());
    }
    Ok(listing)
}

/// The files of one stream: `dir/<stem>[_<quality>].m3u8` and its segments.
///
/// In `rename` mode the stem is the stream key, so this type never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct StreamFiles {
    dir: PathBuf,
    stem: String,
}

impl fmt::Debug for StreamFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamFiles")
            .field("dir", &self.dir)
            .field("stem", &"<redacted>")
            .finish()
    }
}

impl StreamFiles {
    pub fn new(dir: &Path, stem: &str) -> Self {
        Self {
            dir: dir.to_path_buf(),
            stem: stem.to_string(),
        }
    }

    /// The stem nginx used (the key in `rename` mode: keep it server-side).
    pub fn stem(&self) -> &str {
        &self.stem
    }

    /// The file name of one quality's playlist.
    pub fn playlist_name(&self, quality: Option<&str>) -> String {
        format!("{}.m3u8", quality_stem(&self.stem, quality))
    }

    /// The path of one quality's playlist.
    pub fn playlist_path(&self, quality: Option<&str>) -> PathBuf {
        self.dir.join(self.playlist_name(quality))
    }

    /// The file name of segment `seq` (decimal digits as they appear in the playlist).
    pub fn segment_name(&self, quality: Option<&str>, seq: &str) -> String {
        format!("{}-{seq}.ts", quality_stem(&self.stem, quality))
    }

    /// When a quality's playlist was last written, or `None` when it does not exist.
    pub fn playlist_mtime(&self, quality: Option<&str>) -> Option<SystemTime> {
        std::fs::metadata(self.playlist_path(quality))
            .and_then(|m| m.modified())
            .ok()
    }
}

/// Where a streamer's files are, if anywhere.
///
/// `listing` is the folder's playlists (needed only in `rename` mode; pass one built for a whole
/// page, or `None` to scan here).
pub fn locate(
    dir: &Path,
    mode: PublishMode,
    qualities: &[String],
    room: &str,
    key_hash: &str,
    listing: Option<&Listing>,
) -> io::Result<Option<StreamFiles>> {
    match mode {
        PublishMode::Redirect => Ok(Some(StreamFiles::new(dir, room))),
        PublishMode::Rename => {
            let scanned;
            let listing = match listing {
                Some(l) => l,
                None => {
                    scanned = scan(dir, qualities)?;
                    &scanned
                }
            };
            Ok(listing
                .stem_for(key_hash)
                .map(|stem| StreamFiles::new(dir, stem)))
        }
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

/// The regular file `name` directly inside `dir`, or `None`.
///
/// `name` must be one plain path component (no separators, `..`, NUL or leading dot), and the
/// file it names, after following symlinks, must still lie inside `dir`.
pub fn resolve_in_dir(dir: &Path, name: &str) -> io::Result<Option<PathBuf>> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c == '\0' || c.is_control());
    if !plain {
        return Ok(None);
    }
    let candidate = dir.join(name);
    let real = match std::fs::canonicalize(&candidate) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let root = std::fs::canonicalize(dir)?;
    if !real.starts_with(&root) || !std::fs::metadata(&real)?.is_file() {
        return Ok(None);
    }
    Ok(Some(real))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn touch(dir: &Path, name: &str) {
        std::fs::write(dir.join(name), b"x").unwrap();
    }

    #[test]
    fn rename_mode_finds_files_by_key_hash() {
        let d = tempfile::tempdir().unwrap();
        let qs = vec!["Original".to_string(), "720P".to_string()];
        touch(d.path(), "sekrit_Original.m3u8");
        touch(d.path(), "sekrit_720P.m3u8");
        touch(d.path(), "sekrit_720P-3.ts");
        touch(d.path(), "other.m3u8");
        touch(d.path(), "notes.txt");
        let listing = scan(d.path(), &qs).unwrap();
        assert!(!format!("{listing:?}").contains("sekrit"));
        let found = locate(
            d.path(),
            PublishMode::Rename,
            &qs,
            "bob",
            &hash_key("sekrit"),
            Some(&listing),
        )
        .unwrap()
        .unwrap();
        assert_eq!(found.stem(), "sekrit");
        assert!(!format!("{found:?}").contains("sekrit"));
        assert!(found.playlist_mtime(Some("Original")).is_some());
        assert!(found.playlist_mtime(None).is_none());
        assert_eq!(found.segment_name(Some("720P"), "3"), "sekrit_720P-3.ts");
        assert!(locate(
            d.path(),
            PublishMode::Rename,
            &qs,
            "bob",
            &hash_key("nope"),
            None
        )
        .unwrap()
        .is_none());
        // A missing folder just means nothing is live.
        assert!(scan(&d.path().join("absent"), &qs)
            .unwrap()
            .stem_for("x")
            .is_none());
    }

    #[test]
    fn redirect_mode_uses_the_room() {
        let d = tempfile::tempdir().unwrap();
        let f = locate(d.path(), PublishMode::Redirect, &[], "bob", "ignored", None)
            .unwrap()
            .unwrap();
        assert_eq!(f.playlist_name(None), "bob.m3u8");
        assert_eq!(f.segment_name(None, "12"), "bob-12.ts");
    }

    #[test]
    fn liveness_window() {
        let now = SystemTime::now();
        assert!(is_live(Some(now - Duration::from_secs(2)), now, 5.0));
        assert!(!is_live(Some(now - Duration::from_secs(6)), now, 5.0));
        assert!(is_live(Some(now + Duration::from_secs(1)), now, 5.0));
        assert!(!is_live(None, now, 5.0));
    }

    #[test]
    fn resolution_stays_inside_the_folder() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("hls");
        std::fs::create_dir(&dir).unwrap();
        touch(outer.path(), "secret.txt");
        touch(&dir, "a-1.ts");
        std::fs::create_dir(dir.join("sub")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), dir.join("out.ts")).unwrap();
        assert!(resolve_in_dir(&dir, "a-1.ts").unwrap().is_some());
        for bad in [
            "../secret.txt",
            "..",
            ".",
            "",
            "sub",
            "out.ts",
            "a-1.ts\0",
            "/etc/passwd",
            "sub/../a-1.ts",
            ".hidden",
            "a\\b",
        ] {
            assert!(
                resolve_in_dir(&dir, bad).unwrap().is_none(),
                "{bad:?} resolved"
            );
        }
    }
}
