//! Steps the end-to-end tests share: watching the page, chatting, waiting for offline, and
//! crawling for the key.

use crate::browser::{fetched_urls, js, wait_playing, VideoState};
use crate::crawl::crawl;
use crate::stack::Stack;
use fantoccini::Client;
use rsstreaming_testkit::browser::Browser;
use std::time::{Duration, Instant};

/// Opens the stream page and waits until its video plays (2 s of advancing clock, real size).
pub async fn watch(stack: &Stack, c: &Client, streamer: &str) -> VideoState {
    open(c, &stack.site(&format!("/{streamer}/"))).await;
    match wait_playing(c, 2.0, Duration::from_secs(30)).await {
        Ok(v) => v,
        Err(e) => panic!("{e}\n{}", stack.logs()),
    }
}

/// Opens `url` with room for every request of the run in the page's Resource Timing buffer
/// (default 250), so [`crate::browser::fetched_urls`] sees them all.
pub async fn open(c: &Client, url: &str) {
    c.goto(url).await.expect("open the page");
    js(
        c,
        "performance.setResourceTimingBufferSize(100000); return null;",
    )
    .await;
}

/// Logs into the page's chat under `name`.
pub async fn chat_login(b: &Browser, name: &str) {
    b.type_into("#login-name", name).await;
    b.click("#login-submit").await;
    b.wait_shown("composer", &format!("chat login as {name}"))
        .await;
}

/// Sends a chat line from page `from` and waits until page `to` shows it.
pub async fn chat_roundtrip(from: &Browser, to: &Browser, message: &str) {
    from.type_into("#chat-input", message).await;
    from.click("#send-button").await;
    let shown = format!(
        "document.getElementById('messages').innerText.includes({})",
        rsstreaming_testkit::browser::js(message)
    );
    to.wait_until(&shown, &format!("{message:?} in the second browser"))
        .await;
}

/// Whether the page says the stream is offline: the badge is off and the offline text shows.
pub async fn page_offline(c: &Client) -> bool {
    js(
        c,
        "const b = document.getElementById('live-badge');
         const p = document.getElementById('player');
         const t = document.getElementById('offline-text');
         return !!b && b.dataset.live === 'false' && !!p && p.dataset.state === 'offline'
                && !!t && t.offsetParent !== null && /currently offline/.test(t.textContent);",
    )
    .await
    .as_bool()
        == Some(true)
}

/// Waits until the page shows offline; the time it took.
pub async fn wait_offline(c: &Client, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if page_offline(c).await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}

/// Crawls the public site from the streamer's pages, playlists, what the browsers fetched, and
/// the names nginx-rtmp wrote (asked for under `/hls/` and `/internal-hls/`); asserts that the
/// key shows nowhere and that no on-disk name is served publicly when it holds the key.
pub async fn assert_no_key_anywhere(
    stack: &Stack,
    streamer: &str,
    qualities: &[&str],
    key: &str,
    browsers: &[&Client],
) {
    let mut starts = vec![
        stack.site("/"),
        stack.site(&format!("/{streamer}/")),
        stack.site(&format!("/{streamer}")),
        stack.site(&format!("/{streamer}/info")),
        stack.site(&format!("/{streamer}/playlist.m3u8")),
        stack.site("/hls/"),
        stack.site(&format!("/hls/{streamer}/")),
        stack.site("/internal-hls/"),
        stack.site(&format!("/{streamer}/videos")),
        stack.site("/internal-recordings/"),
    ];
    for q in qualities {
        starts.push(stack.site(&format!("/{streamer}/playlist/{q}.m3u8")));
    }
    // Names nginx-rtmp wrote, asked for as they are: those holding the key are probes (checked
    // below, never served), the others are crawled.
    let files = stack.hls_files();
    for f in files.iter().filter(|f| !f.contains(key)) {
        starts.push(stack.site(&format!("/hls/{f}")));
        starts.push(stack.site(&format!("/internal-hls/{f}")));
    }
    let mut from_browsers = 0;
    for b in browsers {
        for u in fetched_urls(b).await {
            assert!(!u.contains(key), "a browser fetched {u}");
            if u.starts_with(&stack.site("/")) {
                starts.push(u);
                from_browsers += 1;
            }
        }
    }
    let report = crawl(&stack.http, &starts, key, 2000).await;
    assert!(
        report.leaks.is_empty(),
        "the key leaked: {:#?}\nfetched: {:#?}",
        report.leaks,
        report.fetched
    );
    // The crawl must have seen the real thing, not only error pages.
    assert_eq!(
        report.status_of(&format!("/{streamer}/playlist.m3u8")),
        Some(200)
    );
    let segments = report.count_matching(|u| u.contains("/hls/") && u.ends_with(".ts"));
    assert!(segments > 0, "no segment fetched: {:#?}", report.fetched);
    if !browsers.is_empty() {
        assert!(
            from_browsers > 0,
            "the browsers fetched nothing from the site"
        );
    }
    // Files named after the key are never served under their own names, and nothing on disk
    // is served from the internal location to a visitor.
    for f in &files {
        for prefix in ["/hls/", "/internal-hls/"] {
            let r = stack.get(&stack.site(&format!("{prefix}{f}")), None).await;
            let served = r.status().is_success();
            assert!(
                !served || (prefix == "/hls/" && !f.contains(key)),
                "{prefix}<file {}> answered {}",
                f.replace(key, "<key>"),
                r.status()
            );
        }
    }
    // nginx-rtmp's recording in progress (key-named in rename mode) and what the site made of
    // finished ones: never served from the internal location.
    for f in recording_files(stack) {
        let r = stack
            .get(&stack.site(&format!("/internal-recordings/{f}")), None)
            .await;
        assert!(
            !r.status().is_success(),
            "/internal-recordings/<file {}> answered {}",
            f.replace(key, "<key>"),
            r.status()
        );
    }
    for line in stack.serve_log().lines() {
        assert!(!line.contains(key), "rsstreaming logged the key: {line}");
    }
}

/// The files under the stack's recordings folder, as paths relative to it.
pub fn recording_files(stack: &Stack) -> Vec<String> {
    let dir = stack.recordings();
    let mut out = Vec::new();
    for sub in ["", "incoming"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_file() {
                let name = e.file_name().to_string_lossy().into_owned();
                out.push(if sub.is_empty() {
                    name
                } else {
                    format!("{sub}/{name}")
                });
            }
        }
    }
    out.sort();
    out
}
