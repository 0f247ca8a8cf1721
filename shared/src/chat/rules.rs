//! The chat's rules as pure functions: (room, sender, input) → effects. The gateway loads what a
//! decision needs (the roster, the streamer's settings), calls [`decide`], and carries out the
//! effects; roster changes are compare-and-set, so a decision made on stale data is retried.

use super::command::{self, Command, Input, Rank};
use super::member::{ChatterType, Member};
use super::protocol::Outgoing;
use crate::store::{event_kind, ChatSetting, NewEvent, Streamer};
use crate::text::{self, NameProblem};

pub const MUTED: &str = "You are muted!";
pub const BLANK: &str = "Message cannot be blank";
pub const NAME_TAKEN: &str = "Name has already been taken, try a different name.";

/// What a decision may read about the room.
pub struct Room<'a> {
    /// The streamer's username as registered (the room is its lowercase form).
    pub streamer: &'a str,
    /// Configured page themes; theme commands exist only when there are several.
    pub themes: &'a [String],
    /// Whether `alias` is a custom emote (kept as `:alias:`, counted as one character).
    pub is_custom_emote: &'a (dyn Fn(&str) -> bool + Sync),
    /// The room's chatters on every instance; loaded when [`Command::needs_roster`].
    pub roster: &'a [Member],
    /// The streamer's stored settings; loaded when [`Command::needs_settings`].
    pub settings: Option<&'a Streamer>,
}

/// One thing to do as the result of a chatter's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A frame for the sender only.
    Reply(Outgoing),
    /// A chat line from the sender to the room (text already emojified).
    Line { action: bool, text: String },
    /// A change of one roster entry (the sender's or another chatter's).
    Change(Change),
    /// A change of the streamer's stored settings.
    Streamer(StreamerChange),
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
        if b.kind != a.kind {
            let kind = if a.kind == ChatterType::Moderator {
                event_kind::MOD
            } else {
                event_kind::DEMOD
            };
            out.push(ev(
                kind,
                serde_json::json!({"username": a.username, "by": by}),
            ));
        }
        if b.muted != a.muted {
            let kind = if a.muted {
                event_kind::MUTE
            } else {
                event_kind::UNMUTE
            };
            out.push(ev(
                kind,
                serde_json::json!({"username": a.username, "by": by}),
            ));
        }
        out
    }
}

fn rank_of(kind: ChatterType) -> Rank {
    match kind {
        ChatterType::Admin => Rank::Admin,
        ChatterType::Moderator => Rank::Staff,
        ChatterType::Normal => Rank::Everyone,
    }
}

fn reply(msg: impl Into<String>) -> Vec<Effect> {
    vec![Effect::Reply(Outgoing::server(msg))]
}

fn replies(lines: impl IntoIterator<Item = String>) -> Vec<Effect> {
    lines
        .into_iter()
        .map(|l| Effect::Reply(Outgoing::server(l)))
        .collect()
}

/// Decides what a chatter's (trimmed, non-empty) input does.
pub fn decide(room: &Room, sender: &Member, input: &Input) -> Vec<Effect> {
    let cmd = match input {
        Input::Line(text) => return line(room, sender, false, text),
        Input::Command(cmd) => cmd,
    };
    let themes_on = room.themes.len() > 1;
    let hidden = rank_of(sender.kind) < cmd.rank()
        || (matches!(cmd, Command::Theme(_) | Command::Themes) && !themes_on);
    if hidden {
        return reply(command::unrecognized(&typed(cmd)));
    }
    match cmd {
        Command::Help => replies(help(sender.kind, themes_on)),
        Command::Users => vec![Effect::Reply(Outgoing::Userlist {
            users: room.roster.iter().map(Member::user).collect(),
        })],
        Command::Say(text) => line(room, sender, false, text),
        Command::Action(text) => line(room, sender, true, text),
        Command::Color(arg) => color(sender, arg),
        Command::Name(arg) => rename_self(room, sender, arg),
        Command::Themes => reply(format!("Available themes: {}", room.themes.join(", "))),
        Command::Theme(arg) => theme(room, arg),
        Command::Mute(arg) => mute(room, sender, arg, true),
        Command::Unmute(arg) => mute(room, sender, arg, false),
        Command::Rename(arg) => rename_other(room, sender, arg),
        Command::Mod(arg) => set_mod(room, arg, true),
        Command::Demod(arg) => set_mod(room, arg, false),
        Command::Description(text) => description(room, text),
        Command::Password(text) => password(text),
        Command::Chat(arg) => chat_setting(arg),
        Command::Settings => settings(room),
        Command::Unknown(typed) => reply(command::unrecognized(typed)),
    }
}

