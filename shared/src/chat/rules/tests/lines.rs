//! `/delete` and `/clear`: decided on the room's history, with the rank rules of `/mute`.

use super::world::*;
use crate::chat::commands::lines::CLEAR_WINDOW_MS;
use crate::chat::protocol::Said;
use crate::chat::{Deletion, Effect, HistoryLine, LineStamp, Outgoing};

fn said(w: &World, name: &str, id: &str, age_ms: i64) -> HistoryLine {
    let m = w.who(name);
    HistoryLine::of(&Outgoing::MessageReceived(Said {
        username: m.username,
        kind: m.kind,
        color: m.color,
        message: "text".into(),
        stamp: LineStamp {
            id: id.into(),
            timestamp: NOW_MS - age_ms,
        },
    }))
    .unwrap()
}

fn deleted(effects: Vec<Effect>) -> Vec<String> {
    match effects.as_slice() {
        [Effect::Delete(Deletion { lines, .. })] => lines.iter().map(|l| l.0.clone()).collect(),
        other => panic!("expected a deletion, got {other:?}"),
    }
}

#[test]
fn delete_and_clear_follow_the_ranks_of_the_lines() {
    let mut w = world();
    w.history = vec![
        said(&w, "bob", "old", CLEAR_WINDOW_MS + 1),
        said(&w, "bob", "b1", 1000),
        said(&w, "Mod", "m1", 0),
        said(&w, "Mod2", "m2", 0),
        said(&w, "Bob Smith", "x", 0),
        said(&w, "Streamer", "s1", 0),
        said(&w, "bob", "b2", 0),
    ];
    assert_eq!(deleted(w.run("Mod", "/delete b1")), ["b1"]);
    assert_eq!(deleted(w.run("Mod", "/delete m1")), ["m1"], "one's own");
    assert_eq!(deleted(w.run("Streamer", "/delete m2")), ["m2"]);
    assert_eq!(
        deleted(w.run("Mod", "/clear BOB")),
        ["b1", "b2"],
        "10 minutes"
    );
    // The moderator's refusals.
    for (input, reply) in [
        ("/delete m2", "Messages of 'Mod2' cannot be deleted."),
        ("/delete zz", "Unknown message id 'zz'."),
        ("/delete", "Usage: /delete <id>"),
        ("/clear mod2", "User 'Mod2' cannot be cleared."),
        ("/clear nobody", "Unrecognized user 'nobody'"),
    ] {
        assert_eq!(only_reply(w.run("Mod", input)), reply, "{input}");
    }
    let unknown = only_reply(w.run("bob", "/delete b1"));
    assert!(unknown.starts_with("Unrecognized command '/delete'"));
    // A chatter who left is cleared by what it left in history, at the rank it had there.
    w.roster
        .retain(|m| m.username != "bob" && m.username != "Mod2");
    assert_eq!(deleted(w.run("Mod", "/clear bob")), ["b1", "b2"]);
    let refused = only_reply(w.run("Mod", "/clear mod2"));
    assert_eq!(refused, "User 'Mod2' cannot be cleared.");
}
