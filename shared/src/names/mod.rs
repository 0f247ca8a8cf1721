//! Names that identify things on the site (SPEC §1, §3): a streamer's [`Username`], the
//! [`RoomName`] its page, chat and events live under, emote aliases, and the rules of chat
//! names ([`chat`]: size, invisible characters, confusable identity).
//!
//! A name is validated once, where text enters (a URL segment, a CLI argument, a store row), and
//! travels as its type afterwards; a room is the lowercased username by construction, so no
//! caller lowercases by hand. Both read as `&str` (they deref to it) so APIs that only read text
//! take them without conversion.

pub mod chat;
mod room;
mod username;

pub use room::RoomName;
pub use username::{NameError, Username};

/// Usernames: `[A-Za-z0-9_-]{1,64}`.
pub fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Names a streamer cannot take because the site's own routes live there (`/api/…`, `/hls/…`,
/// `/ws`, ...); the handlers' tests check this list against the route table.
pub const RESERVED_USERNAMES: &[&str] = &[
    "api", "auth", "healthz", "hls", "metrics", "readyz", "static", "ws",
];

/// Whether `name` (in any letter case) is one of [`RESERVED_USERNAMES`].
pub fn reserved_username(name: &str) -> bool {
    RESERVED_USERNAMES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
}

/// Emote aliases: `[A-Za-z0-9_-]{1,64}` (the length cap keeps rows and type-ahead sane).
pub fn valid_alias(alias: &str) -> bool {
    valid_username(alias)
}

/// The read-only text impls every validated string type of the crate shares: it derefs to
/// `str`, displays and serialises as its text, and compares equal to plain strings.
macro_rules! text_type {
    ($t:ty) => {
        impl ::std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl ::std::fmt::Debug for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl PartialEq<String> for $t {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
    };
}
pub(crate) use text_type;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(valid_username("test_User-1"));
        assert!(!valid_username(""));
        assert!(!valid_username("a b"));
        assert!(!valid_username("x'; DROP TABLE streamers;--"));
        assert!(!valid_username(&"a".repeat(65)));
        assert!(!valid_username("../etc"));
        assert!(!valid_username("é"));
        assert!(reserved_username("API") && reserved_username("ws"));
        assert!(!reserved_username("alice"));
    }
}
