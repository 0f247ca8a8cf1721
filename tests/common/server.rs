//! Running `rsstreaming serve` for a test: a free port, a log file, readiness via `/healthz`,
//! and the process killed when the handle is dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `rsstreaming serve`.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub port: u16,
    child: Child,
    log: PathBuf,
    _log_dir: tempfile::TempDir,
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl TestServer {
    /// Starts `rsstreaming --config CONFIG serve --host 127.0.0.1 --port P ARGS…` and waits
    /// until `/healthz` answers 200 (panicking with the server's log if it never does).
    pub async fn start(config: &Path, args: &[&str]) -> Self {
        let mut last_log = String::new();
        // A port picked free can be taken before the server binds it; try a few.
        for _ in 0..3 {
            let port = free_port();
            let log_dir = tempfile::tempdir().expect("log dir");
            let log = log_dir.path().join("serve.log");
            let file = std::fs::File::create(&log).expect("log file");
            let child = Command::new(super::bin())
                .arg("--config")
                .arg(config)
                .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
                .args(args)
                .env_remove("RSSTREAMING_DATABASE_URL")
                .env_remove("RSSTREAMING_REDIS_URL")
                .env_remove("RUST_LOG")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(file))
                .spawn()
                .expect("spawn rsstreaming serve");
            let mut server = Self {
                base: format!("http://127.0.0.1:{port}"),
                port,
                child,
                log,
                _log_dir: log_dir,
            };
            if server.wait_ready(Duration::from_secs(30)).await {
                return server;
            }
            last_log = server.log();
            if !last_log.contains("cannot listen") {
                break;
            }
        }
        panic!("rsstreaming serve did not become ready; its log:\n{last_log}");
    }

    async fn wait_ready(&mut self, within: Duration) -> bool {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(r) = client.get(self.url("/healthz")).send().await {
                if r.status() == 200 {
                    return true;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// An absolute URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `within` for the process to exit; its exit code, if it did.
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP/1.1 exchange, for requests an HTTP client library would normalise (dot segments,
/// odd encodings): sends `request` verbatim and returns the status code and whole response.
pub async fn raw_request(port: u16, request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    s.write_all(request.as_bytes()).await.expect("send");
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// `GET path` over a raw connection (closed after the response).
pub async fn raw_get(port: u16, path: &str) -> (u16, String) {
    raw_request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
    .await
}
