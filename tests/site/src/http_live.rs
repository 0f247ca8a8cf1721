//! The HTTP handlers and the chat gateway together: viewer counts and chat members come from
//! the shared state the gateway fills, and an API post reaches the open chat exactly once.

use crate::site;
use rsstreaming_testkit::{Backend, Chat, Site, TestDb};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEY: &str = "live-K3y-5678";

/// Polls `/bob/info` until `count` is `want` (presence is batched by the gateway).
async fn wait_count(site: &Site, want: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = site.json("/bob/info").await;
        if v["count"] == want || Instant::now() > deadline {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn viewers_members_and_api_posts_meet_the_chat(backend: Backend) {
    for db in TestDb::both().await {
        let site = site().db(db).streamer("Bob", KEY).start(backend).await;
        site.write_stream(KEY, &[1, 2], Duration::ZERO);
        let api = site.api("bob", KEY);

        let (mut viewer, _) = Chat::login(site.base(), "bob", "viewer1").await;
        viewer.send("presence", json!({"streamer": "bob"})).await;
        let info = wait_count(&site, 1).await;
        assert_eq!(info, json!({"live": true, "count": 1, "description": ""}));

        let info = api.info().await;
        assert_eq!(info["viewers"], 1);
        assert_eq!(info["members"], json!(["viewer1"]));
        let index = site.get("/").await.text().await.unwrap();
        assert!(index.contains("Bob"), "{index}");

        // An API post arrives in the chat as the streamer's line, and is recorded once.
        assert_eq!(api.say(None, "hello from the API").await.status(), 200);
        let got = viewer.expect("message received").await;
        assert_eq!(got["username"], "Bob");
        assert_eq!(got["message"], "hello from the API");
        assert_eq!(api.say(Some("action"), "waves").await.status(), 200);
        let got = viewer.expect("action received").await;
        assert_eq!(got["message"], "waves");
        assert_eq!(api.say(Some("server"), "Raid incoming").await.status(), 200);
        viewer.expect_msg("server", "Raid incoming").await;

        // Give the gateway's batched audit writer time to (wrongly) record them again.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let texts = api.message_texts().await;
        assert_eq!(texts, ["hello from the API", "waves", "Raid incoming"]);

        // Not live: the count is 0 whatever the presence.
        site.age_playlist(KEY, Duration::from_secs(60));
        assert_eq!(wait_count(&site, 0).await["count"], 0);
        // The streamer still sees who waits for the stream.
        viewer.send("presence", json!({"streamer": "bob"})).await;
        let info = api.info().await;
        assert_eq!(info["live"], false);
        assert_eq!(info["viewers"], 1);
        viewer.close().await;
    }
}
