//! The chat gateway through a running `rsstreaming serve` (one process, in-process state): the
//! protocol, login rules, flood control, slow readers and bad input of every kind. Commands
//! are in `chat_commands`, what reaches the chat from elsewhere in `chat_delivery`.

use rsstreaming_testkit::chat::{login, Chat};
use rsstreaming_testkit::{png_url, Backend, Site};
use serde_json::{json, Value};
use std::time::Duration;

pub const KEY: &str = "streamkey-0123456789";

/// One site, one streamer (`Streamer`, key [`KEY`]).
pub async fn site() -> Site {
    rsstreaming_site_tests::site()
        .streamer("Streamer", KEY)
        .start(Backend::Serve)
        .await
}

/// The sorted usernames of a `users` list.
pub fn names(users: &Value) -> Vec<String> {
    let mut v: Vec<String> = users
        .as_array()
        .expect("users list")
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// A chat line's data without its `id` and `timestamp` (which it must have), to compare the rest.
pub fn unstamped(mut line: Value) -> Value {
    let stamp = line
        .as_object_mut()
        .map(|o| (o.remove("id"), o.remove("timestamp")));
    let Some((Some(Value::String(id)), Some(Value::Number(ts)))) = stamp else {
        panic!("a chat line without its id and timestamp: {line}");
    };
    assert!(!id.is_empty() && ts.is_i64(), "{id} {ts}");
    line
}

/// Waits for the gateway's batched audit writer, then asserts every kind is in the room's log.
pub async fn assert_recorded(site: &Site, kinds: &[&str]) {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let recorded = site.event_kinds("streamer").await;
    for k in kinds {
        let found = recorded.iter().any(|r| r == k);
        assert!(found, "{k} missing from {recorded:?}");
    }
}

#[tokio::test]
async fn login_roster_deltas_and_messages() {
    let site = site().await;
    let base = site.base();
    let (mut alice, first) = Chat::login(base, "streamer", "Alice").await;
    assert_eq!(first["username"], "Alice");
    assert_eq!(first["type"], "normal");
    assert_eq!(first["color"], "#ff0000");
    assert_eq!(names(&first["users"]), ["Alice"]);

    let (mut bob, second) = Chat::login(base, "STREAMER", "bob").await;
    assert_eq!(names(&second["users"]), ["Alice", "bob"]);
    let joined = alice.expect("connected").await;
    let bob_joined = json!({"username": "bob", "type": "normal", "color": "#ff0000"});
    assert_eq!(joined, bob_joined);

    bob.say("hello :smile: :nosuchemoji:").await;
    for c in [&mut alice, &mut bob] {
        let m = unstamped(c.expect("message received").await);
        assert_eq!(
            m,
            json!({"username": "bob", "type": "normal", "color": "#ff0000", "message": "hello 😄 :nosuchemoji:"})
        );
    }
    alice.say("/me waves").await;
    assert_eq!(bob.expect("action received").await["message"], "waves");

    alice.send("get color", json!({})).await;
    let color = alice.expect("return color").await;
    assert_eq!(color, json!({"color": "#ff0000"}));

    bob.close().await;
    let left = alice.expect("disconnected").await;
    assert_eq!(left["username"], "bob");

    // Everything is in the audit log, and the API reads the lines back.
    assert_recorded(&site, &["join", "message", "action", "leave"]).await;
    let lines = site.api("streamer", KEY).messages("").await;
    let texts: Vec<&str> = lines
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["hello 😄 :nosuchemoji:", "waves"]);
    assert_eq!(lines[0]["name"], "bob");
    assert_eq!(lines[1]["type"], "action");
}

