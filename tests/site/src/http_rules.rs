//! The room rules over the remote-control API (SPEC §7): `GET/POST/DELETE /api/filters` and
//! `PUT/DELETE /api/pin`, with the chat's rules and messages, their scopes, and their effect
//! on a connected room.

use crate::http_tokens::add_token;
use crate::site;
use rsstreaming_testkit::{Backend, Chat};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEY: &str = "rules-K3y-0123456789";

/// Says `line` until it is refused as blocked (an API change binds the chat within a second).
pub async fn blocked_within_a_second(chat: &mut Chat, line: &str) {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        chat.say(line).await;
        while let Some((e, d)) = chat.next_within(Duration::from_millis(200)).await {
            if e == "server" && d["msg"] == "Your message was blocked." {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{line:?} still not blocked");
    }
}

pub async fn filters_and_the_pin_over_the_api(backend: Backend) {
    let site = site().streamer("Bob", KEY).start(backend).await;
    let api = site.api("bob", KEY);
    let (mut carol, _) = Chat::login(site.base(), "bob", "carol").await;
    let list = |room: &[&str]| json!({"filters": room, "site": []});

    assert_eq!(
        api.get("/api/filters").await.json::<Value>().await.unwrap(),
        list(&[])
    );
    let add = |f: &str| json!({ "filter": f });
    assert_eq!(
        api.send_json("POST", "/api/filters", &add("Darn")).await,
        (200, list(&["darn"]))
    );
    let refusals = [
        (add("darn"), 409, "Filter 'darn' is already set."),
        (
            add("/a*/"),
            400,
            "That regex matches an empty line, so it would block every line.",
        ),
        (
            add(r"/(\w{100}){100}/"),
            400,
            "That regex is too complex (its compiled form is too big).",
        ),
        (add(""), 400, "Usage: /filter add WORD"),
        (json!({"filter": 5}), 400, "invalid JSON body"),
        (json!({"word": "x"}), 400, "invalid JSON body"),
    ];
    for (body, status, says) in refusals {
        let (got, answer) = api.send_json("POST", "/api/filters", &body).await;
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(
            got == status && error.starts_with(says),
            "{body}: {got} {answer}"
        );
    }
    let (status, answer) = api.send_json("POST", "/api/filters", &add("/(a/")).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid regex: "),
        "{answer}"
    );

    // A 10 KB pathological regex is refused at once; the site answers meanwhile.
    let huge = add(&format!("/{}/", "(a|aa)*".repeat(1500)));
    let started = Instant::now();
    let (refused, info) = tokio::join!(api.send_json("POST", "/api/filters", &huge), api.info());
    assert_eq!(
        refused,
        (400, json!({"error": "A filter is at most 200 bytes long."}))
    );
    assert_eq!(info["username"], "Bob");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // The connected room is bound, and the change is recorded as the streamer's.
    blocked_within_a_second(&mut carol, "oh darn").await;
    let (status, answer) = api.send_json("DELETE", "/api/filters", &add("nope")).await;
    assert_eq!(
        (status, answer),
        (404, json!({"error": "No filter 'nope' is set."}))
    );
    assert_eq!(
        api.send_json("DELETE", "/api/filters", &add("DARN")).await,
        (200, list(&[]))
    );
    let kinds = site.event_kinds("bob").await;
    assert!(kinds.iter().any(|k| k == "filter_add") && kinds.iter().any(|k| k == "filter_remove"));

    // The pin reaches the room, emojified; blank is refused.
    let pin = json!({"message": "Hello :smile:"});
    assert_eq!(
        api.send_json("PUT", "/api/pin", &pin).await,
        (200, json!({"message": "Hello 😄"}))
    );
    assert_eq!(carol.expect("pinned").await, json!({"message": "Hello 😄"}));
    let (status, _) = api
        .send_json("PUT", "/api/pin", &json!({"message": "  "}))
        .await;
    assert_eq!(status, 400);
    let too_long = json!({"message": "x".repeat(2001)});
    assert_eq!(api.send_json("PUT", "/api/pin", &too_long).await.0, 400);
    let (mut newcomer, _) = Chat::login(site.base(), "bob", "newcomer").await;
    assert_eq!(newcomer.expect("pinned").await["message"], "Hello 😄");
    let unpinned = json!({"message": null});
    assert_eq!(
        api.send_json("DELETE", "/api/pin", &json!({})).await,
        (200, unpinned.clone())
    );
    assert_eq!(carol.expect("pinned").await, unpinned);

    // Scopes: `read` lists, `moderate` changes.
    let reader = add_token(&site, "read");
    let moderator = add_token(&site, "moderate");
    let by_token = |method: &str, path: &str, token: &str, body: Value| {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let req = reqwest::Client::new().request(method, site.url(path));
        let req = req.bearer_auth(token).json(&body);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(
        by_token("GET", "/api/filters", &reader, json!({})).await,
        200
    );
    assert_eq!(
        by_token("POST", "/api/filters", &reader, add("heck")).await,
        403
    );
    assert_eq!(by_token("PUT", "/api/pin", &reader, pin.clone()).await, 403);
    assert_eq!(
        by_token("POST", "/api/filters", &moderator, add("heck")).await,
        200
    );
    assert_eq!(by_token("PUT", "/api/pin", &moderator, pin).await, 200);
}
