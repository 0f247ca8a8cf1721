//! Stream sessions (SPEC §8): a publish opens a stream and its end closes it, the sampler
//! records viewers and chatters while it is open, and `GET /api/streams` and
//! `streamer streams` report them with the lines written meanwhile.

use crate::site;
use rsstreaming_testkit::{Backend, Chat, TestDb};
use serde_json::Value;
use std::time::{Duration, Instant};

const KEY: &str = "streams-K3y-0123456789";
const NGINX: &str = "192.0.2.10";

/// A sampler taking a sample every second.
const FAST_SAMPLES: &str = "streams:\n  sample_secs: 1\n";

/// Polls `/api/streams` until `done` holds for it (samples and audited lines arrive in
/// batches); the last answer either way.
async fn streams_until(
    api: &rsstreaming_testkit::Api,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let streams = api.streams().await;
        if done(&streams) || Instant::now() > deadline {
            return streams;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn streams_are_recorded_with_viewers_chatters_and_lines(backend: Backend) {
    for db in TestDb::both().await {
        let site = site().db(db).streamer("Bob", KEY).yaml(FAST_SAMPLES);
        let site = site.start(backend).await;
        let api = site.api("bob", KEY);
        let hooks = site.hooks();
        assert!(api.streams().await.is_empty());
        let anonymous = site.get("/api/streams").await;
        assert_eq!(anonymous.status(), 401);

        assert_eq!(hooks.publish(KEY, NGINX).await.status(), 200);
        // nginx reconnecting while the stream is open continues it.
        assert_eq!(hooks.publish(KEY, NGINX).await.status(), 200);
        let (mut ann, _) = Chat::login(site.base(), "bob", "Ann").await;
        let (mut cid, _) = Chat::login(site.base(), "bob", "Cid").await;
        // Chatters watch too (a login counts as presence); one more page only watches.
        let watcher = Chat::viewer(site.base(), "bob").await;
        ann.say("hello").await;
        ann.expect_line("message received", "hello").await;
        cid.say("hi Ann").await;
        cid.expect_line("message received", "hi Ann").await;
        assert_eq!(api.say(None, "welcome").await.status(), 200);

        let live = streams_until(&api, |s| {
            s.len() == 1 && s[0]["peak_viewers"] == 3 && s[0]["lines"] == 3
        })
        .await;
        assert_eq!(live.len(), 1, "one stream for two publishes: {live:?}");
        let s = &live[0];
        assert_eq!(s["ended"], Value::Null, "{s}");
        assert_eq!(s["peak_viewers"], 3, "{s}");
        assert_eq!(s["lines"], 3, "{s}");
        assert_eq!(s["unique_chatters"], 3, "Ann, Cid and the streamer: {s}");
        assert!(s["avg_viewers"].as_f64().unwrap() > 0.0, "{s}");
        assert!(s["duration_s"].as_i64().unwrap() >= 0, "{s}");
        let keys: Vec<_> = s.as_object().unwrap().keys().cloned().collect();
        let mut want = [
            "id",
            "started",
            "ended",
            "duration_s",
            "peak_viewers",
            "avg_viewers",
            "unique_chatters",
            "lines",
        ];
        want.sort_unstable();
        assert_eq!(keys, want);

        assert_eq!(hooks.publish_done(KEY, NGINX).await.status(), 200);
        let ended = api.streams().await;
        let s = &ended[0];
        let (started, end) = (s["started"].as_i64().unwrap(), s["ended"].as_i64().unwrap());
        assert!(end >= started, "{s}");
        assert_eq!(s["duration_s"].as_i64().unwrap(), end - started, "{s}");
        assert!(s["avg_viewers"].as_f64().unwrap() <= 3.0, "{s}");

        // The next publish is a new stream, listed first; the CLI shows the same list.
        assert_eq!(hooks.publish(KEY, NGINX).await.status(), 200);
        let two = api.streams().await;
        assert_eq!(two.len(), 2);
        assert!(two[0]["id"].as_i64() > two[1]["id"].as_i64());
        assert_eq!(two[0]["ended"], Value::Null);
        assert_eq!(two[0]["lines"], 0);
        let cli = site.cli(&["streamer", "streams", "--username", "bob", "--json"]);
        let cli: Vec<Value> = serde_json::from_str(cli.trim()).expect("--json is JSON");
        assert_eq!(cli.len(), 2);
        assert_eq!(
            cli[1], ended[0],
            "a finished stream reads the same both ways"
        );
        let table = site.cli(&["streamer", "streams", "--username", "bob"]);
        assert!(table.contains("PEAK") && table.contains("live"), "{table}");
        assert!(!site.log().contains(KEY));
        watcher.close().await;
        ann.close().await;
        cid.close().await;
    }
}