/// What the chatter typed as the command name, for the unknown-command reply.
fn typed(cmd: &Command) -> String {
    let name = match cmd {
        Command::Mute(_) => "/mute",
        Command::Unmute(_) => "/unmute",
        Command::Rename(_) => "/rename",
        Command::Mod(_) => "/mod",
        Command::Demod(_) => "/demod",
        Command::Description(_) => "/description",
        Command::Password(_) => "/password",
        Command::Chat(_) => "/chat",
        Command::Settings => "/settings",
        Command::Theme(_) => "/theme",
        Command::Themes => "/themes",
        Command::Unknown(t) => t,
        _ => "/",
    };
    name.to_string()
}

/// The `/help` lines for a rank: only what it may use.
pub fn help(kind: ChatterType, themes_on: bool) -> Vec<String> {
    let mut lines: Vec<&str> = vec![
        "The following commands are recognized:",
        "/help - show this message",
        "/users - show the currently chatting users",
        "/me <action> - perform an action",
        "/say <message> - say something, even if it starts with /",
        "/color <color> - set the color of your name in chat",
        "/name <new name> - change your name to a new one",
    ];
    if themes_on {
        lines.push("/themes - list the available themes");
        lines.push("/theme <theme> - switch to another theme");
    }
    if kind.is_staff() {
        lines.push("/mute <user> - mute user");
        lines.push("/unmute <user> - unmute user");
        lines.push("/rename <user> <new name> - rename user");
    }
    if kind == ChatterType::Admin {
        lines.push("/mod <user> - grant moderator privileges to user");
        lines.push("/demod <user> - revoke moderator privileges from user");
        lines.push("/description <text> - set the stream description");
        lines.push("/password [<text>] - set or unset the stream password");
        lines.push("/chat enabled|hidden - show or hide the chat for new viewers");
        lines.push("/settings - display all stream settings");
    }
    lines.into_iter().map(String::from).collect()
}

/// A chat line or action, unless muted or blank.
fn line(room: &Room, sender: &Member, action: bool, text: &str) -> Vec<Effect> {
    if sender.muted {
        return reply(MUTED);
    }
    let text = text.trim();
    if text.is_empty() {
        return vec![Effect::Reply(Outgoing::warning(BLANK))];
    }
    vec![Effect::Line {
        action,
        text: text::emojify(text, room.is_custom_emote).into_owned(),
    }]
}

fn color(sender: &Member, arg: &str) -> Vec<Effect> {
    if sender.muted {
        return reply(MUTED);
    }
    let Some(color) = text::parse_color(arg) else {
        return reply(format!(
            "Invalid color '{arg}' specified, try a color name, an HTML color like #ff00ff or \"random\" for a random color."
        ));
    };
    let after = Member {
        color: color.clone(),
        ..sender.clone()
    }
    .bumped();
    vec![Effect::Change(Change {
        before: sender.clone(),
        after,
        confirm: vec![Outgoing::ReturnColor { color }],
        notify: None,
    })]
}

