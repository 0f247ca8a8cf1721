//! Finding a stream's files in `hls_dir` and resolving names safely inside it.

use super::quality::{quality_stem, split_quality, Quality};
use crate::auth::{hash_key, legacy_hash_key};
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
pub(super) fn scan(dir: &Path, qualities: &[Quality]) -> io::Result<Listing> {
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
        // A streamer's row holds either hash form until its key is next used (see `auth`).
        let old = legacy_hash_key(base);
        let current = hash_key(base);
        if current != old {
            listing.by_hash.insert(current, base.to_string());
        }
        listing.by_hash.insert(old, base.to_string());
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
    pub fn playlist_name(&self, quality: Option<&Quality>) -> String {
        format!("{}.m3u8", quality_stem(&self.stem, quality))
    }

    /// The path of one quality's playlist.
    pub fn playlist_path(&self, quality: Option<&Quality>) -> PathBuf {
        self.dir.join(self.playlist_name(quality))
    }

    /// The file name of segment `seq` (decimal digits as they appear in the playlist).
    pub fn segment_name(&self, quality: Option<&Quality>, seq: &str) -> String {
        format!("{}-{seq}.ts", quality_stem(&self.stem, quality))
    }

    /// When a quality's playlist was last written, or `None` when it does not exist.
    pub fn playlist_mtime(&self, quality: Option<&Quality>) -> Option<SystemTime> {
        std::fs::metadata(self.playlist_path(quality))
            .and_then(|m| m.modified())
            .ok()
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

    fn touch(dir: &Path, name: &str) {
        std::fs::write(dir.join(name), b"x").unwrap();
    }

    #[test]
    fn listings_key_playlists_by_hash_and_never_print_them() {
        let d = tempfile::tempdir().unwrap();
        let qs = vec![Quality::parse("720P").unwrap()];
        touch(d.path(), "sekrit_720P.m3u8");
        touch(d.path(), "sekrit_720P-3.ts");
        touch(d.path(), "notes.txt");
        let listing = scan(d.path(), &qs).unwrap();
        assert!(!format!("{listing:?}").contains("sekrit"));
        assert_eq!(listing.stem_for(&hash_key("sekrit")), Some("sekrit"));
        let files = StreamFiles::new(d.path(), "sekrit");
        assert!(!format!("{files:?}").contains("sekrit"));
        assert_eq!(files.segment_name(qs.first(), "3"), "sekrit_720P-3.ts");
        // A missing folder just means nothing is live.
        assert!(scan(&d.path().join("absent"), &qs)
            .unwrap()
            .stem_for("x")
            .is_none());
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
