//! Chat names under attack (issue 11, point 5), through a running `serve`: names that are
//! huge in bytes, invisible, or look like someone else's.

use crate::chat::{site, KEY};
use rsstreaming_testkit::chat::{login, Chat};
use serde_json::json;

const REFUSED: &str = "Username contains characters that are not allowed";

#[tokio::test]
async fn stacked_marks_invisible_characters_and_heavy_names_are_refused() {
    let site = site().await;
    let mut c = Chat::connect(site.base()).await;
    let stacked = format!("a{}", "\u{301}".repeat(3000));
    for (name, err) in [
        (stacked.as_str(), REFUSED),
        ("bo\u{200D}b", REFUSED),
        ("bo\u{2060}b", REFUSED),
        ("bo\u{00AD}b", REFUSED),
        ("\u{3164}", REFUSED),
        ("bo\u{061C}b", REFUSED),
        ("e\u{301}\u{301}\u{301}", REFUSED),
        // 17 letters of 4 bytes: 68 bytes of text.
        (&"𝐚".repeat(17), "Username cannot be that long"),
    ] {
        c.send("login", login("streamer", name)).await;
        assert_eq!(c.expect_error().await, err, "{name:?}");
    }
    // Accents within reason, other scripts and emoji stay fine.
    for name in ["Émile\u{301}", "名前", "👍 fan"] {
        let mut ok = Chat::connect(site.base()).await;
        assert_eq!(ok.log_in("streamer", name).await["username"], name);
    }
}

#[tokio::test]
async fn look_alikes_cannot_share_a_room_nor_pose_as_the_streamer() {
    let site = site().await;
    let base = site.base();
    let (mut bob, _) = Chat::login(base, "streamer", "bob").await;
    let mut c = Chat::connect(base).await;
    // Cyrillic о, and a Latin capital.
    for name in ["bоb", "BOB"] {
        c.send("login", login("streamer", name)).await;
        assert_eq!(
            c.expect_error().await,
            "Username is already taken",
            "{name}"
        );
    }
    // A look-alike of the streamer's name is the streamer's name: the key is asked for.
    for name in ["Streаmer", "STREAMER"] {
        c.send("login", login("streamer", name)).await;
        let asked = c.expect("login key required").await;
        assert_eq!(asked, json!({"username": "Streamer"}), "{name}");
    }
    // With the key, the look-alike logs in as the streamer's own name.
    let admin = json!({"streamer": "streamer", "username": "Streаmer", "color": "red", "key": KEY});
    c.send("login", admin).await;
    assert_eq!(c.expect("login success").await["username"], "Streamer");
    // Renaming into a look-alike is refused the same way.
    let (mut eve, _) = Chat::login(base, "streamer", "eve").await;
    for name in ["bоb", "Streаmer"] {
        let replies = eve.command(&format!("/name {name}")).await;
        assert!(
            replies.iter().any(|r| r.contains("taken")),
            "{name}: {replies:?}"
        );
    }
    bob.say("still me").await;
    assert_eq!(bob.expect("message received").await["username"], "bob");
}
