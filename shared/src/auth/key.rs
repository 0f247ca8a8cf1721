//! A stream key in memory: the one value that must never reach a page, URL, file name or log.

use base64::Engine;
use rand::RngCore;
use std::fmt;
use std::str::FromStr;

/// A streamer's secret key as presented (by OBS through nginx, the API's Basic auth, the chat's
/// admin login, the CLI). It has no `Display` and its `Debug` is redacted, so it cannot end up
/// in a log line or error message by accident; [`StreamKey::expose`] is the one way to read it,
/// for the places that must (printing a generated key once, sending it to the API).
#[derive(Clone, PartialEq, Eq)]
pub struct StreamKey(String);

impl fmt::Debug for StreamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamKey(<redacted>)")
    }
}

impl StreamKey {
    /// Any text can be presented as a key; whether it is one is for the store to say.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// A fresh key: 24 random bytes, URL-safe base64 (32 characters, usable in an RTMP URL).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The key itself. Call only to hand it to its owner or to the server it authenticates to.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keys shorter than this (in characters) get a warning when an operator picks one.
    pub const RECOMMENDED_LEN: usize = 16;

    /// Shorter than [`Self::RECOMMENDED_LEN`].
    pub fn is_short(&self) -> bool {
        self.0.chars().count() < Self::RECOMMENDED_LEN
    }

    /// The stored form (see [`super::hash_key`]).
    pub fn hash(&self) -> String {
        super::hash_key(&self.0)
    }

    /// Whether this is the key whose stored form is `stored_hash`, in constant time.
    pub fn matches(&self, stored_hash: &str) -> bool {
        super::key_matches(&self.0, stored_hash)
    }
}

impl From<&str> for StreamKey {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for StreamKey {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&String> for StreamKey {
    fn from(text: &String) -> Self {
        Self::new(text.as_str())
    }
}

impl From<&StreamKey> for StreamKey {
    fn from(key: &StreamKey) -> Self {
        key.clone()
    }
}

impl FromStr for StreamKey {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_prints_and_generated_keys_are_unique_and_long() {
        let k = StreamKey::from("sekrit");
        assert!(!format!("{k:?}").contains("sekrit"));
        assert!(!format!("{:?}", Some(&k)).contains("sekrit"));
        assert!(k.matches(&k.hash()));
        assert!(!StreamKey::from("sekriT").matches(&k.hash()));
        let a = StreamKey::generate();
        assert_eq!(a.expose().len(), 32);
        assert!(!a.is_short() && k.is_short());
        assert_ne!(a, StreamKey::generate());
    }
}
