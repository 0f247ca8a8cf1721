//! nginx-rtmp's publish hooks: the key decides, events are recorded without it, only allowed
//! callers are answered, and guessing is throttled.

use crate::common::TestDb;
use crate::http::Site;

const KEY: &str = "pub-K3y-0123456789";

/// The body nginx-rtmp POSTs (HTTP/1.0) for a publish of `name` by a client at `addr`.
fn nginx_form(name: &str, addr: &str) -> String {
    format!(
        "app=live&flashver=FMLE/3.0%20(compatible%3B%20FMSc/1.0)&swfurl=&tcurl=rtmp://127.0.0.1:1935/live&pageurl=&addr={addr}&clientid=7&call=publish&name={name}&type=live"
    )
}

async fn hook(
    site: &Site,
    path: &str,
    body: String,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut req = site
        .http
        .post(site.url(path))
        .version(reqwest::Version::HTTP_10)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    req.send().await.expect("hook")
}

fn kinds(events: &[(String, serde_json::Value)]) -> Vec<&str> {
    events.iter().map(|(k, _)| k.as_str()).collect()
}

#[tokio::test]
async fn on_publish_accepts_keys_and_records_start_and_stop() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &[], &[("Bob", KEY)]).await;
        let r = hook(
            &site,
            "/auth/on_publish",
            nginx_form(KEY, "192.0.2.10"),
            None,
        )
        .await;
        assert_eq!(r.status(), 200);
        let events = site.events("bob").await;
        assert_eq!(kinds(&events), ["stream_start"]);
        let meta = &events[0].1;
        assert_eq!(meta["username"], "Bob");
        assert_eq!(meta["app"], "live");
        assert_eq!(meta["addr"], "192.0.2.10");
        assert!(!meta.to_string().contains(KEY));

        // Wrong, missing and empty keys are refused and recorded without the name.
        for body in [
            nginx_form("not-the-key", "192.0.2.10"),
            "app=live&call=publish".into(),
            nginx_form("", "192.0.2.10"),
        ] {
            let r = hook(&site, "/auth/on_publish", body, None).await;
            assert_eq!(r.status(), 403);
        }
        let refused = site.events("").await;
        assert_eq!(kinds(&refused), ["publish_refused"; 3]);
        assert!(!refused
            .iter()
            .any(|(_, m)| m.to_string().contains("not-the-key")));

        // GET with the fields in the query string (and the publish URL's own arguments).
        let r = site
            .get(&format!(
                "/auth/on_publish?app=live&name={KEY}&addr=192.0.2.10&token=x"
            ))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            site.get("/auth/on_publish?app=live&name=bad")
                .await
                .status(),
            403
        );

        // Done: 200 always; the stop is recorded once per open stream.
        let r = hook(
            &site,
            "/auth/on_publish_done",
            nginx_form(KEY, "192.0.2.10"),
            None,
        )
        .await;
        assert_eq!(r.status(), 200);
        let r = hook(
            &site,
            "/auth/on_publish_done",
            nginx_form(KEY, "192.0.2.10"),
            None,
        )
        .await;
        assert_eq!(r.status(), 200);
        let r = hook(
            &site,
            "/auth/on_publish_done",
            nginx_form("junk", "192.0.2.10"),
            None,
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(site.get("/auth/on_publish_done").await.status(), 200);
        assert_eq!(
            kinds(&site.events("bob").await),
            ["stream_start", "stream_start", "stream_stop"]
        );
        assert!(!site.server.log().contains(KEY));
    }
}

#[tokio::test]
async fn redirect_mode_renames_the_stream_to_the_room() {
    let site = Site::start(
        TestDb::sqlite(),
        "publish:\n  mode: redirect\nvideo_qualities: [Original, 720P]\n",
        &[],
        &[("Bob", KEY)],
    )
    .await;
    let r = hook(
        &site,
        "/auth/on_publish",
        nginx_form(KEY, "192.0.2.10"),
        None,
    )
    .await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "bob");
    assert_eq!(kinds(&site.events("bob").await), ["stream_start"]);

    // A public room name is only a wrong key, from any address, local ones included: otherwise
    // anyone on the server could publish as any streamer.
    for (name, addr) in [
        ("bob", "127.0.0.1"),
        ("bob_720P", "127.0.0.1"),
        ("bob", "192.0.2.66"),
    ] {
        let r = hook(&site, "/auth/on_publish", nginx_form(name, addr), None).await;
        assert_eq!(r.status(), 403, "{name} from {addr}");
    }
    assert_eq!(kinds(&site.events("bob").await), ["stream_start"]);

    // nginx reports the end under the new name (or the key): one stop either way.
    let r = hook(
        &site,
        "/auth/on_publish_done",
        nginx_form("bob", "192.0.2.10"),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = hook(
        &site,
        "/auth/on_publish_done",
        nginx_form(KEY, "192.0.2.10"),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        kinds(&site.events("bob").await),
        ["stream_start", "stream_stop"]
    );
}

