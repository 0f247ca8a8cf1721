//! `rsstreaming import pystreaming` when it cannot: one clear line, exit 1, nothing written —
//! including when the bad row is found after the transaction has started writing.

use crate::pystreaming;
use rsstreaming_shared::store::Store;
use rsstreaming_testkit::cli::{cli, stderr};
use rsstreaming_testkit::config::write_config;
use rsstreaming_testkit::machine::free_port;
use rsstreaming_testkit::TestDb;

fn import(target: &TestDb, from: &str) -> (bool, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &target.url, "");
    let o = cli(&config, &["import", "pystreaming", "--from", from]);
    (o.status.success(), stderr(&o), dir)
}

async fn nothing_written(target: &TestDb) {
    let store = Store::connect(&target.url).await.unwrap();
    store.upgrade_schema().await.unwrap();
    assert!(store.streamers().await.unwrap().is_empty());
    assert!(store.emotes().await.unwrap().is_empty());
    let (events,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(events, 0);
    store.close().await;
}

fn one_line(err: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[tokio::test]
async fn an_unreachable_source_is_named_without_its_password() {
    let target = TestDb::sqlite();
    let port = free_port();
    let (ok, err, _d) = import(
        &target,
        &format!("mysql://root:hunter2@127.0.0.1:{port}/py"),
    );
    assert!(!ok);
    one_line(&err);
    assert!(
        err.contains(&format!(
            "cannot reach the PyStreaming database mysql://root@127.0.0.1:{port}/py"
        )),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    let (ok, err, _d) = import(&target, "sqlite://py.db");
    assert!(
        !ok && err.contains("--from must be the PyStreaming database's URL"),
        "{err}"
    );
    let (ok, err, _d) = import(&target, "mysql://root@127.0.0.1");
    assert!(!ok && err.contains("no database name"), "{err}");
}

#[tokio::test]
async fn a_foreign_database_is_refused() {
    let Some(empty) = TestDb::mysql().await else {
        return;
    };
    let target = TestDb::sqlite();
    let (ok, err, _d) = import(&target, &empty.url);
    assert!(!ok);
    one_line(&err);
    assert!(
        err.contains("is not a PyStreaming database: it has no tables"),
        "{err}"
    );
    let ours = Store::connect(&empty.url).await.unwrap();
    ours.create_schema().await.unwrap();
    let (ok, err, _d) = import(&target, &empty.url);
    assert!(
        !ok && err.contains("it is an rsstreaming database"),
        "{err}"
    );
    nothing_written(&target).await;
}

#[tokio::test]
async fn bad_rows_stop_everything_before_a_write() {
    let Some(py) = pystreaming::filled().await else {
        return;
    };
    py.exec(
        "INSERT INTO streamersettings (username, `key`) VALUES ('has space', 'k-space'), ('api', 'k-api');
         INSERT INTO emotes (alias, uri) VALUES ('bad', 'javascript:alert(1)');
         UPDATE streamersettings SET mastodon = 'javascript:alert(1)' WHERE username = 'streamer05';",
    )
    .await;
    let target = TestDb::sqlite();
    let (ok, err, _d) = import(&target, &py.db.url);
    assert!(!ok);
    one_line(&err);
    assert!(err.contains("nothing was imported: 4 row(s)"), "{err}");
    for part in [
        "`has space`",
        "`api`",
        "emote `bad`",
        "streamer `streamer05`: mastodon",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    nothing_written(&target).await;
}

#[tokio::test]
async fn a_bad_event_late_in_the_history_rolls_back_what_was_written() {
    let Some(py) = pystreaming::filled().await else {
        return;
    };
    // The streamers and emotes are good and thousands of good events come first: the import is
    // writing when it meets the bad one.
    let mut rows = String::from("INSERT INTO events (`timestamp`, username, type, meta) VALUES ");
    for i in 0..4500 {
        rows.push_str(&format!(
            "(1700000000, 'streamer01', 'send_message', '{{\"name\": \"n\", \"message\": \"m{i}\"}}'),"
        ));
    }
    rows.push_str("(1700000001, 'streamer01', 'teleport', '{}');");
    py.exec(&rows).await;
    let target = TestDb::sqlite();
    let (ok, err, _d) = import(&target, &py.db.url);
    assert!(!ok);
    one_line(&err);
    assert!(
        err.contains("its type `teleport` is not one PyStreaming writes"),
        "{err}"
    );
    nothing_written(&target).await;
    // A stream key already in use here is refused too (by name: both are told).
    let store = Store::connect(&target.url).await.unwrap();
    store
        .add_streamer("localname", py.streamers[2].key.as_str())
        .await
        .unwrap();
    py.exec("DELETE FROM events WHERE type = 'teleport'").await;
    let (ok, err, _d) = import(&target, &py.db.url);
    assert!(!ok);
    assert!(
        err.contains(
            "streamer `streamer02`: its stream key is already the key of streamer `localname` here"
        ),
        "{err}"
    );
    assert_eq!(store.streamers().await.unwrap().len(), 1);
}
