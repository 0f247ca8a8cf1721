//! Who is in a room: the roster entry every gateway instance agrees on.

use serde::{Deserialize, Serialize};

/// A chatter's rank in a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatterType {
    /// The streamer, logged in with the stream key.
    Admin,
    Moderator,
    Normal,
}

impl ChatterType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatterType::Admin => "admin",
            ChatterType::Moderator => "moderator",
            ChatterType::Normal => "normal",
        }
    }

    /// Admins and moderators may mute and rename.
    pub fn is_staff(self) -> bool {
        matches!(self, ChatterType::Admin | ChatterType::Moderator)
    }
}

/// One logged-in chatter as the shared state stores it. `socket` is the stable identity
/// (`"{instance}.{n}"`); `key` is the case-folded name that must be unique in the room; `rev`
/// grows with every change so instances can ignore an older copy arriving late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub socket: String,
    pub username: String,
    pub key: String,
    #[serde(rename = "type")]
    pub kind: ChatterType,
    pub color: String,
    pub muted: bool,
    /// When a timed mute (a timeout) ends, unix ms; `None` with `muted`: until lifted. A mute
    /// past its end binds no more, whether or not anyone lifted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted_until: Option<i64>,
    pub rev: u64,
    /// The client address of the chatter's socket (behind trusted proxies), which a mute binds
    /// to besides the name; never sent to pages (they see [`User`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    /// Whether this chatter is under its registered name, proven with its password (at login,
    /// or by registering it just now); a rename drops it (SPEC §8).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub registered: bool,
}

impl Member {
    /// A fresh roster entry for a chatter who just logged in.
    pub fn new(socket: &str, username: &str, kind: ChatterType, color: &str) -> Self {
        Self {
            socket: socket.to_string(),
            username: username.to_string(),
            key: crate::text::name_key(username),
            kind,
            color: color.to_string(),
            muted: false,
            muted_until: None,
            rev: 0,
            addr: None,
            registered: false,
        }
    }

    /// This entry with the client address its socket came from.
    pub fn from_addr(mut self, addr: Option<std::net::IpAddr>) -> Self {
        self.addr = addr.map(|a| a.to_string());
        self
    }

    /// Whether this chatter is muted now (a timeout that ran out is not).
    pub fn is_muted(&self) -> bool {
        self.muted && self.muted_until.is_none_or(|t| t > crate::store::now_ms())
    }

    /// The gateway instance holding this chatter's socket.
    pub fn instance(&self) -> &str {
        instance_of(&self.socket)
    }

    /// How pages see this chatter.
    pub fn user(&self) -> User {
        User {
            username: self.username.clone(),
            kind: self.kind,
            color: self.color.clone(),
        }
    }

    /// This entry with a new name.
    /// A registered name stays registered only through a change of case or look-alike form.
    pub fn renamed(&self, username: &str) -> Self {
        let key = crate::text::name_key(username);
        Self {
            username: username.to_string(),
            key: key.clone(),
            rev: self.rev + 1,
            registered: self.registered && key == self.key,
            ..self.clone()
        }
    }

    /// This entry with one more revision (after any other field changed).
    pub fn bumped(mut self) -> Self {
        self.rev += 1;
        self
    }
}

/// The instance part of a socket id.
pub fn instance_of(socket: &str) -> &str {
    socket.split_once('.').map_or(socket, |(i, _)| i)
}

/// A chatter as pages see it: `{username, type, color}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub username: String,
    #[serde(rename = "type")]
    pub kind: ChatterType,
    pub color: String,
}
