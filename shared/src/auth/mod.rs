//! Secrets: stream keys (hashed, compared in constant time, never printed), signed viewer
//! passes and the cookies that carry them, and the cookie-signing secret.
//!
//! A stream key is stored as `h1:` + base64url `HMAC-SHA-256(pepper, "rsstreaming-key\0" ||
//! key)`. The hash must stay deterministic and unsalted — nginx-rtmp's on_publish hook sends
//! the key alone, so the store finds the streamer by the key's hash, and HLS file names (the key
//! itself in the seed's layout) are matched the same way — so what makes a stolen database
//! useless is the **pepper**: `key_pepper` in `config.yaml` or `RSSTREAMING_KEY_PEPPER`, never
//! written to the database. Without the pepper a thief cannot test a single guess offline.
//!
//! Rows written before (or while no pepper is configured) hold the old form, 64 hex digits of
//! plain `SHA-256("rsstreaming-key\0" || key)`. Both forms are checked; once a pepper is set, an
//! old row is re-hashed the next time its key is used successfully (the store does it on
//! on_publish, API and chat logins), so the old form fades out without anyone re-keying.
//! Changing the pepper invalidates every peppered key (re-key with `streamer key`).

mod key;
mod name_password;
mod pepper;
mod session;
mod token;
mod viewer_pass;

pub use key::StreamKey;
pub use name_password::{
    check_name_password, hash_name_password, verify_name_password, NamePasswordError,
    MAX_NAME_PASSWORD, MIN_NAME_PASSWORD,
};
pub use pepper::set_key_pepper;
pub use session::{
    csrf_token, generate_session, hash_session, session_cookie, SESSION_COOKIE,
    SESSION_MAX_AGE_SECS, SESSION_PREFIX,
};
pub use token::{generate_token, hash_token, ApiScope, ApiScopes, TOKEN_PREFIX};
pub use viewer_pass::{
    may_view, pass_cookie, pass_cookie_name, viewer_pass, viewer_pass_at, viewer_pass_ok, Cookies,
    PASS_MAX_AGE_SECS,
};

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The stored form of a stream key: peppered when a pepper is configured, else the old form.
pub fn hash_key(key: &str) -> String {
    pepper::peppered_hash(key).unwrap_or_else(|| legacy_hash_key(key))
}

/// The old stored form: lowercase hex SHA-256 with a domain prefix.
pub fn legacy_hash_key(key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"rsstreaming-key\0");
    h.update(key.as_bytes());
    hex::encode(h.finalize())
}

/// Whether a stored hash is in the form [`hash_key`] writes now (else it is re-hashed on the
/// next successful use).
pub fn is_current_hash(stored_hash: &str) -> bool {
    pepper::is_peppered(stored_hash) == pepper::configured()
}

/// Compares a presented key with a stored hash (either form) without leaking timing. A
/// peppered hash never matches while no pepper is configured.
pub fn key_matches(presented: &str, stored_hash: &str) -> bool {
    pepper::matches(presented, stored_hash)
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
        let h = legacy_hash_key("secretkey");
        assert_eq!(h.len(), 64);
        assert!(key_matches("secretkey", &h));
        assert!(!key_matches("secretkeY", &h));
        assert!(!h.contains("secretkey"));
    }
}
