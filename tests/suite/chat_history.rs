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

/// The `id` of the line `text` once `c` sees it.
async fn id_of(c: &mut Chat, text: &str) -> String {
    let line = c.expect_line("message received", text).await;
    line["id"].as_str().unwrap().to_string()
}

/// Waits until every one of `chats` got `message deleted` for each of `ids`.
async fn all_told_deleted(chats: &mut [&mut Chat], ids: &[&str]) {
    for c in chats.iter_mut() {
        for id in ids {
            let told = json!({ "id": id });
            let what = format!("`message deleted` {told}");
            c.expect_where(&what, |e, d| e == "message deleted" && *d == told)
                .await;
        }
    }
}

/// `name` logged in and made a moderator by `admin`.
async fn moderator(base: &str, admin: &mut Chat, name: &str) -> Chat {
    let (mut c, _) = Chat::login(base, "streamer", name).await;
    admin.command(&format!("/mod {name}")).await;
    c.expect_msg("server", "promoted").await;
    c
}

#[tokio::test]
async fn delete_and_clear_with_their_rank_rules() {
    let site = site().await;
    let base = site.base();
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    let mut mo = moderator(base, &mut admin, "mo").await;
    let mut mo2 = moderator(base, &mut admin, "mo2").await;
    let (mut bob, _) = Chat::login(base, "streamer", "bob").await;

    bob.say("bad one").await;
    let bad = id_of(&mut admin, "bad one").await;
    let unknown = "Unrecognized command '/delete', use '/help' for info.";
    assert_eq!(bob.command(&format!("/delete {bad}")).await, [unknown]);
    assert_eq!(mo.command("/delete").await, ["Usage: /delete <id>"]);
    let nope = mo.command("/delete 123-nope").await;
    assert_eq!(nope, ["Unknown message id '123-nope'."]);

    mo.say(&format!("/delete {bad}")).await;
    mo.expect_msg("server", "Message deleted.").await;
    all_told_deleted(&mut [&mut admin, &mut mo2, &mut bob], &[&bad]).await;
    let again = mo.command(&format!("/delete {bad}")).await;
    assert_eq!(again, [format!("Unknown message id '{bad}'.")]);

    // A moderator can't delete or clear the streamer or another moderator.
    admin.say("admin line").await;
    let by_admin = id_of(&mut mo, "admin line").await;
    mo2.say("mod line").await;
    let by_mod = id_of(&mut mo, "mod line").await;
    for (id, who) in [(&by_admin, "Streamer"), (&by_mod, "mo2")] {
        let refused = mo.command(&format!("/delete {id}")).await;
        assert_eq!(refused, [format!("Messages of '{who}' cannot be deleted.")]);
    }
    for (name, who) in [("streamer", "Streamer"), ("MO2", "mo2")] {
        let refused = mo.command(&format!("/clear {name}")).await;
        assert_eq!(refused, [format!("User '{who}' cannot be cleared.")]);
    }
    assert_eq!(
        mo.command("/clear nobody").await,
        ["Unrecognized user 'nobody'"]
    );

    // /clear: one `message deleted` per line of the last ten minutes.
    bob.say("bad two").await;
    let two = id_of(&mut mo, "bad two").await;
    bob.say("/me bad three").await;
    let three = mo.expect_line("action received", "bad three").await;
    let three = three["id"].as_str().unwrap().to_string();
    mo.say("/clear bob").await;
    all_told_deleted(&mut [&mut admin, &mut bob], &[&two, &three]).await;
    mo.expect_msg("server", "Deleted 2 line(s) of 'bob'.").await;
    let none_left = mo.command("/clear bob").await;
    assert_eq!(
        none_left,
        ["User 'bob' has no lines of the last 10 minutes."]
    );

    // The next joiner's history has what is left; the API deletes too (404 for unknown ids).
    let (mut eve, history) = joiner_history(base, "eve").await;
    assert_eq!(texts(&history), ["admin line", "mod line"]);
    let api = site.api("streamer", KEY);
    let r = api.delete_message(&by_mod).await;
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer, json!({"id": by_mod, "deleted": true}));
    all_told_deleted(&mut [&mut eve, &mut mo2], &[&by_mod]).await;
    for id in [by_mod.as_str(), "123-nope"] {
        let r = api.delete_message(id).await;
        assert_eq!(r.status(), 404, "{id}");
        let error: Value = r.json().await.unwrap();
        assert!(error["error"].as_str().unwrap().contains(id), "{error}");
    }
    // A line posted through the API is never replayed to a joiner (SPEC §5), yet deletable.
    let posted: Value = api.say(None, "from the api").await.json().await.unwrap();
    let shown = eve.expect_line("message received", "from the api").await;
    assert_eq!(shown["id"], posted["id"]);
    let (_, history) = joiner_history(base, "zed").await;
    assert_eq!(texts(&history), ["admin line"]);
    let api_line = posted["id"].as_str().unwrap();
    assert_eq!(api.delete_message(api_line).await.status(), 200);
    all_told_deleted(&mut [&mut eve], &[api_line]).await;
    let (_, history) = joiner_history(base, "zoe").await;
    assert_eq!(texts(&history), ["admin line"]);

    // Recorded: the lines with their ids, and each deletion with who made it.
    crate::chat::assert_recorded(&site, &["delete"]).await;
    let events = site.events("streamer").await;
    let deleted: Vec<&Value> = events
        .iter()
        .filter(|(k, _)| k == "delete")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(deleted.len(), 5, "{deleted:?}");
    assert_eq!(deleted[0]["id"], bad.as_str());
    assert_eq!(
        (&deleted[0]["username"], &deleted[0]["by"]),
        (&json!("bob"), &json!("mo"))
    );
    assert_eq!(
        (&deleted[3]["by"], &deleted[4]["username"]),
        (&json!("Streamer"), &json!("Streamer"))
    );
    let line = events
        .iter()
        .find(|(k, m)| k == "message" && m["id"] == bad.as_str());
    assert!(
        line.is_some(),
        "the deleted line stays recorded with its id"
    );
    // The API lists it for the streamer's records, marked deleted.
    let listed = api.messages("").await;
    let bad_line = listed.iter().find(|l| l["id"] == bad.as_str()).unwrap();
    assert_eq!(
        (&bad_line["message"], &bad_line["deleted"]),
        (&json!("bad one"), &json!(true))
    );
    let kept = listed
        .iter()
        .find(|l| l["message"] == "admin line")
        .unwrap();
    assert!(kept.get("deleted").is_none(), "{kept}");
}

#[tokio::test]
async fn a_clear_on_one_instance_reaches_the_other() {
    let Some((site, b)) = cluster().await else {
        return;
    };
    let (mut alice, _) = Chat::login(site.base(), "streamer", "alice").await;
    let mut admin = Chat::admin(b.base(), "streamer", KEY).await;
    alice.say("one").await;
    let one = id_of(&mut admin, "one").await;
    alice.say("two").await;
    let two = id_of(&mut admin, "two").await;
    admin.say("/clear alice").await;
    all_told_deleted(&mut [&mut alice, &mut admin], &[&one, &two]).await;
    let (_, history) = joiner_history(site.base(), "bob").await;
    assert!(history.is_empty(), "{history:?}");
}
