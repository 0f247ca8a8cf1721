//! Real headless Chromium through chromedriver (WebDriver, via fantoccini), and what a viewer
//! does on the pages as steps ([`page`]).
//!
//! Each test starts its own chromedriver on a free port, in a process group of its own, so
//! that dropping the [`Driver`] ends chromedriver and every browser it launched even when the
//! test panics. Each [`Browser`] is a separate session with a fresh profile directory.

mod page;

pub use page::js;

use crate::machine::{free_port, missing, repo_root};
use crate::{Backend, Site, SiteBuilder};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How long any one expectation may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Browsers are heavy on a 2-core machine: at most this many browser tests run at once.
static SLOTS: Semaphore = Semaphore::const_new(2);

pub fn chromedriver_path() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromedriver".into())
}

pub fn chromium_path() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into())
}

/// Window (viewport) sizes used by the tests.
#[derive(Debug, Clone, Copy)]
pub enum Size {
    Desktop,
    /// A phone: 390×844 CSS pixels, touch, device pixel ratio 2.
    Phone,
}

/// One chromedriver process (and, through it, the browsers of one test).
pub struct Driver {
    url: String,
    child: Child,
    _permit: tokio::sync::SemaphorePermit<'static>,
    _log_dir: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver, or returns `None` (the test is skipped) when Chromium or
    /// chromedriver is not installed — unless `CI=true`, where that fails the test.
    pub async fn start() -> Option<Self> {
        let (driver, browser) = (chromedriver_path(), chromium_path());
        if !driver.exists() || !browser.exists() {
            let msg = format!(
                "browser tests need {} and {} (apt-get install chromium chromium-driver)",
                browser.display(),
                driver.display()
            );
            missing(&msg);
            return None;
        }
        let permit = SLOTS.acquire().await.expect("semaphore");
        let log_dir = tempfile::tempdir().expect("log dir");
        let port = free_port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                log_dir.path().join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("spawn chromedriver");
        let mut d = Self {
            url: format!("http://127.0.0.1:{port}"),
            child,
            _permit: permit,
            _log_dir: log_dir,
        };
        d.wait_ready().await;
        Some(d)
    }

    async fn wait_ready(&mut self) {
        let status = format!("{}/status", self.url);
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(r) = reqwest::get(&status).await {
                if r.status().is_success() {
                    return;
                }
            }
            if let Ok(Some(code)) = self.child.try_wait() {
                panic!("chromedriver exited early: {code}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("chromedriver did not become ready");
    }

    /// Starts chromedriver, then `site` on `serve`: what a browser test needs, or `None` (the
    /// test is skipped, see [`Driver::start`]) without Chromium.
    pub async fn with_site(site: SiteBuilder) -> Option<(Self, Site)> {
        let driver = Self::start().await?;
        Some((driver, site.start(Backend::Serve).await))
    }

    /// A new browser of `size` showing `url`.
    pub async fn open(&self, size: Size, url: &str) -> Browser {
        let browser = self.browser(size).await;
        browser.goto(url).await;
        browser
    }

    /// A new browser session with a fresh profile.
    pub async fn browser(&self, size: Size) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
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
            "--hide-scrollbars".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut options = json!({ "binary": chromium_path() });
        // Device metrics make the viewport exactly this size (a window size would include
        // whatever the browser reserves for itself).
        options["mobileEmulation"] = match size {
            Size::Desktop => json!({
                "deviceMetrics": { "width": 1280, "height": 800, "pixelRatio": 1.0, "touch": false }
            }),
            Size::Phone => json!({
                "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2.0, "touch": true },
                "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                              (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36"
            }),
        };
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("start a Chromium session");
        Browser {
            client,
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browsers it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// One browser session.
pub struct Browser {
    pub client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub async fn exec(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}\n{script}"),
        }
    }

    /// The value of a JavaScript expression.
    pub async fn eval(&self, expr: &str) -> Value {
        self.exec(&format!("return ({expr});"), vec![]).await
    }

    /// Waits until the JavaScript expression is truthy; fails with `what` and the chat's text.
    pub async fn wait_until(&self, expr: &str, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        let script = format!("try {{ return !!({expr}); }} catch (e) {{ return false; }}");
        while Instant::now() < deadline {
            if self.exec(&script, vec![]).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let chat = self
            .eval("document.getElementById('messages')?.innerText ?? document.body.innerText")
            .await;
        panic!(
            "timed out waiting for {what} ({expr})\npage text:\n{}",
            chat.as_str().unwrap_or("")
        );
    }

    /// The element for a CSS selector (waiting for it to exist).
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match tokio::time::timeout(PATIENCE, self.client.wait().for_element(Locator::Css(css)))
            .await
        {
            Ok(Ok(e)) => e,
            _ => panic!("no element {css}"),
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Types into the element (keys like `Key::Enter` can be part of `text`).
    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.expect("type");
    }

    /// Text content of the chat message list.
    pub async fn chat_text(&self) -> String {
        self.eval("document.getElementById('messages').innerText")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Saves a PNG screenshot of the page.
    pub async fn screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.expect("screenshot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Where the tests put their screenshots: `target/screenshots/` of the repository.
pub fn screenshot_dir() -> PathBuf {
    repo_root().join("target/screenshots")
}
