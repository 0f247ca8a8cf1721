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

/// The viewer-pass token for `room` under its current `password`, issued now.
pub fn viewer_pass(secret: &str, room: &RoomName, password: &str) -> String {
    viewer_pass_at(secret, room, password, now_secs())
}

/// The token issued at `issued` (unix seconds): `<issued>.<tag>`.
///
/// The tag is an HMAC, so it reveals nothing of the password, and it is bound to the streamer,
/// the password and the issue time: changing the password invalidates every pass handed out
/// before, and the server refuses a pass older than [`PASS_MAX_AGE_SECS`] whatever the
/// browser kept (the cookie's own `Max-Age` is only advice to the browser).
pub fn viewer_pass_at(secret: &str, room: &RoomName, password: &str, issued: u64) -> String {
    format!("{issued}.{}", tag(secret, room, password, issued))
}

fn tag(secret: &str, room: &RoomName, password: &str, issued: u64) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key size");
    mac.update(b"viewer-pass\0");
    mac.update(room.as_bytes());
    mac.update(b"\0");
    mac.update(password.as_bytes());
    mac.update(b"\0");
    mac.update(issued.to_string().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Clocks of several instances may differ this much.
const CLOCK_SKEW_SECS: u64 = 300;

/// Whether `token` is a valid pass for `room` under `password` now: signed for them, issued
/// less than a day ago.
pub fn viewer_pass_ok(secret: &str, room: &RoomName, password: &str, token: &str) -> bool {
    pass_ok_at(secret, room, password, token, now_secs())
}

fn pass_ok_at(secret: &str, room: &RoomName, password: &str, token: &str, now: u64) -> bool {
    let Some((issued, tag_sent)) = token.split_once('.') else {
        return false;
    };
    let Some(issued) = (issued.len() <= 20 && issued.bytes().all(|b| b.is_ascii_digit()))
        .then(|| issued.parse::<u64>().ok())
        .flatten()
    else {
        return false;
    };
    let fresh = issued <= now + CLOCK_SKEW_SECS && now.saturating_sub(issued) < PASS_MAX_AGE_SECS;
    fresh && ct_eq(&tag(secret, room, password, issued), tag_sent)
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
    fn a_pass_expires_a_day_after_it_was_issued() {
        let bob = room("bob");
        let t = viewer_pass_at("s", &bob, "pw", 1_000_000);
        assert!(pass_ok_at(
            "s",
            &bob,
            "pw",
            &t,
            1_000_000 + PASS_MAX_AGE_SECS - 1
        ));
        assert!(!pass_ok_at(
            "s",
            &bob,
            "pw",
            &t,
            1_000_000 + PASS_MAX_AGE_SECS
        ));
        assert!(!pass_ok_at(
            "s",
            &bob,
            "pw",
            &t,
            1_000_000 - CLOCK_SKEW_SECS - 1
        ));
        // The issue time is signed: moving it forward breaks the tag.
        let (_, tag) = t.split_once('.').unwrap();
        let moved = format!("{}.{tag}", 1_000_000 + 1);
        assert!(!pass_ok_at("s", &bob, "pw", &moved, 1_000_001));
        for bad in ["", ".", "x.y", "-1.abc", "99999999999999999999999.a"] {
            assert!(!pass_ok_at("s", &bob, "pw", bad, 1_000_000), "{bad}");
        }
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
