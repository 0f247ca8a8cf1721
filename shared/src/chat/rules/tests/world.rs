//! The small world every rule test runs in: a room with a streamer, two moderators, two
//! chatters whose names overlap, and a muted one; and helpers to read decisions.

use crate::chat::input::parse;
use crate::chat::{decide, Change, ChatterType, Effect, HistoryLine, Member, Outgoing, Room};
use crate::store::Streamer;

const THEMES: [&str; 3] = ["default", "dark", "light"];

/// The rule tests' clock.
pub const NOW_MS: i64 = 1_800_000_000_000;

pub struct World {
    pub roster: Vec<Member>,
    pub themes: Vec<String>,
    pub settings: Option<Streamer>,
    pub history: Vec<HistoryLine>,
}

pub fn member(n: u32, name: &str, kind: ChatterType) -> Member {
    Member::new(&format!("i1.{n}"), name, kind, "#112233")
}

pub fn world() -> World {
    World {
        roster: vec![
            member(1, "Streamer", ChatterType::Admin),
            member(2, "Mod", ChatterType::Moderator),
            member(3, "Mod2", ChatterType::Moderator),
            member(4, "bob", ChatterType::Normal),
            member(5, "Bob Smith", ChatterType::Normal),
            Member {
                muted: true,
                ..member(6, "quiet", ChatterType::Normal)
            },
        ],
        themes: THEMES.iter().map(|s| s.to_string()).collect(),
        settings: None,
        history: Vec::new(),
    }
}

impl World {
    pub fn who(&self, name: &str) -> Member {
        self.roster
            .iter()
            .find(|m| m.username == name)
            .unwrap()
            .clone()
    }

    pub fn run(&self, sender: &str, text: &str) -> Vec<Effect> {
        let emote = |a: &str| a == "kappa";
        let room = Room {
            streamer: "Streamer",
            themes: &self.themes,
            is_custom_emote: &emote,
            roster: &self.roster,
            settings: self.settings.as_ref(),
            history: &self.history,
            now_ms: NOW_MS,
        };
        decide(&room, &self.who(sender), &parse(text))
    }
}

pub fn server_lines(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Reply(Outgoing::Server { msg }) => Some(msg.clone()),
            _ => None,
        })
        .collect()
}

pub fn only_reply(effects: Vec<Effect>) -> String {
    assert_eq!(effects.len(), 1, "{effects:?}");
    server_lines(&effects)
        .pop()
        .unwrap_or_else(|| panic!("not a server line: {effects:?}"))
}

/// Asserts that each `(sender, input)` gets exactly this one server reply.
pub fn replies_are(w: &World, cases: &[(&str, &str, &str)]) {
    for (who, input, reply) in cases {
        assert_eq!(only_reply(w.run(who, input)), *reply, "{who}: {input}");
    }
}

/// [`replies_are`] of a table written one case a line: `sender | input | reply`.
pub fn replies_table(w: &World, table: &str) {
    for row in table.lines().map(str::trim).filter(|r| !r.is_empty()) {
        let cells: Vec<&str> = row.splitn(3, '|').map(str::trim).collect();
        replies_are(w, &[(cells[0], cells[1], cells[2])]);
    }
}

/// A rename's names: before and after.
pub fn names(c: &Change) -> (&str, &str) {
    (&c.before.username, &c.after.username)
}

pub fn change(effects: Vec<Effect>) -> Change {
    match effects.as_slice() {
        [Effect::Change(c)] => c.as_ref().clone(),
        other => panic!("expected one change, got {other:?}"),
    }
}
