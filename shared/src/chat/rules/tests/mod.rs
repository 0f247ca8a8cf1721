//! Every command and permission rule, one by one, on a small world.

mod lines;
mod room_rules;
mod sanctions;
mod world;

use crate::chat::input::unrecognized;
use crate::chat::{ChatterType, Effect, Outgoing, StreamerChange};
use crate::chat::{BLANK, MUTED, NAME_TAKEN};
use crate::store::{event_kind, ChatSetting, Streamer};
use world::*;

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
    for input in ["hi", "/me waves", "/say hi", "/color red", "/name loud"] {
        assert_eq!(only_reply(w.run("quiet", input)), MUTED, "{input}");
    }
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
    for cmd in "/timeout,/kick,/ban,/unban,/bans".split(',') {
        assert!(
            has(&moderator, cmd) && has(&admin, cmd) && !has(&normal, cmd),
            "{cmd}"
        );
    }
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
    let above_rank = [
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
    ];
    for (who, cmd, name) in above_rank {
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
    for (input, name) in [("/themes", "/themes"), ("/theme dark", "/theme")] {
        assert_eq!(only_reply(one_theme.run("bob", input)), unrecognized(name));
    }
}

#[test]
fn actions_and_say() {
    let w = world();
    for cmd in ["/me waves", "/action waves", "/describe waves"] {
        assert_eq!(
            w.run("bob", cmd),
            vec![Effect::Line {
                action: true,
                text: "waves".into()
            }]
        );
    }
    assert_eq!(
        w.run("bob", "/say /not a command"),
        vec![Effect::Line {
            action: false,
            text: "/not a command".into()
        }]
    );
    assert_eq!(
        w.run("bob", "/me"),
        vec![Effect::Reply(Outgoing::warning(BLANK))]
    );
}

