//! A MariaDB server of the test's own (its own data folder and port), for tests that stop,
//! hang or restart the database: never the shared one on 3306.

use crate::machine::{free_port, missing};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct OwnMariaDb {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl OwnMariaDb {
    /// A fresh server on a free port with database `test`, or `None` (skipped, or failed under
    /// CI) without `mariadb-install-db`/`mariadbd`.
    pub async fn start() -> Option<Self> {
        // Looked for, never run to probe: without a datadir it acts on the system's own.
        let tools = ["/usr/bin/mariadb-install-db", "/usr/sbin/mariadbd"];
        if !tools.iter().all(|t| Path::new(t).is_file()) {
            missing("mariadb-install-db / mariadbd not installed");
            return None;
        }
        let dir = tempfile::tempdir().expect("data dir");
        let data = dir.path().join("data");
        let user = if is_root() {
            "--user=root"
        } else {
            "--no-defaults"
        };
        let installed = Command::new(tools[0])
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args([
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                user,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run mariadb-install-db");
        assert!(installed.success(), "mariadb-install-db failed");
        let port = free_port();
        let mut server = Command::new(tools[1]);
        server
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.path().join("sock").display()))
            .arg(format!("--pid-file={}", dir.path().join("pid").display()))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-grant-tables",
                "--skip-log-bin",
            ])
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if is_root() {
            server.arg("--user=root");
        }
        let child = server.spawn().expect("start mariadbd");
        let me = Self {
            port,
            child,
            _dir: dir,
        };
        me.wait_ready().await;
        Some(me)
    }

    /// Server-level URL (no database).
    pub fn server_url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}", self.port)
    }

    async fn wait_ready(&self) {
        use sqlx::Connection;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let url = format!("{}/mysql", self.server_url());
            if let Ok(mut c) = sqlx::MySqlConnection::connect(&url).await {
                sqlx::query("CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4")
                    .execute(&mut c)
                    .await
                    .expect("create database test");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "mariadbd did not start within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Freezes the server (SIGSTOP): connections stay open and nothing answers, as when the
    /// database host hangs.
    pub fn freeze(&self) {
        self.signal("STOP");
    }

    /// Lets a frozen server go on (SIGCONT).
    pub fn thaw(&self) {
        self.signal("CONT");
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill -{name} mariadbd");
    }
}

impl Drop for OwnMariaDb {
    fn drop(&mut self) {
        self.signal("CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
