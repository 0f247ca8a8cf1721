//! `GET /metrics` on `serve` (the Lambda deployment has no such route): answered only to
//! `metrics.allow` (loopback by default, the forwarded caller behind a trusted proxy, never an
//! unreadable chain), in the Prometheus text format, counting what was done between scrapes.

use rsstreaming_testkit::{Backend, Chat, Site};
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "metrics-K3y-0123456789";

/// `GET /metrics` as if from `addr` (through the site's one trusted proxy hop).
async fn scrape_as(site: &Site, addr: &str) -> reqwest::Response {
    let req = site.http.get(site.url("/metrics"));
    let r = req.header("x-forwarded-for", addr).send().await;
    r.expect("GET /metrics")
}

/// [`scrape_as`]: status and body.
async fn scrape_from(site: &Site, addr: &str) -> (u16, String) {
    let r = scrape_as(site, addr).await;
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// A site on `serve` with streamer `bob` (key [`KEY`]), trusting no proxy.
async fn bob_site() -> Site {
    let b = rsstreaming_site_tests::site().streamer("bob", KEY);
    b.start(Backend::Serve).await
}

/// The value of one series (`name{labels}` exactly as exposed, or a bare name) in a scrape;
/// 0 when it is absent, as Prometheus reads a counter not yet created.
pub fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .filter_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.trim().parse::<f64>().expect("a number"))
        .next()
        .unwrap_or(0.0)
}

/// A scrape of a site that trusts no proxy (the test runs on loopback, which is allowed).
pub async fn scrape(site: &Site) -> String {
    let r = site.get("/metrics").await;
    assert_eq!(r.status(), 200);
    r.text().await.expect("body")
}

/// Scrapes until `series` reaches `want` (presence and viewer counts are batched), at most 10 s.
async fn scrape_until(site: &Site, series: &str, want: f64) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = scrape(site).await;
        if value(&text, series) == want || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn only_allowed_callers_are_answered_in_prometheus_text() {
    let site = rsstreaming_site_tests::site()
        .proxy_hops(1)
        .streamer("bob", KEY)
        .start(Backend::Serve)
        .await;
    for foreign in ["203.0.113.9", "garbage", "", "::ffff:198.51.100.1"] {
        let (status, body) = scrape_from(&site, foreign).await;
        assert_eq!(status, 403, "{foreign:?}: {body}");
        assert!(!body.contains("rsstreaming_"), "{body}");
    }
    // A URL holding the key is counted under its route's name, never its path.
    let _ = site.get(&format!("/hls/{KEY}.m3u8")).await;
    let r = scrape_as(&site, "127.0.0.1").await;
    assert_eq!(r.status(), 200);
    let kind = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = r.text().await.unwrap();
    for family in [
        "# TYPE rsstreaming_http_requests counter",
        "# TYPE rsstreaming_http_request_duration_seconds histogram",
        "# TYPE rsstreaming_ws_connections gauge",
        "# TYPE rsstreaming_chat_logins counter",
        "# TYPE rsstreaming_chat_lines counter",
        "# TYPE rsstreaming_chat_deliveries counter",
        "# TYPE rsstreaming_chat_slow_readers_dropped counter",
        "# TYPE rsstreaming_live_streams gauge",
        "# TYPE rsstreaming_viewers gauge",
    ] {
        assert!(text.contains(family), "{family} missing from\n{text}");
    }
    assert!(!text.contains(KEY), "{text}");
    assert!(text.contains("route=\"hls_public_file\""), "{text}");
}

#[tokio::test]
async fn metrics_allow_replaces_the_loopback_default() {
    let site = rsstreaming_site_tests::site()
        .proxy_hops(1)
        .yaml("metrics:\n  allow: [203.0.113.0/24]\n")
        .start(Backend::Serve)
        .await;
    assert_eq!(scrape_from(&site, "203.0.113.9").await.0, 200);
    assert_eq!(scrape_from(&site, "127.0.0.1").await.0, 403);
    assert_eq!(scrape_from(&site, "198.51.100.1").await.0, 403);
}

#[tokio::test]
async fn a_request_is_counted_by_route_and_status_with_its_latency() {
    let site = bob_site().await;
    let ok = "rsstreaming_http_requests_total{route=\"stream_info\",status=\"200\"}";
    let missing = "rsstreaming_http_requests_total{route=\"stream_info\",status=\"404\"}";
    let unrouted = "rsstreaming_http_requests_total{route=\"unrouted\",status=\"404\"}";
    let timed = "rsstreaming_http_request_duration_seconds_count{route=\"stream_info\"}";
    let before = scrape(&site).await;
    assert_eq!(site.get("/bob/info").await.status(), 200);
    assert_eq!(site.get("/nobody/info").await.status(), 404);
    assert_eq!(site.get("/a/b/c/d").await.status(), 404);
    let after = scrape(&site).await;
    for series in [ok, missing, unrouted] {
        assert!(
            value(&after, series) >= value(&before, series) + 1.0,
            "{series}\nbefore:\n{before}\nafter:\n{after}"
        );
    }
    assert!(
        value(&after, timed) >= value(&before, timed) + 2.0,
        "{after}"
    );
    // The scrape itself is a request like any other.
    let scrapes = "rsstreaming_http_requests_total{route=\"metrics\",status=\"200\"}";
    assert!(value(&after, scrapes) >= 1.0, "{after}");
}

#[tokio::test]
async fn chat_logins_lines_connections_and_viewers_are_counted() {
    let site = bob_site().await;
    let before = scrape(&site).await;
    assert_eq!(value(&before, "rsstreaming_ws_connections"), 0.0);
    assert_eq!(value(&before, "rsstreaming_live_streams"), 0.0);

    site.write_stream(KEY, &[1, 2], Duration::ZERO);
    let (mut viewer, _) = Chat::login(site.base(), "bob", "viewer1").await;
    viewer.send("presence", json!({"streamer": "bob"})).await;
    viewer.say("hello metrics").await;
    viewer
        .expect_line("message received", "hello metrics")
        .await;

    let after = scrape_until(&site, "rsstreaming_viewers", 1.0).await;
    let grew = |series: &str, by: f64| {
        assert!(
            value(&after, series) >= value(&before, series) + by,
            "{series}\nbefore:\n{before}\nafter:\n{after}"
        );
    };
    grew("rsstreaming_chat_logins_total", 1.0);
    grew("rsstreaming_chat_lines_total", 1.0);
    // At least `login success` and the line itself reached the viewer's socket.
    grew("rsstreaming_chat_deliveries_total", 2.0);
    assert_eq!(value(&after, "rsstreaming_ws_connections"), 1.0, "{after}");
    assert_eq!(value(&after, "rsstreaming_live_streams"), 1.0, "{after}");
    assert_eq!(value(&after, "rsstreaming_viewers"), 1.0, "{after}");

    // A closed socket leaves the gauge; a stream gone stale leaves the live ones.
    drop(viewer);
    site.age_playlist(KEY, Duration::from_secs(60));
    let end = scrape_until(&site, "rsstreaming_ws_connections", 0.0).await;
    assert_eq!(value(&end, "rsstreaming_ws_connections"), 0.0, "{end}");
    assert_eq!(value(&end, "rsstreaming_live_streams"), 0.0, "{end}");
}
