//! Both key-hiding layouts, end to end: publish with the right key, the stream turns live, plays
//! in Chromium, chat works between two browsers through nginx's `/ws`, the key shows nowhere
//! public, and the page turns offline after the publisher stops.

use crate::env::{serial, Need};
use crate::flow::{assert_no_key_anywhere, chat_login, chat_roundtrip, wait_offline, watch};
use crate::stack::{Layout, Options, Stack, SOURCE_HEIGHT, SOURCE_WIDTH};
use rsstreaming_testkit::browser::{Driver, Size};
use std::time::{Duration, Instant};

/// A fresh random stream key.
pub fn new_key() -> String {
    format!(
        "sk{:016x}{:08x}",
        rand::random::<u64>(),
        rand::random::<u32>()
    )
}

/// Whether this machine has an IPv6 loopback (a second loopback address besides 127.0.0.1).
pub fn has_ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

async fn end_to_end(opts: Options) {
    let layout = opts.layout;
    let stack = Stack::start(opts).await;
    let key = new_key();
    stack.add_streamer("Alice", &key);

    let mut obs = stack.publish(&key);
    let Some(took) = stack
        .wait_live("alice", true, Duration::from_secs(10))
        .await
    else {
        panic!(
            "not live 10 s after publishing; obs: {}\n{}",
            obs.log(),
            stack.logs()
        );
    };
    eprintln!("{layout:?}: live {took:?} after the publisher started");
    match layout {
        // The seed's layout: nginx names the files after the key; only the app's renamed
        // names may reach a browser (checked by the crawl below).
        Layout::Single => assert!(stack.hls_files().iter().any(|f| f.starts_with(&key))),
        // No file name ever holds the key.
        _ => {
            let files = stack.hls_files();
            assert!(files.iter().all(|f| !f.contains(&key)), "{files:?}");
            assert!(files.iter().any(|f| f == "alice.m3u8"), "{files:?}");
        }
    }

    let driver = Driver::start().await.expect("chromedriver");
    let browser_a = driver.browser(Size::Desktop).await;
    let browser_b = driver.browser(Size::Desktop).await;
    let (a, b) = (&browser_a.client, &browser_b.client);
    let v = watch(&stack, a, "alice").await;
    assert_eq!(
        (v.width, v.height),
        (SOURCE_WIDTH as u64, SOURCE_HEIGHT as u64),
        "{v:?}"
    );
    // nginx-rtmp's timestamps start at the publish, so this is about the glass-to-glass delay.
    eprintln!(
        "{layout:?}: playing {}x{}, {:.1} s behind the encoder",
        v.width,
        v.height,
        obs.started.elapsed().as_secs_f64() - v.time
    );
    b.goto(&stack.site("/alice/")).await.expect("second page");
    chat_login(&browser_a, "viewer_a").await;
    chat_login(&browser_b, "viewer_b").await;
    chat_roundtrip(&browser_a, &browser_b, "hello from the first browser").await;
    chat_roundtrip(&browser_b, &browser_a, "and back from the second").await;

    assert_no_key_anywhere(&stack, "alice", &[], &key, &[a, b]).await;
    if layout != Layout::Single {
        let files = stack.hls_files();
        assert!(files.iter().all(|f| !f.contains(&key)), "{files:?}");
    }
    assert!(obs.running(), "the publisher died: {}", obs.log());

    obs.stop();
    let limit = Duration::from_secs(stack.live_delay + 8);
    let stopped = Instant::now();
    let Some(off) = wait_offline(a, limit).await else {
        panic!("the page still shows the stream {limit:?} after the publisher stopped");
    };
    eprintln!("{layout:?}: offline on the page {off:?} after the publisher stopped");
    assert_eq!(stack.info("alice").await["live"], false);
    assert!(stopped.elapsed() < limit + Duration::from_secs(2));
    browser_a.close().await;
    browser_b.close().await;
}

/// The seed's single-application config, `publish.mode: rename`, segments sent by nginx
/// through X-Accel-Redirect.
#[tokio::test]
async fn single_application_rename_mode_end_to_end() {
    let Some(_one) = serial(Need::Browser).await else {
        return;
    };
    end_to_end(Options::new(Layout::Single, "rename")).await;
}

/// Two applications, on_publish redirect, `publish.mode: redirect`; here rsstreaming sends
/// the segments itself (no accel), so both ways of sending them are covered.
#[tokio::test]
async fn two_application_redirect_mode_end_to_end() {
    let Some(_one) = serial(Need::Browser).await else {
        return;
    };
    end_to_end(Options {
        accel: false,
        ..Options::new(Layout::Redirect, "redirect")
    })
    .await;
}

/// In the two-application layout nobody but this machine may publish into `hls`: otherwise
/// anyone could replace a stream by publishing to `hls/<streamer>`, skipping on_publish.
#[tokio::test]
async fn hls_application_refuses_outside_publishers() {
    let Some(_one) = serial(Need::Media).await else {
        return;
    };
    if !has_ipv6_loopback() {
        eprintln!("skipping: no [::1] to publish from an address other than 127.0.0.1");
        return;
    }
    let mut opts = Options::new(Layout::Redirect, "redirect");
    opts.ipv6_rtmp = true;
    let stack = Stack::start(opts).await;
    stack.add_streamer("alice", &new_key());

    let mut intruder = stack.publish_to("hls", "[::1]", "alice", Some(8));
    let status = intruder
        .wait_exit(Duration::from_secs(8))
        .expect("the intruding publisher was not refused");
    assert!(
        !status.success(),
        "publishing to hls/alice from [::1] was accepted"
    );
    assert!(stack.hls_files().is_empty(), "{:?}", stack.hls_files());
    assert_eq!(stack.info("alice").await["live"], false);

    // The same publish from 127.0.0.1 (what the relay does) goes through: the refusal above
    // was the address rule, not a broken setup.
    let mut relay = stack.publish_to("hls", "127.0.0.1", "alice", Some(30));
    assert!(
        stack
            .wait_live("alice", true, Duration::from_secs(10))
            .await
            .is_some(),
        "{}",
        stack.logs()
    );
    relay.stop();
}
