//! The player: offline state, and automatic start when the stream goes live (real HLS written
//! by ffmpeg, played by hls.js in Chromium).

use crate::site::amy_with_key;
use rsstreaming_testkit::browser::{Driver, Size};
use serde_json::json;

#[tokio::test]
async fn player_starts_by_itself_when_the_stream_goes_live() {
    let Some((driver, site)) = Driver::with_site(amy_with_key("amysecretkey")).await else {
        return;
    };
    let b = driver.open(Size::Desktop, &site.url("/amy/")).await;
    b.assert_values(&[
        (
            "document.getElementById('player').dataset.state",
            json!("offline"),
        ),
        (
            "document.getElementById('offline-text').textContent",
            json!("Amy is currently offline!"),
        ),
        (
            "document.getElementById('live-badge').textContent",
            json!("Offline"),
        ),
    ])
    .await;

    let Some(_live) = site.encode_live("amysecretkey") else {
        return;
    };
    // No reload: /info polling notices, hls.js loads the playlist and the video plays.
    b.wait_until(
        "document.getElementById('live-badge').dataset.live === 'true'",
        "the live badge",
    )
    .await;
    b.wait_playing().await;
    b.wait_until(
        "document.getElementById('video').currentTime > 0.5",
        "the video advancing",
    )
    .await;
    // The key is nowhere in what the page loaded.
    let urls = b
        .eval("performance.getEntriesByType('resource').map(e => e.name).join(' ') + document.documentElement.outerHTML")
        .await;
    assert!(!urls.as_str().unwrap().contains("amysecretkey"));
    b.close().await;
}
