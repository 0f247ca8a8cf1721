//! The key pepper: the secret half of a stored key hash, set once per process from the
//! configuration (`key_pepper` / `RSSTREAMING_KEY_PEPPER`) and never stored in the database.
//!
//! It is process-wide rather than passed around because every place that hashes a key — the
//! store, the HLS file matcher, the importer — must use the same one, and the configuration is
//! read once per process (`serve`, each CLI command, a function's cold start).

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::{Arc, RwLock};

/// What a peppered hash starts with (the old form is 64 hex digits, which never do).
const PREFIX: &str = "h1:";

static PEPPER: RwLock<Option<Arc<[u8]>>> = RwLock::new(None);

/// Sets (or, with `None` or an empty one, clears) the pepper for this process.
pub fn set_key_pepper(pepper: Option<&str>) {
    let value = pepper
        .filter(|p| !p.is_empty())
        .map(|p| Arc::from(p.as_bytes()));
    *PEPPER.write().unwrap_or_else(|p| p.into_inner()) = value;
}

fn current() -> Option<Arc<[u8]>> {
    PEPPER.read().unwrap_or_else(|p| p.into_inner()).clone()
}

pub(super) fn configured() -> bool {
    current().is_some()
}

pub(super) fn is_peppered(stored_hash: &str) -> bool {
    stored_hash.starts_with(PREFIX)
}

/// `h1:` + base64url HMAC-SHA-256 of the key under the pepper, or `None` without a pepper.
pub(super) fn peppered_hash(key: &str) -> Option<String> {
    Some(hash_with(&current()?, key))
}

fn hash_with(pepper: &[u8], key: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(pepper).expect("HMAC takes any key size");
    mac.update(b"rsstreaming-key\0");
    mac.update(key.as_bytes());
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{PREFIX}{tag}")
}

/// Whether `presented` is the key of `stored_hash` (either form) under `pepper`.
pub(super) fn matches_under(pepper: Option<&[u8]>, presented: &str, stored_hash: &str) -> bool {
    if is_peppered(stored_hash) {
        pepper.is_some_and(|p| super::ct_eq(&hash_with(p, presented), stored_hash))
    } else {
        super::ct_eq(&super::legacy_hash_key(presented), stored_hash)
    }
}

/// [`matches_under`] the process's pepper.
pub(super) fn matches(presented: &str, stored_hash: &str) -> bool {
    matches_under(current().as_deref(), presented, stored_hash)
}

#[cfg(test)]
mod tests {
    use super::super::legacy_hash_key;
    use super::*;

    // The process-wide pepper is left alone: other tests hash keys in parallel.
    #[test]
    fn peppered_hashes_need_the_pepper_and_old_ones_still_match() {
        let old = legacy_hash_key("secretkey");
        let h = hash_with(b"pepper-1", "secretkey");
        assert!(
            h.starts_with(PREFIX) && h.len() <= 64,
            "fits the CHAR(64) column"
        );
        assert_ne!(h, old);
        let one = Some(&b"pepper-1"[..]);
        assert!(matches_under(one, "secretkey", &h));
        assert!(!matches_under(one, "secretkeY", &h));
        assert!(
            matches_under(one, "secretkey", &old),
            "the old form still opens"
        );
        let two = Some(&b"pepper-2"[..]);
        assert!(!matches_under(two, "secretkey", &h), "another pepper");
        assert!(!matches_under(None, "secretkey", &h), "no pepper, no match");
        assert!(is_peppered(&h) && !is_peppered(&old));
    }
}
