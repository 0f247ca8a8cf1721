//! Every chat command, declared once in [`COMMANDS`]: its names, usage, help text, the least
//! rank that may use it, what deciding it needs loaded, and the one function that decides its
//! effects. The functions live by rank: [`everyone`], [`moderation`] and [`lines`] (staff) and
//! [`streamer`] (the admin). Adding a command is one row here and one function there; `/help` is built
//! from the table.

mod everyone;
pub mod lines;
mod moderation;
mod names;
mod room_rules;
mod sanctions;
mod streamer;

pub use sanctions::MAX_REASON;

use super::effect::Effect;
use super::line::HistoryLine;
use super::member::{ChatterType, Member};
use super::protocol::Outgoing;
use crate::store::Streamer;
use crate::text::{self, NameProblem};
use std::fmt;

pub const MUTED: &str = "You are muted!";
pub const BLANK: &str = "Message cannot be blank";
pub const NAME_TAKEN: &str = "Name has already been taken, try a different name.";

/// What a command decides: the effects, in order.
pub type Effects = Vec<Effect>;

/// Who may use a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    Everyone,
    Staff,
    Admin,
}

impl Rank {
    pub fn of(kind: ChatterType) -> Self {
        match kind {
            ChatterType::Admin => Rank::Admin,
            ChatterType::Moderator => Rank::Staff,
            ChatterType::Normal => Rank::Everyone,
        }
    }
}

/// What a command needs beyond the sender and its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The room's roster on every instance ([`Room::roster`]).
    Roster,
    /// The streamer's stored settings ([`Room::settings`]).
    Settings,
    /// Several configured themes: without them the command does not exist.
    Themes,
    /// The room's history ([`Room::history`]).
    History,
}

/// One row of the command table.
pub struct Command {
    /// The name and its aliases, matched case-insensitively; the first is the canonical name.
    pub names: &'static [&'static str],
    pub usage: &'static str,
    pub help: &'static str,
    pub rank: Rank,
    pub needs: &'static [Need],
    pub run: fn(Call) -> Effects,
}

/// What a decision may read about the room.
pub struct Room<'a> {
    /// The streamer's username as registered (the room is its lowercase form).
    pub streamer: &'a str,
    /// Configured page themes; theme commands exist only when there are several.
    pub themes: &'a [String],
    /// Whether `alias` is a custom emote (kept as `:alias:`, counted as one character).
    pub is_custom_emote: &'a (dyn Fn(&str) -> bool + Sync),
    /// The room's chatters on every instance; loaded for commands needing [`Need::Roster`].
    pub roster: &'a [Member],
    /// The streamer's stored settings; loaded for commands needing [`Need::Settings`].
    pub settings: Option<&'a Streamer>,
    /// The room's history, oldest first; loaded for commands needing [`Need::History`].
    pub history: &'a [HistoryLine],
    /// Now, in unix ms (what "the last ten minutes" of `/clear` count from).
    pub now_ms: i64,
}

/// One use of a command: who typed it where, with what argument text (trimmed).
#[derive(Clone, Copy)]
pub struct Call<'a> {
    pub command: &'static Command,
    pub room: &'a Room<'a>,
    pub sender: &'a Member,
    pub args: &'a str,
}

