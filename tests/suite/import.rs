//! `rsstreaming import pystreaming`: a real MariaDB loaded with the Python system's schema and a
//! few hundred generated rows, imported into a fresh store on both backends, then used by a
//! running `serve` (API history, OBS keys).

use crate::pystreaming::{self, PyDb};
use rsstreaming_shared::store::{ChatSetting, Store};
use rsstreaming_testkit::cli::{cli, stderr, stdout};
use rsstreaming_testkit::config::write_config;
use rsstreaming_testkit::serve::{ServeOptions, Server};
use rsstreaming_testkit::TestDb;

/// `rsstreaming import pystreaming --from URL [extra]` against the store at `target`.
fn import(dir: &std::path::Path, target: &str, from: &str, extra: &[&str]) -> std::process::Output {
    let config = write_config(dir, target, "");
    let mut args = vec!["import", "pystreaming", "--from", from];
    args.extend_from_slice(extra);
    cli(&config, &args)
}

async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.pool())
        .await
        .map(|r| r.0)
        .unwrap_or(0)
}

async fn counts(store: &Store) -> (i64, i64, i64) {
    (
        count(store, "streamers").await,
        count(store, "emotes").await,
        count(store, "events").await,
    )
}

#[tokio::test]
async fn a_pystreaming_database_moves_over_once_on_both_backends() {
    let Some(py) = pystreaming::filled().await else {
        return;
    };
    for target in TestDb::both().await {
        eprintln!("target: {}", target.backend);
        let dir = tempfile::tempdir().unwrap();
        if target.backend == "mysql" {
            let o = cli(
                &write_config(dir.path(), &target.url, ""),
                &["database", "create"],
            );
            assert!(o.status.success(), "{}", stderr(&o));
        }
        // Dry run: the full report, nothing written.
        let o = import(dir.path(), &target.url, &py.db.url, &["--dry-run"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.contains("streamers: 12 to add, 0 already here"),
            "{out}"
        );
        assert!(out.contains("emotes: 8 to add"), "{out}");
        assert!(out.contains("1 events skipped"), "{out}");
        assert!(out.contains("pending messages: 3 not imported"), "{out}");
        assert!(out.ends_with("dry run: nothing was written\n"), "{out}");
        let store = Store::connect(&target.url).await.unwrap();
        assert_eq!(counts(&store).await, (0, 0, 0));

        let o = import(dir.path(), &target.url, &py.db.url, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let imported = py.events as i64 - 1;
        assert!(
            out.contains(&format!(
                "imported 12 streamers, 8 emotes, {imported} events"
            )),
            "{out}"
        );
        assert!(
            !out.contains(&py.streamers[0].key),
            "a key was printed: {out}"
        );
        check_imported(&store, &py).await;
        assert_eq!(counts(&store).await, (12, py.emotes as i64, imported));

        // Idempotent: a second run finds everything here.
        let o = import(dir.path(), &target.url, &py.db.url, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("streamers: 0 added, 12 already here"), "{out}");
        assert!(
            out.contains("nothing to import: everything is already here"),
            "{out}"
        );
        assert_eq!(counts(&store).await, (12, py.emotes as i64, imported));
        store.close().await;
    }
}

/// Every kind of row arrived as rsstreaming keeps it.
async fn check_imported(store: &Store, py: &PyDb) {
    let first = &py.streamers[0];
    let s = store
        .streamer(&first.username)
        .await
        .unwrap()
        .expect("imported");
    assert!(
        s.key_matches(first.key.as_str()),
        "the Python key still opens the stream"
    );
    assert_ne!(s.key_hash, first.key);
    let by_key = store.streamer_by_key(first.key.as_str()).await.unwrap();
    assert_eq!(
        by_key.map(|b| b.id),
        Some(s.id),
        "on_publish finds the streamer by its old key"
    );
    assert_eq!(s.description, "Speedruns & chill");
    assert_eq!(s.streampass.as_deref(), Some("letmein"));
    assert_eq!(s.chat, ChatSetting::Hidden);
    assert_eq!(
        store.mastodon(&first.username).await.unwrap().as_deref(),
        Some("https://mastodon.social/@s")
    );
    let plain = store.streamer("streamer01").await.unwrap().unwrap();
    assert_eq!(
        (plain.description.as_str(), plain.streampass.as_deref()),
        ("", None)
    );
    assert_eq!(plain.chat, ChatSetting::Enabled);
    assert_eq!(store.mastodon("streamer01").await.unwrap(), None);
    assert_eq!(
        store.streamer("streamer02").await.unwrap().unwrap().chat,
        ChatSetting::Disabled
    );
    assert_eq!(
        store.streamer("mixedcase").await.unwrap().unwrap().username,
        "MixedCase"
    );
    assert_eq!(store.emotes().await.unwrap().len(), py.emotes);

    let lines = store
        .chat_lines(&first.username, None, false)
        .await
        .unwrap();
    let got: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.kind.clone(),
                l.name.clone(),
                l.message.clone(),
                l.timestamp,
            )
        })
        .collect();
    assert_eq!(
        got, py.lines_of_first,
        "the old chat, in order, with its times"
    );
    let last = store.chat_lines(&first.username, None, true).await.unwrap();
    assert_eq!(last.len(), py.lines_of_first_last_stream);

    // No plain key or viewer password anywhere in what was written.
    let metas: Vec<(String,)> = sqlx::query_as("SELECT meta FROM events")
        .fetch_all(store.pool())
        .await
        .unwrap_or_default();
    for (meta,) in metas {
        assert!(
            !meta.contains("letmein") && !meta.contains("-stream-key"),
            "{meta}"
        );
    }
}

