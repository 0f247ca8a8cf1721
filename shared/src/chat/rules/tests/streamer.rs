//! The streamer's commands: moderators and stored settings.

use super::*;

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
    assert_eq!(
        only_reply(w.run("Streamer", "/mod mod")),
        "User 'Mod' is already a moderator."
    );
    assert_eq!(
        only_reply(w.run("Streamer", "/mod streamer")),
        "User 'Streamer' cannot be promoted to moderator."
    );
    let c = change(w.run("Streamer", "/unmod mod"));
    assert_eq!(c.after.kind, ChatterType::Normal);
    assert_eq!(
        c.notify.as_deref(),
        Some("You have been demoted from moderator.")
    );
    assert_eq!(c.audit("streamer", "Streamer")[0].kind, event_kind::DEMOD);
    assert_eq!(
        only_reply(w.run("Streamer", "/demod bob")),
        "User 'bob' is not a moderator."
    );
    assert_eq!(
        only_reply(w.run("Streamer", "/demod nobody")),
        "Unrecognized user 'nobody'"
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
