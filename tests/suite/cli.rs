//! The management CLI, run as the built binary, on both backends.

use crate::common::{cli, stderr, stdout, write_config, TestDb};
use std::path::Path;

/// Asserts success and returns stdout.
fn ok(config: &Path, args: &[&str]) -> String {
    let o = cli(config, args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// Asserts exit code 1 with exactly one line on stderr, and returns it.
fn fails(config: &Path, args: &[&str]) -> String {
    let o = cli(config, args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{args:?} should fail: {}",
        stdout(&o)
    );
    let err = stderr(&o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected, got: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// A config for `db`; MySQL needs `database create` first, SQLite creates itself on first use.
fn setup(db: &TestDb, dir: &Path) -> std::path::PathBuf {
    let config = write_config(dir, &db.url, "");
    if db.backend == "mysql" {
        assert!(fails(&config, &["streamer", "list"]).contains("database create"));
        ok(&config, &["database", "create"]);
    }
    config
}

#[tokio::test]
async fn seed_readme_commands_work_on_both_backends() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(&db, dir.path());
        ok(
            &config,
            &["streamer", "add", "--user", "test", "--key", "secretkey"],
        );
        let list = ok(&config, &["streamer", "list"]);
        assert!(
            list.lines().any(|l| l.starts_with("test ")),
            "{}: {list}",
            db.backend
        );
        assert!(!list.contains("secretkey"));
        ok(
            &config,
            &[
                "streamer",
                "description",
                "--user",
                "test",
                "--description",
                "Chill 🎶",
            ],
        );
        ok(
            &config,
            &[
                "streamer",
                "password",
                "--username",
                "test",
                "--password",
                "pw",
            ],
        );
        ok(
            &config,
            &[
                "streamer",
                "chat",
                "--username",
                "test",
                "--setting",
                "hidden",
            ],
        );
        let list = ok(&config, &["streamer", "list"]);
        let line = list.lines().find(|l| l.starts_with("test ")).unwrap();
        assert!(
            line.contains("protected") && line.contains("hidden") && line.contains("Chill 🎶"),
            "{line}"
        );
        assert!(!list.contains("pw "), "password itself is not listed");
        ok(&config, &["streamer", "password", "--username", "test"]);
        ok(&config, &["streamer", "description", "--username", "test"]);
        let line = ok(&config, &["streamer", "list"]);
        assert!(line.contains("public") && !line.contains("Chill"), "{line}");
        ok(&config, &["streamer", "remove", "--user", "test"]);
        assert!(!ok(&config, &["streamer", "list"]).contains("test "));
    }
}

#[tokio::test]
async fn generated_keys_are_printed_once_and_work() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(&db, dir.path());
        let out = ok(&config, &["streamer", "add", "--username", "gen"]);
        let key = out
            .lines()
            .find_map(|l| l.split(": ").nth(1))
            .expect("key printed")
            .trim()
            .to_string();
        assert!(key.len() >= 32, "{key}");
        let store = rsstreaming_shared::Store::connect(&db.url).await.unwrap();
        assert!(store.authenticate("gen", &key).await.unwrap().is_some());
        let out = ok(&config, &["streamer", "key", "--username", "gen"]);
        let key2 = out
            .lines()
            .find_map(|l| l.split(": ").nth(1))
            .unwrap()
            .trim()
            .to_string();
        assert_ne!(key, key2);
        assert!(store.authenticate("gen", &key2).await.unwrap().is_some());
        assert!(store.authenticate("gen", &key).await.unwrap().is_none());
        ok(
            &config,
            &["streamer", "key", "--username", "gen", "--key", "chosen"],
        );
        assert!(store.authenticate("gen", "chosen").await.unwrap().is_some());
        assert!(!ok(&config, &["streamer", "list"]).contains("chosen"));
        store.close().await;
    }
}

#[tokio::test]
async fn errors_are_one_line_and_change_nothing() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(&db, dir.path());
        ok(
            &config,
            &["streamer", "add", "--user", "test", "--key", "secretkey"],
        );
        assert!(fails(
            &config,
            &["streamer", "add", "--user", "TEST", "--key", "other"]
        )
        .contains("already exists"));
        assert!(
            fails(&config, &["streamer", "add", "--user", "x y", "--key", "k"])
                .contains("invalid username")
        );
        assert!(fails(
            &config,
            &[
                "streamer",
                "add",
                "--user",
                "'; DROP TABLE streamers;--",
                "--key",
                "k"
            ]
        )
        .contains("invalid username"));
        assert!(fails(
            &config,
            &["streamer", "add", "--user", "dup", "--key", "secretkey"]
        )
        .contains("already in use"));
        assert!(fails(&config, &["streamer", "drop", "--user", "ghost"]).contains("ghost"));
        assert!(fails(
            &config,
            &["streamer", "key", "--user", "ghost", "--key", "k"]
        )
        .contains("ghost"));
        assert!(fails(
            &config,
            &["streamer", "chat", "--user", "test", "--setting", "loud"]
        )
        .contains("loud"));
        assert!(fails(&config, &["streamer", "frobnicate"]).contains("frobnicate"));
        fails(&config, &["streamer", "add"]);
        let list = ok(&config, &["streamer", "list"]);
        assert_eq!(list.lines().count(), 2, "header + test only: {list}");
        assert!(fails(&config, &["database", "create"]).contains("already exists"));
    }
}

