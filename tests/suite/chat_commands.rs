//! Every chat command with its permissions, through a running `rsstreaming serve`.

use crate::chat::{assert_recorded, names, site, KEY};
use rsstreaming_testkit::Chat;
use serde_json::json;
use std::time::Duration;

/// The first `server` line answering `line`.
async fn answer(c: &mut Chat, line: &str) -> String {
    c.command(line).await.swap_remove(0)
}

#[tokio::test]
async fn every_command_with_its_permissions() {
    let site = site().await;
    let base = site.base();
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    let (mut mo, _) = Chat::login(base, "streamer", "Mo").await;
    let (mut bob, _) = Chat::login(base, "streamer", "bob").await;
    let (mut eve, _) = Chat::login(base, "streamer", "eve").await;

    // /help only lists what one may use.
    let help = bob.command("/help").await;
    let lists = |prefix: &str| help.iter().any(|l| l.starts_with(prefix));
    assert!(lists("/me") && !lists("/mute"));
    let help = admin.command("/help").await;
    assert!(help.iter().any(|l| l.starts_with("/settings")));

    // Above one's rank reads like an unknown command.
    let unknown = |c: &str| format!("Unrecognized command '{c}', use '/help' for info.");
    assert_eq!(bob.command("/mute eve").await, [unknown("/mute")]);
    assert_eq!(bob.command("/bogus").await, [unknown("/bogus")]);

    // /mod: the target is told and the room sees the retype.
    let promoted = answer(&mut admin, "/mod mo").await;
    assert_eq!(promoted, "User 'Mo' has been promoted to moderator.");
    let told = mo.expect_msg("server", "promoted").await;
    assert_eq!(told, "You have been promoted to moderator.");
    let retype = bob.expect("retype").await;
    assert_eq!(retype, json!({"username": "Mo", "type": "moderator"}));
    assert_eq!(mo.command("/mod bob").await, [unknown("/mod")]);

    // Mute binds; admins can't be muted; moderators can't act on moderators.
    assert_eq!(
        answer(&mut mo, "/mute bob").await,
        "User 'bob' has been muted."
    );
    let told = bob.expect_msg("server", "muted").await;
    assert_eq!(told, "You have been muted.");
    for line in ["hello", "/me x", "/color blue", "/name robert", "/say hi"] {
        assert_eq!(bob.command(line).await, ["You are muted!"], "{line}");
    }
    let drawing = json!({"src": "data:image/png;base64,AAAA"});
    bob.send("drawing", drawing).await;
    assert_eq!(bob.expect("server").await["msg"], "You are muted!");
    let admin_muted = mo.command("/mute streamer").await;
    assert_eq!(admin_muted, ["User 'Streamer' cannot be muted."]);
    let promoted = answer(&mut admin, "/mod eve").await;
    assert_eq!(promoted, "User 'eve' has been promoted to moderator.");
    eve.expect_msg("server", "promoted").await;
    for (line, refused) in [
        ("/mute eve", "User 'eve' cannot be muted."),
        ("/rename eve x", "User 'eve' cannot be renamed."),
    ] {
        assert_eq!(mo.command(line).await, [refused], "{line}");
    }
    assert_eq!(
        answer(&mut mo, "/unmute bob").await,
        "User 'bob' has been unmuted."
    );
    bob.expect_msg("server", "unmuted").await;
    bob.say("free").await;
    assert_eq!(eve.expect("message received").await["message"], "free");

    // /color: recolor to the room, return color to the sender.
    bob.say("/color lime").await;
    let returned = bob.expect("return color").await;
    assert_eq!(returned, json!({"color": "#00ff00"}));
    let recolor = eve.expect("recolor").await;
    let lime = json!({"username": "bob", "type": "normal", "color": "#00ff00"});
    assert_eq!(recolor, lime);
    assert!(answer(&mut bob, "/color nope")
        .await
        .starts_with("Invalid color 'nope'"));

    // /name and /rename.
    bob.say("/nick Robert").await;
    let r = eve.expect("rename").await;
    let renamed = (r["oldname"].as_str(), r["newname"].as_str());
    assert_eq!(renamed, (Some("bob"), Some("Robert")));
    let taken = bob.command("/name eve").await;
    assert_eq!(
        taken,
        ["Name has already been taken, try a different name."]
    );
    mo.say("/rename robert Bobby").await;
    assert_eq!(bob.expect("rename").await["newname"], "Bobby");
    let admin_renamed = mo.command("/rename streamer x").await;
    assert_eq!(admin_renamed, ["User 'Streamer' cannot be renamed."]);

    // /users
    bob.say("/users").await;
    let users = names(&bob.expect("userlist").await["users"]);
    assert_eq!(users, ["Bobby", "Mo", "Streamer", "eve"]);

    // Themes (three configured by default).
    bob.say("/theme dark").await;
    assert_eq!(bob.expect("change theme").await, json!({"theme": "dark"}));
    let themes = bob.command("/themes").await;
    assert_eq!(themes, ["Available themes: default, dark, light"]);

    // /demod
    let demoted = answer(&mut admin, "/demod eve").await;
    assert_eq!(demoted, "User 'eve' has been demoted from moderator.");
    let told = eve.expect_msg("server", "demoted").await;
    assert_eq!(told, "You have been demoted from moderator.");

    // Streamer settings: stored, shown, and the room told of a password (those without a
    // pass for it leave).
    let described = admin.command("/description Speedrun :tada:").await;
    assert_eq!(described, ["Stream description updated!"]);
    admin.say("/password hunter2").await;
    // The reply and the room's notice (which every instance sends) come in either order.
    let frames = admin.drain(Duration::from_millis(1500)).await;
    let set = (String::from("password set"), json!({"password": "hunter2"}));
    let activated = (
        String::from("password activated"),
        json!({"username": "streamer"}),
    );
    assert!(
        frames.contains(&set) && frames.contains(&activated),
        "{frames:?}"
    );
    // bob holds no pass for it: sent away (issue 11, point 8).
    assert_eq!(bob.closed_with().await, Some(1008));
    let hidden = admin.command("/chat hidden").await;
    assert_eq!(hidden, ["Chat now starts hidden for new viewers."]);
    assert_eq!(
        admin.command("/settings").await,
        [
            "Description: Speedrun 🎉",
            "Stream password: hunter2",
            "Chat: hidden"
        ]
    );
    admin.say("/password").await;
    let deactivated = admin.expect("password deactivated").await;
    assert_eq!(deactivated["username"], "streamer");
    let store = rsstreaming_shared::Store::connect(&site.db.url).await;
    let s = store.unwrap().streamer("streamer").await.unwrap().unwrap();
    let stored = (s.description.as_str(), s.streampass, s.chat.as_str());
    assert_eq!(stored, ("Speedrun 🎉", None, "hidden"));

    assert_recorded(
        &site,
        &[
            "mod",
            "demod",
            "mute",
            "unmute",
            "rename",
            "recolor",
            "description",
            "password",
            "chat_setting",
        ],
    )
    .await;
}
