//! Commands for staff (moderators and the streamer) beyond sanctions: renaming other chatters.
//! Nobody acts on the streamer, and a moderator does not act on another moderator.

use super::{check_new_name, reply, target_and_rest, Call, Effects};
use crate::chat::effect::{Change, Effect};
use crate::chat::member::{ChatterType, Member};

/// Whether `sender` may not mute, kick, ban or rename `target`.
pub(super) fn untouchable(sender: &Member, target: &Member) -> bool {
    target.kind == ChatterType::Admin
        || (target.kind == ChatterType::Moderator && sender.kind == ChatterType::Moderator)
}

/// `/rename USER NEWNAME`: names may hold spaces, so the longest chatter name that the argument
/// starts with (followed by a space) is the target.
pub fn rename(call: Call) -> Effects {
    let (room, arg) = (call.room, call.args);
    if arg.is_empty() {
        return reply(format!("Usage: {}", call.command.usage));
    }
    let Some((target, new_name)) = target_and_rest(room, arg) else {
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
