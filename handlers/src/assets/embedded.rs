//! The files themselves: `static/` and `templates/` embedded in the binary, read from the source
//! tree instead with `serve --debug`, and the content hash of each static file.

use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct TemplateFiles;

/// The source-tree folders read in debug mode.
const STATIC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/static");
const TEMPLATE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");

/// One static file's bytes and content hash.
pub struct Asset {
    pub data: Cow<'static, [u8]>,
    /// First 16 hex digits of SHA-256 of the contents.
    pub hash: String,
}

/// A static file by its path under `static/`, from disk in debug mode (when the source tree is
/// there), else from the binary.
pub fn static_file(path: &str, debug: bool) -> Option<Asset> {
    let rel = safe_relative(path)?;
    if debug {
        if let Some(data) = read_source(STATIC_DIR, &rel) {
            let hash = short_hash(&Sha256::digest(&data));
            return Some(Asset {
                data: Cow::Owned(data),
                hash,
            });
        }
    }
    let file = StaticFiles::get(path)?;
    Some(Asset {
        hash: short_hash(&file.metadata.sha256_hash()),
        data: file.data,
    })
}

/// The content hash of a static file, for cache-busting URLs.
pub fn static_hash(path: &str, debug: bool) -> Option<String> {
    if debug {
        return static_file(path, debug).map(|a| a.hash);
    }
    StaticFiles::get(path).map(|f| short_hash(&f.metadata.sha256_hash()))
}

/// Every JavaScript module of ours (`js/*.js`, not the vendored libraries), sorted: the pages'
/// import map lists them, so a new module needs no template edit.
pub fn script_modules() -> Vec<String> {
    let mut paths: Vec<String> = StaticFiles::iter()
        .filter(|p| p.starts_with("js/") && p.ends_with(".js") && !p[3..].contains('/'))
        .map(|p| p.into_owned())
        .collect();
    paths.sort();
    paths
}

/// A template's source by name (e.g. `stream.html`).
pub fn template_source(name: &str, debug: bool) -> Option<String> {
    let rel = safe_relative(name)?;
    let bytes = match debug.then(|| read_source(TEMPLATE_DIR, &rel)).flatten() {
        Some(b) => b,
        None => TemplateFiles::get(name)?.data.into_owned(),
    };
    String::from_utf8(bytes).ok()
}

fn read_source(root: &str, rel: &Path) -> Option<Vec<u8>> {
    let root = Path::new(root);
    if !root.is_dir() {
        return None;
    }
    let path = root.join(rel);
    // Symlinks must not lead out of the source folder.
    let real = std::fs::canonicalize(&path).ok()?;
    if !real.starts_with(std::fs::canonicalize(root).ok()?) || !real.is_file() {
        return None;
    }
    std::fs::read(real).ok()
}

/// `path` as a relative path of plain components, or `None` for anything tricky.
fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains('\\') || path.chars().any(char::is_control) {
        return None;
    }
    let rel = Path::new(path);
    let plain = rel.components().all(|c| match c {
        Component::Normal(s) => !s.to_string_lossy().starts_with('.'),
        _ => false,
    });
    plain.then(|| rel.to_path_buf())
}

fn short_hash(digest: &[u8]) -> String {
    hex::encode(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tricky_paths_are_refused() {
        for bad in [
            "",
            "../Cargo.toml",
            "/etc/passwd",
            "a/../../x",
            ".git/config",
            "a\\b",
            "a\0b",
        ] {
            assert!(safe_relative(bad).is_none(), "{bad:?}");
            assert!(static_file(bad, true).is_none(), "{bad:?}");
        }
        assert!(safe_relative("css/site.css").is_some());
    }

    #[test]
    fn templates_are_embedded() {
        assert!(template_source("base.html", false).is_some());
        assert!(template_source("../Cargo.toml", true).is_none());
    }
}