#[test]
fn users_lists_the_roster() {
    let w = world();
    match w.run("bob", "/users").as_slice() {
        [Effect::Reply(Outgoing::Userlist {
            users,
            offset,
            count,
        })] => {
            assert_eq!(
                (users.len(), *offset, *count),
                (w.roster.len(), 0, w.roster.len())
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn color() {
    let w = world();
    let c = change(w.run("bob", "/color Red"));
    assert_eq!(c.after.color, "#ff0000");
    assert_eq!(c.after.rev, c.before.rev + 1);
    assert_eq!(
        c.confirm,
        vec![Outgoing::ReturnColor {
            color: "#ff0000".into()
        }]
    );
    assert!(matches!(c.broadcasts().as_slice(), [Outgoing::Recolor(u)] if u.color == "#ff0000"));
    assert_eq!(c.audit("streamer", "bob")[0].kind, event_kind::RECOLOR);
    assert_eq!(
        change(w.run("bob", "/setcolor #abc")).after.color,
        "#aabbcc"
    );
    assert!(only_reply(w.run("bob", "/color blurple")).starts_with("Invalid color 'blurple'"));
}

#[test]
fn renaming_oneself() {
    let w = world();
    let c = change(w.run("bob", "/nick Robert"));
    assert_eq!(
        (c.after.username.as_str(), c.after.key.as_str()),
        ("Robert", "robert")
    );
    assert!(
        matches!(c.broadcasts().as_slice(), [Outgoing::Rename { oldname, newname, .. }] if oldname == "bob" && newname == "Robert")
    );
    assert_eq!(change(w.run("bob", "/name BOB")).after.username, "BOB");
    let too_long = format!("/name {}", "x".repeat(21));
    replies_are(
        &w,
        &[
            ("bob", "/name mod", NAME_TAKEN),
            ("bob", "/name streamer", NAME_TAKEN),
            (
                "bob",
                "/name",
                "Invalid name specified, try a different name.",
            ),
            (
                "bob",
                &too_long,
                "Too long of a name specified, try a different name.",
            ),
            ("bob", "/name bob", "That is already your name."),
        ],
    );
    assert_eq!(
        change(w.run("bob", &format!("/name {}:kappa:", "x".repeat(19))))
            .after
            .username
            .len(),
        26
    );
    // The streamer may take their own name back.
    let mut w2 = world();
    w2.roster[0] = w2.roster[0].renamed("Boss");
    assert_eq!(
        change(w2.run("Boss", "/name streamer")).after.username,
        "streamer"
    );
}

#[test]
fn themes() {
    let w = world();
    assert_eq!(
        only_reply(w.run("bob", "/themes")),
        "Available themes: default, dark, light"
    );
    assert_eq!(
        w.run("bob", "/theme DARK"),
        vec![Effect::Reply(Outgoing::ChangeTheme {
            theme: "dark".into()
        })]
    );
    assert!(only_reply(w.run("bob", "/theme pink")).starts_with("Unknown theme 'pink'"));
}

#[test]
fn muting_rules() {
    let w = world();
    let c = change(w.run("Mod", "/mute BOB"));
    assert!(c.after.muted && c.after.username == "bob");
    assert_eq!(c.notify.as_deref(), Some("You have been muted."));
    assert_eq!(
        c.confirm,
        vec![Outgoing::server("User 'bob' has been muted.")]
    );
    assert!(c.broadcasts().is_empty());
    assert_eq!(c.audit("streamer", "Mod")[0].kind, event_kind::MUTE);
    // Admins can't be muted; moderators can't act on moderators; admins can.
    replies_are(
        &w,
        &[
            ("Mod", "/mute streamer", "User 'Streamer' cannot be muted."),
            (
                "Streamer",
                "/mute streamer",
                "User 'Streamer' cannot be muted.",
            ),
            ("Mod", "/mute mod2", "User 'Mod2' cannot be muted."),
            ("Mod", "/mute mod", "User 'Mod' cannot be muted."),
            ("Mod", "/mute quiet", "User 'quiet' is already muted."),
            ("Mod", "/mute nobody", "Unrecognized user 'nobody'"),
            ("Mod", "/mute", "Usage: /mute <user> [<duration>]"),
            ("Mod", "/unmute bob", "User 'bob' is not muted."),
            ("Mod", "/unmute mod2", "User 'Mod2' cannot be unmuted."),
        ],
    );
    assert!(change(w.run("Streamer", "/mute mod2")).after.muted);
    let c = change(w.run("Mod", "/unquiet quiet"));
    assert!(!c.after.muted);
    assert_eq!(c.notify.as_deref(), Some("You have been unmuted."));
    assert_eq!(c.audit("streamer", "Mod")[0].kind, event_kind::UNMUTE);
}

#[test]
fn renaming_others() {
    let w = world();
    let c = change(w.run("Mod", "/rename bob smith Bobby"));
    assert_eq!(names(&c), ("Bob Smith", "Bobby"));
    let c = change(w.run("Mod", "/rename bob Robert Jr"));
    assert_eq!(names(&c), ("bob", "Robert Jr"));
    assert_eq!(c.audit("streamer", "Mod")[0].kind, event_kind::RENAME);
    replies_are(
        &w,
        &[
            (
                "Mod",
                "/rename streamer x",
                "User 'Streamer' cannot be renamed.",
            ),
            ("Mod", "/rename mod2 x", "User 'Mod2' cannot be renamed."),
            (
                "Mod",
                "/rename bob",
                "Unspecified new username for user 'bob'",
            ),
            ("Mod", "/rename nobody x", "Unrecognized user 'nobody x'"),
            ("Mod", "/rename bob quiet", NAME_TAKEN),
            ("Mod", "/rename bob Streamer", NAME_TAKEN),
        ],
    );
    assert_eq!(names(&change(w.run("Streamer", "/rename mod2 x"))).1, "x");
    // Even a muted chatter can be renamed by staff.
    assert_eq!(names(&change(w.run("Mod", "/rename quiet nice"))).1, "nice");
}

#[test]
fn moderator_rules() {
    let w = world();
    let c = change(w.run("Streamer", "/mod bob"));
    assert_eq!(c.after.kind, ChatterType::Moderator);
    assert_eq!(
        c.notify.as_deref(),
        Some("You have been promoted to moderator.")
    );
    assert!(matches!(
        c.broadcasts().as_slice(),
        [Outgoing::Retype {
            kind: ChatterType::Moderator,
            ..
        }]
    ));
    assert_eq!(c.audit("streamer", "Streamer")[0].kind, event_kind::MOD);
    let c = change(w.run("Streamer", "/unmod mod"));
    assert_eq!(c.after.kind, ChatterType::Normal);
    assert_eq!(
        c.notify.as_deref(),
        Some("You have been demoted from moderator.")
    );
    assert_eq!(c.audit("streamer", "Streamer")[0].kind, event_kind::DEMOD);
    replies_are(
        &w,
        &[
            ("Streamer", "/mod mod", "User 'Mod' is already a moderator."),
            (
                "Streamer",
                "/mod streamer",
                "User 'Streamer' cannot be promoted to moderator.",
            ),
            ("Streamer", "/demod bob", "User 'bob' is not a moderator."),
        ],
    );
    // Nobody by that name here: it may be a registered name (the gateway looks it up).
    assert_eq!(
        w.run("Streamer", "/demod nobody"),
        [Effect::OfflineRank {
            name: "nobody".into(),
            moderator: false
        }]
    );
}

#[test]
fn streamer_settings() {
    let w = world();
    let effects = w.run("Streamer", "/desc Live :tada:");
    assert_eq!(
        effects[0],
        Effect::Streamer(StreamerChange::Description("Live 🎉".into()))
    );
    assert_eq!(server_lines(&effects), ["Stream description updated!"]);
    let effects = w.run("Streamer", "/password hunter2");
    assert_eq!(
        effects[0],
        Effect::Streamer(StreamerChange::Password(Some("hunter2".into())))
    );
    assert!(effects.contains(&Effect::Reply(Outgoing::PasswordSet {
        password: "hunter2".into()
    })));
    let set = StreamerChange::Password(Some("hunter2".into()));
    assert_eq!(
        set.broadcast("Streamer"),
        Some(Outgoing::PasswordActivated {
            username: "streamer".into()
        })
    );
    assert!(!set
        .audit("streamer", "Streamer")
        .meta
        .to_string()
        .contains("hunter2"));
    let effects = w.run("Streamer", "/password");
    assert_eq!(effects[0], Effect::Streamer(StreamerChange::Password(None)));
    assert!(matches!(
        StreamerChange::Password(None).broadcast("s"),
        Some(Outgoing::PasswordDeactivated { .. })
    ));
    assert_eq!(
        w.run("Streamer", "/chat hidden")[0],
        Effect::Streamer(StreamerChange::Chat(ChatSetting::Hidden))
    );
    assert_eq!(
        w.run("Streamer", "/chat Enabled")[0],
        Effect::Streamer(StreamerChange::Chat(ChatSetting::Enabled))
    );
    assert_eq!(
        only_reply(w.run("Streamer", "/chat disabled")),
        "Usage: /chat enabled|hidden"
    );
}

#[test]
fn settings_are_shown_to_the_admin() {
    let mut w = world();
    assert_eq!(
        only_reply(w.run("Streamer", "/settings")),
        "Error looking up settings!"
    );
    w.settings = Some(Streamer {
        id: 1,
        username: crate::names::Username::parse("Streamer").unwrap(),
        key_hash: "x".into(),
        description: "Hello".into(),
        streampass: Some("pw".into()),
        chat: ChatSetting::Hidden,
    });
    assert_eq!(
        server_lines(&w.run("Streamer", "/settings")),
        ["Description: Hello", "Stream password: pw", "Chat: hidden"]
    );
}
