//! The chat across processes: several instances sharing Redis and MariaDB act as one chat; a
//! lost Redis comes back by itself.

use crate::site;
use rsstreaming_testkit::chat::login;
use rsstreaming_testkit::config::{redis_reachable, redis_url, redis_yaml, write_config};
use rsstreaming_testkit::machine::{free_port, missing, rsstreaming, runs};
use rsstreaming_testkit::{cli, Backend, Chat, Deployment, Site, TestDb};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "cluster-key-0123456789";

/// Two instances on one MariaDB database and one Redis (a prefix of their own).
async fn cluster(backend: Backend) -> Option<(Site, Deployment)> {
    if !redis_reachable().await {
        return None;
    }
    let db = TestDb::mysql().await?;
    let site = site()
        .db(db)
        .yaml(&redis_yaml(&redis_url()))
        .streamer("Streamer", KEY)
        .start(backend)
        .await;
    let b = site.another_instance().await;
    Some((site, b))
}

/// The chat members `base`'s API reports.
async fn api_members(site: &Site, base: &str) -> Value {
    let api = rsstreaming_testkit::Api::new(site.http.clone(), base, "streamer", KEY);
    api.info().await["members"].clone()
}

pub async fn two_instances_act_as_one_chat(backend: Backend) {
    let Some((site, b)) = cluster(backend).await else {
        return;
    };
    let a = site.base();
    let (mut alice, _) = Chat::login(a, "streamer", "alice").await;
    let (mut bob, joined) = Chat::login(b.base(), "streamer", "bob").await;
    assert_eq!(joined["users"].as_array().unwrap().len(), 2, "{joined}");
    assert_eq!(alice.expect("connected").await["username"], "bob");

    bob.say("hi from b").await;
    alice.expect_line("message received", "hi from b").await;
    alice.say("hi from a").await;
    bob.expect_line("message received", "hi from a").await;

    // Names are unique across instances.
    let mut carol = Chat::connect(b.base()).await;
    carol.send("login", login("streamer", "ALICE")).await;
    assert_eq!(carol.expect_error().await, "Username is already taken");

    // A mute issued on A binds the chatter on B.
    let mut admin = Chat::admin(a, "streamer", KEY).await;
    let said = admin.command("/mute bob").await;
    assert_eq!(said[0], "User 'bob' has been muted.");
    let told = bob.expect_msg("server", "muted").await;
    assert_eq!(told, "You have been muted.");
    assert_eq!(bob.command("still talking").await, ["You are muted!"]);

    // A rename on A is known on B (B's chatter speaks under the new name).
    admin.say("/unmute bob").await;
    bob.expect_msg("server", "unmuted").await;
    admin.say("/rename bob Robert").await;
    assert_eq!(bob.expect("rename").await["newname"], "Robert");
    bob.say("renamed").await;
    let line = alice.expect_line("message received", "renamed").await;
    assert_eq!(line["username"], "Robert");

    // The API and the CLI reach chatters on every instance; both instances report everyone.
    let r = site.api("streamer", KEY).say(None, "api line").await;
    assert_eq!(r.status(), 200);
    bob.expect_line("message received", "api line").await;
    alice.expect_line("message received", "api line").await;
    site.manage(cli::send_message("streamer", "action", "cli line"));
    bob.expect_line("action received", "cli line").await;
    for base in [a, b.base()] {
        let mut members: Vec<String> =
            serde_json::from_value(api_members(&site, base).await).unwrap();
        members.sort();
        assert_eq!(members, ["Robert", "Streamer", "alice"]);
    }
}

pub async fn a_killed_instances_chatters_leave_within_30_seconds(backend: Backend) {
    let Some((site, b)) = cluster(backend).await else {
        return;
    };
    let a = site.base();
    let (mut alice, _) = Chat::login(a, "streamer", "alice").await;
    let (_bob, _) = Chat::login(b.base(), "streamer", "bob").await;
    alice.expect("connected").await;
    let killed = Instant::now();
    drop(b); // SIGKILL: no goodbye.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let gone = "bob still in the chat 30 s after his instance died";
        assert!(!left.is_zero(), "{gone}");
        if let Some((e, d)) = alice.next_within(left).await {
            if e == "disconnected" && d["username"] == "bob" {
                break;
            }
        }
    }
    eprintln!("left after {:?}", killed.elapsed());
    assert_eq!(api_members(&site, a).await, json!(["alice"]));
    let (_bob_again, _) = Chat::login(a, "streamer", "bob").await;
}

