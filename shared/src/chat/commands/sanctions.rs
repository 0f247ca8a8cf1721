//! Staff sanctions (SPEC §7): `/mute USER [DURATION]`, `/timeout USER DURATION`, `/unmute`,
//! `/kick`, `/ban USER [DURATION] [REASON]`, `/unban NAME` and `/bans`. Each decides on the
//! roster and the rank rules of [`super::moderation`]; binding to the identity (name key and
//! address), the store and the other instances is the gateway's part.

use super::moderation::untouchable;
use super::{reply, target_and_rest, Call, Effects};
use crate::chat::ban_request::BanRefused;
use crate::chat::duration::{self, Spoken};
use crate::chat::effect::{Change, Effect};
use crate::chat::member::Member;
use crate::chat::protocol::Outgoing;
use std::time::Duration;

/// Most characters of a ban's reason kept.
pub const MAX_REASON: usize = 200;

/// The target of `call` and the rest of its argument, or the reply refusing it: no argument,
/// nobody by that name, or someone `verb` may not be done to by the sender.
fn target<'a>(call: &Call<'a>, verb: &str) -> Result<(&'a Member, &'a str), Effects> {
    let arg = call.args;
    if arg.is_empty() {
        return Err(reply(format!("Usage: {}", call.command.usage)));
    }
    let Some((target, rest)) = target_and_rest(call.room, arg) else {
        return Err(reply(format!("Unrecognized user '{arg}'")));
    };
    if untouchable(call.sender, target) {
        let who = &target.username;
        return Err(reply(format!("User '{who}' cannot be {verb}.")));
    }
    Ok((target, rest))
}

/// When something lasting `d` from now ends, unix ms.
fn ends(d: Duration) -> i64 {
    crate::store::now_ms() + d.as_millis() as i64
}

/// `/mute USER [DURATION]` and `/timeout USER DURATION` (`timeout` says which; a timeout needs
/// its duration). Muting an already muted chatter for a time sets the new end.
pub fn mute(call: Call, timeout: bool) -> Effects {
    let verb = if timeout { "timed out" } else { "muted" };
    let (target, rest) = match target(&call, verb) {
        Ok(t) => t,
        Err(refused) => return refused,
    };
    let lasting = match rest {
        "" if timeout => return reply(format!("Usage: {}", call.command.usage)),
        "" => None,
        d => match duration::parse(d) {
            Ok(d) => Some(d),
            Err(e) => return reply(e.to_string()),
        },
    };
    let who = &target.username;
    if target.is_muted() && target.muted_until.is_none() && lasting.is_none() {
        return reply(format!("User '{who}' is already muted."));
    }
    let (confirm, notify) = match lasting {
        Some(d) => (
            format!("User '{who}' has been {verb} for {}.", Spoken(d)),
            format!("You have been {verb} for {}.", Spoken(d)),
        ),
        None => (
            format!("User '{who}' has been muted."),
            "You have been muted.".to_string(),
        ),
    };
    let after = Member {
        muted: true,
        muted_until: lasting.map(ends),
        ..target.clone()
    };
    vec![Effect::change(Change {
        before: target.clone(),
        after: after.bumped(),
        confirm: vec![Outgoing::server(confirm)],
        notify: Some(notify),
    })]
}

/// `/unmute USER`: lifts a mute or a timeout.
pub fn unmute(call: Call) -> Effects {
    let (target, _) = match target(&call, "unmuted") {
        Ok(t) => t,
        Err(refused) => return refused,
    };
    let who = &target.username;
    if !target.is_muted() {
        return reply(format!("User '{who}' is not muted."));
    }
    let after = Member {
        muted: false,
        muted_until: None,
        ..target.clone()
    };
    vec![Effect::change(Change {
        before: target.clone(),
        after: after.bumped(),
        confirm: vec![Outgoing::server(format!("User '{who}' has been unmuted."))],
        notify: Some("You have been unmuted.".into()),
    })]
}

/// `/kick USER`: the chatter leaves the chat (and may come back).
pub fn kick(call: Call) -> Effects {
    match target(&call, "kicked") {
        Ok((target, _)) => vec![Effect::Kick(Box::new(target.clone()))],
        Err(refused) => refused,
    }
}

/// `/ban USER [DURATION] [REASON]`: a first word starting with a digit is the duration (and a
/// bad one is refused, not taken for the reason).
pub fn ban(call: Call) -> Effects {
    let (target, rest) = match target(&call, "banned") {
        Ok(t) => t,
        Err(refused) => return refused,
    };
    let (first, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (lasting, reason) = if duration::looks_like(first) {
        match duration::parse(first) {
            Ok(d) => (Some(d), after.trim()),
            Err(e) => return reply(e.to_string()),
        }
    } else {
        (None, rest)
    };
    if reason.chars().count() > MAX_REASON {
        return reply(BanRefused::ReasonTooLong.to_string());
    }
    vec![Effect::Ban {
        target: Box::new(target.clone()),
        until: lasting.map(ends),
        reason: Some(reason.to_string()).filter(|r| !r.is_empty()),
    }]
}

/// `/unban NAME`: whether NAME was banned is the store's to say.
pub fn unban(call: Call) -> Effects {
    match call.args.trim() {
        "" => reply(format!("Usage: {}", call.command.usage)),
        name => vec![Effect::Unban(name.to_string())],
    }
}

/// `/bans`: the room's bans and timeouts, read from the store.
pub fn bans(_call: Call) -> Effects {
    vec![Effect::ListSanctions]
}
