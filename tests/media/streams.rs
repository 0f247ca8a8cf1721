//! A stream published through nginx-rtmp is a stream session (SPEC §8): `on_publish` opens it,
//! the sampler counts its viewer and chatter while it runs, `on_publish_done` closes it, and
//! `GET /api/streams` reports it afterwards with figures that match what happened.

use crate::env::{serial, Need};
use crate::stack::{Layout, Options, Stack};
use rsstreaming_testkit::Chat;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn unix_now() -> i64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    now.as_secs() as i64
}

#[tokio::test]
async fn a_published_stream_is_reported_with_sane_figures_after_it_ends() {
    let Some(_one) = serial(Need::Media).await else {
        return;
    };
    let mut opts = Options::new(Layout::Single, "rename");
    opts.yaml = "streams:\n  sample_secs: 1\n";
    let (stack, key) = Stack::with_streamer(opts, "erin").await;
    let api = stack.site.api("erin", &key);
    assert!(api.streams().await.is_empty());

    let before = unix_now();
    let mut obs = stack.publish_live("erin", &key).await;
    // One chatter (who watches too), one line; samples taken until both are counted.
    let (mut fan, _) = Chat::login(stack.site.base(), "erin", "fan").await;
    fan.say("great stream").await;
    fan.expect_line("message received", "great stream").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let live = api.streams().await;
        if live.len() == 1 && live[0]["peak_viewers"] == 1 && live[0]["lines"] == 1 {
            assert!(live[0]["ended"].is_null(), "{live:?}");
            break;
        }
        assert!(Instant::now() < deadline, "never sampled: {live:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stack.stop_publishing("erin", &mut obs).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let streams = loop {
        let streams = api.streams().await;
        if streams.first().is_some_and(|s| !s["ended"].is_null()) {
            break streams;
        }
        assert!(Instant::now() < deadline, "never ended: {streams:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let after = unix_now();
    assert_eq!(streams.len(), 1, "one publish, one stream: {streams:?}");
    let s = &streams[0];
    let (started, ended) = (s["started"].as_i64().unwrap(), s["ended"].as_i64().unwrap());
    assert!(
        before <= started && started <= ended && ended <= after,
        "{s}"
    );
    let duration = s["duration_s"].as_i64().unwrap();
    assert_eq!(duration, ended - started, "{s}");
    assert!(duration >= 2, "it ran for seconds: {s}");
    assert_eq!(s["peak_viewers"], 1, "{s}");
    let avg = s["avg_viewers"].as_f64().unwrap();
    assert!(avg > 0.0 && avg <= 1.0, "{s}");
    assert_eq!(s["unique_chatters"], 1, "{s}");
    assert_eq!(s["lines"], 1, "{s}");
    fan.close().await;
}