/// Checks a new name for `target` (renamed by `sender`); the reply text when refused.
fn check_new_name(room: &Room, target: &Member, name: &str) -> Result<(), String> {
    match text::check_name(name, room.is_custom_emote) {
        Err(NameProblem::TooLong) => {
            return Err("Too long of a name specified, try a different name.".into())
        }
        Err(NameProblem::Blank | NameProblem::BadCharacters) => {
            return Err("Invalid name specified, try a different name.".into())
        }
        Ok(()) => {}
    }
    let key = text::name_key(name);
    // Only the streamer (logged in with the key) may be called by the streamer's name.
    if key == text::name_key(room.streamer) && target.kind != ChatterType::Admin {
        return Err(NAME_TAKEN.into());
    }
    if room
        .roster
        .iter()
        .any(|m| m.key == key && m.socket != target.socket)
    {
        return Err(NAME_TAKEN.into());
    }
    Ok(())
}

fn rename_self(room: &Room, sender: &Member, arg: &str) -> Vec<Effect> {
    if sender.muted {
        return reply(MUTED);
    }
    let name = arg.trim();
    if name == sender.username {
        return reply("That is already your name.");
    }
    if let Err(msg) = check_new_name(room, sender, name) {
        return reply(msg);
    }
    vec![Effect::Change(Change {
        before: sender.clone(),
        after: sender.renamed(name),
        confirm: Vec::new(),
        notify: None,
    })]
}

fn theme(room: &Room, arg: &str) -> Vec<Effect> {
    let list = room.themes.join(", ");
    if arg.is_empty() {
        return reply(format!("Usage: /theme <theme>; available themes: {list}"));
    }
    match room.themes.iter().find(|t| t.eq_ignore_ascii_case(arg)) {
        Some(t) => vec![Effect::Reply(Outgoing::ChangeTheme { theme: t.clone() })],
        None => reply(format!("Unknown theme '{arg}', available themes: {list}")),
    }
}

/// The chatter named exactly `arg` (any case).
fn find<'a>(room: &'a Room, arg: &str) -> Option<&'a Member> {
    let key = text::name_key(arg.trim());
    room.roster.iter().find(|m| m.key == key)
}

fn mute(room: &Room, sender: &Member, arg: &str, muted: bool) -> Vec<Effect> {
    let verb = if muted { "mute" } else { "unmute" };
    if arg.is_empty() {
        return reply(format!("Usage: /{verb} <user>"));
    }
    let Some(target) = find(room, arg) else {
        return reply(format!("Unrecognized user '{arg}'"));
    };
    let who = &target.username;
    if target.kind == ChatterType::Admin
        || (target.kind == ChatterType::Moderator && sender.kind == ChatterType::Moderator)
    {
        return reply(format!("User '{who}' cannot be {verb}d."));
    }
    if target.muted == muted {
        let state = if muted {
            "is already muted"
        } else {
            "is not muted"
        };
        return reply(format!("User '{who}' {state}."));
    }
    vec![Effect::Change(Change {
        before: target.clone(),
        after: Member {
            muted,
            ..target.clone()
        }
        .bumped(),
        confirm: vec![Outgoing::server(format!("User '{who}' has been {verb}d."))],
        notify: Some(format!("You have been {verb}d.")),
    })]
}

/// `/rename USER NEWNAME`: names may hold spaces, so the longest chatter name that the argument
/// starts with (followed by a space) is the target.
fn rename_other(room: &Room, sender: &Member, arg: &str) -> Vec<Effect> {
    if arg.is_empty() {
        return reply("Usage: /rename <user> <new name>");
    }
    let mut best: Option<(&Member, &str)> = None;
    for (i, c) in arg.char_indices() {
        if !c.is_whitespace() {
            continue;
        }
        let key = text::name_key(&arg[..i]);
        if let Some(m) = room.roster.iter().find(|m| m.key == key) {
            best = Some((m, arg[i..].trim()));
        }
    }
    let Some((target, new_name)) = best.or_else(|| find(room, arg).map(|m| (m, ""))) else {
        return reply(format!("Unrecognized user '{arg}'"));
    };
    let who = &target.username;
    if new_name.is_empty() {
        return reply(format!("Unspecified new username for user '{who}'"));
    }
    if target.kind == ChatterType::Admin
        || (target.kind == ChatterType::Moderator && sender.kind == ChatterType::Moderator)
    {
        return reply(format!("User '{who}' cannot be renamed."));
    }
    if let Err(msg) = check_new_name(room, target, new_name) {
        return reply(msg);
    }
    vec![Effect::Change(Change {
        before: target.clone(),
        after: target.renamed(new_name),
        confirm: Vec::new(),
        notify: None,
    })]
}

