//! Headless Chromium driven through chromedriver (WebDriver) with fantoccini.

use crate::env::{free_port, CHROMEDRIVER, CHROMIUM};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One chromedriver; every [`Browser::open`] is a fresh Chromium with its own profile.
pub struct Browser {
    driver: Child,
    port: u16,
    profiles: tempfile::TempDir,
    opened: usize,
}

impl Browser {
    pub fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so Drop can stop chromedriver and every Chromium it started.
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Browser {
            driver,
            port,
            profiles: tempfile::tempdir().expect("profiles dir"),
            opened: 0,
        }
    }

    /// A new headless Chromium window.
    pub async fn open(&mut self) -> Client {
        self.opened += 1;
        let profile = self.profiles.path().join(format!("p{}", self.opened));
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--autoplay-policy=no-user-gesture-required".into(),
            "--mute-audio".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": args }),
        );
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("open a Chromium session")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

/// Runs a script (`return …;`) in the page.
pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("execute script")
}

/// What the page's `<video>` is doing.
#[derive(Debug, Clone, Default)]
pub struct VideoState {
    pub time: f64,
    pub width: u64,
    pub height: u64,
    pub error: Option<String>,
}

pub async fn video(c: &Client) -> Option<VideoState> {
    let v = js(
        c,
        "const v = document.querySelector('video');
         if (!v) return null;
         return {t: v.currentTime, w: v.videoWidth, h: v.videoHeight,
                 e: v.error ? (v.error.code + ' ' + v.error.message) : null};",
    )
    .await;
    if v.is_null() {
        return None;
    }
    Some(VideoState {
        time: v["t"].as_f64().unwrap_or(0.0),
        width: v["w"].as_u64().unwrap_or(0),
        height: v["h"].as_u64().unwrap_or(0),
        error: v["e"].as_str().map(str::to_string),
    })
}

/// Waits until the video plays: it has real dimensions and its clock advances by `advance`
/// seconds. Returns the state at the end, or an explanation.
pub async fn wait_playing(c: &Client, advance: f64, limit: Duration) -> Result<VideoState, String> {
    let start = Instant::now();
    let mut first: Option<VideoState> = None;
    let mut last = None;
    while start.elapsed() < limit {
        if let Some(v) = video(c).await {
            if let Some(e) = &v.error {
                return Err(format!("the video failed: {e}"));
            }
            if v.width > 0 && v.height > 0 && v.time > 0.0 {
                match &first {
                    None => first = Some(v.clone()),
                    Some(f) if v.time >= f.time + advance => return Ok(v),
                    Some(_) => {}
                }
            }
            last = Some(v);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(format!(
        "video did not play within {limit:?}: first {first:?}, last {last:?}"
    ))
}

/// Text of an element, or "" when it is not there.
pub async fn text_of(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Every URL the page has fetched so far (Resource Timing), the page's own included.
pub async fn fetched_urls(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));",
    )
    .await;
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
