//! Reading a PyStreaming database: its tables checked to be the Python system's, then read in
//! one consistent snapshot (the Python system may still be running while we read).
//!
//! The Python system's schema (its SQLAlchemy tables, created by `manage.py database create`):
//! `streamersettings (username, key, description, streampass, mastodon, chat)`,
//! `emotes (alias, uri)`, `events (id, timestamp, username, type, meta JSON)` and
//! `pendingmessages (id, username, type, message)`, plus alembic's `alembic_version`. Older
//! installs lack some optional columns (`mastodon`, `chat`, `description`, `streampass`), and
//! named the events' streamer column `streamer`; both are read.

use super::ImportError;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{ConnectOptions, Connection, Row};
use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Duration;

/// How long connecting to the source may take before it counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `--from` URL, with a form of it fit to print (no password). No `Debug`: the connect
/// options hold the password.
#[derive(Clone)]
pub struct SourceUrl {
    options: MySqlConnectOptions,
    /// `mysql://user@host:port/db`.
    pub shown: String,
    /// `host:port/db`, which names the source in the import's bookmark.
    pub identity: String,
}

impl SourceUrl {
    pub fn parse(text: &str) -> Result<Self, ImportError> {
        let bad = |why: &str| ImportError::Url(why.to_string());
        let text = text.trim();
        let normalised = match text.strip_prefix("mariadb://") {
            Some(rest) => format!("mysql://{rest}"),
            None => text.to_string(),
        };
        let parsed = url::Url::parse(&normalised).map_err(|_| bad("not a URL"))?;
        if parsed.scheme() != "mysql" {
            return Err(bad("it must start with mysql://"));
        }
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host"))?;
        let db = parsed.path().trim_start_matches('/');
        if db.is_empty() || db.contains('/') {
            return Err(bad("no database name after the host"));
        }
        let port = parsed.port().unwrap_or(3306);
        let options = MySqlConnectOptions::from_str(&normalised)
            .map_err(|e| ImportError::Url(e.to_string()))?
            .disable_statement_logging();
        let user = match parsed.username() {
            "" => String::new(),
            u => format!("{u}@"),
        };
        Ok(Self {
            options,
            shown: format!("mysql://{user}{host}:{port}/{db}"),
            identity: format!("{host}:{port}/{db}"),
        })
    }
}

/// One `streamersettings` row as the Python system stored it (the key in plain text).
#[derive(Clone)]
pub struct PyStreamer {
    pub username: String,
    pub key: String,
    pub description: Option<String>,
    pub streampass: Option<String>,
    pub mastodon: Option<String>,
    pub chat: Option<String>,
}

/// One `events` row.
#[derive(Debug, Clone)]
pub struct PyEvent {
    pub id: i64,
    /// Unix seconds.
    pub timestamp: i64,
    pub streamer: String,
    pub kind: String,
    pub meta: String,
}

/// An open, checked PyStreaming database inside a read-only snapshot.
pub struct Source {
    conn: MySqlConnection,
    /// alembic's revision of the schema, when it has one.
    pub revision: Option<String>,
    settings_columns: BTreeSet<String>,
    events_streamer_column: &'static str,
    has_pending: bool,
}

