//! One way to post a line for a streamer: the remote-control API (`POST /api/messages`), the
//! command line (`rsstreaming message send`) and the gateway delivering either to a room all
//! build a [`Post`], so they clean, bound and emojify a line alike and agree on its kinds.

use crate::chat::protocol::Said;
use crate::chat::{ChatterType, HistoryLine, LineStamp, Outgoing};
use crate::names::Username;
use crate::store::{event_kind, NewEvent};
use crate::text::{self, MAX_MESSAGE_LEN};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a posted line is: said, acted (like `/me`), or a server line (no name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    #[default]
    Normal,
    Action,
    Server,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostError {
    #[error("type must be normal, action or server")]
    Kind,
    #[error("message must not be blank")]
    Blank,
    #[error("message is too long (at most {MAX_MESSAGE_LEN} characters)")]
    TooLong,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Normal => "normal",
            PostKind::Action => "action",
            PostKind::Server => "server",
        }
    }

    /// The kind of event a line of this kind is recorded as.
    pub fn event_kind(self) -> &'static str {
        match self {
            PostKind::Normal => event_kind::MESSAGE,
            PostKind::Action => event_kind::ACTION,
            PostKind::Server => event_kind::BROADCAST,
        }
    }

    /// The frame that shows `message` in a room, from `username` of rank `kind` in `color`,
    /// as the line `stamp` (a server line carries no name, no id).
    pub fn frame(
        self,
        (username, kind, color): (&str, ChatterType, &str),
        message: &str,
        stamp: LineStamp,
    ) -> Outgoing {
        let said = || Said {
            username: username.into(),
            kind,
            color: color.into(),
            message: message.into(),
            stamp,
        };
        match self {
            PostKind::Normal => Outgoing::MessageReceived(said()),
            PostKind::Action => Outgoing::ActionReceived(said()),
            PostKind::Server => Outgoing::server(message),
        }
    }
}

impl FromStr for PostKind {
    type Err = PostError;

    fn from_str(s: &str) -> Result<Self, PostError> {
        [PostKind::Normal, PostKind::Action, PostKind::Server]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(PostError::Kind)
    }
}

/// A line posted for a streamer: control characters removed, on one line, trimmed, at most
/// [`MAX_MESSAGE_LEN`] characters before emoji shortcodes are turned into emoji.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    kind: PostKind,
    text: String,
}

impl Post {
    /// `is_custom_emote` says which `:alias:` to keep as it is (a custom emote).
    pub fn new(
        kind: PostKind,
        raw: &str,
        is_custom_emote: impl Fn(&str) -> bool,
    ) -> Result<Self, PostError> {
        let clean = text::clean_line(raw);
        if clean.is_empty() {
            return Err(PostError::Blank);
        }
        if clean.chars().count() > MAX_MESSAGE_LEN {
            return Err(PostError::TooLong);
        }
        let text = text::emojify(&clean, is_custom_emote).into_owned();
        Ok(Self { kind, text })
    }

    pub fn kind(&self) -> PostKind {
        self.kind
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The audit event recording this line, posted for `streamer` in `room` as `stamp` (its
    /// id is in the meta, so a deletion can be matched to it).
    pub fn event(&self, room: &str, streamer: &Username, stamp: &LineStamp) -> NewEvent {
        let meta = match self.kind {
            PostKind::Server => serde_json::json!({ "message": self.text }),
            _ => serde_json::json!({ "username": streamer, "message": self.text, "id": stamp.id }),
        };
        NewEvent {
            ts: stamp.timestamp,
            ..NewEvent::now(room, self.kind.event_kind(), meta)
        }
    }

    /// The line kept quietly in the room's history so it can be deleted (`/delete`, the API),
    /// never sent to a later joiner (SPEC §5); `None` for a server line, which has no id.
    pub fn history_line(&self, streamer: &str, stamp: &LineStamp) -> Option<HistoryLine> {
        let shown = self.frame(streamer, text::DEFAULT_COLOR, stamp.clone());
        HistoryLine::of(&shown).map(HistoryLine::quiet)
    }

    /// The frame showing this line as the streamer, named `username` in `color`.
    pub fn frame(&self, username: &str, color: &str, stamp: LineStamp) -> Outgoing {
        self.kind
            .frame((username, ChatterType::Admin, color), &self.text, stamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn lines_are_cleaned_bounded_and_emojified() {
        let p = Post::new(PostKind::Normal, "  hi\u{7}\n:smile: :kappa:  ", |a| {
            a == "kappa"
        });
        assert_eq!(p.unwrap().text(), "hi 😄 :kappa:");
        assert_eq!(
            Post::new(PostKind::Action, " \u{7} ", none),
            Err(PostError::Blank)
        );
        let long = "x".repeat(MAX_MESSAGE_LEN + 1);
        assert_eq!(
            Post::new(PostKind::Server, &long, none),
            Err(PostError::TooLong)
        );
        let at_most = ":smile:".repeat(MAX_MESSAGE_LEN / 7);
        assert!(Post::new(PostKind::Normal, &at_most, none).is_ok());
    }

    #[test]
    fn kinds_are_named_recorded_and_shown() {
        for kind in [PostKind::Normal, PostKind::Action, PostKind::Server] {
            assert_eq!(kind.as_str().parse::<PostKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!("shout".parse::<PostKind>(), Err(PostError::Kind));
        let bob = Username::parse("Bob").unwrap();
        let server = Post::new(PostKind::Server, "soon", none).unwrap();
        let stamp = LineStamp::now();
        assert_eq!(
            server.event("bob", &bob, &stamp).kind,
            event_kind::BROADCAST
        );
        assert!(server
            .event("bob", &bob, &stamp)
            .meta
            .get("username")
            .is_none());
        let shown = server.frame("Bob", "#000000", stamp.clone());
        assert_eq!(shown, Outgoing::server("soon"));
        let action = Post::new(PostKind::Action, "waves", none).unwrap();
        let recorded = action.event("bob", &bob, &stamp);
        assert_eq!(recorded.meta["username"], "Bob");
        assert_eq!(
            (recorded.meta["id"].as_str(), recorded.ts),
            (Some(stamp.id.as_str()), stamp.timestamp)
        );
        assert!(matches!(
            action.frame("Bob", "#000000", stamp),
            Outgoing::ActionReceived(Said {
                kind: ChatterType::Admin,
                ..
            })
        ));
    }
}