#[tokio::test]
async fn rename_mode_accepts_transcode_relays_of_a_key() {
    let site = Site::start(
        TestDb::sqlite(),
        "video_qualities: [Original, 720P]\n",
        &[],
        &[("bob", KEY)],
    )
    .await;
    let r = hook(
        &site,
        "/auth/on_publish",
        nginx_form(&format!("{KEY}_720P"), "127.0.0.1"),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(
        site.events("bob").await.is_empty(),
        "a relay is not a new stream"
    );
    // A room name is no key in this mode.
    let r = hook(
        &site,
        "/auth/on_publish",
        nginx_form("bob", "127.0.0.1"),
        None,
    )
    .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn on_publish_answers_only_allowed_callers() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &["--nginx-proxy", "1"], &[("bob", KEY)]).await;
        // Through one trusted proxy, the caller is the forwarded address: not nginx.
        let r = hook(
            &site,
            "/auth/on_publish",
            nginx_form(KEY, "127.0.0.1"),
            Some("203.0.113.5"),
        )
        .await;
        assert_eq!(r.status(), 403);
        // A client cannot forge its way in with extra hops: only the last one is trusted.
        let r = hook(
            &site,
            "/auth/on_publish",
            nginx_form(KEY, "127.0.0.1"),
            Some("127.0.0.1, 203.0.113.5"),
        )
        .await;
        assert_eq!(r.status(), 403);
        let r = site.get(&format!("/auth/on_publish?name={KEY}")).await;
        assert_eq!(
            r.status(),
            200,
            "no forwarded header: the peer (loopback) itself"
        );
        assert_eq!(kinds(&site.events("bob").await), ["stream_start"]);
        // Done from outside: 200, nothing recorded.
        let r = hook(
            &site,
            "/auth/on_publish_done",
            nginx_form(KEY, "127.0.0.1"),
            Some("203.0.113.5"),
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(kinds(&site.events("bob").await), ["stream_start"]);
    }
}

#[tokio::test]
async fn allow_list_is_configurable() {
    let site = Site::start(
        TestDb::sqlite(),
        "publish:\n  allow: [10.0.0.0/8]\n",
        &[],
        &[("bob", KEY)],
    )
    .await;
    let r = hook(&site, "/auth/on_publish", nginx_form(KEY, "10.1.1.1"), None).await;
    assert_eq!(r.status(), 403, "loopback is not in this allow-list");
}

#[tokio::test]
async fn key_guessing_is_throttled_per_client_address() {
    let site = Site::start(TestDb::sqlite(), "", &[], &[("bob", KEY)]).await;
    for i in 0..10 {
        let r = hook(
            &site,
            "/auth/on_publish",
            nginx_form(&format!("guess{i}"), "198.51.100.7"),
            None,
        )
        .await;
        assert_eq!(r.status(), 403, "attempt {i}");
    }
    let r = hook(
        &site,
        "/auth/on_publish",
        nginx_form("guess10", "198.51.100.7"),
        None,
    )
    .await;
    assert_eq!(r.status(), 429);
    // Past the budget even the right key is refused: no oracle at speed.
    let r = hook(
        &site,
        "/auth/on_publish",
        nginx_form(KEY, "198.51.100.7"),
        None,
    )
    .await;
    assert_eq!(r.status(), 429);
    // Other publishers are not locked out by one guesser.
    let r = hook(
        &site,
        "/auth/on_publish",
        nginx_form(KEY, "198.51.100.8"),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    // Throttled attempts are not recorded (a guesser cannot flood the audit log).
    assert_eq!(site.events("").await.len(), 10);
}
