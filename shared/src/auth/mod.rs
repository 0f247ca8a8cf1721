//! Secrets: stream keys (hashed, compared in constant time, never printed), signed viewer
//! passes and the cookies that carry them, and the cookie-signing secret.
//!
//! A stream key is stored only as `SHA-256("rsstreaming-key\0" || key)`. A fast, unsalted hash is
//! deliberate: nginx-rtmp's on_publish hook sends the key alone, so the store must find the
//! streamer from the key's hash, and HLS file names (which hold the key in the seed's layout) are
//! matched the same way. Generated keys carry 192 bits of randomness, so the hash cannot be
//! brute-forced; operators who pick their own keys are told to make them long.

mod key;
mod viewer_pass;

pub use key::StreamKey;
pub use viewer_pass::{
    may_view, pass_cookie, pass_cookie_name, viewer_pass, viewer_pass_ok, Cookies,
    PASS_MAX_AGE_SECS,
};

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The stored form of a stream key: lowercase hex SHA-256 with a domain prefix.
pub fn hash_key(key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"rsstreaming-key\0");
    h.update(key.as_bytes());
    hex::encode(h.finalize())
}

/// Compares a presented key with a stored hash without leaking timing.
pub fn key_matches(presented: &str, stored_hash: &str) -> bool {
    ct_eq(&hash_key(presented), stored_hash)
}

/// Constant-time equality of two strings (lengths may leak; contents do not).
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A fresh signing secret for cookies.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
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
}
