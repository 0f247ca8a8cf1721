//! The commands everyone may use.

use super::*;

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
        [Effect::Reply(Outgoing::Userlist { users })] => assert_eq!(users.len(), w.roster.len()),
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
    assert_eq!(only_reply(w.run("bob", "/name mod")), NAME_TAKEN);
    assert_eq!(only_reply(w.run("bob", "/name streamer")), NAME_TAKEN);
    assert_eq!(
        only_reply(w.run("bob", "/name")),
        "Invalid name specified, try a different name."
    );
    assert_eq!(
        only_reply(w.run("bob", &format!("/name {}", "x".repeat(21)))),
        "Too long of a name specified, try a different name."
    );
    assert_eq!(
        change(w.run("bob", &format!("/name {}:kappa:", "x".repeat(19))))
            .after
            .username
            .len(),
        26
    );
    assert_eq!(
        only_reply(w.run("bob", "/name bob")),
        "That is already your name."
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
