//! The management CLI, run as the built binary, on both backends.

use rsstreaming_testkit::cli::{cli, cli_ok as ok, one_line_failure, stderr};
use rsstreaming_testkit::config::write_config;
use rsstreaming_testkit::machine::rsstreaming;
use rsstreaming_testkit::TestDb;
use std::path::{Path, PathBuf};

/// Asserts exit code 1 with exactly one line on stderr, and returns it.
fn fails(config: &Path, args: &[&str]) -> String {
    one_line_failure(&cli(config, args))
}

/// Asserts the command fails with one line containing `says`.
fn fails_with(config: &Path, args: &[&str], says: &str) {
    let err = fails(config, args);
    assert!(err.contains(says), "{args:?}: {err}");
}

/// A config for `db`; MySQL needs `database create` first, SQLite creates itself on first use.
fn setup(db: &TestDb, dir: &Path) -> PathBuf {
    let config = write_config(dir, &db.url, "");
    if db.backend == "mysql" {
        assert!(fails(&config, &["streamer", "list"]).contains("database create"));
        ok(&config, &["database", "create"]);
    }
    config
}

/// The key a `streamer add` / `streamer key` printed.
fn printed_key(out: &str) -> String {
    let key = out.lines().find_map(|l| l.split(": ").nth(1));
    key.expect("key printed").trim().to_string()
}

#[tokio::test]
async fn seed_readme_commands_work_on_both_backends() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(&db, dir.path());
        let ok = |args: &[&str]| ok(&config, args);
        // The seed's short key is accepted, with a warning; a long one draws none.
        let added = cli(
            &config,
            &["streamer", "add", "--user", "test", "--key", "secretkey"],
        );
        assert!(added.status.success(), "{}", stderr(&added));
        assert!(
            stderr(&added).contains("shorter than 16"),
            "{}",
            stderr(&added)
        );
        assert!(!stderr(&added).contains("secretkey"));
        let long = [
            "streamer",
            "add",
            "--user",
            "long",
            "--key",
            "0123456789abcdef",
        ];
        assert_eq!(stderr(&cli(&config, &long)), "");
        let list = ok(&["streamer", "list"]);
        let listed = list.lines().any(|l| l.starts_with("test "));
        assert!(listed, "{}: {list}", db.backend);
        assert!(!list.contains("secretkey"));
        ok(&[
            "streamer",
            "description",
            "--user",
            "test",
            "--description",
            "Chill 🎶",
        ]);
        ok(&[
            "streamer",
            "password",
            "--username",
            "test",
            "--password",
            "pw",
        ]);
        ok(&[
            "streamer",
            "chat",
            "--username",
            "test",
            "--setting",
            "hidden",
        ]);
        let list = ok(&["streamer", "list"]);
        let line = list.lines().find(|l| l.starts_with("test ")).unwrap();
        let shown = line.contains("protected") && line.contains("hidden");
        assert!(shown && line.contains("Chill 🎶"), "{line}");
        assert!(!list.contains("pw "), "password itself is not listed");
        ok(&["streamer", "password", "--username", "test"]);
        ok(&["streamer", "description", "--username", "test"]);
        let line = ok(&["streamer", "list"]);
        assert!(line.contains("public") && !line.contains("Chill"), "{line}");
        ok(&["streamer", "remove", "--user", "test"]);
        assert!(!ok(&["streamer", "list"]).contains("test "));
    }
}

