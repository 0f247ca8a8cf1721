//! Every command and permission rule, one by one, on a small world; grouped like the
//! commands (lines, help and ranks here; then by rank).

mod everyone;
mod moderation;
mod streamer;

use crate::chat::input::{parse, unrecognized};
use crate::chat::{decide, Change, ChatterType, Effect, Member, Outgoing, Room, StreamerChange};
use crate::chat::{BLANK, MUTED, NAME_TAKEN};
use crate::store::{event_kind, ChatSetting, Streamer};

const THEMES: [&str; 3] = ["default", "dark", "light"];

struct World {
    roster: Vec<Member>,
    themes: Vec<String>,
    settings: Option<Streamer>,
}

fn member(n: u32, name: &str, kind: ChatterType) -> Member {
    Member::new(&format!("i1.{n}"), name, kind, "#112233")
}

fn world() -> World {
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
    }
}

impl World {
    fn who(&self, name: &str) -> Member {
        self.roster
            .iter()
            .find(|m| m.username == name)
            .unwrap()
            .clone()
    }

    fn run(&self, sender: &str, text: &str) -> Vec<Effect> {
        let emote = |a: &str| a == "kappa";
        let room = Room {
            streamer: "Streamer",
            themes: &self.themes,
            is_custom_emote: &emote,
            roster: &self.roster,
            settings: self.settings.as_ref(),
        };
        decide(&room, &self.who(sender), &parse(text))
    }
}

fn server_lines(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Reply(Outgoing::Server { msg }) => Some(msg.clone()),
            _ => None,
        })
        .collect()
}

fn only_reply(effects: Vec<Effect>) -> String {
    assert_eq!(effects.len(), 1, "{effects:?}");
    server_lines(&effects)
        .pop()
        .unwrap_or_else(|| panic!("not a server line: {effects:?}"))
}

fn change(effects: Vec<Effect>) -> Change {
    match effects.as_slice() {
        [Effect::Change(c)] => c.clone(),
        other => panic!("expected one change, got {other:?}"),
    }
}

#[test]
fn plain_lines_are_emojified_and_muted_users_are_refused() {
    let w = world();
    assert_eq!(
        w.run("bob", "hi :smile: :kappa:"),
        vec![Effect::Line {
            action: false,
            text: "hi 😄 :kappa:".into()
        }]
    );
    assert_eq!(only_reply(w.run("quiet", "hi")), MUTED);
    assert_eq!(only_reply(w.run("quiet", "/me waves")), MUTED);
    assert_eq!(only_reply(w.run("quiet", "/say hi")), MUTED);
    assert_eq!(only_reply(w.run("quiet", "/color red")), MUTED);
    assert_eq!(only_reply(w.run("quiet", "/name loud")), MUTED);
}

#[test]
fn help_shows_only_what_the_rank_may_use() {
    let w = world();
    let normal = server_lines(&w.run("bob", "/help"));
    let moderator = server_lines(&w.run("Mod", "/help"));
    let admin = server_lines(&w.run("Streamer", "/help"));
    let has = |lines: &[String], cmd: &str| lines.iter().any(|l| l.starts_with(cmd));
    assert!(
        has(&normal, "/me")
            && has(&normal, "/theme ")
            && !has(&normal, "/mute")
            && !has(&normal, "/mod")
    );
    assert!(
        has(&moderator, "/mute")
            && has(&moderator, "/rename")
            && !has(&moderator, "/mod ")
            && !has(&moderator, "/settings")
    );
    for cmd in [
        "/mute",
        "/mod ",
        "/demod",
        "/description",
        "/password",
        "/chat",
        "/settings",
    ] {
        assert!(has(&admin, cmd), "{cmd}");
    }
    let one_theme = World {
        themes: vec!["default".into()],
        ..world()
    };
    assert!(!has(
        &server_lines(&one_theme.run("bob", "/help")),
        "/theme"
    ));
}

#[test]
fn commands_above_rank_answer_like_unknown_ones() {
    let w = world();
    assert_eq!(
        only_reply(w.run("bob", "/frobnicate")),
        "Unrecognized command '/frobnicate', use '/help' for info."
    );
    for (who, cmd, name) in [
        ("bob", "/mute quiet", "/mute"),
        ("bob", "/unmute quiet", "/unmute"),
        ("bob", "/rename Mod x", "/rename"),
        ("bob", "/mod quiet", "/mod"),
        ("Mod", "/mod bob", "/mod"),
        ("Mod", "/demod Mod2", "/demod"),
        ("Mod", "/description x", "/description"),
        ("Mod", "/password x", "/password"),
        ("Mod", "/chat hidden", "/chat"),
        ("Mod", "/settings", "/settings"),
    ] {
        assert_eq!(
            only_reply(w.run(who, cmd)),
            unrecognized(name),
            "{who} {cmd}"
        );
    }
    let one_theme = World {
        themes: vec!["default".into()],
        ..world()
    };
    assert_eq!(
        only_reply(one_theme.run("bob", "/themes")),
        unrecognized("/themes")
    );
    assert_eq!(
        only_reply(one_theme.run("bob", "/theme dark")),
        unrecognized("/theme")
    );
}