#[tokio::test]
async fn login_rules() {
    let site = site().await;
    let base = site.base();
    let (_alice, _) = Chat::login(base, "streamer", "Alice").await;
    let mut c = Chat::connect(base).await;
    for (name, err) in [
        ("   ", "Username cannot be blank"),
        ("abcdefghijklmnopqrstu", "Username cannot be that long"),
        ("ALICE", "Username is already taken"),
    ] {
        c.send("login", login("streamer", name)).await;
        assert_eq!(c.expect_error().await, err, "{name:?}");
    }
    c.send("login", login("nobody", "x")).await;
    assert_eq!(c.expect_error().await, "Streamer does not exist");
    c.send("login", login("streamer", "streamer")).await;
    let asked = c.expect("login key required").await;
    assert_eq!(asked, json!({"username": "Streamer"}));
    let with_key = |name: &str, color: &str, key: &str| json!({"streamer": "streamer", "username": name, "color": color, "key": key});
    c.send("login", with_key("Streamer", "red", "wrong")).await;
    assert_eq!(c.expect_error().await, "Invalid password!");
    c.say("hi").await;
    assert_eq!(c.expect_error().await, "You are not logged in.");
    c.send("login", with_key("streamer", "nonsense", KEY)).await;
    let ok = c.expect("login success").await;
    let who = (ok["username"].as_str(), ok["type"].as_str());
    assert_eq!(who, (Some("Streamer"), Some("admin")));
    assert!(ok["color"].as_str().unwrap().starts_with('#'));
    assert_eq!(c.expect("server").await["msg"], "You have admin rights.");
    c.say("   ").await;
    assert_eq!(c.expect("warning").await["msg"], "Message cannot be blank");
    c.send("login", login("streamer", "again")).await;
    assert_eq!(c.expect_error().await, "You are already logged in.");

    // An emoji counts as one character.
    let mut d = Chat::connect(base).await;
    let name = format!("{}:smile:", "a".repeat(19));
    assert_eq!(d.log_in("streamer", &name).await["username"], name);
}

#[tokio::test]
async fn bad_input_changes_nothing() {
    let site = site().await;
    let base = site.base();
    let (mut a, _) = Chat::login(base, "streamer", "a").await;
    for raw in [
        "not json",
        "{}",
        "[1,2]",
        r#"{"event":"message","data":5}"#,
        r#"{"event":"nope","data":{}}"#,
        r#"{"event":"login","data":{"streamer":1}}"#,
    ] {
        a.send_raw(raw).await;
        assert!(a.expect_error().await.is_string(), "{raw}");
    }
    a.send_binary(&[1, 2, 3]).await;
    a.expect("error").await;
    // A bogus drawing is refused; a real one goes to the room.
    for src in [
        "data:image/png;base64,AAAA",
        "javascript:alert(1)",
        &png_url(230, 120),
    ] {
        a.send("drawing", json!({"src": src})).await;
        assert_eq!(a.expect("server").await["msg"], "Invalid drawing received!");
    }
    let good = png_url(240, 120);
    a.send("drawing", json!({"src": good})).await;
    let d = a.expect("drawing received").await;
    let drawn = (d["username"].as_str(), d["src"].as_str());
    assert_eq!(drawn, (Some("a"), Some(good.as_str())));
    // Still fine after all that.
    a.say("still here").await;
    a.expect("message received").await;

    // An oversize frame closes that socket (1009) and nothing else.
    let mut big = Chat::connect(base).await;
    big.send_raw(&format!(
        r#"{{"event":"message","data":{{"message":"{}"}}}}"#,
        "x".repeat(400_000)
    ))
    .await;
    let closed = big.closed_with().await;
    assert!(closed.is_some(), "an oversize frame must close the socket");
    if let Some(code) = closed.filter(|c| *c != 0) {
        assert_eq!(code, 1009);
    }
    a.say("unaffected").await;
    a.expect("message received").await;
    assert!(site.log().lines().all(|l| !l.contains("panicked")));
}

#[tokio::test]
async fn flood_control_slows_the_sender_only() {
    let site = site().await;
    let base = site.base();
    let (mut flood, _) = Chat::login(base, "streamer", "flood").await;
    let (mut calm, _) = Chat::login(base, "streamer", "calm").await;
    for i in 0..40 {
        flood.say(&format!("spam {i}")).await;
    }
    let frames = flood.drain(Duration::from_millis(1500)).await;
    let warned = frames
        .iter()
        .any(|(e, d)| e == "warning" && d["msg"].as_str().unwrap().contains("slow down"));
    assert!(warned, "{frames:?}");
    let got = frames
        .iter()
        .filter(|(e, _)| e == "message received")
        .count();
    assert!((5..40).contains(&got), "{got} of 40 went through");
    calm.drain(Duration::from_millis(200)).await;
    calm.say("my turn").await;
    assert_eq!(calm.expect("message received").await["message"], "my turn");
}

