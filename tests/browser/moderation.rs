//! The streamer logs in with the key and moderates a viewer, who sees the effect.

use crate::site::amy_with_key;
use fantoccini::key::Key;
use rsstreaming_testkit::browser::{Driver, Size};
use serde_json::json;

#[tokio::test]
async fn streamer_logs_in_with_the_key_then_mutes_and_renames_a_viewer() {
    let Some((driver, site)) = Driver::with_site(amy_with_key("amy-stream-key")).await else {
        return;
    };
    let amy = driver.open(Size::Desktop, &site.url("/amy/")).await;
    let troll = driver.open(Size::Desktop, &site.url("/amy/")).await;

    // Choosing the streamer's name asks for the key; a wrong key is refused.
    amy.start_login("amy", 2).await;
    amy.wait_shown("key-form", "the key prompt").await;
    let focus = amy.eval("document.activeElement.id").await;
    assert_eq!(focus, "key-input", "the key field has the focus");
    let wrong = format!("not-the-key{}", Key::Enter);
    amy.type_into("#key-input", &wrong).await;
    let refused = "(e => !e.hidden && e.textContent.includes('Invalid password'))(document.getElementById('key-error'))";
    amy.wait_until(refused, "the wrong-key error").await;
    amy.find("#key-input").await.clear().await.unwrap();
    amy.type_into("#key-input", &format!("amy-stream-key{}", Key::Enter))
        .await;
    amy.wait_shown("composer", "the streamer joined").await;
    amy.wait_server("You have admin rights.").await;
    // The composer shows the streamer, and the key is gone from the page once used.
    let me = amy
        .eval("({ name: document.querySelector('#me .name').textContent, admin: document.querySelector('#me .badge-admin') !== null, key: document.getElementById('key-input').value })")
        .await;
    assert_eq!(me, json!({"name": "Amy", "admin": true, "key": ""}));

    troll.join("troll", 4).await;
    amy.wait_line(".line-event", "troll joined the chat").await;
    troll.say("first!!!").await;
    amy.wait_line(".line-message", "first!!!").await;
    amy.say("hello everyone").await;
    let badge = troll
        .with_line(
            ".line-message",
            "hello everyone",
            "line.querySelector('.badge-admin')?.title",
        )
        .await;
    assert_eq!(badge, "Streamer", "the streamer's lines carry the badge");

    // Muted: the viewer is told, and their lines go nowhere.
    amy.say("/mute troll").await;
    troll.wait_server("You have been muted.").await;
    troll.say("spam spam spam").await;
    troll.wait_server("You are muted!").await;
    assert!(!amy.chat_text().await.contains("spam spam spam"));

    // Renamed: everyone sees it, the viewer's own name changes.
    amy.say("/rename troll nicename").await;
    troll
        .wait_line(".line-event", "You are now known as nicename")
        .await;
    troll
        .wait_until(
            "document.querySelector('#me .name').textContent === 'nicename'",
            "the new name in the composer",
        )
        .await;
    amy.wait_line(".line-event", "troll is now known as nicename")
        .await;

    // Unmuted under the new name, their lines arrive again.
    amy.say("/unmute nicename").await;
    troll.wait_server("You have been unmuted.").await;
    troll.say("sorry!").await;
    amy.wait_line(".line-message", "sorry!").await;
    assert_eq!(amy.line_name("sorry!").await, "nicename");

    // The new name is what this browser offers next time.
    let remembered = troll
        .eval("JSON.parse(localStorage.getItem('rs.chat.name'))")
        .await;
    assert_eq!(remembered, "nicename");
    // A viewer password set from the chat sends the other viewers to the password page; the
    // streamer stays.
    amy.say("/password hunter2").await;
    amy.wait_server("hunter2").await;
    troll
        .wait_until(
            "document.querySelector('form.password-card') !== null",
            "the password page",
        )
        .await;
    troll
        .type_into("#streampass", &format!("hunter2{}", Key::Enter))
        .await;
    troll
        .wait_until(
            "document.getElementById('player') !== null",
            "the stream page again",
        )
        .await;
    // The streamer stays, and their page holds a pass now: its own requests still work.
    let player = amy.eval("document.getElementById('player') !== null").await;
    assert_eq!(player, true);
    let info = amy
        .exec("return (await fetch('/amy/info')).status;", vec![])
        .await;
    assert_eq!(info, 200);
    amy.close().await;
    troll.close().await;
}
