//! A streamer's username: validated when it is made, shown as the streamer chose its letters.

use super::{text_type, valid_username, RoomName};
use std::str::FromStr;

/// Text that is not a valid username (what the user typed, for the message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid username `{0}`: use 1-64 letters, digits, '_' or '-'")]
pub struct NameError(pub String);

/// A streamer's username: `[A-Za-z0-9_-]{1,64}`, letter case kept for display. Two usernames
/// that differ only in case name the same streamer; compare their [`RoomName`]s.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

text_type!(Username);

impl Username {
    /// Checks `text` against `[A-Za-z0-9_-]{1,64}`.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        if valid_username(text) {
            Ok(Self(text.to_string()))
        } else {
            Err(NameError(text.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The streamer's room: the username lowercased.
    pub fn room(&self) -> RoomName {
        RoomName::of(self)
    }
}

impl FromStr for Username {
    type Err = NameError;
    fn from_str(text: &str) -> Result<Self, NameError> {
        Self::parse(text)
    }
}

impl<'de> serde::Deserialize<'de> for Username {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_valid_names_are_made_and_case_is_kept() {
        let name = Username::parse("Bob_1").unwrap();
        assert_eq!(name, "Bob_1");
        assert_eq!(name.room(), "bob_1");
        assert_eq!(format!("{name} {name:?}"), "Bob_1 \"Bob_1\"");
        for bad in ["", "a b", "é", "../x", &"a".repeat(65)] {
            let e = Username::parse(bad).unwrap_err();
            assert!(e.to_string().contains("invalid username"), "{e}");
        }
        assert!(serde_json::from_str::<Username>("\"x y\"").is_err());
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"Bob_1\"");
    }
}
