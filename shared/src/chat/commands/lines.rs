//! Deleting chat lines (SPEC §7), for staff: `/delete ID` one line, `/clear USER` a chatter's
//! lines of the last ten minutes. Decided on the room's history (the lines a joiner would get):
//! an id that is not there is unknown. A moderator deletes a normal chatter's lines and its own,
//! never the streamer's or another moderator's (ranks as the lines were sent).

use super::{find, reply, Call, Effects};
use crate::chat::effect::{Deletion, Effect};
use crate::chat::line::{Author, HistoryLine};
use crate::chat::member::{ChatterType, Member};
use crate::text;

/// How far back `/clear` reaches.
pub const CLEAR_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Whether `sender` may delete what a chatter of rank `kind` named `key` wrote.
fn may_delete(sender: &Member, key: &str, kind: ChatterType) -> bool {
    sender.kind == ChatterType::Admin || sender.key == key || kind == ChatterType::Normal
}

fn authored(line: &HistoryLine) -> Option<(Author, String)> {
    let author = line.author()?;
    let key = text::name_key(&author.username);
    Some((author, key))
}

/// `/delete ID`.
pub fn delete(call: Call) -> Effects {
    let id = call.args;
    if id.is_empty() {
        return reply(format!("Usage: {}", call.command.usage));
    }
    let found = call.room.history.iter().find(|l| l.id == id);
    let Some((line, (author, key))) = found.and_then(|l| Some((l, authored(l)?))) else {
        return reply(format!("Unknown message id '{id}'."));
    };
    if !may_delete(call.sender, &key, author.kind) {
        return reply(format!(
            "Messages of '{}' cannot be deleted.",
            author.username
        ));
    }
    vec![Effect::Delete(Deletion {
        lines: vec![(line.id.clone(), author.username)],
        confirm: "Message deleted.".into(),
    })]
}

/// `/clear USER`: the chatter in the room, or one who left lines in history.
pub fn clear(call: Call) -> Effects {
    let (room, arg) = (call.room, call.args);
    if arg.is_empty() {
        return reply(format!("Usage: {}", call.command.usage));
    }
    let key = text::name_key(arg);
    let theirs: Vec<(&HistoryLine, Author)> = room
        .history
        .iter()
        .filter_map(|l| authored(l).filter(|(_, k)| *k == key).map(|(a, _)| (l, a)))
        .collect();
    let (name, kind) = match (find(room, arg), theirs.last()) {
        (Some(m), _) => (m.username.clone(), m.kind),
        (None, Some((_, a))) => (a.username.clone(), a.kind),
        (None, None) => return reply(format!("Unrecognized user '{arg}'")),
    };
    // Any line of theirs sent as staff protects them as the chatter's rank does.
    let staff = theirs.iter().any(|(_, a)| a.kind != ChatterType::Normal);
    let rank = if staff && kind == ChatterType::Normal {
        ChatterType::Moderator
    } else {
        kind
    };
    if !may_delete(call.sender, &key, rank) {
        return reply(format!("User '{name}' cannot be cleared."));
    }
    let since = room.now_ms - CLEAR_WINDOW_MS;
    let lines: Vec<(String, String)> = theirs
        .into_iter()
        .filter(|(l, _)| l.timestamp >= since)
        .map(|(l, a)| (l.id.clone(), a.username))
        .collect();
    if lines.is_empty() {
        return reply(format!(
            "User '{name}' has no lines of the last 10 minutes."
        ));
    }
    let confirm = format!("Deleted {} line(s) of '{name}'.", lines.len());
    vec![Effect::Delete(Deletion { lines, confirm })]
}
