//! The HTTP handlers and the chat gateway together: viewer counts and chat members come from
//! the shared state the gateway fills, and an API post reaches the open chat exactly once.

use crate::chat_client::Chat;
use crate::common::TestDb;
use crate::http::{write_stream, Site};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEY: &str = "live-K3y-5678";

/// Polls `/bob/info` until `count` is `want` (presence is batched by the gateway).
async fn wait_count(site: &Site, want: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v: Value = site.get("/bob/info").await.json().await.unwrap();
        if v["count"] == want || Instant::now() > deadline {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn viewers_members_and_api_posts_meet_the_chat() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &[], &[("Bob", KEY)]).await;
        write_stream(&site.hls(), KEY, &[1, 2], Duration::ZERO);

        let (mut viewer, _) = Chat::login(&site.server.base, "bob", "viewer1").await;
        viewer.send("presence", json!({"streamer": "bob"})).await;
        let info = wait_count(&site, 1).await;
        assert_eq!(info, json!({"live": true, "count": 1, "description": ""}));

        let api: Value = site
            .http
            .get(site.url("/api/info"))
            .basic_auth("bob", Some(KEY))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["viewers"], 1);
        assert_eq!(api["members"], json!(["viewer1"]));
        let index = site.get("/").await.text().await.unwrap();
        assert!(index.contains("Bob"), "{index}");

        // An API post arrives in the chat as the streamer's line, and is recorded once.
        let post = |body: Value| {
            site.http
                .post(site.url("/api/messages"))
                .basic_auth("bob", Some(KEY))
                .json(&body)
                .send()
        };
        assert_eq!(
            post(json!({"message": "hello from the API"}))
                .await
                .unwrap()
                .status(),
            200
        );
        let got = viewer.expect("message received").await;
        assert_eq!(got["username"], "Bob");
        assert_eq!(got["message"], "hello from the API");
        assert_eq!(
            post(json!({"type": "action", "message": "waves"}))
                .await
                .unwrap()
                .status(),
            200
        );
        let got = viewer.expect("action received").await;
        assert_eq!(got["message"], "waves");
        assert_eq!(
            post(json!({"type": "server", "message": "Raid incoming"}))
                .await
                .unwrap()
                .status(),
            200
        );
        viewer.expect_msg("server", "Raid incoming").await;

        // Give the gateway's batched audit writer time to (wrongly) record them again.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let lines: Vec<Value> = site
            .http
            .get(site.url("/api/messages"))
            .basic_auth("bob", Some(KEY))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let texts: Vec<&str> = lines
            .iter()
            .map(|l| l["message"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["hello from the API", "waves", "Raid incoming"]);

        // Not live: the count is 0 whatever the presence.
        crate::http::set_age(
            &site.hls().join(format!("{KEY}.m3u8")),
            Duration::from_secs(60),
        );
        assert_eq!(wait_count(&site, 0).await["count"], 0);
        // The streamer still sees who waits for the stream.
        viewer.send("presence", json!({"streamer": "bob"})).await;
        let api: Value = site
            .http
            .get(site.url("/api/info"))
            .basic_auth("bob", Some(KEY))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["live"], false);
        assert_eq!(api["viewers"], 1);
        viewer.close().await;
    }
}
