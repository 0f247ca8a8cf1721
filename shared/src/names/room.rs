//! A room: where one streamer's page, chat, viewers and events live (`/{room}/`, `/hls/{room}/`).

use super::{text_type, NameError, Username};

/// A streamer's room: its username lowercased. Made from a [`Username`] (or from text that is
/// one), so it is always a valid, lowercase name and never needs lowercasing again.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomName(String);

text_type!(RoomName);

impl RoomName {
    /// The room of `username`.
    pub fn of(username: &Username) -> Self {
        Self(username.as_str().to_ascii_lowercase())
    }

    /// The room named by `text` in any letter case (a URL segment, a chat frame), if it is a
    /// valid username.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        Username::parse(text).map(|u| Self::of(&u))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&Username> for RoomName {
    fn from(username: &Username) -> Self {
        Self::of(username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_lowercase_usernames() {
        assert_eq!(RoomName::parse("BoB").unwrap(), "bob");
        assert!(RoomName::parse("b b").is_err());
        let u = Username::parse("Alice").unwrap();
        assert_eq!(RoomName::from(&u), RoomName::parse("aLiCe").unwrap());
    }
}
