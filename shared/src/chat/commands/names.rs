//! Registered chat names (SPEC §8): `/register PASSWORD` and `/unregister` for the chatter's
//! own name, and the streamer's `/chatmode registered|all`. The password's length is checked
//! here; hashing, the streamers' names and the store are the gateway's (see
//! [`crate::auth::hash_name_password`]).

use super::{reply, Call, Effects, MUTED};
use crate::auth::check_name_password;
use crate::chat::effect::{Effect, NamePassword};
use crate::chat::room_rules::RuleChange;

/// `/register PASSWORD`: the password is everything after the command, spaces included.
pub fn register(call: Call) -> Effects {
    let sender = call.sender;
    if sender.is_muted() {
        return reply(MUTED);
    }
    if sender.registered {
        return reply(format!(
            "The name '{}' is already registered.",
            sender.username
        ));
    }
    let password = call.args;
    if password.is_empty() {
        return reply(format!("Usage: {}", call.command.usage));
    }
    if let Err(e) = check_name_password(password) {
        return reply(e.to_string());
    }
    vec![Effect::Register(NamePassword::new(password))]
}

/// `/unregister`: only under the registered name, proven with its password.
pub fn unregister(call: Call) -> Effects {
    match call.sender.registered {
        true => vec![Effect::Unregister],
        false => reply(format!(
            "You are not logged in under a registered name ('{}' is not, or you renamed).",
            call.sender.username
        )),
    }
}

/// `/chatmode registered|all`.
pub fn chatmode(call: Call) -> Effects {
    match call.args.trim().to_ascii_lowercase().as_str() {
        "registered" => vec![Effect::Rules(RuleChange::RegisteredOnly(true))],
        "all" => vec![Effect::Rules(RuleChange::RegisteredOnly(false))],
        _ => reply(format!("Usage: {}", call.command.usage)),
    }
}
