//! The sanction commands' rules: durations, rank rules and bad input.

use super::world::*;
use crate::chat::{Effect, Outgoing};
use crate::store::{event_kind, now_ms};

/// A change's mute end, in seconds from now (rounded).
fn ends_in(effects: Vec<Effect>) -> Option<i64> {
    let until = change(effects).after.muted_until?;
    Some((until - now_ms() + 500) / 1000)
}

#[test]
fn mutes_and_timeouts_last_as_long_as_asked() {
    let w = world();
    assert_eq!(ends_in(w.run("Mod", "/mute bob 10m")), Some(600));
    assert_eq!(ends_in(w.run("Mod", "/timeout bob 30")), Some(30));
    assert_eq!(ends_in(w.run("Mod", "/mute Bob Smith 2h")), Some(7200));
    assert_eq!(ends_in(w.run("Mod", "/mute bob")), None);
    let c = change(w.run("Mod", "/timeout bob 7d"));
    assert_eq!(
        c.notify.as_deref(),
        Some("You have been timed out for 7 days.")
    );
    let confirm = Outgoing::server("User 'bob' has been timed out for 7 days.");
    assert_eq!(c.confirm, vec![confirm]);
    let audit = &c.audit("streamer", "Mod")[0];
    assert_eq!(audit.kind, event_kind::MUTE);
    assert_eq!(audit.meta["until"], c.after.muted_until.unwrap());
    // A muted chatter may be given an end; the end itself is what binds.
    assert_eq!(ends_in(w.run("Mod", "/timeout quiet 1m")), Some(60));
    let mut expired = w.who("quiet");
    expired.muted_until = Some(now_ms() - 1);
    assert!(!expired.is_muted());
}

#[test]
fn bad_sanctions_change_nothing() {
    let w = world();
    replies_table(
        &w,
        "
        Mod | /timeout bob | Usage: /timeout <user> <duration>
        Mod | /timeout | Usage: /timeout <user> <duration>
        Mod | /mute bob soon | Invalid duration 'soon': use 30s, 10m, 2h, 7d or a number of seconds.
        Mod | /timeout bob 0s | Invalid duration '0s': at least 1 second.
        Mod | /ban bob 400d | Invalid duration '400d': at most 365 days.
        Mod | /ban bob 10x spam | Invalid duration '10x': use 30s, 10m, 2h, 7d or a number of seconds.
        Mod | /kick nobody | Unrecognized user 'nobody'
        Mod | /ban nobody | Unrecognized user 'nobody'
        Mod | /kick | Usage: /kick <user>
        Mod | /unban | Usage: /unban <name>
        Mod | /kick mod2 | User 'Mod2' cannot be kicked.
        Mod | /ban mod2 | User 'Mod2' cannot be banned.
        Mod | /timeout mod2 1m | User 'Mod2' cannot be timed out.
        Mod | /ban streamer | User 'Streamer' cannot be banned.
        Streamer | /kick streamer | User 'Streamer' cannot be kicked.
        Mod | /unmute bob | User 'bob' is not muted.
        ",
    );
    let unknown = |c: &str| format!("Unrecognized command '{c}', use '/help' for info.");
    for line in "/kick bob,/ban bob,/unban bob,/bans,/timeout bob 1m".split(',') {
        let command = line.split(' ').next().unwrap();
        assert_eq!(only_reply(w.run("bob", line)), unknown(command), "{line}");
    }
}

#[test]
fn kicks_and_bans() {
    let w = world();
    match w.run("Mod", "/kick BOB").as_slice() {
        [Effect::Kick(m)] => assert_eq!(m.username, "bob"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        w.run("Streamer", "/kick mod").as_slice(),
        [Effect::Kick(_)]
    ));
    let ban = |line: &str| match w.run("Streamer", line).as_slice() {
        [Effect::Ban {
            target,
            until,
            reason,
        }] => {
            let secs = until.map(|t| (t - now_ms() + 500) / 1000);
            (target.username.clone(), secs, reason.clone())
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(ban("/ban bob"), ("bob".into(), None, None));
    assert_eq!(ban("/ban bob 7d"), ("bob".into(), Some(604_800), None));
    let spam = Some("spam links".to_string());
    assert_eq!(
        ban("/ban Bob Smith 1h spam links"),
        ("Bob Smith".into(), Some(3600), spam.clone())
    );
    assert_eq!(ban("/ban bob spam links"), ("bob".into(), None, spam));
    assert_eq!(ban("/ban mod2"), ("Mod2".into(), None, None));
    assert_eq!(
        w.run("Mod", "/unban Someone Gone"),
        [Effect::Unban("Someone Gone".into())]
    );
    assert_eq!(w.run("Mod", "/bans"), [Effect::ListSanctions]);
}
