//! Webhooks (SPEC §9) through a running `rsstreaming serve`: a receiver added with `webhook add`
//! gets `stream.started` and `stream.stopped` with a signature it can check with the printed
//! key; one that is down when the event happens gets it once it is back — after the instance
//! that queued it was killed and another started on the same store; the attempts show in the
//! delivery log; bad input changes nothing.

use rsstreaming_testkit::Site;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const KEY: &str = "hook-K3y-0123456789";
const NGINX: &str = "192.0.2.10";

/// One request a receiver got: its headers (lower-case names) and body.
type Received = (HashMap<String, String>, String);

/// A receiver on `port` (0: any): every POST answered 200 and handed over.
async fn receiver(port: u16) -> (u16, mpsc::UnboundedReceiver<Received>) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head, body_at) = loop {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break (String::from_utf8_lossy(&buf[..i]).to_string(), i + 4);
                    }
                };
                let headers: HashMap<String, String> = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                let len: usize = headers
                    .get("content-length")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                while buf.len() < body_at + len {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let body = String::from_utf8_lossy(&buf[body_at..]).to_string();
                let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                let _ = stream.write_all(ok).await;
                let _ = tx.send((headers, body));
            });
        }
    });
    (port, rx)
}

/// HMAC-SHA256, written out here so the test does not check the server with its own code.
fn hmac_sha256(key: &[u8], message: &[u8]) -> String {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    hex::encode(outer)
}

/// The next request within `within`, checked: signed with `key`, naming `event`.
async fn expect_event(
    rx: &mut mpsc::UnboundedReceiver<Received>,
    key: &str,
    event: &str,
    within: Duration,
) -> Value {
    let (headers, body) = tokio::time::timeout(within, rx.recv())
        .await
        .unwrap_or_else(|_| panic!("no {event} within {within:?}"))
        .expect("receiver running");
    let want = format!("sha256={}", hmac_sha256(key.as_bytes(), body.as_bytes()));
    assert_eq!(headers["x-rsstreaming-signature"], want, "{body}");
    assert_eq!(headers["x-rsstreaming-event"], event);
    assert_eq!(headers["content-type"], "application/json");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["event"], event);
    assert_eq!(json["streamer"], "Bob");
    json
}

/// `webhook add`: the id and the signing key it printed.
fn add(site: &Site, url: &str, more: &[&str]) -> (String, String) {
    let mut args = vec!["webhook", "add", "--url", url];
    args.extend_from_slice(more);
    let out = site.cli(&args);
    let id = out.split_whitespace().nth(1).expect("an id").to_string();
    let key = out
        .lines()
        .find_map(|l| l.strip_prefix("signing key (shown once): "))
        .expect("the key printed")
        .to_string();
    (id, key)
}

#[tokio::test]
async fn webhooks_are_signed_and_survive_a_down_receiver_and_a_crash() {
    let site = Site::builder().streamer("Bob", KEY);
    let site = site
        .yaml("public_origins: [\"https://site.example\"]\n")
        .start(rsstreaming_testkit::Backend::Serve)
        .await;
    let hooks = site.hooks();

    // Bad input is refused and adds nothing.
    let bad = rsstreaming_testkit::cli::cli(&site.config, &["webhook", "add", "--url", "ftp://x/"]);
    assert!(!bad.status.success());
    let unknown = [
        "webhook",
        "add",
        "--url",
        "https://x.example/",
        "--username",
        "nobody",
    ];
    assert!(!rsstreaming_testkit::cli::cli(&site.config, &unknown)
        .status
        .success());
    let format = [
        "webhook",
        "add",
        "--url",
        "https://x.example/",
        "--format",
        "xml",
    ];
    assert!(!rsstreaming_testkit::cli::cli(&site.config, &format)
        .status
        .success());
    assert!(site.cli(&["webhook", "list"]).contains("no webhooks"));

    // A live receiver of Bob's events: started within 5 s of going live, then stopped.
    let (port, mut rx) = receiver(0).await;
    let url = format!("http://127.0.0.1:{port}/in");
    let (_, key) = add(&site, &url, &["--username", "bob"]);
    assert_eq!(hooks.publish(KEY, NGINX).await.status(), 200);
    let started = expect_event(&mut rx, &key, "stream.started", Duration::from_secs(5)).await;
    assert_eq!(started["url"], "https://site.example/bob/");
    assert_eq!(hooks.publish_done(KEY, NGINX).await.status(), 200);
    expect_event(&mut rx, &key, "stream.stopped", Duration::from_secs(5)).await;

    // A site-wide receiver that is down: the event waits in the store, the attempts are logged.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down_port = down.local_addr().unwrap().port();
    drop(down);
    let (id, site_key) = add(&site, &format!("http://127.0.0.1:{down_port}/"), &[]);
    assert_eq!(hooks.publish(KEY, NGINX).await.status(), 200);
    expect_event(&mut rx, &key, "stream.started", Duration::from_secs(5)).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let log: Value = serde_json::from_str(
            site.cli(&["webhook", "list", "--username", "bob", "--json"])
                .trim(),
        )
        .unwrap();
        let tried = log["deliveries"].as_array().unwrap().iter().any(|d| {
            d["webhook_id"] == id.parse::<i64>().unwrap()
                && d["status"] == "could not connect"
                && d["delivered"].is_null()
        });
        if tried {
            break;
        }
        assert!(Instant::now() < deadline, "no failed attempt logged: {log}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // The instance dies; the receiver comes back; another instance on the same store delivers.
    let pid = site.deployment.server().pid().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let (_, mut back) = receiver(down_port).await;
    let restarted = site.another_instance().await;
    let got = expect_event(
        &mut back,
        &site_key,
        "stream.started",
        Duration::from_secs(75),
    )
    .await;
    assert_eq!(got["streamer"], "Bob");
    let log = site.cli(&["webhook", "list", "--username", "bob"]);
    assert!(log.contains("delivered"), "{log}");
    assert!(!restarted.log().contains(KEY), "no key in the log");

    // Removed: nothing more is sent to it.
    site.cli(&["webhook", "remove", "--id", &id]);
    let gone = rsstreaming_testkit::cli::cli(&site.config, &["webhook", "remove", "--id", &id]);
    assert!(!gone.status.success(), "removed once");
    drop(restarted);
}

#[tokio::test]
async fn a_remuxed_recording_is_announced_as_recording_ready() {
    let site = Site::builder().streamer("Bob", KEY).yaml(
        "public_origins: [\"https://site.example\"]\nrecordings:\n  dir: \"@SITE_DIR@/recordings\"\n",
    );
    let site = site.start(rsstreaming_testkit::Backend::Serve).await;
    let incoming = site.dir.path().join("recordings/incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let flv = incoming.join(format!("{KEY}-1.flv"));
    if !rsstreaming_testkit::write_flv(&flv, 1) {
        return;
    }
    let (port, mut rx) = receiver(0).await;
    let (_, key) = add(
        &site,
        &format!("http://127.0.0.1:{port}/in"),
        &["--username", "bob"],
    );
    let hooks = site.hooks();
    assert_eq!(hooks.record_done(KEY, NGINX, &flv).await.status(), 200);
    let ready = expect_event(&mut rx, &key, "recording.ready", Duration::from_secs(30)).await;
    let listed = site.api("bob", KEY).videos().await;
    let id = &listed[0]["id"];
    assert_eq!(listed[0]["status"], "ready", "announced once playable");
    assert_eq!(
        ready["url"],
        format!("https://site.example/bob/videos/{id}")
    );
}