fn set_mod(room: &Room, arg: &str, promote: bool) -> Vec<Effect> {
    let usage = if promote { "/mod" } else { "/demod" };
    if arg.is_empty() {
        return reply(format!("Usage: {usage} <user>"));
    }
    let Some(target) = find(room, arg) else {
        return reply(format!("Unrecognized user '{arg}'"));
    };
    let who = &target.username;
    let phrase = if promote {
        "promoted to"
    } else {
        "demoted from"
    };
    if target.kind == ChatterType::Admin {
        return reply(format!("User '{who}' cannot be {phrase} moderator."));
    }
    let is_mod = target.kind == ChatterType::Moderator;
    if is_mod == promote {
        let state = if promote {
            "is already a moderator"
        } else {
            "is not a moderator"
        };
        return reply(format!("User '{who}' {state}."));
    }
    let kind = if promote {
        ChatterType::Moderator
    } else {
        ChatterType::Normal
    };
    vec![Effect::Change(Change {
        before: target.clone(),
        after: Member {
            kind,
            ..target.clone()
        }
        .bumped(),
        confirm: vec![Outgoing::server(format!(
            "User '{who}' has been {phrase} moderator."
        ))],
        notify: Some(format!("You have been {phrase} moderator.")),
    })]
}

fn description(room: &Room, text: &str) -> Vec<Effect> {
    let text = text::clean_line(text);
    let msg = if text.is_empty() {
        "Stream description removed!"
    } else {
        "Stream description updated!"
    };
    vec![
        Effect::Streamer(StreamerChange::Description(
            text::emojify(&text, room.is_custom_emote).into_owned(),
        )),
        Effect::Reply(Outgoing::server(msg)),
    ]
}

fn password(text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        return vec![
            Effect::Streamer(StreamerChange::Password(None)),
            Effect::Reply(Outgoing::server("Stream password removed!")),
        ];
    }
    // The room learns of it from [`StreamerChange::broadcast`] once it is stored.
    vec![
        Effect::Streamer(StreamerChange::Password(Some(text.to_string()))),
        Effect::Reply(Outgoing::server(format!(
            "Stream password set to \"{text}\"!"
        ))),
        Effect::Reply(Outgoing::PasswordSet {
            password: text.to_string(),
        }),
    ]
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

fn chat_setting(arg: &str) -> Vec<Effect> {
    // `disabled` is left to the command line: from the chat it would lock the streamer out.
    let setting = match arg.trim().to_ascii_lowercase().as_str() {
        "enabled" => ChatSetting::Enabled,
        "hidden" => ChatSetting::Hidden,
        _ => return reply("Usage: /chat enabled|hidden"),
    };
    let msg = match setting {
        ChatSetting::Hidden => "Chat now starts hidden for new viewers.",
        _ => "Chat now starts shown for new viewers.",
    };
    vec![
        Effect::Streamer(StreamerChange::Chat(setting)),
        Effect::Reply(Outgoing::server(msg)),
    ]
}

fn settings(room: &Room) -> Vec<Effect> {
    let Some(s) = room.settings else {
        return reply("Error looking up settings!");
    };
    let description = if s.description.is_empty() {
        "No stream description".to_string()
    } else {
        format!("Description: {}", s.description)
    };
    let password = match &s.streampass {
        Some(p) => format!("Stream password: {p}"),
        None => "No stream password".to_string(),
    };
    replies([description, password, format!("Chat: {}", s.chat.as_str())])
}

#[cfg(test)]
mod tests;