/// A ban issued on A sends the chatter on B away and refuses its name and address on B at
/// once (every chatter here comes from the loopback address).
pub async fn a_ban_on_one_instance_binds_on_the_other(backend: Backend) {
    let Some((site, b)) = cluster(backend).await else {
        return;
    };
    let mut admin = Chat::admin(site.base(), "streamer", KEY).await;
    let (mut bob, _) = Chat::login(b.base(), "streamer", "bob").await;
    let said = admin.command("/ban bob 10m flooding").await;
    assert_eq!(said[0], "User 'bob' has been banned for 10 minutes.");
    let banned = bob.expect("banned").await;
    assert_eq!(banned["reason"], "flooding");
    for name in ["Bob", "someone-else"] {
        let mut again = Chat::connect(b.base()).await;
        again.send("login", login("streamer", name)).await;
        assert_eq!(again.expect("banned").await, banned, "{name}");
    }
    assert_eq!(
        admin.command("/unban bob").await[0],
        "User 'bob' has been unbanned."
    );
    Chat::login(b.base(), "streamer", "bob").await;
}

/// A `redis-server` of the test's own, on a free port, without persistence.
pub(crate) struct OwnRedis {
    pub(crate) port: u16,
    child: Child,
}

impl OwnRedis {
    /// One on a free port, or `None` (skipped, or failed under CI) without redis-server.
    pub(crate) async fn on_a_free_port() -> Option<Self> {
        if !runs("redis-server", &["--version"]) {
            missing("redis-server not installed");
            return None;
        }
        Some(Self::start(free_port()).await)
    }

    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub(crate) async fn start(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed");
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { port, child }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn the_chat_recovers_when_redis_restarts(backend: Backend) {
    let Some(redis) = OwnRedis::on_a_free_port().await else {
        return;
    };
    let (port, url) = (redis.port, redis.url());
    let site = site()
        .yaml(&redis_yaml(&url))
        .streamer("Streamer", KEY)
        .start(backend)
        .await;
    let base = site.base();
    let (mut alice, _) = Chat::login(base, "streamer", "alice").await;
    let (mut bob, _) = Chat::login(base, "streamer", "bob").await;
    alice.expect("connected").await;

    drop(redis);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _redis = OwnRedis::start(port).await;

    // The gateway reconnects by itself: lines flow again within a few seconds.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut n = 0;
    'recovered: loop {
        let late = "the chat did not recover after Redis restarted";
        assert!(Instant::now() < deadline, "{late}");
        n += 1;
        alice.say(&format!("ping {n}")).await;
        for (e, d) in bob.drain(Duration::from_millis(700)).await {
            let ping = d["message"].as_str().is_some_and(|m| m.starts_with("ping"));
            if e == "message received" && ping {
                break 'recovered;
            }
        }
    }
    // The restarted (empty) Redis learned the roster again: names stay unique, logins work.
    let mut carol = Chat::connect(base).await;
    carol.send("login", login("streamer", "Bob")).await;
    assert_eq!(carol.expect_error().await, "Username is already taken");
    carol.log_in("streamer", "carol").await;
    assert_eq!(alice.expect("connected").await["username"], "carol");
}

pub async fn an_unreachable_redis_at_start_is_a_clear_error(_backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite();
    let url = format!("redis://127.0.0.1:{}", free_port());
    let config = write_config(dir.path(), &db.url, &redis_yaml(&url));
    let port = free_port().to_string();
    let out = rsstreaming()
        .arg("--config")
        .arg(&config)
        .args(["serve", "--host", "127.0.0.1", "--port", &port])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let clear = err.contains("cannot reach Redis") && err.contains(&url);
    assert!(clear, "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `POST /api/messages/{id}/delete` on one deployment (a cloud function under Lambda) deletes
/// a line said on another instance: gone from its pages and from history; again → 404.
pub async fn the_api_deletes_a_line_on_every_instance(backend: Backend) {
    let Some((site, b)) = cluster(backend).await else {
        return;
    };
    let (mut alice, _) = Chat::login(b.base(), "streamer", "alice").await;
    alice.say("delete me").await;
    let line = alice.expect_line("message received", "delete me").await;
    let id = line["id"].as_str().unwrap();
    let api = site.api("streamer", KEY);
    assert_eq!(api.delete_message(id).await.status(), 200);
    let told = alice.expect("message deleted").await;
    assert_eq!(told, json!({ "id": id }));
    assert_eq!(api.delete_message(id).await.status(), 404);
    let (mut bob, _) = Chat::login(b.base(), "streamer", "bob").await;
    assert_eq!(bob.expect("history").await["messages"], json!([]));
}

/// Room rules (SPEC §7) set on instance A — in the chat or over A's API — bind B's chatters
/// within a second, and B's pages are told (`room rules`, `pinned`).
pub async fn rules_set_on_one_instance_bind_on_the_other_within_a_second(backend: Backend) {
    let Some((site, b)) = cluster(backend).await else {
        return;
    };
    let mut admin = Chat::admin(site.base(), "streamer", KEY).await;
    let (mut bob, _) = Chat::login(b.base(), "streamer", "bob").await;
    let (mut carol, _) = Chat::login(b.base(), "streamer", "carol").await;

    let said = admin.command("/filter add darn").await;
    assert_eq!(said, ["Filter 'darn' added to this room's filters."]);
    crate::http_rules::blocked_within_a_second(&mut carol, "oh darn").await;
    admin.command("/slow 30").await;
    let rules = bob.expect("room rules").await;
    assert_eq!(
        rules,
        json!({"slow": 30, "emote_only": false, "links": "on", "chatmode": "all"})
    );
    bob.say("first").await;
    carol.expect_line("message received", "first").await;
    assert_eq!(bob.command("second").await[0], "Slow mode: wait 30 s.");

    let api = site.api("streamer", KEY);
    let (status, _) = api
        .send_json("PUT", "/api/pin", &json!({"message": "from A's API"}))
        .await;
    assert_eq!(status, 200);
    let pinned = carol.expect("pinned").await;
    assert_eq!(pinned, json!({"message": "from A's API"}));
}

pub async fn registered_names_hold_on_every_instance(backend: Backend) {
    let Some((site, b)) = cluster(backend).await else {
        return;
    };
    const PASSWORD: &str = "cluster password";
    let with = |name: &str, password: Option<&str>| {
        let mut data = login("streamer", name);
        if let Some(p) = password {
            data["password"] = p.into();
        }
        data
    };
    let (mut reg, _) = Chat::login(site.base(), "streamer", "Reggie").await;
    let said = reg.command(&format!("/register {PASSWORD}")).await;
    assert!(said[0].contains("is registered"), "{said:?}");
    let mut admin = Chat::admin(site.base(), "streamer", KEY).await;
    admin.command("/mod reggie").await;
    reg.close().await;

    // Registered on A: B asks for the password, refuses a wrong one, and restores the rank.
    let mut c = Chat::connect(b.base()).await;
    c.send("login", with("reggie", None)).await;
    let asked = c.expect("login password required").await;
    assert_eq!(asked["username"], "reggie");
    c.send("login", with("reggie", Some("not the password")))
        .await;
    assert_eq!(c.expect_error().await, "Invalid password!");
    c.send("login", with("reggie", Some(PASSWORD))).await;
    let joined = c.expect("login success").await;
    assert_eq!(joined["type"], "moderator", "{joined}");

    // `/chatmode registered` on A binds on B within a second.
    let (mut eve, _) = Chat::login(b.base(), "streamer", "eve").await;
    admin.command("/chatmode registered").await;
    assert_eq!(eve.expect("room rules").await["chatmode"], "registered");
    let said = eve.command("hello").await;
    assert!(
        said[0].starts_with("Only registered names may chat here"),
        "{said:?}"
    );
    c.say("registered line").await;
    admin
        .expect_line("message received", "registered line")
        .await;
}
