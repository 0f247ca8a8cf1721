//! The staff commands: muting and renaming others.

use super::*;

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
    assert_eq!(
        only_reply(w.run("Mod", "/mute streamer")),
        "User 'Streamer' cannot be muted."
    );
    assert_eq!(
        only_reply(w.run("Streamer", "/mute streamer")),
        "User 'Streamer' cannot be muted."
    );
    assert_eq!(
        only_reply(w.run("Mod", "/mute mod2")),
        "User 'Mod2' cannot be muted."
    );
    assert_eq!(
        only_reply(w.run("Mod", "/mute mod")),
        "User 'Mod' cannot be muted."
    );
    assert!(change(w.run("Streamer", "/mute mod2")).after.muted);
    assert_eq!(
        only_reply(w.run("Mod", "/mute quiet")),
        "User 'quiet' is already muted."
    );
    assert_eq!(
        only_reply(w.run("Mod", "/mute nobody")),
        "Unrecognized user 'nobody'"
    );
    assert_eq!(only_reply(w.run("Mod", "/mute")), "Usage: /mute <user>");
    let c = change(w.run("Mod", "/unquiet quiet"));
    assert!(!c.after.muted);
    assert_eq!(c.notify.as_deref(), Some("You have been unmuted."));
    assert_eq!(c.audit("streamer", "Mod")[0].kind, event_kind::UNMUTE);
    assert_eq!(
        only_reply(w.run("Mod", "/unmute bob")),
        "User 'bob' is not muted."
    );
    assert_eq!(
        only_reply(w.run("Mod", "/unmute mod2")),
        "User 'Mod2' cannot be unmuted."
    );
}

#[test]
fn renaming_others() {
    let w = world();
    let c = change(w.run("Mod", "/rename bob smith Bobby"));
    assert_eq!(
        (c.before.username.as_str(), c.after.username.as_str()),
        ("Bob Smith", "Bobby")
    );
    let c = change(w.run("Mod", "/rename bob Robert Jr"));
    assert_eq!(
        (c.before.username.as_str(), c.after.username.as_str()),
        ("bob", "Robert Jr")
    );
    assert_eq!(c.audit("streamer", "Mod")[0].kind, event_kind::RENAME);
    assert_eq!(
        only_reply(w.run("Mod", "/rename streamer x")),
        "User 'Streamer' cannot be renamed."
    );
    assert_eq!(
        only_reply(w.run("Mod", "/rename mod2 x")),
        "User 'Mod2' cannot be renamed."
    );
    assert_eq!(
        change(w.run("Streamer", "/rename mod2 x")).after.username,
        "x"
    );
    assert_eq!(
        only_reply(w.run("Mod", "/rename bob")),
        "Unspecified new username for user 'bob'"
    );
    assert_eq!(
        only_reply(w.run("Mod", "/rename nobody x")),
        "Unrecognized user 'nobody x'"
    );
    assert_eq!(only_reply(w.run("Mod", "/rename bob quiet")), NAME_TAKEN);
    assert_eq!(only_reply(w.run("Mod", "/rename bob Streamer")), NAME_TAKEN);
    // Even a muted chatter can be renamed by staff.
    assert_eq!(
        change(w.run("Mod", "/rename quiet nice")).after.username,
        "nice"
    );
}
