//! Several qualities: the exec-transcoding config (`infra/nginx/rtmp-multi.conf`) writes one
//! rendition per configured quality, the master playlist lists them, the page starts on "Auto"
//! (hls.js picking among them), and a chosen quality plays — switched to in place, without
//! reloading the video — and is remembered.

use crate::browser::{js, video};
use crate::env::{serial, Need};
use crate::flow::{assert_no_key_anywhere, watch};
use crate::layouts::new_key;
use crate::stack::{Layout, Options, Stack, SOURCE_HEIGHT};
use fantoccini::Client;
use rsstreaming_testkit::browser::{Driver, Size};
use std::time::{Duration, Instant};

/// The original (a copy) and one transcode; the test source is 640x360, so 480P is taller.
const QUALITIES: &[&str] = &["Original", "480P"];

/// Picks a quality in the page's picker and waits until the video plays at `height`.
async fn play_quality(c: &Client, quality: &str, height: u64) {
    let picked = js(
        c,
        &format!(
            "const s = document.getElementById('quality');
             if (!s) return 'no picker';
             const o = Array.from(s.options).map(o => o.value);
             if (!o.includes('{quality}')) return 'options: ' + o.join(',');
             s.value = '{quality}';
             s.dispatchEvent(new Event('change', {{bubbles: true}}));
             return 'ok';"
        ),
    )
    .await;
    assert_eq!(picked.as_str(), Some("ok"), "picking {quality}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut at_height: Option<f64> = None;
    loop {
        let v = video(c).await.unwrap_or_default();
        if v.height == height {
            match at_height {
                None => at_height = Some(v.time),
                Some(t) if v.time > t + 1.5 => return,
                Some(_) => {}
            }
        }
        assert!(
            Instant::now() < deadline,
            "{quality} did not play at height {height}: {v:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn every_quality_is_offered_and_plays() {
    let Some(_one) = serial(Need::Browser).await else {
        return;
    };
    let mut opts = Options::new(Layout::Multi, "redirect");
    opts.qualities = QUALITIES;
    let stack = Stack::start(opts).await;
    let key = new_key();
    stack.add_streamer("dave", &key);
    let mut obs = stack.publish_live("dave", &key).await;
    // Every rendition written under the public name.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !QUALITIES
        .iter()
        .all(|q| stack.hls_files().contains(&format!("dave_{q}.m3u8")))
    {
        assert!(
            Instant::now() < deadline,
            "renditions: {:?}",
            stack.hls_files()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(stack.hls_files().iter().all(|f| !f.contains(&key)));

    // The master playlist names both.
    let master = stack
        .http
        .get(stack.site("/dave/master.m3u8"))
        .send()
        .await
        .expect("master playlist")
        .text()
        .await
        .expect("master text");
    for q in QUALITIES {
        assert!(
            master.contains(&format!("NAME=\"{q}\"")),
            "{q} missing from {master}"
        );
    }
    assert!(master.contains("RESOLUTION=854x480"), "{master}");

    let driver = Driver::start().await.expect("chromedriver");
    let browser = driver.browser(Size::Desktop).await;
    let c = &browser.client;
    watch(&stack, c, "dave").await;
    let picked = "return document.getElementById('quality').value;";
    assert_eq!(js(c, picked).await, "Auto", "Auto is the default");
    // Every reload of the media element would fire `emptied`: a switch in place fires none.
    let count = "window.emptied = 0; document.querySelector('video')
                 .addEventListener('emptied', () => { window.emptied += 1; }); return null;";
    js(c, count).await;
    play_quality(c, "480P", 480).await;
    play_quality(c, "Original", SOURCE_HEIGHT as u64).await;
    assert_eq!(
        js(c, "return window.emptied;").await,
        0,
        "switched in place"
    );
    c.refresh().await.expect("reload the page");
    let deadline = Instant::now() + Duration::from_secs(10);
    while js(c, picked).await != "Original" {
        assert!(Instant::now() < deadline, "the choice is not remembered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_no_key_anywhere(&stack, "dave", QUALITIES, &key, &[c]).await;
    obs.stop();
    browser.close().await;
}
