//! Recordings end to end (SPEC §9, issue 14 point 7): ffmpeg publishes about ten seconds
//! through nginx-rtmp with the production config (`record all` + `on_record_done`); the
//! recording shows in `/{streamer}/videos` as MP4 within 30 s, nginx answers its Range request
//! with 206 (X-Accel-Redirect), Chromium plays it, and the line chatted during the stream is in
//! `/chat` at a sane offset and shows in the replay once the playhead passes it (seeking back
//! hides it). Both key-hiding layouts, one test (they share the serial slot); the key is in
//! no name, URL, header or page.

use crate::browser::{js, wait_playing};
use crate::crawl::crawl;
use crate::env::{serial, Need};
use crate::flow::{assert_no_key_anywhere, open, recording_files};
use crate::stack::{Layout, Options, Stack};
use rsstreaming_testkit::browser::{Driver, Size};
use rsstreaming_testkit::Chat;
use serde_json::Value;
use std::time::{Duration, Instant};

const RECORDINGS: &str =
    "recordings:\n  dir: \"@SITE_DIR@/recordings\"\n  accel_redirect: /internal-recordings/\n";

/// A stack of `layout` (publish mode `mode`) that records, with `streamer`, who publishes for
/// about `seconds` with `line` chatted a few seconds in (and the key crawl run while live):
/// the stack, the key, the ready recording as `GET /api/videos` lists it, and the line's
/// offset in its replayed chat.
async fn record(
    (layout, mode): (Layout, &'static str),
    streamer: &str,
    seconds: u64,
    line: &str,
) -> (Stack, String, Value, i64) {
    let mut opts = Options::new(layout, mode);
    opts.yaml = RECORDINGS;
    let (stack, key) = Stack::with_streamer(opts, streamer).await;
    let started = Instant::now();
    let mut obs = stack.publish_live(streamer, &key).await;
    let (mut fan, _) = Chat::login(stack.site.base(), streamer, "fan").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    fan.say(line).await;
    fan.expect_line("message received", line).await;
    assert_no_key_anywhere(&stack, streamer, &[], &key, &[]).await;
    let rest = Duration::from_secs(seconds).saturating_sub(started.elapsed());
    tokio::time::sleep(rest).await;
    stack.stop_publishing(streamer, &mut obs).await;
    fan.close().await;
    let api = stack.site.api(streamer, &key);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let list = api.videos().await;
        if let Some(v) = list.iter().find(|v| v["status"] == "ready") {
            let id = v["id"].as_i64().unwrap();
            let offset = offset_of(&stack, streamer, id, line).await;
            return (stack, key, v.clone(), offset);
        }
        assert!(
            Instant::now() < deadline,
            "no recording ready within 30 s: {list:?}\n{}",
            stack.logs()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The recording's chat: the offset of `line`.
async fn offset_of(stack: &Stack, streamer: &str, id: i64, line: &str) -> i64 {
    let url = stack.site(&format!("/{streamer}/videos/{id}/chat"));
    let chat: Value = stack.get(&url, None).await.json().await.unwrap();
    let found = chat
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["message"] == line);
    let found = found.unwrap_or_else(|| panic!("{line} not replayed: {chat}"));
    found["offset_ms"].as_i64().unwrap()
}

/// No public page of the recordings, nor anything they link to, holds the key; nor does any
/// file name the site keeps.
async fn assert_recordings_keyless(stack: &Stack, streamer: &str, key: &str) {
    let starts = [stack.site(&format!("/{streamer}/videos")), stack.site("/")];
    let report = crawl(&stack.http, &starts, key, 200).await;
    assert!(
        report.leaks.is_empty(),
        "the key leaked: {:#?}",
        report.leaks
    );
    let mp4s = report.count_matching(|u| u.ends_with(".mp4"));
    assert!(
        mp4s > 0,
        "the crawl reached the video: {:#?}",
        report.fetched
    );
    let files = recording_files(stack);
    assert!(files.iter().all(|f| !f.contains(key)), "{files:?}");
    assert!(!stack.serve_log().contains(key), "the key in a log line");
}

#[tokio::test]
async fn published_streams_are_recorded_in_both_layouts_played_and_their_chat_replayed() {
    let Some(_one) = serial(Need::Browser).await else {
        return;
    };
    // Two applications, the stream renamed to the room: recorded under the room's name.
    let line = "recorded in the redirect layout";
    let (stack, key, v, offset) = record((Layout::Redirect, "redirect"), "dave", 6, line).await;
    assert!(
        offset > 0 && offset < v["duration_ms"].as_i64().unwrap(),
        "{offset}: {v}"
    );
    assert_recordings_keyless(&stack, "dave", &key).await;
    drop(stack);

    // One application, nginx's file named by the key: played and replayed in Chromium.
    let line = "see you in the replay";
    let (stack, key, v, offset) = record((Layout::Single, "rename"), "erin", 10, line).await;
    let id = v["id"].as_i64().unwrap();
    let duration = v["duration_ms"].as_i64().unwrap();
    assert!(
        (6_000..=16_000).contains(&duration),
        "about ten seconds: {v}"
    );
    assert!(
        (1_000..duration).contains(&offset),
        "said a few seconds in: {offset} ms of {duration}"
    );

    // nginx sends the file (X-Accel-Redirect), ranges included.
    let mp4 = stack.site(&format!("/erin/videos/{id}.mp4"));
    let part = stack
        .http
        .get(&mp4)
        .header("range", "bytes=0-1023")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206, "{}", stack.logs());
    let size = v["size_bytes"].as_i64().unwrap();
    assert_eq!(
        part.headers()["content-range"],
        &format!("bytes 0-1023/{size}")
    );
    assert!(part.headers().get("x-accel-redirect").is_none());
    assert_eq!(&part.bytes().await.unwrap()[4..8], b"ftyp");

    let driver = Driver::start().await.expect("chromedriver");
    let browser = driver.browser(Size::Phone).await;
    let c = &browser.client;
    open(c, &stack.site(&format!("/erin/videos/{id}"))).await;
    js(
        c,
        "const v = document.getElementById('video'); v.muted = true; v.play(); return null;",
    )
    .await;
    if let Err(e) = wait_playing(c, 1.0, Duration::from_secs(20)).await {
        panic!("{e}\n{}", stack.logs());
    }
    let shown = |want: bool| {
        format!(
            "return [...document.querySelectorAll('#messages .line .text')]
                     .some(t => t.textContent === {line:?}) === {want};"
        )
    };
    let seek = |s: f64| {
        format!(
            "const v = document.getElementById('video'); v.pause(); v.currentTime = {s};
             return null;"
        )
    };
    // Before the line's time it is not shown; once the playhead passes it, it is; seeking
    // back takes it away again.
    js(c, &seek(0.2)).await;
    wait_for(c, &shown(false), "the line hidden before its time").await;
    js(c, &seek(offset as f64 / 1000.0 + 0.5)).await;
    wait_for(
        c,
        &shown(true),
        "the line shown once the playhead passes it",
    )
    .await;
    js(c, &seek(0.0)).await;
    wait_for(c, &shown(false), "seeking back hides it").await;
    browser.close().await;
    assert_recordings_keyless(&stack, "erin", &key).await;
}

/// Waits (10 s at most) until `script` returns true.
async fn wait_for(c: &fantoccini::Client, script: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while js(c, script).await != Value::Bool(true) {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