impl Source {
    /// Connects, checks the tables are the Python system's and opens the snapshot.
    pub async fn open(url: &SourceUrl) -> Result<Self, ImportError> {
        let unreachable = |reason: String| ImportError::Unreachable {
            database: url.shown.clone(),
            reason,
        };
        let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, url.options.connect())
            .await
            .map_err(|_| unreachable(format!("no answer within {CONNECT_TIMEOUT:?}")))?
            .map_err(|e| unreachable(reason_of(&e)))?;
        let tables = names(
            &mut conn,
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE()",
        )
        .await?;
        let foreign = |what: String| ImportError::Foreign {
            database: url.shown.clone(),
            what,
        };
        for required in ["streamersettings", "emotes", "events"] {
            if !tables.contains(required) {
                return Err(foreign(if tables.contains("streamers") {
                    "it is an rsstreaming database (it has `streamers`, not `streamersettings`)"
                        .into()
                } else if tables.is_empty() {
                    "it has no tables".into()
                } else {
                    format!("it has no `{required}` table")
                }));
            }
        }
        let settings_columns = columns(&mut conn, "streamersettings").await?;
        for required in ["username", "key"] {
            if !settings_columns.contains(required) {
                return Err(foreign(format!(
                    "`streamersettings` has no `{required}` column"
                )));
            }
        }
        let events_columns = columns(&mut conn, "events").await?;
        let events_streamer_column = if events_columns.contains("username") {
            "username"
        } else {
            "streamer"
        };
        for required in ["id", "timestamp", "type", "meta", events_streamer_column] {
            if !events_columns.contains(required) {
                return Err(foreign(format!("`events` has no `{required}` column")));
            }
        }
        let emote_columns = columns(&mut conn, "emotes").await?;
        if !(emote_columns.contains("alias") && emote_columns.contains("uri")) {
            return Err(foreign("`emotes` lacks `alias` or `uri`".into()));
        }
        let revision = if tables.contains("alembic_version") {
            sqlx::query_scalar::<_, String>("SELECT CAST(version_num AS CHAR) FROM alembic_version")
                .fetch_optional(&mut conn)
                .await
                .map_err(read_error)?
        } else {
            None
        };
        sqlx::query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut conn)
            .await
            .map_err(read_error)?;
        sqlx::query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            .execute(&mut conn)
            .await
            .map_err(read_error)?;
        Ok(Self {
            conn,
            revision,
            settings_columns,
            events_streamer_column,
            has_pending: tables.contains("pendingmessages"),
        })
    }

    /// Every streamer, in the table's order of names.
    pub async fn streamers(&mut self) -> Result<Vec<PyStreamer>, ImportError> {
        let optional = |c: &str| {
            if self.settings_columns.contains(c) {
                format!("CAST(`{c}` AS CHAR) AS `{c}`")
            } else {
                format!("NULL AS `{c}`")
            }
        };
        let sql = format!(
            "SELECT CAST(username AS CHAR) AS username, CAST(`key` AS CHAR) AS `key`, {}, {}, {}, {} \
             FROM streamersettings ORDER BY username",
            optional("description"),
            optional("streampass"),
            optional("mastodon"),
            optional("chat"),
        );
        let rows = sqlx::query(&sql)
            .fetch_all(&mut self.conn)
            .await
            .map_err(read_error)?;
        rows.iter()
            .map(|r| {
                Ok(PyStreamer {
                    username: r.try_get("username")?,
                    key: r.try_get("key")?,
                    description: r.try_get("description")?,
                    streampass: r.try_get("streampass")?,
                    mastodon: r.try_get("mastodon")?,
                    chat: r.try_get("chat")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(read_error)
    }

    /// Every custom emote as (alias, uri).
    pub async fn emotes(&mut self) -> Result<Vec<(String, String)>, ImportError> {
        sqlx::query_as("SELECT CAST(alias AS CHAR), CAST(uri AS CHAR) FROM emotes ORDER BY alias")
            .fetch_all(&mut self.conn)
            .await
            .map_err(read_error)
    }

    /// How many API/CLI posts were still waiting for delivery.
    pub async fn pending_messages(&mut self) -> Result<i64, ImportError> {
        if !self.has_pending {
            return Ok(0);
        }
        sqlx::query_scalar("SELECT COUNT(*) FROM pendingmessages")
            .fetch_one(&mut self.conn)
            .await
            .map_err(read_error)
    }

    /// The highest event id in the snapshot (0 when there are none).
    pub async fn last_event_id(&mut self) -> Result<i64, ImportError> {
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS SIGNED) FROM events")
            .fetch_one(&mut self.conn)
            .await
            .map_err(read_error)
    }

    /// Up to `limit` events with `after < id <= upto`, in id order.
    pub async fn events(
        &mut self,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> Result<Vec<PyEvent>, ImportError> {
        let sql = format!(
            "SELECT CAST(id AS SIGNED) AS id, CAST(`timestamp` AS SIGNED) AS ts, \
             CAST(`{}` AS CHAR) AS streamer, CAST(`type` AS CHAR) AS kind, CAST(meta AS CHAR) AS meta \
             FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
            self.events_streamer_column
        );
        let rows = sqlx::query(&sql)
            .bind(after)
            .bind(upto)
            .bind(limit)
            .fetch_all(&mut self.conn)
            .await
            .map_err(read_error)?;
        rows.iter()
            .map(|r| {
                Ok(PyEvent {
                    id: r.try_get("id")?,
                    timestamp: r.try_get("ts")?,
                    streamer: r.try_get("streamer")?,
                    kind: r.try_get("kind")?,
                    meta: r.try_get("meta")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(read_error)
    }

    /// Ends the snapshot and the connection.
    pub async fn close(self) {
        let _ = self.conn.close().await;
    }
}

async fn names(conn: &mut MySqlConnection, sql: &str) -> Result<BTreeSet<String>, ImportError> {
    let rows: Vec<String> = sqlx::query_scalar(sql)
        .fetch_all(conn)
        .await
        .map_err(read_error)?;
    Ok(rows.into_iter().map(|n| n.to_ascii_lowercase()).collect())
}

async fn columns(conn: &mut MySqlConnection, table: &str) -> Result<BTreeSet<String>, ImportError> {
    names(
        conn,
        &format!(
            "SELECT CAST(column_name AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = '{table}'"
        ),
    )
    .await
}

/// The driver's reason, on one line and without the URL (which may carry the password).
fn reason_of(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
    .replace('\n', " ")
}

fn read_error(e: sqlx::Error) -> ImportError {
    ImportError::Read(reason_of(&e))
}
