//! The persistent store: streamers, emotes, the events audit log, settings, the chat outbox,
//! stream sessions, API tokens, dashboard sessions and job leases.
//!
//! One implementation over sqlx's `Any` driver serves MariaDB/MySQL (production) and SQLite (the
//! embedded default) with the same SQL, so both behave alike and one conformance suite covers
//! both. Case-insensitive uniqueness lives in `*_lower` columns rather than in collations, which
//! the two engines disagree on.

/// Names each variant of a field-less enum as the store (and the wire) spells it, in one table:
/// `NAMES`, `as_str`, `from_name`, and serialising as that name.
macro_rules! stored_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant with its name.
            pub const NAMES: &'static [($ty, &'static str)] = &[$(($ty::$variant, $name)),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

mod bans;
mod chat_names;
mod emotes;
mod events;
mod import;
mod lease;
pub mod migrate;
mod outbox;
mod profile;
mod recordings;
mod room_rules;
mod sessions;
mod streamers;
mod streams;
mod tokens;
mod webhooks;

pub use bans::{Sanction, SanctionKind};
pub use chat_names::RegisteredName;
pub(crate) use emotes::check_uri as check_emote_uri;
pub use emotes::Emote;
pub use events::{kind as event_kind, ChatLine, Event, NewEvent};
pub use import::{ImportTx, ImportedStreamer};
pub use outbox::{OutboxMessage, OUTBOX_SANCTIONS, RULES_CHANGED};
pub use profile::{check_profile_url, Profile, ProfileLink, MAX_PROFILE_LINKS, MAX_PROFILE_URL};
pub use recordings::{
    Recording, RecordingStatus, RemuxedVideo, MAX_ATTEMPTS as MAX_REMUX_ATTEMPTS,
    MAX_LISTED_RECORDINGS,
};
pub use room_rules::SITE as SITE_RULES;
pub use streamers::{ChatSetting, Streamer};
pub use streams::{
    OpenStream, StreamSample, StreamSummary, StreamTimes, MAX_LISTED as MAX_STREAMS_LISTED,
};
pub use tokens::TokenInfo;
pub use webhooks::{Delivery, Webhook, WebhookFormat, MAX_WEBHOOKS, RETRY_FOR_MS};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Connection, Executor};
use std::time::Duration;

/// Which engine a store talks to; migrations differ per engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    MySql,
    Sqlite,
}

impl Backend {
    /// The folder of `migrations/` holding this engine's files.
    pub fn dir_name(self) -> &'static str {
        match self {
            Backend::MySql => "mysql",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// Every store failure, phrased for the operator who will read it on one line.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot reach the database: {0}")]
    Unreachable(String),
    #[error("the database schema is missing or out of date; run `rsstreaming database create` (or `database upgrade`)")]
    SchemaMissing,
    #[error("the database schema already exists; use `rsstreaming database upgrade`")]
    SchemaExists,
    #[error("streamer `{0}` already exists")]
    DuplicateStreamer(String),
    #[error("that stream key is already in use by another streamer")]
    DuplicateKey,
    #[error("no streamer named `{0}`")]
    UnknownStreamer(String),
    #[error("invalid username `{0}`: use 1-64 letters, digits, '_' or '-'")]
    InvalidUsername(String),
    #[error("the username `{0}` is reserved for the site's own pages")]
    ReservedUsername(String),
    #[error("a stream key must not be empty")]
    EmptyKey,
    #[error("emote `{0}` already exists")]
    DuplicateEmote(String),
    #[error("no emote named `{0}`")]
    UnknownEmote(String),
    #[error("invalid emote alias `{0}`: use 1-64 letters, digits, '_' or '-'")]
    InvalidAlias(String),
    #[error("invalid emote URI: {0}")]
    InvalidUri(String),
    #[error("migration {0}: {1}")]
    Migration(String, String),
    #[error("database error: {0}")]
    Db(sqlx::Error),
}

impl From<crate::names::NameError> for StoreError {
    fn from(e: crate::names::NameError) -> Self {
        StoreError::InvalidUsername(e.0)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        classify(e)
    }
}

/// Turns driver errors into the few cases an operator can act on.
fn classify(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => {
            StoreError::Unreachable(e.to_string())
        }
        sqlx::Error::Database(db) => {
            let msg = db.message();
            if msg.contains("no such table") || msg.contains("doesn't exist") {
                StoreError::SchemaMissing
            } else if msg.contains("Access denied") || msg.contains("Unknown database") {
                StoreError::Unreachable(msg.to_string())
            } else {
                StoreError::Db(e)
            }
        }
        _ => StoreError::Db(e),
    }
}

