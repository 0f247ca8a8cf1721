//! `/slow`, `/emoteonly`, `/links`, `/filter`, `/pin`, `/unpin`: what each decides from its
//! argument, with the ranks of the command table (the store checks the change itself).

use super::world::*;
use crate::chat::filters::Filter;
use crate::chat::input::unrecognized;
use crate::chat::room_rules::{LinkRule, RuleChange};
use crate::chat::Effect;

fn rule(w: &World, who: &str, input: &str) -> RuleChange {
    match w.run(who, input).as_slice() {
        [Effect::Rules(c)] => c.clone(),
        other => panic!("{who}: {input}: expected a rule change, got {other:?}"),
    }
}

#[test]
fn arguments_become_changes() {
    let w = world();
    let word = |f: &str| Filter::parse(f).unwrap();
    let cases = [
        ("Mod", "/slow 30", RuleChange::Slow(30)),
        ("Mod", "/slow 45s", RuleChange::Slow(45)),
        ("Mod", "/slow OFF", RuleChange::Slow(0)),
        ("Mod", "/slow 0", RuleChange::Slow(0)),
        ("Mod", "/emoteonly on", RuleChange::EmoteOnly(true)),
        ("Mod", "/emoteonly Off", RuleChange::EmoteOnly(false)),
        ("Streamer", "/links mods", RuleChange::Links(LinkRule::Mods)),
        (
            "Streamer",
            "/filter add Darn",
            RuleChange::AddFilter(word("darn")),
        ),
        (
            "Streamer",
            "/filter add big  deal",
            RuleChange::AddFilter(word("big deal")),
        ),
        (
            "Streamer",
            "/filter remove /x+y/",
            RuleChange::RemoveFilter(word("/x+y/")),
        ),
        (
            "Mod",
            "/pin hi :smile:",
            RuleChange::Pin(Some("hi 😄".into())),
        ),
        ("Mod", "/unpin", RuleChange::Pin(None)),
    ];
    for (who, input, want) in cases {
        assert_eq!(rule(&w, who, input), want, "{who}: {input}");
    }
    assert_eq!(w.run("Streamer", "/filter list"), vec![Effect::ListFilters]);
}

#[test]
fn ranks_and_bad_arguments() {
    let w = world();
    for (who, cmd) in [
        ("bob", "/slow 5"),
        ("bob", "/pin x"),
        ("Mod", "/links on"),
        ("Mod", "/filter list"),
    ] {
        let name = cmd.split(' ').next().unwrap();
        assert_eq!(
            only_reply(w.run(who, cmd)),
            unrecognized(name),
            "{who}: {cmd}"
        );
    }
    replies_table(
        &w,
        "Mod | /slow | Usage: /slow <seconds>|off (0 to 86400 seconds)
         Mod | /slow 86401 | Usage: /slow <seconds>|off (0 to 86400 seconds)
         Mod | /emoteonly yes | Usage: /emoteonly on|off
         Streamer | /links maybe | Usage: /links on|off|mods
         Mod | /pin    | Usage: /pin <message>
         Streamer | /filter add /(/ | Invalid regex: unclosed group
         Streamer | /filter add // | Usage: /filter add WORD, /filter add /REGEX/, /filter remove WORD|/REGEX/, /filter list",
    );
}
