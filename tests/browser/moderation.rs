//! The streamer logs in with the stream key and moderates a viewer, who sees the effect.

use crate::driver::{Driver, Size};
use crate::site::Site;
use fantoccini::key::Key;

#[tokio::test]
async fn streamer_logs_in_with_the_key_then_mutes_and_renames_a_viewer() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[&[
            "streamer",
            "add",
            "--username",
            "Amy",
            "--key",
            "amy-stream-key",
        ]],
    )
    .await;
    let amy = driver.browser(Size::Desktop).await;
    let troll = driver.browser(Size::Desktop).await;
    amy.goto(&site.url("/amy/")).await;
    troll.goto(&site.url("/amy/")).await;

    // Choosing the streamer's name asks for the key; a wrong key is refused.
    amy.start_login("amy", 2).await;
    amy.wait_until(
        "!document.getElementById('key-form').hidden",
        "the key prompt",
    )
    .await;
    assert_eq!(
        amy.eval("document.activeElement.id").await,
        "key-input",
        "the key field has the focus"
    );
    amy.type_into("#key-input", &format!("not-the-key{}", Key::Enter))
        .await;
    amy.wait_until(
        "!document.getElementById('key-error').hidden && document.getElementById('key-error').textContent.includes('Invalid password')",
        "the wrong-key error",
    )
    .await;
    amy.find("#key-input").await.clear().await.unwrap();
    amy.type_into("#key-input", &format!("amy-stream-key{}", Key::Enter))
        .await;
    amy.wait_until(
        "!document.getElementById('composer').hidden",
        "the streamer joined",
    )
    .await;
    amy.wait_line(".line-server", "You have admin rights.")
        .await;
    assert_eq!(
        amy.eval("document.querySelector('#me .name').textContent")
            .await,
        "Amy"
    );
    assert_eq!(
        amy.eval("document.querySelector('#me .badge-admin') !== null")
            .await,
        true
    );
    // The key is gone from the page once used.
    assert_eq!(
        amy.eval("document.getElementById('key-input').value").await,
        ""
    );

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
    troll
        .wait_line(".line-server", "You have been muted.")
        .await;
    troll.say("spam spam spam").await;
    troll.wait_line(".line-server", "You are muted!").await;
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
    troll
        .wait_line(".line-server", "You have been unmuted.")
        .await;
    troll.say("sorry!").await;
    amy.wait_line(".line-message", "sorry!").await;
    let who = amy
        .with_line(
            ".line-message",
            "sorry!",
            "line.querySelector('.name').textContent",
        )
        .await;
    assert_eq!(who, "nicename");

    // The new name is what this browser offers next time.
    assert_eq!(
        troll
            .eval("JSON.parse(localStorage.getItem('rs.chat.name'))")
            .await,
        "nicename"
    );
    // A viewer password set from the chat sends the other viewers to the password page; the
    // streamer stays.
    amy.say("/password hunter2").await;
    amy.wait_line(".line-server", "hunter2").await;
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
    assert_eq!(
        amy.eval("document.getElementById('player') !== null").await,
        true
    );
    assert_eq!(
        amy.exec("return (await fetch('/amy/info')).status;", vec![])
            .await,
        200
    );
    amy.close().await;
    troll.close().await;
}
