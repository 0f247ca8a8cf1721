//! Line ids, history and deletion (SPEC §7) through running `rsstreaming serve`s: ids and
//! timestamps on every line, `history` for a joiner (in-process and across two instances on
//! Redis + MariaDB), `/delete`, `/clear` and the API's delete.

use crate::chat::{site, KEY};
use rsstreaming_testkit::config::{redis_reachable, redis_url, redis_yaml};
use rsstreaming_testkit::{png_url, Backend, Chat, Deployment, Site, TestDb};
use serde_json::{json, Value};

/// Two `serve` instances on one MariaDB database and one Redis.
async fn cluster() -> Option<(Site, Deployment)> {
    if !redis_reachable().await {
        return None;
    }
    let db = TestDb::mysql().await?;
    let site = rsstreaming_site_tests::site()
        .db(db)
        .yaml(&redis_yaml(&redis_url()))
        .streamer("Streamer", KEY)
        .start(Backend::Serve)
        .await;
    let b = site.another_instance().await;
    Some((site, b))
}

/// The `history` a new chatter `name` gets right after `login success`.
async fn joiner_history(base: &str, name: &str) -> (Chat, Vec<Value>) {
    let mut c = Chat::connect(base).await;
    c.send("login", rsstreaming_testkit::chat::login("streamer", name))
        .await;
    let (event, _) = c
        .next_within(rsstreaming_testkit::chat::WAIT)
        .await
        .unwrap();
    assert_eq!(event, "login success");
    let (event, data) = c
        .next_within(rsstreaming_testkit::chat::WAIT)
        .await
        .unwrap();
    assert_eq!(event, "history", "{data}");
    (c, data["messages"].as_array().unwrap().clone())
}

/// The `message` (or for a drawing the `event`) of each history item, in order.
fn texts(history: &[Value]) -> Vec<String> {
    history
        .iter()
        .map(|m| match m["message"].as_str() {
            Some(t) => t.to_string(),
            None => m["event"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

#[tokio::test]
async fn lines_carry_ids_and_joiners_get_the_last_fifty() {
    let site = site().await;
    let base = site.base();
    let (mut alice, none) = joiner_history(base, "alice").await;
    assert!(none.is_empty(), "{none:?}");

    alice.say("first").await;
    let first = alice.expect_line("message received", "first").await;
    alice.say("/me waves").await;
    let action = alice.expect_line("action received", "waves").await;
    alice
        .send("drawing", json!({"src": png_url(240, 120)}))
        .await;
    let drawing = alice.expect("drawing received").await;
    let lines = [&first, &action, &drawing];
    for l in lines {
        assert!(l["id"].as_str().is_some_and(|id| !id.is_empty()), "{l}");
        let ts = l["timestamp"].as_i64().unwrap();
        let now = rsstreaming_shared::store::now_ms();
        assert!((now - 60_000..=now).contains(&ts), "{l}: unix ms");
    }
    let mut ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3, "distinct ids");

    // The joiner gets them as their payloads with `event`, oldest first.
    let (_bob, history) = joiner_history(base, "bob").await;
    assert_eq!(texts(&history), ["first", "waves", "drawing received"]);
    let mut with_event = first.clone();
    with_event["event"] = "message received".into();
    assert_eq!(history[0], with_event);
    assert_eq!(history[1]["event"], "action received");
    assert_eq!(history[2]["src"], drawing["src"]);

    // Only the last 50 lines (said by five chatters, within flood control, one at a time).
    let mut talkers = Vec::new();
    for n in 0..5 {
        talkers.push(Chat::login(base, "streamer", &format!("t{n}")).await.0);
    }
    for n in 0..55 {
        let line = format!("line {n}");
        talkers[n % 5].say(&line).await;
        alice.expect_line("message received", &line).await;
    }
    let (_carol, history) = joiner_history(base, "carol").await;
    let expected: Vec<String> = (5..55).map(|n| format!("line {n}")).collect();
    assert_eq!(texts(&history), expected);
}

#[tokio::test]
async fn a_line_said_on_one_instance_is_in_history_on_the_other() {
    let Some((site, b)) = cluster().await else {
        return;
    };
    let (mut alice, _) = Chat::login(site.base(), "streamer", "alice").await;
    alice.say("from a").await;
    let said = alice.expect_line("message received", "from a").await;
    let (_bob, history) = joiner_history(b.base(), "bob").await;
    assert_eq!(texts(&history), ["from a"]);
    assert_eq!(history[0]["id"], said["id"]);
}
