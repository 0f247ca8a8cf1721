//! Commands only the streamer (logged in with the stream key) may use: moderators, and the
//! settings the store keeps (description, password, chat visibility).

use super::{find, replies, reply, Call, Effects};
use crate::chat::effect::{Change, Effect, StreamerChange};
use crate::chat::member::{ChatterType, Member};
use crate::chat::protocol::Outgoing;
use crate::store::ChatSetting;
use crate::text;

/// `/mod` and `/demod` (`promote` says which).
pub fn set_moderator(call: Call, promote: bool) -> Effects {
    let arg = call.args;
    if arg.is_empty() {
        return reply(format!("Usage: {}", call.command.usage));
    }
    let Some(target) = find(call.room, arg) else {
        // Not here: a registered name's lasting rank may still be given or taken.
        return vec![Effect::OfflineRank {
            name: arg.trim().to_string(),
            moderator: promote,
        }];
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
    let mut effects = vec![Effect::change(Change {
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
    })];
    // A registered name keeps its rank in this room across logins (SPEC §8).
    if target.registered {
        effects.push(Effect::NameRank {
            key: target.key.clone(),
            moderator: promote,
        });
    }
    effects
}

pub fn description(call: Call) -> Effects {
    let text = text::clean_line(call.args);
    let msg = if text.is_empty() {
        "Stream description removed!"
    } else {
        "Stream description updated!"
    };
    vec![
        Effect::Streamer(StreamerChange::Description(
            text::emojify(&text, call.room.is_custom_emote).into_owned(),
        )),
        Effect::Reply(Outgoing::server(msg)),
    ]
}

pub fn password(call: Call) -> Effects {
    let text = call.args.trim();
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

pub fn chat(call: Call) -> Effects {
    // `disabled` is left to the command line: from the chat it would lock the streamer out.
    let setting = match call.args.trim().to_ascii_lowercase().as_str() {
        "enabled" => ChatSetting::Enabled,
        "hidden" => ChatSetting::Hidden,
        _ => return reply(format!("Usage: {}", call.command.usage)),
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

pub fn settings(call: Call) -> Effects {
    let Some(s) = call.room.settings else {
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