#[tokio::test]
async fn emote_commands() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(&db, dir.path());
        ok(
            &config,
            &[
                "emote",
                "add",
                "--alias",
                "kappa",
                "--uri",
                "https://example.invalid/k.png",
            ],
        );
        ok(
            &config,
            &["emoji", "add", "--alias", "pog", "--uri", "/static/pog.png"],
        );
        assert!(fails(
            &config,
            &["emote", "add", "--alias", "KAPPA", "--uri", "/x.png"]
        )
        .contains("already exists"));
        assert!(fails(
            &config,
            &["emote", "add", "--alias", "no way", "--uri", "/x.png"]
        )
        .contains("invalid emote alias"));
        assert!(fails(
            &config,
            &[
                "emote",
                "add",
                "--alias",
                "js",
                "--uri",
                "javascript:alert(1)"
            ]
        )
        .contains("URI"));
        let list = ok(&config, &["emote", "list"]);
        assert!(
            list.contains(":kappa:") && list.contains(":pog:") && !list.contains(":js:"),
            "{list}"
        );
        ok(&config, &["emoji", "remove", "--alias", "kappa"]);
        assert!(fails(&config, &["emote", "drop", "--alias", "kappa"]).contains("kappa"));
        assert!(!ok(&config, &["emote", "list"]).contains("kappa"));
    }
}

#[test]
fn config_errors_name_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    let err = fails(&missing, &["streamer", "list"]);
    assert!(err.contains("nope.yaml"), "{err}");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "hls_dirr: x\n").unwrap();
    let err = fails(&bad, &["streamer", "list"]);
    assert!(
        err.contains("bad.yaml") && err.contains("hls_dirr"),
        "{err}"
    );
    std::fs::write(&bad, "live_indicator_delay: [1]\n").unwrap();
    assert!(fails(&bad, &["streamer", "list"]).contains("live_indicator_delay"));
    std::fs::write(&bad, "database: {url: \"mysql://root@127.0.0.1:1/none\"}\n").unwrap();
    assert!(fails(&bad, &["streamer", "list"]).contains("cannot reach the database"));
}

#[test]
fn environment_overrides_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "mysql://root@127.0.0.1:1/unreachable", "");
    let other = dir.path().join("env.db");
    let o = std::process::Command::new(crate::common::bin())
        .args([
            "--config",
            config.to_str().unwrap(),
            "streamer",
            "add",
            "--user",
            "envy",
            "--key",
            "k",
        ])
        .env(
            "RSSTREAMING_DATABASE_URL",
            format!("sqlite://{}", other.display()),
        )
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(other.exists());
}

#[test]
fn migrations_generate_refuses_empty() {
    let dir = tempfile::tempdir().unwrap();
    for b in ["mysql", "sqlite"] {
        std::fs::create_dir_all(dir.path().join("m").join(b)).unwrap();
        std::fs::write(
            dir.path().join("m").join(b).join("0001_initial.sql"),
            "CREATE TABLE x (a INT);\n",
        )
        .unwrap();
    }
    let config = write_config(dir.path(), "sqlite://unused.db", "");
    let m = dir.path().join("m");
    let m = m.to_str().unwrap();
    assert!(fails(
        &config,
        &[
            "database",
            "generate",
            "--message",
            "add things",
            "--dir",
            m
        ]
    )
    .contains("--allow-empty"));
    let out = ok(
        &config,
        &[
            "database",
            "generate",
            "--message",
            "add things",
            "--dir",
            m,
            "--sql",
            "ALTER TABLE x ADD b INT;",
        ],
    );
    assert!(out.contains("0002_add_things.sql"), "{out}");
    let out = ok(
        &config,
        &[
            "database",
            "generate",
            "--message",
            "placeholder",
            "--dir",
            m,
            "--allow-empty",
        ],
    );
    assert!(out.contains("0003_placeholder.sql"), "{out}");
    assert!(dir.path().join("m/sqlite/0003_placeholder.sql").exists());
}
