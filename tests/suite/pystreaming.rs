//! A PyStreaming database for the import tests: the Python system's schema
//! (tests/fixtures/pystreaming-schema.sql) in a throw-away MariaDB database, filled with a few
//! hundred generated rows of every kind the Python system writes.

use rsstreaming_testkit::TestDb;
use sqlx::{Connection, MySqlConnection};

const SCHEMA: &str = include_str!("../fixtures/pystreaming-schema.sql");

/// A generated streamer as the Python system stored it.
pub struct PyStreamer {
    pub username: String,
    pub key: String,
}

/// The source database and what was put in it.
pub struct PyDb {
    pub db: TestDb,
    pub streamers: Vec<PyStreamer>,
    pub emotes: usize,
    pub events: usize,
    /// Chat lines (type, name, text, unix seconds) of `streamers[0]`, oldest first, and how many
    /// of them came after its last stream start.
    pub lines_of_first: Vec<(String, Option<String>, String, i64)>,
    pub lines_of_first_last_stream: usize,
}

impl PyDb {
    pub async fn conn(&self) -> MySqlConnection {
        MySqlConnection::connect(&self.db.url)
            .await
            .expect("connect to the PyStreaming database")
    }

    /// Runs SQL on the source.
    pub async fn exec(&self, sql: &str) {
        let mut c = self.conn().await;
        sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
    }
}

/// An empty database with the Python system's schema, or `None` when MariaDB is absent (and
/// not required).
pub async fn empty() -> Option<TestDb> {
    let db = TestDb::mysql().await?;
    let mut c = MySqlConnection::connect(&db.url).await.expect("connect");
    sqlx::raw_sql(SCHEMA)
        .execute(&mut c)
        .await
        .expect("load schema");
    Some(db)
}

/// The schema plus 12 streamers, 8 emotes, ~330 events and 3 pending messages.
pub async fn filled() -> Option<PyDb> {
    let db = empty().await?;
    let mut c = MySqlConnection::connect(&db.url).await.expect("connect");
    let run = rand::random::<u32>();
    let mut streamers = Vec::new();
    for i in 0..12 {
        let username = if i == 3 {
            "MixedCase".to_string()
        } else {
            format!("streamer{i:02}")
        };
        let key = format!("py-{i}-{run:08x}-stream-key");
        // A spread of the optional columns as years of use leave them.
        let (description, streampass, mastodon, chat) = match i % 4 {
            0 => (
                Some("Speedruns & chill"),
                Some("letmein"),
                Some("https://mastodon.social/@s"),
                Some("hidden"),
            ),
            1 => (None, None, Some(""), None),
            2 => (Some(""), Some(""), None, Some("disabled")),
            _ => (Some("Art streams"), None, None, Some("enabled")),
        };
        sqlx::query("INSERT INTO streamersettings (username, `key`, description, streampass, mastodon, chat) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(&username).bind(&key).bind(description).bind(streampass).bind(mastodon).bind(chat)
            .execute(&mut c).await.expect("insert streamer");
        streamers.push(PyStreamer { username, key });
    }
    for i in 0..8 {
        let uri = if i == 7 {
            "data:image/png;base64,iVBORw0KGgo=".to_string()
        } else {
            format!("https://emotes.example.org/e{i}.png")
        };
        sqlx::query("INSERT INTO emotes (alias, uri) VALUES (?, ?)")
            .bind(format!("emote_{i}"))
            .bind(uri)
            .execute(&mut c)
            .await
            .expect("insert emote");
    }
    let mut events = Vec::new();
    let mut lines = Vec::new();
    let mut last_stream = 0;
    let mut ts = 1_600_000_000i64;
    for (s, streamer) in streamers.iter().take(4).enumerate() {
        let name = &streamer.username;
        for stream in 0..2 {
            let mut ev = |kind: &str, meta: serde_json::Value| {
                ts += 7;
                events.push((ts, name.clone(), kind.to_string(), meta.to_string()));
                ts
            };
            ev(
                "start_streaming",
                serde_json::json!({"description": "live!", "password": "letmein"}),
            );
            if s == 0 {
                last_stream = 0;
            }
            for v in 0..6 {
                ev("viewer_count", serde_json::json!({"viewers": v}));
            }
            for chatter in ["ann", "bo", "cy"] {
                ev("join_chat", serde_json::json!({"name": chatter}));
            }
            for n in 0..12 {
                let chatter = ["ann", "bo", "cy"][n % 3];
                let (kind, meta, line) = match n % 6 {
                    4 => (
                        "send_action",
                        serde_json::json!({"name": chatter, "action": format!("dances {stream}.{n}")}),
                        (
                            "action",
                            Some(chatter.to_string()),
                            format!("dances {stream}.{n}"),
                        ),
                    ),
                    5 => (
                        "send_broadcast",
                        serde_json::json!({"broadcast": format!("news {stream}.{n}")}),
                        ("broadcast", None, format!("news {stream}.{n}")),
                    ),
                    _ => (
                        "send_message",
                        serde_json::json!({"name": chatter, "message": format!("hello {stream}.{n} :smile:")}),
                        (
                            "message",
                            Some(chatter.to_string()),
                            format!("hello {stream}.{n} :smile:"),
                        ),
                    ),
                };
                let t = ev(kind, meta);
                if s == 0 {
                    lines.push((line.0.to_string(), line.1, line.2, t));
                    last_stream += 1;
                }
            }
            let drawing = "data:image/png;base64,AAAA";
            for (kind, meta) in [
                (
                    "send_drawing",
                    serde_json::json!({"name": "ann", "drawing": drawing}),
                ),
                (
                    "change_name",
                    serde_json::json!({"oldname": "cy", "newname": "cyd"}),
                ),
                (
                    "mod_user",
                    serde_json::json!({"operator": name, "name": "ann"}),
                ),
                (
                    "mute_user",
                    serde_json::json!({"operator": "ann", "name": "bo"}),
                ),
                (
                    "unmute_user",
                    serde_json::json!({"operator": "ann", "name": "bo"}),
                ),
                (
                    "demod_user",
                    serde_json::json!({"operator": name, "name": "ann"}),
                ),
                (
                    "set_description",
                    serde_json::json!({"description": format!("stream {stream}")}),
                ),
            ] {
                ev(kind, meta);
            }
            ev("set_viewer_password", serde_json::json!({"password": null}));
            for chatter in ["ann", "bo", "cyd"] {
                ev("leave_chat", serde_json::json!({"name": chatter}));
            }
            ev("stop_streaming", serde_json::json!({}));
        }
    }
    // History of a streamer long gone, under a name rsstreaming cannot hold.
    events.push((
        ts + 1,
        "old streamer".into(),
        "send_message".into(),
        r#"{"name":"x","message":"y"}"#.into(),
    ));
    for (ts, name, kind, meta) in &events {
        sqlx::query("INSERT INTO events (`timestamp`, username, type, meta) VALUES (?, ?, ?, ?)")
            .bind(ts)
            .bind(name)
            .bind(kind)
            .bind(meta)
            .execute(&mut c)
            .await
            .expect("insert event");
    }
    for m in ["one", "two", "three"] {
        sqlx::query("INSERT INTO pendingmessages (username, type, message) VALUES ('streamer00', 'normal', ?)")
            .bind(m).execute(&mut c).await.expect("insert pending");
    }
    Some(PyDb {
        db,
        streamers,
        emotes: 8,
        events: events.len(),
        lines_of_first: lines,
        lines_of_first_last_stream: last_stream,
    })
}
