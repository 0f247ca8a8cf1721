//! The WebSocket protocol: JSON text frames `{"event": NAME, "data": {...}}` both ways, with the
//! Python system's Socket.IO event names (SPEC §5).

use super::line::LineStamp;
use super::member::{ChatterType, User};
use serde::{Deserialize, Serialize};

/// Everything the server sends. Serialised once per broadcast and shared by every recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", content = "data")]
pub enum Outgoing {
    /// `users`: the roster's first page (SPEC §5a); `count`: the room's size.
    #[serde(rename = "login success")]
    LoginSuccess {
        username: String,
        #[serde(rename = "type")]
        kind: ChatterType,
        color: String,
        users: Vec<User>,
        count: usize,
    },
    #[serde(rename = "login key required")]
    LoginKeyRequired { username: String },
    #[serde(rename = "error")]
    Error { msg: String },
    #[serde(rename = "warning")]
    Warning { msg: String },
    #[serde(rename = "server")]
    Server { msg: String },
    #[serde(rename = "connected")]
    Connected(User),
    #[serde(rename = "disconnected")]
    Disconnected(User),
    #[serde(rename = "message received")]
    MessageReceived(Said),
    #[serde(rename = "action received")]
    ActionReceived(Said),
    #[serde(rename = "drawing received")]
    DrawingReceived {
        username: String,
        #[serde(rename = "type")]
        kind: ChatterType,
        color: String,
        src: String,
        /// The line's `id` and `timestamp`.
        #[serde(flatten)]
        stamp: LineStamp,
    },
    #[serde(rename = "rename")]
    Rename {
        oldname: String,
        newname: String,
        #[serde(rename = "type")]
        kind: ChatterType,
        color: String,
    },
    #[serde(rename = "recolor")]
    Recolor(User),
    #[serde(rename = "retype")]
    Retype {
        username: String,
        #[serde(rename = "type")]
        kind: ChatterType,
    },
    #[serde(rename = "return color")]
    ReturnColor { color: String },
    /// One page of the roster from `offset`, of `count` (SPEC §5a).
    #[serde(rename = "userlist")]
    Userlist {
        users: Vec<User>,
        offset: usize,
        count: usize,
    },
    /// The answer to `find users {prefix}` (SPEC §5a).
    #[serde(rename = "users found")]
    UsersFound { users: Vec<User> },
    #[serde(rename = "change theme")]
    ChangeTheme { theme: String },
    #[serde(rename = "password set")]
    PasswordSet { password: String },
    #[serde(rename = "password activated")]
    PasswordActivated { username: String },
    #[serde(rename = "password deactivated")]
    PasswordDeactivated { username: String, msg: String },
    /// `key` is `:alias:`, as pages look emotes up by what is typed.
    #[serde(rename = "add emote")]
    AddEmote { key: String, uri: String },
    #[serde(rename = "remove emote")]
    RemoveEmote { key: String },
    /// The room's pinned message (emojified text), `null` once unpinned (SPEC §7).
    #[serde(rename = "pinned")]
    Pinned { message: Option<String> },
    /// The room's modes a page shows over the composer: `slow` seconds (0 = off), whether only
    /// emotes may be posted, and who may post links (`on`, `off`, `mods`). Sent after
    /// `login success` when any is set, and to the room on every change. (SPEC names no event
    /// for it; this one is ours.)
    #[serde(rename = "room rules")]
    RoomRules {
        slow: u32,
        emote_only: bool,
        links: &'static str,
        /// `registered` (only registered names may chat) or `all`.
        chatmode: &'static str,
    },
    /// The name asked for is registered (SPEC §8): log in again with its `password`.
    #[serde(rename = "login password required")]
    LoginPasswordRequired { username: String },
    /// To a chatter sent out of the chat by `by` (it may log in again).
    #[serde(rename = "kicked")]
    Kicked { by: String },
    /// To a banned chatter (leaving, or refused at login): why, and until when (unix ms;
    /// `null`: until lifted).
    #[serde(rename = "banned")]
    Banned {
        reason: Option<String>,
        until: Option<i64>,
    },
    /// The room's last lines for a joiner, oldest first: each a `*received` payload with its
    /// `event` (see [`super::line::HistoryLine`]).
    #[serde(rename = "history")]
    History { messages: Vec<serde_json::Value> },
    /// A line was deleted: pages remove it.
    #[serde(rename = "message deleted")]
    MessageDeleted { id: String },
}

