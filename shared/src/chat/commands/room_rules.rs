//! Staff's and the streamer's commands for the room's rules: `/slow`, `/emoteonly`, `/links`,
//! `/filter` and `/pin` / `/unpin`. Each parses its argument into a [`RuleChange`]; the gateway
//! checks it against the store, stores it and puts it in force on every instance, as the API
//! and the CLI do (see [`crate::chat::room_rules`]).

use super::{reply, Call, Effects};
use crate::chat::effect::Effect;
use crate::chat::filters::Filter;
use crate::chat::room_rules::{pin_text, LinkRule, RuleChange, MAX_SLOW_SECS};

fn usage(call: Call) -> Effects {
    reply(format!("Usage: {}", call.command.usage))
}

fn change(c: RuleChange) -> Effects {
    vec![Effect::Rules(c)]
}

/// `/slow SECONDS` (also `30s`), `/slow off` (or 0).
pub fn slow(call: Call) -> Effects {
    let arg = call.args.trim().to_ascii_lowercase();
    if arg == "off" {
        return change(RuleChange::Slow(0));
    }
    match arg.strip_suffix('s').unwrap_or(&arg).parse::<u32>() {
        Ok(s) if s <= MAX_SLOW_SECS => change(RuleChange::Slow(s)),
        _ => reply(format!(
            "Usage: {} (0 to {MAX_SLOW_SECS} seconds)",
            call.command.usage
        )),
    }
}

/// `/emoteonly on|off`.
pub fn emote_only(call: Call) -> Effects {
    match call.args.trim().to_ascii_lowercase().as_str() {
        "on" => change(RuleChange::EmoteOnly(true)),
        "off" => change(RuleChange::EmoteOnly(false)),
        _ => usage(call),
    }
}

/// `/links on|off|mods`.
pub fn links(call: Call) -> Effects {
    match LinkRule::parse(call.args) {
        Some(l) => change(RuleChange::Links(l)),
        None => usage(call),
    }
}

/// `/filter add WORD|/REGEX/`, `/filter remove WORD|/REGEX/`, `/filter list`.
pub fn filter(call: Call) -> Effects {
    let (verb, rest) = call
        .args
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((call.args.trim(), ""));
    let parsed = || Filter::parse(rest);
    match (verb.to_ascii_lowercase().as_str(), rest.trim().is_empty()) {
        ("list", true) => vec![Effect::ListFilters],
        ("add", false) => match parsed() {
            Ok(f) => change(RuleChange::AddFilter(f)),
            Err(e) => reply(e.to_string()),
        },
        ("remove", false) => match parsed() {
            Ok(f) => change(RuleChange::RemoveFilter(f)),
            Err(e) => reply(e.to_string()),
        },
        _ => usage(call),
    }
}

/// `/pin TEXT`: emoji shortcodes become emoji, as in a line.
pub fn pin(call: Call) -> Effects {
    match pin_text(call.args, call.room.is_custom_emote) {
        Some(text) => change(RuleChange::Pin(Some(text))),
        None => usage(call),
    }
}

/// `/unpin`.
pub fn unpin(_call: Call) -> Effects {
    change(RuleChange::Pin(None))
}
