//! The function processes and the emulator whose runtime API they poll.

use crate::machine::{free_port, program};
use rsstreaming_infra::FunctionSpec;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Instances started per function. Two, so that requests of one test land on different
/// processes and any state a handler kept in memory between requests would show.
pub const INSTANCES: usize = 2;

/// The prebuilt function binary.
fn function_bin() -> PathBuf {
    program("rsstreaming-lambda")
}

/// The function binary with Lambda's runtime variables set for `runtime_api` and `name`, and
/// nothing of this process's `RSSTREAMING_*` / `AWS_*` environment: what it gets, a test says.
pub fn function_command(runtime_api: &str, name: &str, memory_mb: u32) -> Command {
    let mut cmd = Command::new(function_bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("RSSTREAMING_") || k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_LAMBDA_RUNTIME_API", runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb.to_string())
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env_remove("RUST_LOG");
    cmd
}

/// The function processes, started on demand.
pub(super) struct Functions {
    runtime_api: String,
    env: Vec<(String, String)>,
    selectors: HashMap<String, String>,
    log_dir: tempfile::TempDir,
    running: Mutex<HashMap<String, Vec<Child>>>,
}

impl Functions {
    pub(super) fn new(
        runtime_api: String,
        env: Vec<(String, String)>,
        specs: &[FunctionSpec],
        log_dir: tempfile::TempDir,
    ) -> Self {
        Self {
            runtime_api,
            env,
            selectors: specs
                .iter()
                .map(|f| (f.name.clone(), f.selector.clone()))
                .collect(),
            log_dir,
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Starts the function's processes unless they run; `Err` with its log if one died.
    pub(super) fn ensure(&self, name: &str) -> Result<(), String> {
        let mut running = self.running.lock().expect("functions lock");
        if let Some(instances) = running.get_mut(name) {
            for (i, child) in instances.iter_mut().enumerate() {
                if !matches!(child.try_wait(), Ok(None)) {
                    return Err(format!(
                        "function {name} (instance {i}) exited; its log:\n{}",
                        std::fs::read_to_string(self.log_path(name, i)).unwrap_or_default()
                    ));
                }
            }
            return Ok(());
        }
        let selector = self
            .selectors
            .get(name)
            .ok_or_else(|| format!("no function named {name}"))?;
        let mut instances = Vec::new();
        for i in 0..INSTANCES {
            let log = std::fs::File::create(self.log_path(name, i)).map_err(|e| e.to_string())?;
            let child = function_command(&format!("{}/{name}", self.runtime_api), name, 256)
                .env("RSSTREAMING_FUNCTION", selector)
                .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(log))
                .spawn()
                .map_err(|e| format!("start {name}: {e}"))?;
            instances.push(child);
        }
        running.insert(name.to_string(), instances);
        Ok(())
    }

    pub(super) fn log_path(&self, name: &str, instance: usize) -> PathBuf {
        self.log_dir.path().join(format!("{name}.{instance}.log"))
    }

    pub(super) fn started(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .running
            .lock()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    pub(super) fn stop_all(&self) {
        if let Ok(mut running) = self.running.lock() {
            for child in running.values_mut().flatten() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// Starts `cargo lambda watch --only-lambda-apis` on a free port, its function names taken
/// from a throw-away manifest, and waits until it accepts connections.
pub(super) async fn start_emulator<'a>(
    log_dir: &Path,
    names: impl Iterator<Item = &'a str>,
) -> (Child, u16) {
    let project = log_dir.join("emulator");
    std::fs::create_dir_all(project.join("src")).expect("emulator dir");
    let mut manifest = String::from(
        "[package]\nname = \"functions\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    for name in names {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"src/main.rs\"\n"
        ));
    }
    std::fs::write(project.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(project.join("src/main.rs"), "fn main() {}\n").expect("main.rs");
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_port();
        let log = log_dir.join("emulator.log");
        let file = std::fs::File::create(&log).expect("emulator log");
        let mut child = Command::new("cargo-lambda")
            .args(["lambda", "watch", "--only-lambda-apis", "--ignore-changes"])
            .args(["--disable-cors", "--invoke-address", "127.0.0.1"])
            .args(["--invoke-port", &port.to_string(), "--timeout", "60"])
            .current_dir(&project)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::from(file.try_clone().expect("log")))
            .stderr(Stdio::from(file))
            .spawn()
            .expect("start cargo-lambda");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return (child, port);
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        last = std::fs::read_to_string(&log).unwrap_or_default();
    }
    panic!("the Lambda emulator did not start; its log:\n{last}");
}