impl Outgoing {
    pub fn server(msg: impl Into<String>) -> Self {
        Outgoing::Server { msg: msg.into() }
    }
    pub fn error(msg: impl Into<String>) -> Self {
        Outgoing::Error { msg: msg.into() }
    }
    pub fn warning(msg: impl Into<String>) -> Self {
        Outgoing::Warning { msg: msg.into() }
    }

    /// The id and time of a chat line frame.
    pub fn stamp(&self) -> Option<&LineStamp> {
        match self {
            Outgoing::MessageReceived(Said { stamp, .. })
            | Outgoing::ActionReceived(Said { stamp, .. })
            | Outgoing::DrawingReceived { stamp, .. } => Some(stamp),
            _ => None,
        }
    }

    /// The frame's JSON text.
    pub fn to_json(&self) -> String {
        // Serialising these plain structs cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// A line said or acted (`message received`, `action received`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Said {
    pub username: String,
    #[serde(rename = "type")]
    pub kind: ChatterType,
    pub color: String,
    pub message: String,
    /// The line's `id` and `timestamp`.
    #[serde(flatten)]
    pub stamp: LineStamp,
}

/// Everything a page may send. Unknown events and wrong payload shapes are refused by the codec
/// with an `error` frame, never a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Presence {
        streamer: String,
    },
    Login {
        streamer: String,
        username: String,
        color: String,
        key: Option<String>,
        /// A registered name's password (SPEC §8).
        password: Option<String>,
    },
    Message {
        message: String,
    },
    Drawing {
        src: String,
    },
    GetColor,
    /// A page of the roster (SPEC §5a).
    GetUsers {
        offset: usize,
    },
    /// Members whose name starts with `prefix` (SPEC §5a).
    FindUsers {
        prefix: String,
    },
}

/// Why a frame from a page was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("malformed frame: expected {{\"event\": NAME, \"data\": {{...}}}}")]
    Malformed,
    #[error("unknown event '{0}'")]
    UnknownEvent(String),
    #[error("event '{event}': {problem}")]
    BadData { event: String, problem: String },
}

/// Most characters of a refused frame's problem quoted back to its sender, whatever the frame's
/// size (the 40 of an unknown event name, likewise).
const MAX_PROBLEM_CHARS: usize = 120;

#[derive(Deserialize)]
struct Envelope {
    event: String,
    #[serde(default)]
    data: serde_json::Value,
}

#[derive(Deserialize)]
struct PresenceData {
    streamer: String,
}

