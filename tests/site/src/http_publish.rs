//! nginx-rtmp's publish hooks: the key decides, events are recorded without it, only allowed
//! callers are answered, and guessing is throttled.

use crate::{site, QUALITIES, REDIRECT};
use rsstreaming_testkit::SiteBuilder;
use rsstreaming_testkit::{Backend, TestDb};

const KEY: &str = "pub-K3y-0123456789";
const NGINX: &str = "192.0.2.10";

/// The site with one streamer, whose key is [`KEY`].
fn streamer(name: &str) -> SiteBuilder {
    site().streamer(name, KEY)
}

pub async fn on_publish_accepts_keys_and_records_start_and_stop(backend: Backend) {
    for db in TestDb::both().await {
        let site = streamer("Bob").db(db).start(backend).await;
        let hooks = site.hooks();
        assert_eq!(hooks.publish(KEY, NGINX).await.status(), 200);
        let events = site.events("bob").await;
        assert_eq!(site.event_kinds("bob").await, ["stream_start"]);
        let meta = &events[0].1;
        assert_eq!(meta["username"], "Bob");
        assert_eq!(meta["app"], "live");
        assert_eq!(meta["addr"], "192.0.2.10");
        assert!(!meta.to_string().contains(KEY));

        // Wrong, missing and empty keys are refused and recorded without the name.
        for body in [
            rsstreaming_testkit::hooks::nginx_form("not-the-key", NGINX),
            "app=live&call=publish".into(),
            rsstreaming_testkit::hooks::nginx_form("", NGINX),
        ] {
            assert_eq!(hooks.post("/auth/on_publish", body).await.status(), 403);
        }
        let refused = site.events("").await;
        assert_eq!(site.event_kinds("").await, ["publish_refused"; 3]);
        let named = refused
            .iter()
            .any(|(_, m)| m.to_string().contains("not-the-key"));
        assert!(!named);

        // GET with the fields in the query string (and the publish URL's own arguments).
        let query = format!("/auth/on_publish?app=live&name={KEY}&addr=192.0.2.10&token=x");
        assert_eq!(site.get(&query).await.status(), 200);
        let bad = site.get("/auth/on_publish?app=live&name=bad").await;
        assert_eq!(bad.status(), 403);

        // Done: 200 always; the stop is recorded once per open stream.
        for name in [KEY, KEY, "junk"] {
            assert_eq!(
                hooks.publish_done(name, NGINX).await.status(),
                200,
                "{name}"
            );
        }
        assert_eq!(site.get("/auth/on_publish_done").await.status(), 200);
        let kinds = site.event_kinds("bob").await;
        assert_eq!(kinds, ["stream_start", "stream_start", "stream_stop"]);
        assert!(!site.log().contains(KEY));
    }
}

pub async fn redirect_mode_renames_the_stream_to_the_room(backend: Backend) {
    let site = streamer("Bob").yaml(REDIRECT).yaml(QUALITIES);
    let site = site.start(backend).await;
    let hooks = site.hooks();
    let r = hooks.publish(KEY, NGINX).await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "bob");
    assert_eq!(site.event_kinds("bob").await, ["stream_start"]);

    // A public room name is only a wrong key, from any address, local ones included: otherwise
    // anyone on the server could publish as any streamer.
    for (name, addr) in [
        ("bob", "127.0.0.1"),
        ("bob_720P", "127.0.0.1"),
        ("bob", "192.0.2.66"),
    ] {
        let r = hooks.publish(name, addr).await;
        assert_eq!(r.status(), 403, "{name} from {addr}");
    }
    assert_eq!(site.event_kinds("bob").await, ["stream_start"]);

    // nginx reports the end under the new name (or the key): one stop either way.
    for name in ["bob", KEY] {
        assert_eq!(
            hooks.publish_done(name, NGINX).await.status(),
            200,
            "{name}"
        );
    }
    let kinds = site.event_kinds("bob").await;
    assert_eq!(kinds, ["stream_start", "stream_stop"]);
}

pub async fn rename_mode_accepts_transcode_relays_of_a_key(backend: Backend) {
    let site = streamer("bob").yaml(QUALITIES).start(backend).await;
    let hooks = site.hooks();
    let relay = hooks.publish(&format!("{KEY}_720P"), "127.0.0.1").await;
    assert_eq!(relay.status(), 200);
    let events = site.events("bob").await;
    assert!(events.is_empty(), "a relay is not a new stream");
    // A room name is no key in this mode.
    assert_eq!(hooks.publish("bob", "127.0.0.1").await.status(), 403);
}

pub async fn on_publish_answers_only_allowed_callers(backend: Backend) {
    for db in TestDb::both().await {
        let site = streamer("bob").db(db).proxy_hops(1).start(backend).await;
        // Through one trusted proxy, the caller is the forwarded address: not nginx. A client
        // cannot forge its way in with extra hops either: only the last one is trusted.
        for xff in ["203.0.113.5", "127.0.0.1, 203.0.113.5"] {
            let r = site
                .hooks()
                .forwarded_for(xff)
                .publish(KEY, "127.0.0.1")
                .await;
            assert_eq!(r.status(), 403, "{xff}");
        }
        let r = site.get(&format!("/auth/on_publish?name={KEY}")).await;
        let status = r.status();
        assert_eq!(
            status, 200,
            "no forwarded header: the peer (loopback) itself"
        );
        assert_eq!(site.event_kinds("bob").await, ["stream_start"]);
        // Done from outside: 200, nothing recorded.
        let outside = site.hooks().forwarded_for("203.0.113.5");
        assert_eq!(outside.publish_done(KEY, "127.0.0.1").await.status(), 200);
        assert_eq!(site.event_kinds("bob").await, ["stream_start"]);
    }
}

pub async fn allow_list_is_configurable(backend: Backend) {
    let site = streamer("bob").yaml("publish:\n  allow: [10.0.0.0/8]\n");
    let site = site.start(backend).await;
    let r = site.hooks().publish(KEY, "10.1.1.1").await;
    assert_eq!(r.status(), 403, "loopback is not in this allow-list");
}

pub async fn key_guessing_is_throttled_per_client_address(backend: Backend) {
    let site = streamer("bob").start(backend).await;
    let hooks = site.hooks();
    for i in 0..10 {
        let r = hooks.publish(&format!("guess{i}"), "198.51.100.7").await;
        assert_eq!(r.status(), 403, "attempt {i}");
    }
    // Past the budget even the right key is refused (no oracle at speed); other publishers
    // are not locked out by one guesser.
    for (name, addr, status) in [
        ("guess10", "198.51.100.7", 429),
        (KEY, "198.51.100.7", 429),
        (KEY, "198.51.100.8", 200),
    ] {
        let r = hooks.publish(name, addr).await;
        assert_eq!(r.status(), status, "{name} from {addr}");
    }
    // Throttled attempts are not recorded (a guesser cannot flood the audit log).
    assert_eq!(site.events("").await.len(), 10);
}