#[tokio::test]
async fn a_slow_reader_is_dropped_without_stalling_the_room() {
    let site = site().await;
    let dropped = "rsstreaming_chat_slow_readers_dropped_total";
    let before = crate::metrics::value(&crate::metrics::scrape(&site).await, dropped);
    // A reader with a tiny receive buffer that never reads after logging in.
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let addr = format!("127.0.0.1:{}", site.port()).parse().unwrap();
    let mut slow = Chat::over(sock.connect(addr).await.unwrap(), site.base()).await;
    slow.log_in("streamer", "slow").await;
    let (mut fast, _) = Chat::login(site.base(), "streamer", "fast").await;
    let mut senders = Vec::new();
    for i in 0..6 {
        let name = format!("sender{i}");
        senders.push(Chat::login(site.base(), "streamer", &name).await.0);
    }
    // ~11 MB of drawings for every reader: far more than socket buffers hold.
    let drawing = png_url(240, 120);
    let started = std::time::Instant::now();
    // Each sender then reads what comes back, so the slow reader is the only socket the server
    // has reason to drop (a sender that never read would be a slow reader too).
    let mut drains = Vec::new();
    for mut s in senders {
        for _ in 0..12 {
            s.send("drawing", json!({"src": drawing})).await;
        }
        drains.push(tokio::spawn(async move {
            while s.next_within(Duration::from_secs(60)).await.is_some() {}
        }));
    }
    let mut got = 0;
    let mut slow_left = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    while got < 72 || !slow_left {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some((e, d)) = fast.next_within(left).await else {
            break;
        };
        if e == "drawing received" {
            got += 1;
            if got == 72 {
                let took = started.elapsed();
                eprintln!("all drawings delivered to the fast reader in {took:?}");
            }
        }
        if e == "disconnected" && d["username"] == "slow" {
            slow_left = true;
        }
    }
    assert_eq!(got, 72, "the fast reader got every drawing");
    assert!(slow_left, "the slow reader was disconnected");
    let after = crate::metrics::value(&crate::metrics::scrape(&site).await, dropped);
    assert_eq!(after, before + 1.0, "counted once in /metrics");
    for d in drains {
        d.abort();
    }
}

#[tokio::test]
async fn a_reader_that_stops_reading_is_dropped_within_ten_seconds_whatever_the_line_size() {
    let site = site().await;
    // Small lines at about 20 a second: kernel buffers would hold minutes of them.
    let (mut stalled, _) = Chat::login(site.base(), "streamer", "stalled").await;
    let (mut watcher, _) = Chat::login(site.base(), "streamer", "watcher").await;
    stalled.drain(Duration::from_millis(300)).await;
    let api = site.api("streamer", KEY);
    let stopped = std::time::Instant::now();
    let mut left_after = None;
    // The watcher reads all along; the stalled reader reads nothing from here on.
    let reading = tokio::spawn(async move {
        while let Some((e, d)) = watcher.next_within(Duration::from_secs(20)).await {
            if e == "disconnected" && d["username"] == "stalled" {
                return Some(std::time::Instant::now());
            }
        }
        None
    });
    // About 16 s of lines: the reader must be gone before they end (it used to stay ~20 min).
    for i in 0..300 {
        assert_eq!(api.say(None, &format!("line {i}")).await.status(), 200);
        tokio::time::sleep(Duration::from_millis(50)).await;
        if reading.is_finished() {
            break;
        }
    }
    if let Ok(Some(at)) = reading.await {
        left_after = Some(at.duration_since(stopped));
    }
    let took = left_after.expect("the stalled reader was dropped while the lines flowed");
    eprintln!("stalled reader dropped after {took:?}");
    assert!(
        site.log().contains("slow reader dropped"),
        "logged with its reason"
    );
    drop(stalled);
}