#[tokio::test]
async fn generated_keys_are_printed_once_and_work() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let config = setup(&db, dir.path());
        let key = printed_key(&ok(&config, &["streamer", "add", "--username", "gen"]));
        assert!(key.len() >= 32, "{key}");
        let store = rsstreaming_shared::Store::connect(&db.url).await.unwrap();
        let works = |key: String| {
            let store = store.clone();
            async move { store.authenticate("gen", &key).await.unwrap().is_some() }
        };
        assert!(works(key.clone()).await);
        let key2 = printed_key(&ok(&config, &["streamer", "key", "--username", "gen"]));
        assert_ne!(key, key2);
        assert!(works(key2).await);
        assert!(!works(key).await);
        let chosen = ["streamer", "key", "--username", "gen", "--key", "chosen"];
        ok(&config, &chosen);
        assert!(works("chosen".into()).await);
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
        let add = |user: &str, key: &str| {
            ["streamer", "add", "--user", user, "--key", key].map(String::from)
        };
        for (args, says) in [
            (add("TEST", "other"), "already exists"),
            (add("x y", "k"), "invalid username"),
            (add("'; DROP TABLE streamers;--", "k"), "invalid username"),
            (add("dup", "secretkey"), "already in use"),
        ] {
            fails_with(&config, &args.each_ref().map(String::as_str), says);
        }
        fails_with(&config, &["streamer", "drop", "--user", "ghost"], "ghost");
        fails_with(
            &config,
            &["streamer", "key", "--user", "ghost", "--key", "k"],
            "ghost",
        );
        fails_with(
            &config,
            &["streamer", "chat", "--user", "test", "--setting", "loud"],
            "loud",
        );
        fails_with(&config, &["streamer", "frobnicate"], "frobnicate");
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
        let kappa = "https://example.invalid/k.png";
        ok(
            &config,
            &["emote", "add", "--alias", "kappa", "--uri", kappa],
        );
        ok(
            &config,
            &["emoji", "add", "--alias", "pog", "--uri", "/static/pog.png"],
        );
        for (alias, uri, says) in [
            ("KAPPA", "/x.png", "already exists"),
            ("no way", "/x.png", "invalid emote alias"),
            ("js", "javascript:alert(1)", "URI"),
        ] {
            fails_with(
                &config,
                &["emote", "add", "--alias", alias, "--uri", uri],
                says,
            );
        }
        let list = ok(&config, &["emote", "list"]);
        let listed = list.contains(":kappa:") && list.contains(":pog:");
        assert!(listed && !list.contains(":js:"), "{list}");
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
    let named = err.contains("bad.yaml") && err.contains("hls_dirr");
    assert!(named, "{err}");
    for (yaml, says) in [
        ("live_indicator_delay: [1]\n", "live_indicator_delay"),
        (
            "database: {url: \"mysql://root@127.0.0.1:1/none\"}\n",
            "cannot reach the database",
        ),
    ] {
        std::fs::write(&bad, yaml).unwrap();
        assert!(fails(&bad, &["streamer", "list"]).contains(says), "{yaml}");
    }
}

#[test]
fn environment_overrides_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "mysql://root@127.0.0.1:1/unreachable", "");
    let other = dir.path().join("env.db");
    let o = rsstreaming()
        .arg("--config")
        .arg(&config)
        .args(["streamer", "add", "--user", "envy", "--key", "k"])
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
        let folder = dir.path().join("m").join(b);
        std::fs::create_dir_all(&folder).unwrap();
        let initial = "CREATE TABLE x (a INT);\n";
        std::fs::write(folder.join("0001_initial.sql"), initial).unwrap();
    }
    let config = write_config(dir.path(), "sqlite://unused.db", "");
    let m = dir.path().join("m");
    let generate = |message: &'static str, extra: &[&'static str]| {
        let mut args = vec!["database", "generate", "--message", message, "--dir"];
        args.push(m.to_str().unwrap());
        args.extend_from_slice(extra);
        cli(&config, &args)
    };
    let empty = one_line_failure(&generate("add things", &[]));
    assert!(empty.contains("--allow-empty"));
    let with_sql = generate("add things", &["--sql", "ALTER TABLE x ADD b INT;"]);
    assert!(with_sql.status.success(), "{}", stderr(&with_sql));
    let out = rsstreaming_testkit::cli::stdout(&with_sql);
    assert!(out.contains("0002_add_things.sql"), "{out}");
    let templates = generate("placeholder", &["--allow-empty"]);
    assert!(templates.status.success(), "{}", stderr(&templates));
    let out = rsstreaming_testkit::cli::stdout(&templates);
    assert!(out.contains("0003_placeholder.sql"), "{out}");
    assert!(dir.path().join("m/sqlite/0003_placeholder.sql").exists());
}