#[rustfmt::skip]
pub static COMMANDS: &[Command] = &[
    row(&["help"], "/help", "show this message", Rank::Everyone, &[], everyone::help),
    row(&["users", "userlist", "names"], "/users", "show the currently chatting users", Rank::Everyone, &[Need::Roster], everyone::users),
    row(&["me", "action", "describe"], "/me <action>", "perform an action", Rank::Everyone, &[], everyone::me),
    row(&["say"], "/say <message>", "say something, even if it starts with /", Rank::Everyone, &[], everyone::say),
    row(&["color", "setcolor"], "/color <color>", "set the color of your name in chat", Rank::Everyone, &[], everyone::color),
    row(&["name", "nick"], "/name <new name>", "change your name to a new one", Rank::Everyone, &[Need::Roster], everyone::name),
    row(&["themes"], "/themes", "list the available themes", Rank::Everyone, &[Need::Themes], everyone::themes),
    row(&["theme"], "/theme <theme>", "switch to another theme", Rank::Everyone, &[Need::Themes], everyone::theme),
    row(&["register"], "/register <password>", "register your name: logging in under it then needs the password", Rank::Everyone, &[], names::register),
    row(&["unregister"], "/unregister", "drop the registration of your name", Rank::Everyone, &[], names::unregister),
    row(&["mute", "quiet"], "/mute <user> [<duration>]", "mute user (for 30s, 10m, 2h, 7d or seconds)", Rank::Staff, &[Need::Roster], |c| sanctions::mute(c, false)),
    row(&["timeout"], "/timeout <user> <duration>", "mute user for a while (30s, 10m, 2h, 7d or seconds)", Rank::Staff, &[Need::Roster], |c| sanctions::mute(c, true)),
    row(&["unmute", "unquiet"], "/unmute <user>", "lift a mute or timeout", Rank::Staff, &[Need::Roster], sanctions::unmute),
    row(&["kick"], "/kick <user>", "send user out of the chat (they may come back)", Rank::Staff, &[Need::Roster], sanctions::kick),
    row(&["ban"], "/ban <user> [<duration>] [<reason>]", "ban user's name and address from the chat", Rank::Staff, &[Need::Roster], sanctions::ban),
    row(&["unban"], "/unban <name>", "lift a ban", Rank::Staff, &[], sanctions::unban),
    row(&["bans"], "/bans", "list bans and timeouts", Rank::Staff, &[], sanctions::bans),
    row(&["rename"], "/rename <user> <new name>", "rename user", Rank::Staff, &[Need::Roster], moderation::rename),
    row(&["delete"], "/delete <id>", "delete a chat line", Rank::Staff, &[Need::History], lines::delete),
    row(&["clear"], "/clear <user>", "delete a user's lines of the last 10 minutes", Rank::Staff, &[Need::Roster, Need::History], lines::clear),
    row(&["mod"], "/mod <user>", "grant moderator privileges to user", Rank::Admin, &[Need::Roster], |c| streamer::set_moderator(c, true)),
    row(&["demod", "unmod"], "/demod <user>", "revoke moderator privileges from user", Rank::Admin, &[Need::Roster], |c| streamer::set_moderator(c, false)),
    row(&["description", "desc"], "/description <text>", "set the stream description", Rank::Admin, &[], streamer::description),
    row(&["password"], "/password [<text>]", "set or unset the stream password", Rank::Admin, &[], streamer::password),
    row(&["chat"], "/chat enabled|hidden", "show or hide the chat for new viewers", Rank::Admin, &[], streamer::chat),
    row(&["settings"], "/settings", "display all stream settings", Rank::Admin, &[Need::Settings], streamer::settings),
    row(&["slow"], "/slow <seconds>|off", "let normal chatters post one line per so many seconds", Rank::Staff, &[], room_rules::slow),
    row(&["emoteonly"], "/emoteonly on|off", "let normal chatters post only emoji and emotes", Rank::Staff, &[], room_rules::emote_only),
    row(&["links"], "/links on|off|mods", "let everyone, nobody or only moderators post links", Rank::Admin, &[], room_rules::links),
    row(&["filter"], "/filter add|remove <word>|/<regex>/, /filter list", "block lines with a word or pattern", Rank::Admin, &[], room_rules::filter),
    row(&["pin"], "/pin <message>", "pin a message above the chat", Rank::Staff, &[], room_rules::pin),
    row(&["unpin"], "/unpin", "remove the pinned message", Rank::Staff, &[], room_rules::unpin),
    row(&["chatmode"], "/chatmode registered|all", "let only registered names, or everyone, chat", Rank::Admin, &[], names::chatmode),
];