/// Whether a database error is a unique-constraint violation (both engines).
fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let msg = db.message();
            msg.contains("UNIQUE constraint failed") || msg.contains("Duplicate entry")
        }
        _ => false,
    }
}

/// The outcome of an insert that a unique constraint may refuse: true when the row went in,
/// false when the constraint kept it out (someone else holds it).
fn inserted(result: Result<sqlx::any::AnyQueryResult, sqlx::Error>) -> StoreResult<bool> {
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A cheap-to-clone handle on the database pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Connects to `url` (`mysql://…` or `sqlite://…`). SQLite files and their folder are
    /// created when missing; MySQL must be reachable within a few seconds.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::MySql
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::MySql => url.to_string(),
        };
        let options = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(5))
            // A ping before every query doubled the round trips of a page; a connection that
            // died is dropped on its first failed query instead (and idle ones are recycled).
            .test_before_acquire(false)
            .idle_timeout(Duration::from_secs(300))
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::MySql => 16,
            });
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;")
                        .await?;
                    Ok(())
                })
            }),
            Backend::MySql => options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("SET NAMES utf8mb4").await?;
                    Ok(())
                })
            }),
        };
        // One direct connection first: a pool would hide "connection refused" behind a timeout.
        let unreachable = |e: sqlx::Error| match classify(e) {
            StoreError::Db(e) => StoreError::Unreachable(e.to_string()),
            other => other,
        };
        let probe = sqlx::AnyConnection::connect(&url)
            .await
            .map_err(unreachable)?;
        let _ = sqlx::Connection::close(probe).await;
        let pool = options.connect(&url).await.map_err(unreachable)?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the pool, waiting for connections to finish (flushes SQLite's WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answers a query now (`/readyz`).
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A stored setting (e.g. the generated cookie-signing secret).
    pub async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| text(&r, "value")).transpose()
    }

    /// The site's secret (it signs viewer passes and keys the webhooks' signatures): the
    /// configured `secret_key` when set, else the one generated into the store once.
    pub async fn site_secret(&self, configured: Option<&str>) -> StoreResult<String> {
        match configured.filter(|s| !s.is_empty()) {
            Some(s) => Ok(s.to_string()),
            None => {
                self.setting_or_insert("secret_key", crate::auth::generate_secret)
                    .await
            }
        }
    }

    /// Returns the setting, creating it with `make()` first if absent. Concurrent callers on
    /// several instances all end up with the one value that won the insert.
    pub async fn setting_or_insert(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> StoreResult<String> {
        if let Some(v) = self.setting(name).await? {
            return Ok(v);
        }
        let value = make();
        match sqlx::query("INSERT INTO settings (name, value) VALUES (?, ?)")
            .bind(name)
            .bind(&value)
            .execute(&self.pool)
            .await
        {
            Ok(_) => Ok(value),
            Err(e) if is_unique_violation(&e) => Ok(self.setting(name).await?.unwrap_or(value)),
            Err(e) => Err(e.into()),
        }
    }
}

/// Normalises a SQLite URL: creates the parent folder and asks sqlx to create the file.
fn sqlite_url(url: &str) -> StoreResult<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path != ":memory:" && !path.is_empty() {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    StoreError::Unreachable(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
        }
    }
    let query = match query {
        Some(q) if q.contains("mode=") => q.to_string(),
        Some(q) => format!("{q}&mode=rwc"),
        None => "mode=rwc".to_string(),
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// Reads a text column. MySQL reports `TEXT` columns as `BLOB` to the `Any` driver, so the
/// bytes are accepted and checked as UTF-8.
fn text(row: &AnyRow, col: &str) -> StoreResult<String> {
    Ok(opt_text(row, col)?.unwrap_or_default())
}

/// Reads an optional text column that may come back NULL (see [`text`]).
fn opt_text(row: &AnyRow, col: &str) -> StoreResult<Option<String>> {
    use sqlx::Row;
    match row.try_get::<Option<String>, _>(col) {
        Ok(v) => Ok(v),
        Err(_) => {
            let bytes: Option<Vec<u8>> = row.try_get(col)?;
            bytes
                .map(|b| {
                    String::from_utf8(b)
                        .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
                })
                .transpose()
        }
    }
}
