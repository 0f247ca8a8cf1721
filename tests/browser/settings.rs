//! Per-streamer and per-browser settings: the chat setting, remembered quality and volume,
//! emotes added while the page is open.

use crate::site::amy;
use rsstreaming_testkit::browser::{Driver, Size};
use rsstreaming_testkit::{cli, Site};
use serde_json::json;

#[tokio::test]
async fn hidden_chat_starts_collapsed_and_disabled_chat_is_absent_but_viewers_count() {
    let streamers = [("hid", "hidkey"), ("off", "offkey")];
    let site = Site::builder().streamers(&streamers);
    let site = site.chat("hid", "hidden").chat("off", "disabled");
    let Some((driver, site)) = Driver::with_site(site).await else {
        return;
    };
    let b = driver.open(Size::Desktop, &site.url("/hid/")).await;
    let hidden = "document.getElementById('chat').hidden";
    let expanded = "document.getElementById('chat-toggle').getAttribute('aria-expanded')";
    b.assert_values(&[(hidden, json!(true)), (expanded, json!("false"))])
        .await;
    b.click("#chat-toggle").await;
    b.assert_values(&[
        (hidden, json!(false)),
        (expanded, json!("true")),
        ("document.activeElement.id", json!("login-name")),
    ])
    .await;
    b.click("#chat-close").await;
    b.assert_values(&[(hidden, json!(true))]).await;

    let Some(_live) = site.encode_live("offkey") else {
        return;
    };
    b.goto(&site.url("/off/")).await;
    b.assert_values(&[
        ("document.getElementById('chat') === null", json!(true)),
        (
            "document.getElementById('chat-toggle') === null",
            json!(true),
        ),
    ])
    .await;
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
    let site = amy().yaml("video_qualities: [src, low]\n");
    let Some((driver, site)) = Driver::with_site(site).await else {
        return;
    };
    let (Some(_src), Some(_low)) = (
        site.encode_live("amykey_src"),
        site.encode_live("amykey_low"),
    ) else {
        return;
    };
    let loaded = |quality: &str| {
        format!("performance.getEntriesByType('resource').some(e => e.name.includes('/amy/playlist/{quality}.m3u8'))")
    };
    let b = driver.open(Size::Desktop, &site.url("/amy/")).await;
    let options = "[...document.querySelectorAll('#quality option')].map(o => o.value)";
    let picked = "document.getElementById('quality').value";
    b.assert_values(&[
        (options, json!(["Auto", "src", "low"])),
        (picked, json!("Auto")),
    ])
    .await;
    b.wait_playing().await;
    // Auto plays the master playlist; hls.js picks the level.
    let master =
        "performance.getEntriesByType('resource').some(e => e.name.includes('/amy/master.m3u8'))";
    b.assert_values(&[(master, json!(true))]).await;

    let picker = b.find("#quality").await;
    picker.select_by_value("low").await.unwrap();
    b.wait_until(&loaded("low"), "the low playlist").await;
    b.wait_playing().await;
    // The viewer turns the volume down (the volumechange event is what the page listens to).
    b.exec(
        "const v = document.getElementById('video'); v.volume = 0.25;",
        vec![],
    )
    .await;

    b.client.refresh().await.unwrap();
    b.wait_playing().await;
    b.assert_values(&[
        (picked, json!("low")),
        (&loaded("low"), json!(true)),
        (&loaded("src"), json!(false)),
        ("document.getElementById('video').volume", json!(0.25)),
    ])
    .await;
    b.close().await;
}

#[tokio::test]
async fn an_emote_added_while_the_page_is_open_is_usable_without_a_reload() {
    let Some((driver, site)) = Driver::with_site(amy()).await else {
        return;
    };
    let b = driver.open(Size::Desktop, &site.url("/amy/")).await;
    b.join("alice", 0).await;
    site.manage(cli::add_emote("fresh", "/static/favicon.svg"));
    // The gateway tells every page within a few seconds; then it draws and completes.
    b.wait_until("window.rsChat.emotes.has('fresh')", "the new emote")
        .await;
    b.say("so :fresh:").await;
    b.wait_until(
        "[...document.querySelectorAll('#messages img.emote')].some(i => i.alt === ':fresh:')",
        "the emote drawn",
    )
    .await;
    site.manage(cli::drop_emote("fresh"));
    b.wait_until("!window.rsChat.emotes.has('fresh')", "the emote gone")
        .await;
    b.close().await;
}
