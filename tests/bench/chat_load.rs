//! Chat gateway load tool: logs in N chatters to a real `rsstreaming serve`, then sends chat
//! lines at given rates and measures how fast every chatter receives them.
//!
//! `cargo bench -p rsstreaming --bench chat_load` (release build). Environment:
//! `CLIENTS` (1000), `RATES` (msg/s, comma-separated; 20,60,300), `SECONDS` per rate (10),
//! `INSTANCES` (1; 2 = two servers sharing Redis `REDIS_URL`, default redis://127.0.0.1:6379,
//! chatters spread over both). Load generator and server share the machine, as in
//! PERFORMANCE.md.

use futures_util::{SinkExt, StreamExt};
use rsstreaming_testkit::cli::{self, cli_ok};
use rsstreaming_testkit::config::{redis_yaml, write_config};
use rsstreaming_testkit::serve::{ServeOptions, Server};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Latency histogram shared by every client: 0.1 ms buckets up to 30 s.
struct Histogram(Vec<AtomicU64>);

const BUCKET_US: u64 = 100;

impl Histogram {
    fn new() -> Self {
        Self((0..300_000).map(|_| AtomicU64::new(0)).collect())
    }
    fn record(&self, us: u64) {
        let i = ((us / BUCKET_US) as usize).min(self.0.len() - 1);
        self.0[i].fetch_add(1, Ordering::Relaxed);
    }
    fn reset(&self) {
        for b in &self.0 {
            b.store(0, Ordering::Relaxed);
        }
    }
    /// The `p` quantile in ms (upper edge of its bucket).
    fn quantile(&self, p: f64) -> f64 {
        let counts: Vec<u64> = self.0.iter().map(|b| b.load(Ordering::Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return f64::NAN;
        }
        let target = ((total as f64) * p).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= target {
                return ((i as u64 + 1) * BUCKET_US) as f64 / 1000.0;
            }
        }
        f64::NAN
    }
}

#[tokio::main]
async fn main() {
    let clients: usize = env("CLIENTS", 1000);
    let seconds: u64 = env("SECONDS", 10);
    let instances: usize = env("INSTANCES", 1);
    let rates: Vec<u32> = std::env::var("RATES")
        .unwrap_or_else(|_| "20,60,300".into())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut yaml = String::new();
    if instances > 1 {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        yaml = redis_yaml(&url);
    }
    let config = write_config(dir.path(), &db, &yaml);
    let key = "bench-key-0123456789";
    cli_ok(&config, &cli::args(&cli::add_streamer("bench", Some(key))));
    let options = ServeOptions {
        log_filter: Some("warn"),
        ..ServeOptions::default()
    };
    let mut servers = Vec::new();
    for _ in 0..instances {
        servers.push(Server::start(&config, &options).await);
    }
    let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
    println!("## {clients} clients, {instances} instance(s)");

    // Log everyone in, 100 at a time.
    let epoch = Instant::now();
    let samples = Arc::new(Histogram::new());
    let received = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    let started = Instant::now();
    for chunk in (0..clients).collect::<Vec<_>>().chunks(100) {
        let mut logins = Vec::new();
        for &i in chunk {
            let port = ports[i % ports.len()];
            logins.push(tokio::spawn(async move {
                let (ws, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/ws"))
                    .await
                    .expect("connect");
                let (mut tx, mut rx) = ws.split();
                let login = format!(
                    r#"{{"event":"login","data":{{"streamer":"bench","username":"c{i}","color":"red"}}}}"#
                );
                tx.send(Message::Text(login.into())).await.unwrap();
                while let Some(Ok(m)) = rx.next().await {
                    if let Message::Text(t) = m {
                        if t.contains("\"login success\"") {
                            break;
                        }
                        assert!(!t.contains("\"error\""), "{t}");
                    }
                }
                (tx, rx)
            }));
        }
        for l in logins {
            let (tx, mut rx) = l.await.unwrap();
            let samples = samples.clone();
            let received = received.clone();
            tokio::spawn(async move {
                while let Some(Ok(m)) = rx.next().await {
                    let Message::Text(t) = m else { continue };
                    // Lines carry their send time (µs since epoch) as the message text.
                    if let Some(at) = t.find("\"message\":\"t") {
                        let digits: String = t[at + 12..]
                            .chars()
                            .take_while(|c| c.is_ascii_digit())
                            .collect();
                        if let Ok(sent) = digits.parse::<u64>() {
                            let now = epoch.elapsed().as_micros() as u64;
                            samples.record(now.saturating_sub(sent));
                            received.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
            writers.push(tx);
        }
    }
    let login_time = started.elapsed();
    println!(
        "login of {clients} clients: {:.2} s",
        login_time.as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;

    let writers: Vec<_> = writers
        .into_iter()
        .map(|w| Arc::new(tokio::sync::Mutex::new(w)))
        .collect();
    for rate in rates {
        samples.reset();
        received.store(0, Ordering::Relaxed);
        let total = rate as u64 * seconds;
        let interval = Duration::from_secs_f64(1.0 / rate as f64);
        let start = tokio::time::Instant::now();
        for n in 0..total {
            tokio::time::sleep_until(start + interval * n as u32).await;
            let w = writers[(n as usize * 7919) % writers.len()].clone();
            let text = format!(
                r#"{{"event":"message","data":{{"message":"t{}"}}}}"#,
                epoch.elapsed().as_micros()
            );
            tokio::spawn(async move {
                let _ = w.lock().await.send(Message::Text(text.into())).await;
            });
        }
        let sent_for = start.elapsed();
        // Let the last lines arrive.
        let expected = total * clients as u64;
        let wait_until = Instant::now() + Duration::from_secs(10);
        while received.load(Ordering::Relaxed) < expected && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let got = received.load(Ordering::Relaxed);
        println!(
            "{rate} msg/s for {seconds} s: {got}/{expected} delivered, {:.0} deliveries/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            got as f64 / sent_for.as_secs_f64(),
            samples.quantile(0.50),
            samples.quantile(0.99),
            samples.quantile(1.0),
        );
    }
    drop(servers);
}
