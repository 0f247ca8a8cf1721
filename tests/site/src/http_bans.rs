//! `GET|POST|DELETE /api/bans` (SPEC §7): the chat's bans from outside it, under the rules and
//! words of `/ban` and `/unban`; an API ban of a chatter in the chat sends it away, binds its
//! address, and lifts as it came.

use crate::site;
use rsstreaming_testkit::chat::login;
use rsstreaming_testkit::{Backend, Chat};
use serde_json::{json, Value};

const KEY: &str = "bans-K3y-0123456789";

/// The status and JSON of an answer.
async fn answer(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn bans_are_set_listed_and_lifted_through_the_api(backend: Backend) {
    let builder = site().streamer("Bob", KEY).proxy_hops(1);
    let site = builder.start(backend).await;
    let api = site.api("bob", KEY);
    let base = site.base();
    let from = |addr| Chat::from_addr(base, addr);
    let mut eve = from("10.1.0.1").await;
    eve.log_in("bob", "eve").await;
    let mut watcher = from("10.1.0.2").await;
    watcher.log_in("bob", "watcher").await;

    // Refused like `/ban`, changing nothing.
    for (body, error) in [
        (r#"{"username": "BOB"}"#, "User 'BOB' cannot be banned."),
        (r#"{"username": " "}"#, "A username to ban is required."),
        (
            r#"{"username": "eve", "duration": "soon"}"#,
            "Invalid duration 'soon': use 30s, 10m, 2h, 7d or a number of seconds.",
        ),
        (
            r#"{"username": "eve", "duration": 0}"#,
            "Invalid duration '0': at least 1 second.",
        ),
        (
            r#"{"username": "eve", "duration": true}"#,
            "duration must be a string or a number of seconds",
        ),
    ] {
        let (status, got) = answer(
            api.send_as_json(reqwest::Method::POST, "/api/bans", body)
                .await,
        )
        .await;
        assert_eq!(
            (status, got["error"].as_str()),
            (400, Some(error)),
            "{body}"
        );
    }
    assert!(api.get("/api/bans").await.json::<Value>().await.unwrap() == json!([]));
    let not_json = site
        .http
        .post(site.url("/api/bans"))
        .basic_auth("bob", Some(KEY));
    assert_eq!(not_json.body("{}").send().await.unwrap().status(), 415);

    // A ban of a chatter in the chat: told, sent away, its name and address refused.
    let body = r#"{"username": "Eve", "duration": 3600, "reason": "spam"}"#;
    let (status, ban) = answer(
        api.send_as_json(reqwest::Method::POST, "/api/bans", body)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{ban}");
    assert_eq!(
        (&ban["kind"], &ban["username"], &ban["by"]),
        (&"ban".into(), &"Eve".into(), &"Bob".into())
    );
    let until = ban["until"].as_i64().unwrap();
    assert_eq!(until - ban["created"].as_i64().unwrap(), 3_600_000);
    let banned = eve.expect("banned").await;
    assert_eq!(banned, json!({"reason": "spam", "until": until}));
    assert_eq!(watcher.expect("disconnected").await["username"], "eve");
    watcher
        .expect_msg("server", "User 'eve' has been banned.")
        .await;
    let mut same_address = from("10.1.0.1").await;
    same_address.send("login", login("bob", "evelyn")).await;
    assert_eq!(same_address.expect("banned").await, banned);
    let listed: Value = api.get("/api/bans").await.json().await.unwrap();
    assert_eq!(listed, json!([ban]));

    // Lifted: the name may come back; lifting again is a 404.
    let (status, lifted) = answer(api.delete("/api/bans?username=EVE").await).await;
    assert_eq!(
        (status, lifted),
        (200, json!({"username": "EVE", "unbanned": true}))
    );
    let (status, again) = answer(api.delete("/api/bans?username=eve").await).await;
    assert_eq!(
        (status, again["error"].as_str()),
        (404, Some("User 'eve' is not banned."))
    );
    assert_eq!(api.delete("/api/bans").await.status(), 400);
    same_address.log_in("bob", "eve").await;

    // A token needs the `moderate` scope for it.
    for (scope, status) in [("read,chat,settings", 403), ("moderate", 200)] {
        let token = crate::http_tokens::add_token(&site, scope);
        let asked = site.http.get(site.url("/api/bans")).bearer_auth(token);
        assert_eq!(asked.send().await.unwrap().status(), status, "{scope}");
    }

    let events = site.events("bob").await;
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        kinds.contains(&"ban") && kinds.contains(&"unban"),
        "{kinds:?}"
    );
}
