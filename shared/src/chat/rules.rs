//! The chat's rules as pure functions: (room, sender, input) → effects. The gateway loads what a
//! decision needs (the roster, the streamer's settings), calls [`decide`], and carries out the
//! effects; roster changes are compare-and-set, so a decision made on stale data is retried.
//! Which commands exist and what each decides is the table in [`super::commands`].

use super::commands::{line, reply, Call, Effects, Room};
use super::input::{unrecognized, Input};
use super::member::Member;

/// Decides what a chatter's (trimmed, non-empty) input does. A command above the sender's rank
/// (or one the site does not offer) answers exactly like an unknown one.
pub fn decide(room: &Room, sender: &Member, input: &Input) -> Effects {
    match input {
        Input::Line(text) => line(room, sender, false, text),
        Input::Unknown(typed) => reply(unrecognized(typed)),
        Input::Command { command, args } if command.usable(sender.kind, room) => {
            (command.run)(Call {
                command,
                room,
                sender,
                args,
            })
        }
        Input::Command { command, .. } => reply(unrecognized(&command.name())),
    }
}

#[cfg(test)]
mod tests;
