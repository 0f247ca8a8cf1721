//! Dashboard sessions (SPEC §8): what a streamer's browser holds after signing in to
//! `/{streamer}/dashboard` with the stream key, so the key is sent once and never again.
//!
//! A session is `rsd_` + 32 random URL-safe characters in an HttpOnly, SameSite=Strict cookie
//! scoped to the dashboard's path. The store keeps only its keyed hash ([`hash_session`], with
//! its own domain prefix, so a session is never mistaken for a key or an API token), which lets
//! any instance — or a cold Lambda function — find it. Each session has one CSRF token
//! ([`csrf_token`]): an HMAC of the session under the cookie secret, so it needs no storage, is
//! the same on every instance, and is worthless without the session cookie it belongs to.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of every session token.
pub const SESSION_PREFIX: &str = "rsd_";

/// How long a session lasts after signing in (seconds): a streaming day, then the key again.
pub const SESSION_MAX_AGE_SECS: i64 = 12 * 60 * 60;

/// The name of the session cookie (its path keeps one streamer's apart from another's).
pub const SESSION_COOKIE: &str = "dashboard";

/// A fresh session token.
pub fn generate_session() -> String {
    format!("{SESSION_PREFIX}{}", super::StreamKey::generate().expose())
}

/// The stored form of a session token.
pub fn hash_session(token: &str) -> String {
    super::hash_key(&format!("rsstreaming-dashboard-session\0{token}"))
}

/// The CSRF token every dashboard form of `session` carries.
pub fn csrf_token(secret: &str, session: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key size");
    mac.update(b"dashboard-csrf\0");
    mac.update(session.as_bytes());
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The `Set-Cookie` value carrying `token` for the dashboard of `room` (`Secure` over HTTPS);
/// with `None`, the value that deletes it (sign-out).
pub fn session_cookie(room: &str, token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let (value, age) = match token {
        Some(t) => (t, SESSION_MAX_AGE_SECS),
        None => ("", 0),
    };
    format!(
        "{SESSION_COOKIE}={value}; Max-Age={age}; Path=/{room}/dashboard; HttpOnly; SameSite=Strict{secure}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_hash_apart_and_csrf_is_bound_to_session_and_secret() {
        let s = generate_session();
        assert!(s.starts_with(SESSION_PREFIX) && s.len() == 36);
        assert_ne!(s, generate_session());
        assert_ne!(hash_session(&s), super::super::hash_key(&s));
        assert_ne!(hash_session(&s), super::super::hash_token(&s));
        assert_eq!(csrf_token("k", &s), csrf_token("k", &s));
        assert_ne!(csrf_token("k", &s), csrf_token("k2", &s));
        assert_ne!(csrf_token("k", &s), csrf_token("k", &generate_session()));
        let c = session_cookie("bob", Some(&s), true);
        assert!(c.contains("Path=/bob/dashboard") && c.contains("HttpOnly"));
        assert!(c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(session_cookie("bob", None, false).contains("Max-Age=0"));
    }
}
