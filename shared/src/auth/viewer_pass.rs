//! Viewer passes: the signed cookie that opens a password-protected stream, and the one check
//! of it that the pages, playlists, segments and the chat gateway all make.

use super::ct_eq;
use crate::names::RoomName;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

/// How long a pass cookie lasts.
pub const PASS_MAX_AGE_SECS: u64 = 24 * 60 * 60;

/// The cookies a request carried: every `Cookie` header it had, in order.
#[derive(Clone, Default)]
pub struct Cookies(String);

impl fmt::Debug for Cookies {
    // Cookies carry passes (bearer tokens): show how many, never what.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cookies({} pairs)", self.pairs().count())
    }
}

impl Cookies {
    /// From the values of every `Cookie` header (values that are not text already dropped).
    pub fn from_headers<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        Self(values.into_iter().collect::<Vec<_>>().join("; "))
    }

    /// The value of cookie `name`, if sent (surrounding double quotes removed).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim_matches('"'))
    }

    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
    }
}

/// The viewer-pass token for `room` under its current `password`.
///
/// It is an HMAC, so it reveals nothing of the password, and it is bound to both the streamer
/// and the password: changing the password invalidates every pass handed out before.
pub fn viewer_pass(secret: &str, room: &RoomName, password: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key size");
    mac.update(b"viewer-pass\0");
    mac.update(room.as_bytes());
    mac.update(b"\0");
    mac.update(password.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Whether `token` is a valid pass for `room` under `password`.
pub fn viewer_pass_ok(secret: &str, room: &RoomName, password: &str, token: &str) -> bool {
    ct_eq(&viewer_pass(secret, room, password), token)
}

/// The cookie that carries a viewer's pass for one room.
pub fn pass_cookie_name(room: &RoomName) -> String {
    format!("pass_{room}")
}

/// Whether a visitor with `cookies` may see `room`'s stream, whose viewer password is
/// `password`: the stream is public, or they carry a pass signed for it under that password.
pub fn may_view(secret: &str, room: &RoomName, password: Option<&str>, cookies: &Cookies) -> bool {
    match password {
        None => true,
        Some(password) => cookies
            .get(&pass_cookie_name(room))
            .is_some_and(|token| viewer_pass_ok(secret, room, password, token)),
    }
}

/// The `Set-Cookie` value granting a pass for `room` under `password`: one day, HttpOnly,
/// SameSite=Lax, whole site, and `Secure` when the visitor came over HTTPS.
pub fn pass_cookie(secret: &str, room: &RoomName, password: &str, secure: bool) -> String {
    let token = viewer_pass(secret, room, password);
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{}={token}; Max-Age={PASS_MAX_AGE_SECS}; Path=/; HttpOnly; SameSite=Lax{secure}",
        pass_cookie_name(room)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(name: &str) -> RoomName {
        RoomName::parse(name).unwrap()
    }

    #[test]
    fn pass_is_bound_to_room_and_password() {
        let t = viewer_pass("s", &room("Bob"), "pw");
        assert!(viewer_pass_ok("s", &room("bob"), "pw", &t));
        assert!(!viewer_pass_ok("s", &room("bob"), "pw2", &t));
        assert!(!viewer_pass_ok("s", &room("alice"), "pw", &t));
        assert!(!viewer_pass_ok("other", &room("bob"), "pw", &t));
        assert!(!t.contains("pw"));
    }

    #[test]
    fn cookies_are_found_by_name_across_headers() {
        let c = Cookies::from_headers(["a=1; pass_bob=tok-en", "b=\"q\""]);
        assert_eq!(c.get("pass_bob"), Some("tok-en"));
        assert_eq!(c.get("b"), Some("q"));
        assert_eq!(c.get("pass"), None);
        assert!(!format!("{c:?}").contains("tok"));
    }

    #[test]
    fn the_pass_cookie_opens_exactly_its_stream() {
        let bob = room("bob");
        let set = pass_cookie("s", &bob, "pw", true);
        assert!(set.ends_with("SameSite=Lax; Secure") && set.contains("HttpOnly"));
        let sent = set.split(';').next().unwrap();
        let cookies = Cookies::from_headers([sent]);
        assert!(may_view("s", &bob, Some("pw"), &cookies));
        assert!(!may_view("s", &bob, Some("new"), &cookies));
        assert!(!may_view("s", &room("alice"), Some("pw"), &cookies));
        assert!(may_view("s", &room("alice"), None, &Cookies::default()));
        assert!(!pass_cookie("s", &bob, "pw", false).contains("Secure"));
    }
}