#[derive(Deserialize)]
struct LoginData {
    streamer: String,
    username: String,
    #[serde(default)]
    color: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

#[derive(Deserialize)]
struct MessageData {
    message: String,
}

#[derive(Deserialize)]
struct DrawingData {
    src: String,
}

#[derive(Deserialize)]
struct GetUsersData {
    #[serde(default)]
    offset: usize,
}

#[derive(Deserialize)]
struct FindUsersData {
    prefix: String,
}

impl Incoming {
    /// Decodes one text frame.
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        let env: Envelope = serde_json::from_str(text).map_err(|_| FrameError::Malformed)?;
        fn data<T: serde::de::DeserializeOwned>(env: Envelope) -> Result<T, FrameError> {
            serde_json::from_value(env.data).map_err(|e| FrameError::BadData {
                // serde quotes the offending value whole: keep the reply small.
                problem: e.to_string().chars().take(MAX_PROBLEM_CHARS).collect(),
                event: env.event,
            })
        }
        Ok(match env.event.as_str() {
            "presence" => {
                let d: PresenceData = data(env)?;
                Incoming::Presence {
                    streamer: d.streamer,
                }
            }
            "login" => {
                let d: LoginData = data(env)?;
                Incoming::Login {
                    streamer: d.streamer,
                    username: d.username,
                    color: d.color.unwrap_or_default(),
                    key: d.key,
                    password: d.password,
                }
            }
            "message" => {
                let d: MessageData = data(env)?;
                Incoming::Message { message: d.message }
            }
            "drawing" => {
                let d: DrawingData = data(env)?;
                Incoming::Drawing { src: d.src }
            }
            "get color" => Incoming::GetColor,
            "get users" => {
                let d: GetUsersData = data(env)?;
                Incoming::GetUsers { offset: d.offset }
            }
            "find users" => {
                let d: FindUsersData = data(env)?;
                if d.prefix.len() > super::roster_page::MAX_PREFIX {
                    return Err(FrameError::BadData {
                        event: "find users".into(),
                        problem: format!(
                            "prefix longer than {} bytes",
                            super::roster_page::MAX_PREFIX
                        ),
                    });
                }
                Incoming::FindUsers { prefix: d.prefix }
            }
            _ => {
                return Err(FrameError::UnknownEvent(
                    env.event.chars().take(40).collect(),
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outgoing_frames_have_the_socketio_shape() {
        let f = Outgoing::MessageReceived(Said {
            username: "bob".into(),
            kind: ChatterType::Normal,
            color: "#ff0000".into(),
            message: "hi".into(),
            stamp: LineStamp {
                id: "a-1".into(),
                timestamp: 7,
            },
        });
        let v: serde_json::Value = serde_json::from_str(&f.to_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"event": "message received", "data": {"username": "bob", "type": "normal", "color": "#ff0000", "message": "hi", "id": "a-1", "timestamp": 7}})
        );
        let v: serde_json::Value = serde_json::from_str(
            &Outgoing::Connected(User {
                username: "a".into(),
                kind: ChatterType::Admin,
                color: "#000000".into(),
            })
            .to_json(),
        )
        .unwrap();
        assert_eq!(v["event"], "connected");
        assert_eq!(v["data"]["type"], "admin");
        let v: serde_json::Value = serde_json::from_str(
            &Outgoing::LoginKeyRequired {
                username: "X".into(),
            }
            .to_json(),
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"event": "login key required", "data": {"username": "X"}})
        );
    }

    #[test]
    fn incoming_frames() {
        assert_eq!(
            Incoming::parse(
                r#"{"event":"login","data":{"streamer":"s","username":"u","color":"red"}}"#
            ),
            Ok(Incoming::Login {
                streamer: "s".into(),
                username: "u".into(),
                color: "red".into(),
                key: None,
                password: None
            })
        );
        assert_eq!(
            Incoming::parse(r#"{"event":"get color","data":{}}"#),
            Ok(Incoming::GetColor)
        );
        assert_eq!(
            Incoming::parse(r#"{"event":"get color"}"#),
            Ok(Incoming::GetColor)
        );
        assert_eq!(
            Incoming::parse(r#"{"event":"presence","data":{"streamer":"s"}}"#),
            Ok(Incoming::Presence {
                streamer: "s".into()
            })
        );
    }

    #[test]
    fn bad_frames_are_errors() {
        for bad in [
            "",
            "null",
            "[]",
            "{",
            r#"{"data":{}}"#,
            r#"{"event":5}"#,
            "\u{0}",
        ] {
            assert_eq!(Incoming::parse(bad), Err(FrameError::Malformed), "{bad}");
        }
        assert!(matches!(
            Incoming::parse(r#"{"event":"nope","data":{}}"#),
            Err(FrameError::UnknownEvent(_))
        ));
        assert!(matches!(
            Incoming::parse(r#"{"event":"message","data":{"message":5}}"#),
            Err(FrameError::BadData { .. })
        ));
        assert!(matches!(
            Incoming::parse(r#"{"event":"message","data":"x"}"#),
            Err(FrameError::BadData { .. })
        ));
        assert!(matches!(
            Incoming::parse(r#"{"event":"login","data":{}}"#),
            Err(FrameError::BadData { .. })
        ));
    }
}
