//! Secrets: stream-key hashing and generation, constant-time checks, signed viewer passes.
//!
//! A stream key is stored only as `SHA-256("rsstreaming-key\0" || key)`. A fast, unsalted hash is
//! deliberate: nginx-rtmp's on_publish hook sends the key alone, so the store must find the
//! streamer from the key's hash, and HLS file names (which hold the key in the seed's layout) are
//! matched the same way. Generated keys carry 192 bits of randomness, so the hash cannot be
//! brute-forced; operators who pick their own keys are told to make them long.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The stored form of a stream key: lowercase hex SHA-256 with a domain prefix.
pub fn hash_key(key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"rsstreaming-key\0");
    h.update(key.as_bytes());
    hex::encode(h.finalize())
}

/// Compares a presented key with a stored hash without leaking timing.
pub fn key_matches(presented: &str, stored_hash: &str) -> bool {
    hash_key(presented)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

/// Constant-time equality of two strings (lengths may leak; contents do not).
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A fresh stream key: 24 random bytes, URL-safe base64 (32 characters, usable in an RTMP URL).
pub fn generate_key() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh signing secret for cookies.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The viewer-pass token for `streamer` under its current `password`.
///
/// It is an HMAC, so it reveals nothing of the password, and it is bound to both the streamer
/// and the password: changing the password invalidates every pass handed out before.
pub fn viewer_pass(secret: &str, streamer: &str, password: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key size");
    mac.update(b"viewer-pass\0");
    mac.update(streamer.to_lowercase().as_bytes());
    mac.update(b"\0");
    mac.update(password.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Whether `token` is a valid pass for `streamer` under `password`.
pub fn viewer_pass_ok(secret: &str, streamer: &str, password: &str, token: &str) -> bool {
    ct_eq(&viewer_pass(secret, streamer, password), token)
}

/// The cookie that carries a viewer's pass for one streamer.
pub fn pass_cookie_name(streamer: &str) -> String {
    format!("pass_{}", streamer.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hash_round_trip() {
        let h = hash_key("secretkey");
        assert_eq!(h.len(), 64);
        assert!(key_matches("secretkey", &h));
        assert!(!key_matches("secretkeY", &h));
        assert!(!h.contains("secretkey"));
    }

    #[test]
    fn generated_keys_are_unique_and_long() {
        let a = generate_key();
        assert_eq!(a.len(), 32);
        assert_ne!(a, generate_key());
    }

    #[test]
    fn pass_is_bound_to_streamer_and_password() {
        let t = viewer_pass("s", "Bob", "pw");
        assert!(viewer_pass_ok("s", "bob", "pw", &t));
        assert!(!viewer_pass_ok("s", "bob", "pw2", &t));
        assert!(!viewer_pass_ok("s", "alice", "pw", &t));
        assert!(!viewer_pass_ok("other", "bob", "pw", &t));
        assert!(!t.contains("pw"));
    }
}
