//! Commands anyone logged in may use: help, the user list, lines and actions, their own color
//! and name, and the page theme.

use super::{check_new_name, help_lines, line, replies, reply, Call, Effects};
use crate::chat::effect::{Change, Effect};
use crate::chat::member::Member;
use crate::chat::protocol::Outgoing;
use crate::text;

pub fn help(call: Call) -> Effects {
    replies(help_lines(call.sender.kind, call.room))
}

/// The roster's first page (SPEC §5a); the page asks `get users` for the rest.
pub fn users(call: Call) -> Effects {
    vec![Effect::Reply(crate::chat::roster_page::userlist(
        call.room.roster,
        0,
    ))]
}

pub fn me(call: Call) -> Effects {
    line(call.room, call.sender, true, call.args)
}

pub fn say(call: Call) -> Effects {
    line(call.room, call.sender, false, call.args)
}

pub fn color(call: Call) -> Effects {
    let (sender, arg) = (call.sender, call.args);
    if sender.is_muted() {
        return reply(super::MUTED);
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
    vec![Effect::change(Change {
        before: sender.clone(),
        after,
        confirm: vec![Outgoing::ReturnColor { color }],
        notify: None,
    })]
}

pub fn name(call: Call) -> Effects {
    let sender = call.sender;
    if sender.is_muted() {
        return reply(super::MUTED);
    }
    let name = call.args.trim();
    if name == sender.username {
        return reply("That is already your name.");
    }
    if let Err(msg) = check_new_name(call.room, sender, name) {
        return reply(msg);
    }
    vec![Effect::change(Change::new(sender, sender.renamed(name)))]
}

pub fn themes(call: Call) -> Effects {
    reply(format!("Available themes: {}", call.room.themes.join(", ")))
}

pub fn theme(call: Call) -> Effects {
    let (themes, arg) = (call.room.themes, call.args);
    let list = themes.join(", ");
    if arg.is_empty() {
        return reply(format!(
            "Usage: {}; available themes: {list}",
            call.command.usage
        ));
    }
    match themes.iter().find(|t| t.eq_ignore_ascii_case(arg)) {
        Some(t) => vec![Effect::Reply(Outgoing::ChangeTheme { theme: t.clone() })],
        None => reply(format!("Unknown theme '{arg}', available themes: {list}")),
    }
}
