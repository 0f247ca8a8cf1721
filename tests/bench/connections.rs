//! Connection benchmark (issue 4, issue 15 point 2): opens N idle viewers on a real
//! `rsstreaming serve` — each a WebSocket to `/ws` sending `presence` every 5 s, as an open
//! stream page does — and reports how fast they connect and what the server's memory does:
//! its RSS before, once all are connected, and after holding them; per socket.
//!
//! `cargo bench -p rsstreaming --bench connections` (release build). Environment: `VIEWERS`
//! (10000), `HOLD` seconds (30). `CARGO_BIN_EXE_rsstreaming=PATH` measures another build.
//! One JSON line out. The load generator shares the machine with the server.

use futures_util::{SinkExt, StreamExt};
use rsstreaming_testkit::cli::{self, cli_ok};
use rsstreaming_testkit::config::write_config;
use rsstreaming_testkit::serve::{ServeOptions, Server};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The resident set of process `pid`, in KiB (`VmRSS` of `/proc/PID/status`).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One viewer: connects (then says so on `connected`), says `presence`, then again every
/// 5 s, reading whatever comes.
async fn viewer(port: u16, connected: tokio::sync::mpsc::Sender<()>) {
    let url = format!("ws://127.0.0.1:{port}/ws");
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connect");
    let _ = connected.send(()).await;
    drop(connected);
    let (mut tx, mut rx) = ws.split();
    let presence = r#"{"event":"presence","data":{"streamer":"bench"}}"#;
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            _ = every.tick() => {
                if tx.send(Message::Text(presence.into())).await.is_err() {
                    return;
                }
            }
            next = rx.next() => match next {
                Some(Ok(_)) => {}
                _ => return,
            },
        }
    }
}

#[tokio::main]
async fn main() {
    let viewers: usize = env("VIEWERS", 10_000);
    let hold: u64 = env("HOLD", 30);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = write_config(dir.path(), &db, "");
    cli_ok(
        &config,
        &cli::args(&cli::add_streamer("bench", Some("bench-key-0123456789"))),
    );
    let options = ServeOptions {
        log_filter: Some("warn"),
        ..ServeOptions::default()
    };
    let server = Server::start(&config, &options).await;
    let (port, pid) = (server.port, server.pid());
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib(pid);

    // Connect 200 at a time, as a crowd arriving for a stream start would.
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(viewers);
    for chunk in (0..viewers).collect::<Vec<_>>().chunks(200) {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(chunk.len());
        for _ in chunk {
            tasks.push(tokio::spawn(viewer(port, tx.clone())));
        }
        drop(tx);
        while rx.recv().await.is_some() {}
    }
    // Wait until the server holds every socket.
    let deadline = Instant::now() + Duration::from_secs(120);
    let gauge = "rsstreaming_ws_connections ";
    let metrics_url = format!("http://127.0.0.1:{port}/metrics");
    let http = reqwest::Client::new();
    let mut held = 0usize;
    while Instant::now() < deadline {
        let text = match http.get(&metrics_url).send().await {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        held = text
            .lines()
            .find_map(|l| l.strip_prefix(gauge))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0) as usize;
        if held >= viewers {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let connect_s = started.elapsed().as_secs_f64();
    let connected = rss_kib(pid);
    tokio::time::sleep(Duration::from_secs(hold)).await;
    let after = rss_kib(pid);
    let per_socket =
        |rss: u64| (rss.saturating_sub(before) as f64 * 1024.0 / viewers as f64).round();
    println!(
        "{}",
        serde_json::json!({
            "viewers": viewers,
            "held": held,
            "connect_s": (connect_s * 100.0).round() / 100.0,
            "connects_per_s": (viewers as f64 / connect_s).round(),
            "rss_mib_before": before / 1024,
            "rss_mib_connected": connected / 1024,
            "rss_mib_after_hold": after / 1024,
            "bytes_per_socket_connected": per_socket(connected),
            "bytes_per_socket_after_hold": per_socket(after),
            "hold_s": hold,
        })
    );
    for t in tasks {
        t.abort();
    }
}
