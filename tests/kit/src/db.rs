//! Throw-away databases on both backends: a SQLite file in a temp folder, or a fresh MariaDB
//! database on the shared server, dropped with the value.

use crate::machine::missing;

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
        let mut conn = match sqlx::MySqlConnection::connect(&format!("{server}/test")).await {
            Ok(c) => c,
            Err(e) => {
                missing(&format!("MariaDB unreachable: {e}"));
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

    /// Database `test` on a server of the test's own ([`crate::own_mariadb::OwnMariaDb`]),
    /// which goes with that server.
    pub fn on_server(server_url: &str) -> Self {
        Self {
            url: format!("{server_url}/test"),
            backend: "mysql",
            mysql_name: None,
            _dir: None,
        }
    }

    /// Both backends (MariaDB only when reachable, or always under CI).
    pub async fn both() -> Vec<Self> {
        let mut v = vec![Self::sqlite()];
        v.extend(Self::mysql().await);
        v
    }

    /// MariaDB when it is there (always under CI), as in production; SQLite otherwise.
    pub async fn production() -> Self {
        match Self::mysql().await {
            Some(db) => db,
            None => Self::sqlite(),
        }
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
