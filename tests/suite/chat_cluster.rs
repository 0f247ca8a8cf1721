//! The chat across processes: several `rsstreaming serve` sharing Redis and MariaDB act as one
//! chat; a lost Redis comes back by itself.

use base64::Engine;

/// A real PNG of `w`×`h` noise as a data URL (noise keeps it from compressing).
pub fn png_url(w: u32, h: u32) -> String {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        let pixels: Vec<u8> = (0..w * h * 4).map(|_| rand::random::<u8>()).collect();
        writer.write_image_data(&pixels).unwrap();
    }
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out)
    )
}

use crate::chat_client::Chat;
use crate::common::server::free_port;
use crate::common::{bin, strict, write_config, TestDb, TestServer};
use crate::http::Site;
use crate::state::{redis_url, unique_prefix};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "cluster-key-0123456789";

fn redis_yaml(url: &str) -> String {
    format!(
        "redis:\n  url: \"{url}\"\n  prefix: \"{}\"\n",
        unique_prefix()
    )
}

async fn redis_reachable() -> bool {
    let addr = redis_url().trim_start_matches("redis://").to_string();
    match tokio::net::TcpStream::connect(&addr).await {
        Ok(_) => true,
        Err(e) if strict() => panic!("Redis required under CI=true but unreachable: {e}"),
        Err(e) => {
            eprintln!("skipping: Redis unreachable: {e}");
            false
        }
    }
}

/// Two `rsstreaming serve` on one MariaDB database and one Redis (a prefix of their own).
async fn cluster() -> Option<(Site, TestServer)> {
    if !redis_reachable().await {
        return None;
    }
    let db = TestDb::mysql().await?;
    let site = Site::start(db, &redis_yaml(&redis_url()), &[], &[("Streamer", KEY)]).await;
    let b = TestServer::start(&site.config, &[]).await;
    Some((site, b))
}

async fn api_members(site: &Site, base: &str) -> Value {
    let info: Value = site
        .http
        .get(format!("{base}/api/info"))
        .basic_auth("streamer", Some(KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    info["members"].clone()
}

#[tokio::test]
async fn two_instances_act_as_one_chat() {
    let Some((site, b)) = cluster().await else {
        return;
    };
    let a = &site.server.base;
    let (mut alice, _) = Chat::login(a, "streamer", "alice").await;
    let (mut bob, joined) = Chat::login(&b.base, "streamer", "bob").await;
    assert_eq!(joined["users"].as_array().unwrap().len(), 2, "{joined}");
    assert_eq!(alice.expect("connected").await["username"], "bob");

    bob.say("hi from b").await;
    alice.expect_line("message received", "hi from b").await;
    alice.say("hi from a").await;
    bob.expect_line("message received", "hi from a").await;

    // Names are unique across instances.
    let mut carol = Chat::connect(&b.base).await;
    carol
        .send(
            "login",
            json!({"streamer": "streamer", "username": "ALICE", "color": "red"}),
        )
        .await;
    assert_eq!(
        carol.expect("error").await["msg"],
        "Username is already taken"
    );

    // A mute issued on A binds the chatter on B.
    let mut admin = Chat::admin(a, "streamer", KEY).await;
    assert_eq!(
        admin.command("/mute bob").await[0],
        "User 'bob' has been muted."
    );
    assert_eq!(
        bob.expect_msg("server", "muted").await,
        "You have been muted."
    );
    assert_eq!(bob.command("still talking").await, ["You are muted!"]);

    // A rename on A is known on B (B's chatter speaks under the new name).
    admin.say("/unmute bob").await;
    bob.expect_msg("server", "unmuted").await;
    admin.say("/rename bob Robert").await;
    assert_eq!(bob.expect("rename").await["newname"], "Robert");
    bob.say("renamed").await;
    assert_eq!(
        alice.expect_line("message received", "renamed").await["username"],
        "Robert"
    );

    // The API and the CLI reach chatters on every instance; both instances report everyone.
    let r = site
        .http
        .post(site.url("/api/messages"))
        .basic_auth("streamer", Some(KEY))
        .json(&json!({"message": "api line"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    bob.expect_line("message received", "api line").await;
    alice.expect_line("message received", "api line").await;
    site.cli(&[
        "message",
        "send",
        "--username",
        "streamer",
        "--type",
        "action",
        "--message",
        "cli line",
    ]);
    bob.expect_line("action received", "cli line").await;
    for base in [a, &b.base] {
        let mut members: Vec<String> =
            serde_json::from_value(api_members(&site, base).await).unwrap();
        members.sort();
        assert_eq!(members, ["Robert", "Streamer", "alice"]);
    }
}

#[tokio::test]
async fn a_killed_instances_chatters_leave_within_30_seconds() {
    let Some((site, b)) = cluster().await else {
        return;
    };
    let a = &site.server.base;
    let (mut alice, _) = Chat::login(a, "streamer", "alice").await;
    let (_bob, _) = Chat::login(&b.base, "streamer", "bob").await;
    alice.expect("connected").await;
    let killed = Instant::now();
    drop(b); // SIGKILL: no goodbye.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "bob still in the chat 30 s after his instance died"
        );
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

/// A `redis-server` of the test's own, on a free port, without persistence.
struct OwnRedis {
    port: u16,
    child: Child,
}

impl OwnRedis {
    async fn start(port: u16) -> Self {
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

#[tokio::test]
async fn the_chat_recovers_when_redis_restarts() {
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(!strict(), "redis-server required under CI=true");
        return;
    }
    let redis = OwnRedis::start(free_port()).await;
    let port = redis.port;
    let url = format!("redis://127.0.0.1:{port}");
    let site = Site::start(
        TestDb::sqlite(),
        &redis_yaml(&url),
        &[],
        &[("Streamer", KEY)],
    )
    .await;
    let base = &site.server.base;
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
        assert!(
            Instant::now() < deadline,
            "the chat did not recover after Redis restarted"
        );
        n += 1;
        alice.say(&format!("ping {n}")).await;
        for (e, d) in bob.drain(Duration::from_millis(700)).await {
            if e == "message received"
                && d["message"].as_str().is_some_and(|m| m.starts_with("ping"))
            {
                break 'recovered;
            }
        }
    }
    // The restarted (empty) Redis learned the roster again: names stay unique, logins work.
    let mut carol = Chat::connect(base).await;
    carol
        .send(
            "login",
            json!({"streamer": "streamer", "username": "Bob", "color": "red"}),
        )
        .await;
    assert_eq!(
        carol.expect("error").await["msg"],
        "Username is already taken"
    );
    carol
        .send(
            "login",
            json!({"streamer": "streamer", "username": "carol", "color": "red"}),
        )
        .await;
    carol.expect("login success").await;
    assert_eq!(alice.expect("connected").await["username"], "carol");
}

#[tokio::test]
async fn an_unreachable_redis_at_start_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite();
    let url = format!("redis://127.0.0.1:{}", free_port());
    let config = write_config(dir.path(), &db.url, &redis_yaml(&url));
    let out = Command::new(bin())
        .arg("--config")
        .arg(&config)
        .args([
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            &free_port().to_string(),
        ])
        .env_remove("RSSTREAMING_REDIS_URL")
        .env_remove("RSSTREAMING_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot reach Redis") && err.contains(&url),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
