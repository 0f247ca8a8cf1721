//! The player: offline state, and automatic start when the stream goes live (real HLS written
//! by ffmpeg, played by hls.js in Chromium).

use crate::driver::{Driver, Size};
use crate::site::Site;

#[tokio::test]
async fn player_starts_by_itself_when_the_stream_goes_live() {
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
            "amysecretkey",
        ]],
    )
    .await;
    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/amy/")).await;
    assert_eq!(
        b.eval("document.getElementById('player').dataset.state")
            .await,
        "offline"
    );
    let offline = b
        .eval("document.getElementById('offline-text').textContent")
        .await;
    assert_eq!(offline, "Amy is currently offline!");
    assert_eq!(
        b.eval("document.getElementById('live-badge').textContent")
            .await,
        "Offline"
    );

    let Some(_live) = site.publish("amysecretkey") else {
        return;
    };
    // No reload: /info polling notices, hls.js loads the playlist and the video plays.
    b.wait_until(
        "document.getElementById('live-badge').dataset.live === 'true'",
        "the live badge",
    )
    .await;
    b.wait_until(
        "document.getElementById('player').dataset.state === 'playing'",
        "playback",
    )
    .await;
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