#[tokio::test]
async fn a_later_run_takes_only_what_the_python_system_wrote_since() {
    let Some(py) = pystreaming::filled().await else {
        return;
    };
    let target = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    assert!(import(dir.path(), &target.url, &py.db.url, &[])
        .status
        .success());
    py.exec(
        "INSERT INTO streamersettings (username, `key`) VALUES ('latecomer', 'late-key-123');
         INSERT INTO events (`timestamp`, username, type, meta) VALUES
           (1700000000, 'latecomer', 'start_streaming', '{\"description\": \"\", \"password\": \"\"}'),
           (1700000005, 'latecomer', 'send_message', '{\"name\": \"zed\", \"message\": \"first!\"}');
         UPDATE streamersettings SET description = 'changed there' WHERE username = 'streamer07';",
    )
    .await;
    let o = import(dir.path(), &target.url, &py.db.url, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("streamers: 1 added, 11 already here, 1 differ"),
        "{out}"
    );
    assert!(
        out.contains("~ streamer07: differs here (description), kept as it is here"),
        "{out}"
    );
    assert!(out.contains("events: 2 added after event"), "{out}");
    let store = Store::connect(&target.url).await.unwrap();
    let lines = store.chat_lines("latecomer", None, true).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0].message.as_str(), lines[0].timestamp),
        ("first!", 1_700_000_005)
    );
    assert_eq!(
        store
            .streamer("streamer07")
            .await
            .unwrap()
            .unwrap()
            .description,
        "Art streams"
    );
}

#[tokio::test]
async fn imported_streamers_stream_and_read_their_history_through_serve() {
    let Some(py) = pystreaming::filled().await else {
        return;
    };
    let target = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    // A site with a key pepper: the keys are stored keyed-hashed from the import on.
    let config = write_config(
        dir.path(),
        &target.url,
        "key_pepper: \"import-pepper-0123456789\"\n",
    );
    let o = cli(&config, &["import", "pystreaming", "--from", &py.db.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let store = Store::connect(&target.url).await.unwrap();
    let fifth = &py.streamers[5];
    let stored = store
        .streamer(&fifth.username)
        .await
        .unwrap()
        .unwrap()
        .key_hash;
    let legacy = rsstreaming_shared::auth::legacy_hash_key(&fifth.key);
    assert_ne!(
        stored, legacy,
        "the import stored the key without the pepper"
    );
    store.close().await;
    let server = Server::start(&config, &ServeOptions::default()).await;
    let http = reqwest::Client::new();
    let first = &py.streamers[0];
    let messages: serde_json::Value = http
        .get(format!("{}/api/messages?limit=5", server.base))
        .basic_auth(&first.username, Some(&first.key))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let want = &py.lines_of_first[py.lines_of_first.len() - 5..];
    let got = messages.as_array().expect("a list");
    assert_eq!(got.len(), 5, "{messages}");
    for (line, (kind, name, text, ts)) in got.iter().zip(want) {
        assert_eq!(line["type"], kind.as_str());
        assert_eq!(line["message"], text.as_str());
        assert_eq!(line["timestamp"], *ts);
        assert_eq!(line["name"].as_str(), name.as_deref());
    }
    // OBS keeps its stream key: nginx-rtmp's hook accepts it.
    let publish = http
        .post(format!("{}/auth/on_publish", server.base))
        .form(&[("name", py.streamers[5].key.as_str()), ("app", "live")])
        .send()
        .await
        .unwrap();
    assert!(publish.status().is_success(), "{}", publish.status());
}
