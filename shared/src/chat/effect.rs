//! What a chat decision asks for: replies, lines, roster changes and settings changes, with
//! what the room sees and what is recorded once each is carried out.

use super::member::{ChatterType, Member};
use super::protocol::Outgoing;
use super::room_rules::RuleChange;
use crate::store::{event_kind, ChatSetting, NewEvent};

/// One thing to do as the result of a chatter's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A frame for the sender only.
    Reply(Outgoing),
    /// A chat line from the sender to the room (text already emojified).
    Line { action: bool, text: String },
    /// A change of one roster entry (the sender's or another chatter's); boxed, as it holds
    /// two entries.
    Change(Box<Change>),
    /// A change of the streamer's stored settings.
    Streamer(StreamerChange),
    /// Chat lines to delete from history and every page.
    Delete(Deletion),
    /// A change of the room's rules: checked against the store, stored, then in force on every
    /// instance ([`crate::chat::room_rules`]).
    Rules(RuleChange),
    /// `/filter list`: the room's and the site's filters, as this instance holds them.
    ListFilters,
    /// This chatter leaves the chat (`kicked {by}`); it may log in again.
    Kick(Box<Member>),
    /// A ban of a chatter's identity (name key and address), kept in the store, until a time
    /// (unix ms; `None`: until lifted), with a reason or none.
    Ban {
        target: Box<Member>,
        until: Option<i64>,
        reason: Option<String>,
    },
    /// Lifting the bans of a name (the store says whether there were any).
    Unban(String),
    /// The room's bans and timeouts, one `server` line each.
    ListSanctions,
    /// `/register`: the sender's name, site-wide, with this password (SPEC §8).
    Register(NamePassword),
    /// `/unregister`: the sender's registered name is dropped.
    Unregister,
    /// A registered name's lasting moderator rank in the room, given or taken.
    NameRank { key: String, moderator: bool },
    /// `/mod` or `/demod` of a name not in the room: the lasting rank of a registered name
    /// (else the user is unknown).
    OfflineRank { name: String, moderator: bool },
}

/// A password as typed, on its way to being hashed: never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct NamePassword(String);

impl NamePassword {
    pub fn new(password: &str) -> Self {
        Self(password.to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NamePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NamePassword(***)")
    }
}

/// Lines to delete: `(id, author)` each, and what the sender is told once done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    pub lines: Vec<(String, String)>,
    pub confirm: String,
}

impl Deletion {
    /// The audit event of one deleted line (the line's own event holds its id in its meta).
    pub fn audit(room: &str, (id, author): (&str, &str), by: &str) -> NewEvent {
        NewEvent::now(
            room,
            event_kind::DELETE,
            serde_json::json!({"id": id, "username": author, "by": by}),
        )
    }
}

impl Effect {
    /// [`Effect::Change`] of `change`.
    pub fn change(change: Change) -> Self {
        Effect::Change(Box::new(change))
    }
}

/// A roster entry going from `before` to `after` (compare-and-set against `before`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub before: Member,
    pub after: Member,
    /// Told to the sender once the change is made.
    pub confirm: Vec<Outgoing>,
    /// Told to the changed chatter (when it is someone else) once the change is made.
    pub notify: Option<String>,
}

/// A change of what the store keeps about the streamer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamerChange {
    Description(String),
    Password(Option<String>),
    Chat(ChatSetting),
}

impl Change {
    /// A change told to no one but through [`Change::broadcasts`].
    pub fn new(before: &Member, after: Member) -> Self {
        Self {
            before: before.clone(),
            after,
            confirm: Vec::new(),
            notify: None,
        }
    }

    /// What the whole room sees: `rename`, `recolor` and/or `retype` (a mute is told to no one
    /// but the chatter).
    pub fn broadcasts(&self) -> Vec<Outgoing> {
        let (b, a) = (&self.before, &self.after);
        let mut out = Vec::new();
        if b.username != a.username {
            out.push(Outgoing::Rename {
                oldname: b.username.clone(),
                newname: a.username.clone(),
                kind: a.kind,
                color: a.color.clone(),
            });
        }
        if b.color != a.color {
            out.push(Outgoing::Recolor(a.user()));
        }
        if b.kind != a.kind {
            out.push(Outgoing::Retype {
                username: a.username.clone(),
                kind: a.kind,
            });
        }
        out
    }

    /// The audit events of this change, `by` being who made it.
    pub fn audit(&self, room: &str, by: &str) -> Vec<NewEvent> {
        let (b, a) = (&self.before, &self.after);
        let mut out = Vec::new();
        let ev = |kind, meta| NewEvent::now(room, kind, meta);
        if b.username != a.username {
            out.push(ev(
                event_kind::RENAME,
                serde_json::json!({"oldname": b.username, "newname": a.username, "by": by}),
            ));
        }
        if b.color != a.color {
            out.push(ev(
                event_kind::RECOLOR,
                serde_json::json!({"username": a.username, "color": a.color}),
            ));
        }
        // Rank and mute changes are recorded alike: who, and by whom.
        let rank = match a.kind {
            ChatterType::Moderator => event_kind::MOD,
            _ => event_kind::DEMOD,
        };
        if b.kind != a.kind {
            out.push(ev(
                rank,
                serde_json::json!({"username": a.username, "by": by}),
            ));
        }
        if self.mute_changed() {
            let kind = match a.is_muted() {
                true => event_kind::MUTE,
                false => event_kind::UNMUTE,
            };
            let until = a.muted_until.filter(|_| a.is_muted());
            out.push(ev(
                kind,
                serde_json::json!({"username": a.username, "by": by, "until": until}),
            ));
        }
        out
    }

    /// Whether a mute starts, ends or gets a new end with this change.
    pub fn mute_changed(&self) -> bool {
        let (b, a) = (&self.before, &self.after);
        b.is_muted() != a.is_muted() || (a.is_muted() && b.muted_until != a.muted_until)
    }
}

impl StreamerChange {
    /// What the whole room sees once the change is stored.
    pub fn broadcast(&self, streamer: &str) -> Option<Outgoing> {
        let username = streamer.to_ascii_lowercase();
        match self {
            StreamerChange::Password(Some(_)) => Some(Outgoing::PasswordActivated { username }),
            StreamerChange::Password(None) => Some(Outgoing::PasswordDeactivated {
                username,
                msg: "Stream password has been removed.".into(),
            }),
            _ => None,
        }
    }

    /// The audit event of this change (never holding the password itself).
    pub fn audit(&self, room: &str, by: &str) -> NewEvent {
        match self {
            StreamerChange::Description(d) => NewEvent::now(
                room,
                event_kind::DESCRIPTION,
                serde_json::json!({"description": d, "by": by}),
            ),
            StreamerChange::Password(p) => NewEvent::now(
                room,
                event_kind::PASSWORD,
                serde_json::json!({"set": p.is_some(), "by": by}),
            ),
            StreamerChange::Chat(c) => NewEvent::now(
                room,
                event_kind::CHAT_SETTING,
                serde_json::json!({"chat": c.as_str(), "by": by}),
            ),
        }
    }
}