const fn row(
    names: &'static [&'static str],
    usage: &'static str,
    help: &'static str,
    rank: Rank,
    needs: &'static [Need],
    run: fn(Call) -> Effects,
) -> Command {
    Command {
        names,
        usage,
        help,
        rank,
        needs,
        run,
    }
}

impl Command {
    /// The command with this name or alias (any case).
    pub fn lookup(name: &str) -> Option<&'static Command> {
        let name = name.to_lowercase();
        COMMANDS.iter().find(|c| c.names.contains(&name.as_str()))
    }

    /// The canonical name as typed: `/mute` for `/quiet` too.
    pub fn name(&self) -> String {
        format!("/{}", self.names[0])
    }

    pub fn needs(&self, need: Need) -> bool {
        self.needs.contains(&need)
    }

    /// Whether `kind` may use it in `room`; anyone else is told it does not exist.
    pub fn usable(&self, kind: ChatterType, room: &Room) -> bool {
        Rank::of(kind) >= self.rank && (!self.needs(Need::Themes) || room.themes.len() > 1)
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Rows are statics: one is equal only to itself.
impl PartialEq for Command {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
    }
}

impl Eq for Command {}

/// The `/help` lines for a chatter: only what it may use, in table order.
pub fn help_lines(kind: ChatterType, room: &Room) -> Vec<String> {
    let usable = COMMANDS.iter().filter(|c| c.usable(kind, room));
    std::iter::once("The following commands are recognized:".to_string())
        .chain(usable.map(|c| format!("{} - {}", c.usage, c.help)))
        .collect()
}

pub fn reply(msg: impl Into<String>) -> Effects {
    vec![Effect::Reply(Outgoing::server(msg))]
}

pub fn replies(lines: impl IntoIterator<Item = String>) -> Effects {
    lines
        .into_iter()
        .map(|l| Effect::Reply(Outgoing::server(l)))
        .collect()
}

/// A chat line or action, unless muted or blank (a plain line, `/say` and `/me`).
pub fn line(room: &Room, sender: &Member, action: bool, text: &str) -> Effects {
    if sender.is_muted() {
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

/// The chatter named exactly `arg` (any case).
fn find<'a>(room: &'a Room, arg: &str) -> Option<&'a Member> {
    let key = text::name_key(arg.trim());
    room.roster.iter().find(|m| m.key == key)
}

/// The chatter an argument starts with and the rest of it (trimmed). Names may hold spaces,
/// so the longest chatter name the argument starts with, followed by a space, wins; else the
/// whole argument is the name.
fn target_and_rest<'a>(room: &'a Room, arg: &'a str) -> Option<(&'a Member, &'a str)> {
    let mut best = None;
    for (i, c) in arg.char_indices() {
        if !c.is_whitespace() {
            continue;
        }
        let key = text::name_key(&arg[..i]);
        if let Some(m) = room.roster.iter().find(|m| m.key == key) {
            best = Some((m, arg[i..].trim()));
        }
    }
    best.or_else(|| find(room, arg).map(|m| (m, "")))
}

/// Checks a new name for `target`; the reply text when refused.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_declared_once() {
        let mut names: Vec<&str> = COMMANDS
            .iter()
            .flat_map(|c| c.names.iter().copied())
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
        for c in COMMANDS {
            assert!(c.usage.starts_with(&c.name()), "{c:?}");
        }
    }

    #[test]
    fn ranks() {
        let rank = |n: &str| Command::lookup(n).map(|c| c.rank);
        assert_eq!(rank("help"), Some(Rank::Everyone));
        assert_eq!(rank("mute"), Some(Rank::Staff));
        for staff in ["quiet", "timeout", "unmute", "kick", "ban", "unban", "bans"] {
            assert_eq!(rank(staff), Some(Rank::Staff), "{staff}");
        }
        assert_eq!(rank("rename"), Some(Rank::Staff));
        assert_eq!(rank("mod"), Some(Rank::Admin));
        assert_eq!(rank("settings"), Some(Rank::Admin));
        assert!(Rank::Admin > Rank::Staff && Rank::Staff > Rank::Everyone);
    }
}
