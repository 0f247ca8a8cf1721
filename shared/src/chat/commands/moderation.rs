//! Commands for staff (moderators and the streamer): muting and renaming other chatters.
//! Nobody acts on the streamer, and a moderator does not act on another moderator.

use super::{check_new_name, find, reply, Call, Effects};
use crate::chat::effect::{Change, Effect};
use crate::chat::member::{ChatterType, Member};
use crate::chat::protocol::Outgoing;
use crate::text;

/// Whether `sender` may not mute or rename `target`.
fn untouchable(sender: &Member, target: &Member) -> bool {
    target.kind == ChatterType::Admin
        || (target.kind == ChatterType::Moderator && sender.kind == ChatterType::Moderator)
}

/// `/mute` and `/unmute` (`muted` says which).
pub fn set_muted(call: Call, muted: bool) -> Effects {
    let arg = call.args;
    let verb = if muted { "mute" } else { "unmute" };
    if arg.is_empty() {
        return reply(format!("Usage: {}", call.command.usage));
    }
    let Some(target) = find(call.room, arg) else {
        return reply(format!("Unrecognized user '{arg}'"));
    };
    let who = &target.username;
    if untouchable(call.sender, target) {
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
    vec![Effect::change(Change {
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
pub fn rename(call: Call) -> Effects {
    let (room, arg) = (call.room, call.args);
    if arg.is_empty() {
        return reply(format!("Usage: {}", call.command.usage));
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
    if untouchable(call.sender, target) {
        return reply(format!("User '{who}' cannot be renamed."));
    }
    if let Err(msg) = check_new_name(room, target, new_name) {
        return reply(msg);
    }
    vec![Effect::change(Change::new(
        target,
        target.renamed(new_name),
    ))]
}
