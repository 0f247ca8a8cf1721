//! Running `rsstreaming serve` for a test: a free port, a log file, readiness via `/healthz`,
//! and the process killed when the handle is dropped.

use crate::machine::{free_port, rsstreaming};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// How a site is served, whatever runs it: `serve` takes these as arguments, the Lambda
/// functions as `RSSTREAMING_*` variables.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// `--nginx-proxy N`: trust N proxy hops of `X-Forwarded-For` / `-Proto`.
    pub proxy_hops: Option<u8>,
    /// `--debug`: one log line per request.
    pub debug: bool,
    /// `RUST_LOG` for the process (by default unset: the binary's own default level).
    pub log_filter: Option<&'static str>,
}

impl ServeOptions {
    fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(n) = self.proxy_hops {
            args.extend(["--nginx-proxy".to_string(), n.to_string()]);
        }
        if self.debug {
            args.push("--debug".into());
        }
        args
    }
}

/// A running `rsstreaming serve`.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub port: u16,
    child: Child,
    log: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl Server {
    /// Starts `rsstreaming --config CONFIG serve --host 127.0.0.1 --port P …` and waits until
    /// `/healthz` answers 200 (panicking with the server's log if it never does).
    pub async fn start(config: &Path, options: &ServeOptions) -> Self {
        let mut last_log = String::new();
        // A port picked free can be taken before the server binds it; try a few.
        for _ in 0..3 {
            let port = free_port();
            let log_dir = tempfile::tempdir().expect("log dir");
            let log = log_dir.path().join("serve.log");
            let file = std::fs::File::create(&log).expect("log file");
            let mut cmd = rsstreaming();
            cmd.env_remove("RUST_LOG");
            if let Some(filter) = options.log_filter {
                cmd.env("RUST_LOG", filter);
            }
            let child = cmd
                .arg("--config")
                .arg(config)
                .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
                .args(options.args())
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
        let http = reqwest::Client::new();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if healthy(&http, &self.base).await {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
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

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `{base}/healthz` answers 200.
pub async fn healthy(http: &reqwest::Client, base: &str) -> bool {
    match http.get(format!("{base}/healthz")).send().await {
        Ok(r) => r.status() == 200,
        Err(_) => false,
    }
}
