//! Per-streamer and per-browser settings: the chat setting, remembered quality and volume,
//! emotes added while the page is open.

use crate::driver::{Driver, Size};
use crate::site::Site;

#[tokio::test]
async fn hidden_chat_starts_collapsed_and_disabled_chat_is_absent_but_viewers_count() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[
            &["streamer", "add", "--username", "hid", "--key", "hidkey"],
            &[
                "streamer",
                "chat",
                "--username",
                "hid",
                "--setting",
                "hidden",
            ],
            &["streamer", "add", "--username", "off", "--key", "offkey"],
            &[
                "streamer",
                "chat",
                "--username",
                "off",
                "--setting",
                "disabled",
            ],
        ],
    )
    .await;
    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/hid/")).await;
    assert_eq!(b.eval("document.getElementById('chat').hidden").await, true);
    assert_eq!(
        b.eval("document.getElementById('chat-toggle').getAttribute('aria-expanded')")
            .await,
        "false"
    );
    b.click("#chat-toggle").await;
    assert_eq!(
        b.eval("document.getElementById('chat').hidden").await,
        false
    );
    assert_eq!(
        b.eval("document.getElementById('chat-toggle').getAttribute('aria-expanded')")
            .await,
        "true"
    );
    assert_eq!(b.eval("document.activeElement.id").await, "login-name");
    b.click("#chat-close").await;
    assert_eq!(b.eval("document.getElementById('chat').hidden").await, true);

    let Some(_live) = site.publish("offkey") else {
        return;
    };
    b.goto(&site.url("/off/")).await;
    assert_eq!(
        b.eval("document.getElementById('chat') === null").await,
        true
    );
    assert_eq!(
        b.eval("document.getElementById('chat-toggle') === null")
            .await,
        true
    );
    // Without a chat the page still reports itself as a viewer.
    b.wait_until(
        "document.getElementById('viewer-count').textContent === '1'",
        "one viewer counted",
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn quality_and_volume_are_remembered_per_browser() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "video_qualities: [src, low]\n",
        &[&["streamer", "add", "--username", "Amy", "--key", "amykey"]],
    )
    .await;
    let (Some(_src), Some(_low)) = (site.publish("amykey_src"), site.publish("amykey_low")) else {
        return;
    };
    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/amy/")).await;
    assert_eq!(
        b.eval("[...document.querySelectorAll('#quality option')].map(o => o.value)")
            .await,
        serde_json::json!(["src", "low"])
    );
    b.wait_until(
        "document.getElementById('player').dataset.state === 'playing'",
        "playback",
    )
    .await;
    let loaded = "performance.getEntriesByType('resource').some(e => e.name.includes(QUALITY))";
    assert_eq!(
        b.eval(&loaded.replace("QUALITY", "'/amy/playlist/src.m3u8'"))
            .await,
        true
    );

    b.find("#quality")
        .await
        .select_by_value("low")
        .await
        .unwrap();
    b.wait_until(
        &loaded.replace("QUALITY", "'/amy/playlist/low.m3u8'"),
        "the low playlist",
    )
    .await;
    b.wait_until(
        "document.getElementById('player').dataset.state === 'playing'",
        "playback",
    )
    .await;
    // The viewer turns the volume down (the volumechange event is what the page listens to).
    b.exec(
        "const v = document.getElementById('video'); v.volume = 0.25;",
        vec![],
    )
    .await;

    b.client.refresh().await.unwrap();
    b.wait_until(
        "document.getElementById('player').dataset.state === 'playing'",
        "playback",
    )
    .await;
    assert_eq!(
        b.eval("document.getElementById('quality').value").await,
        "low"
    );
    assert_eq!(
        b.eval(&loaded.replace("QUALITY", "'/amy/playlist/low.m3u8'"))
            .await,
        true
    );
    assert_eq!(
        b.eval(&loaded.replace("QUALITY", "'/amy/playlist/src.m3u8'"))
            .await,
        false
    );
    assert_eq!(
        b.eval("document.getElementById('video').volume").await,
        0.25
    );
    b.close().await;
}

#[tokio::test]
async fn an_emote_added_while_the_page_is_open_is_usable_without_a_reload() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[&["streamer", "add", "--username", "Amy", "--key", "amykey"]],
    )
    .await;
    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/amy/")).await;
    b.join("alice", 0).await;
    site.cli(&[
        "emote",
        "add",
        "--alias",
        "fresh",
        "--uri",
        "/static/favicon.svg",
    ]);
    // The gateway tells every page within a few seconds; then it draws and completes.
    b.wait_until("window.rsChat.emotes.has('fresh')", "the new emote")
        .await;
    b.say("so :fresh:").await;
    b.wait_until(
        "[...document.querySelectorAll('#messages img.emote')].some(i => i.alt === ':fresh:')",
        "the emote drawn",
    )
    .await;
    site.cli(&["emote", "drop", "--alias", "fresh"]);
    b.wait_until("!window.rsChat.emotes.has('fresh')", "the emote gone")
        .await;
    b.close().await;
}
