//! Helpers shared by every integration suite: throw-away databases on both backends, config
//! files, and running the built `rsstreaming` binary.
#![allow(dead_code)]

pub mod server;
pub use server::TestServer;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test. A suite of another package (the Lambda suite is a test of
/// `rsstreaming-infra`) finds the one `cargo test --workspace` built into its target folder.
pub fn bin() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| match option_env!("CARGO_BIN_EXE_rsstreaming") {
        Some(path) => path.to_string(),
        None => beside_this_test("rsstreaming"),
    })
}

/// `target/<profile>/NAME`, next to this test's `target/<profile>/deps/<test>` executable.
fn beside_this_test(name: &str) -> String {
    let exe = std::env::current_exe().expect("the test executable");
    let path = exe
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join(name))
        .expect("the test executable lies in target/<profile>/deps");
    assert!(
        path.is_file(),
        "{} is missing: run this suite through `cargo test --workspace` (or `cargo build -p rsstreaming` first)",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

/// Whether the run must not skip anything (CI sets `CI=true`).
pub fn strict() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// Server-level MySQL URL (no database) used to create throw-away databases.
pub fn mysql_server_url() -> String {
    std::env::var("RSSTREAMING_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    mysql_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh SQLite file in a temp folder.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Self {
            url,
            backend: "sqlite",
            mysql_name: None,
            _dir: Some(dir),
        }
    }

    /// A fresh MariaDB database, or `None` when MariaDB is unreachable outside CI.
    /// Under `CI=true` an unreachable MariaDB fails the test instead of skipping it.
    pub async fn mysql() -> Option<Self> {
        use sqlx::Connection;
        let server = mysql_server_url();
        let conn = sqlx::MySqlConnection::connect(&format!("{server}/test")).await;
        let mut conn = match conn {
            Ok(c) => c,
            Err(e) if strict() => panic!("MariaDB required under CI=true but unreachable: {e}"),
            Err(e) => {
                eprintln!("skipping MariaDB test: {e}");
                return None;
            }
        };
        let name = format!("rs_t_{:016x}", rand::random::<u64>());
        sqlx::query(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        Some(Self {
            url: format!("{server}/{name}"),
            backend: "mysql",
            mysql_name: Some(name),
            _dir: None,
        })
    }

    /// Both backends (MariaDB only when reachable, or always under CI).
    pub async fn both() -> Vec<Self> {
        let mut v = vec![Self::sqlite()];
        v.extend(Self::mysql().await);
        v
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.mysql_name.take() {
            let server = mysql_server_url();
            // Drop may run inside a runtime; a thread with its own runtime avoids nesting.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    use sqlx::Connection;
                    let mut c = sqlx::MySqlConnection::connect(&format!("{server}/test"))
                        .await
                        .ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                        .execute(&mut c)
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// Writes a config file into `dir` using `db_url`, plus any extra YAML lines.
pub fn write_config(dir: &Path, db_url: &str, extra_yaml: &str) -> PathBuf {
    let path = dir.join("config.yaml");
    let text = format!(
        "database:\n  url: \"{db_url}\"\nsecret_key: \"test-secret\"\nhls_dir: \"{}\"\n{extra_yaml}\n",
        dir.join("hls").display()
    );
    std::fs::create_dir_all(dir.join("hls")).expect("hls dir");
    std::fs::write(&path, text).expect("write config");
    path
}

/// Runs `rsstreaming --config CONFIG ARGS…` to completion.
pub fn cli(config: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("RSSTREAMING_DATABASE_URL")
        .env_remove("RSSTREAMING_REDIS_URL")
        .output()
        .expect("run rsstreaming")
}

/// Standard output of a finished command as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error of a finished command as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
