//! Streamer accounts.

use super::{is_unique_violation, now_ms, opt_text, text, Store, StoreError, StoreResult};
use crate::auth::{self, StreamKey};
use crate::names::{valid_username, RoomName, Username};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Default chat visibility for new viewers of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ChatSetting {
    #[default]
    Enabled,
    Hidden,
    Disabled,
}

impl ChatSetting {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatSetting::Enabled => "enabled",
            ChatSetting::Hidden => "hidden",
            ChatSetting::Disabled => "disabled",
        }
    }
}

impl std::str::FromStr for ChatSetting {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "enabled" => Ok(ChatSetting::Enabled),
            "hidden" => Ok(ChatSetting::Hidden),
            "disabled" => Ok(ChatSetting::Disabled),
            _ => Err(format!(
                "chat setting must be enabled, hidden or disabled, not `{s}`"
            )),
        }
    }
}

/// One streamer as stored. The key itself is never held, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streamer {
    pub id: i64,
    pub username: Username,
    pub key_hash: String,
    pub description: String,
    /// The viewer password; `None` = public stream.
    pub streampass: Option<String>,
    pub chat: ChatSetting,
}

impl Streamer {
    /// The chat room and URL segment: the lowercased username.
    pub fn room(&self) -> RoomName {
        self.username.room()
    }

    /// Constant-time check of a presented stream key.
    pub fn key_matches(&self, key: impl Into<StreamKey>) -> bool {
        key.into().matches(&self.key_hash)
    }

    fn from_row(row: &AnyRow) -> StoreResult<Self> {
        let username: String = row.try_get("username")?;
        Ok(Self {
            id: row.try_get("id")?,
            username: Username::parse(&username)
                .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?,
            key_hash: row.try_get("key_hash")?,
            description: text(row, "description")?,
            streampass: opt_text(row, "streampass")?.filter(|p| !p.is_empty()),
            chat: row
                .try_get::<String, _>("chat")?
                .parse()
                .unwrap_or_default(),
        })
    }
}

const COLUMNS: &str = "id, username, key_hash, description, streampass, chat";

/// A hash no key produces, compared against when the username is unknown.
const NO_KEY_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl Store {
    /// Adds a streamer. Names are unique in any letter case, and so are keys.
    pub async fn add_streamer(
        &self,
        username: &str,
        key: impl Into<StreamKey>,
    ) -> StoreResult<Streamer> {
        let key = key.into();
        let name = Username::parse(username)?;
        if crate::names::reserved_username(&name) {
            return Err(StoreError::ReservedUsername(username.to_string()));
        }
        if key.is_empty() {
            return Err(StoreError::EmptyKey);
        }
        if self.streamer(&name).await?.is_some() {
            return Err(StoreError::DuplicateStreamer(username.to_string()));
        }
        let key_hash = key.hash();
        let result = sqlx::query(
            "INSERT INTO streamers (username, username_lower, key_hash, description, streampass, chat, created_at) \
             VALUES (?, ?, ?, '', NULL, 'enabled', ?)",
        )
        .bind(name.as_str())
        .bind(name.room().as_str())
        .bind(&key_hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(if self.streamer(username).await?.is_some() {
                    StoreError::DuplicateStreamer(username.to_string())
                } else {
                    StoreError::DuplicateKey
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.streamer(username)
            .await?
            .ok_or_else(|| StoreError::UnknownStreamer(username.to_string()))
    }

    /// Finds a streamer by name, in any letter case.
    pub async fn streamer(&self, username: &str) -> StoreResult<Option<Streamer>> {
        if !valid_username(username) {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM streamers WHERE username_lower = ?"
        ))
        .bind(username.to_ascii_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(Streamer::from_row).transpose()
    }

    /// Finds the streamer owning a stream key (nginx-rtmp's on_publish sends the key alone). A
    /// row still holding the old hash form is found too, and re-hashed (see [`crate::auth`]).
    pub async fn streamer_by_key(
        &self,
        key: impl Into<StreamKey>,
    ) -> StoreResult<Option<Streamer>> {
        let key = key.into();
        let current = key.hash();
        if let Some(s) = self.streamer_by_key_hash(&current).await? {
            return Ok(Some(s));
        }
        let old = auth::legacy_hash_key(key.expose());
        if old == current {
            return Ok(None);
        }
        match self.streamer_by_key_hash(&old).await? {
            Some(s) => Ok(Some(self.upgrade_key_hash(s, &key).await?)),
            None => Ok(None),
        }
    }

    /// Finds the streamer whose key hashes to `key_hash`.
    pub async fn streamer_by_key_hash(&self, key_hash: &str) -> StoreResult<Option<Streamer>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM streamers WHERE key_hash = ?"
        ))
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(Streamer::from_row).transpose()
    }

    /// The streamer `username` if `key` is its stream key (constant-time comparison; an
    /// unknown name takes the time of a wrong key). A right key held in the old hash form is
    /// re-hashed.
    pub async fn authenticate(
        &self,
        username: &str,
        key: impl Into<StreamKey>,
    ) -> StoreResult<Option<Streamer>> {
        let key = key.into();
        let found = self.streamer(username).await?;
        let hash = found.as_ref().map_or(NO_KEY_HASH, |s| s.key_hash.as_str());
        let matches = key.matches(hash);
        match found {
            Some(s) if matches => Ok(Some(self.upgrade_key_hash(s, &key).await?)),
            _ => Ok(None),
        }
    }

    /// After `key` was used successfully for `s`: a row in the old hash form gets the current
    /// (peppered) one, unless it changed meanwhile.
    pub async fn upgrade_key_hash(
        &self,
        mut s: Streamer,
        key: &StreamKey,
    ) -> StoreResult<Streamer> {
        if auth::is_current_hash(&s.key_hash) {
            return Ok(s);
        }
        let new = key.hash();
        sqlx::query("UPDATE streamers SET key_hash = ? WHERE id = ? AND key_hash = ?")
            .bind(&new)
            .bind(s.id)
            .bind(&s.key_hash)
            .execute(&self.pool)
            .await?;
        tracing::info!(streamer = %s.username, "stream key re-hashed with the pepper");
        s.key_hash = new;
        Ok(s)
    }

    /// Every streamer, ordered by name.
    pub async fn streamers(&self) -> StoreResult<Vec<Streamer>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM streamers ORDER BY username_lower"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Streamer::from_row).collect()
    }

    /// Removes a streamer (its events stay, as an audit log should).
    pub async fn drop_streamer(&self, username: &str) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM streamers WHERE username_lower = ?")
            .bind(username.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::UnknownStreamer(username.to_string()));
        }
        Ok(())
    }

    /// Replaces a streamer's key, closing the dashboard sessions opened with the old one.
    pub async fn set_key(&self, username: &str, key: impl Into<StreamKey>) -> StoreResult<()> {
        let key = key.into();
        if key.is_empty() {
            return Err(StoreError::EmptyKey);
        }
        let result = sqlx::query("UPDATE streamers SET key_hash = ? WHERE username_lower = ?")
            .bind(key.hash())
            .bind(username.to_ascii_lowercase())
            .execute(&self.pool)
            .await;
        match result {
            Err(e) if is_unique_violation(&e) => Err(StoreError::DuplicateKey),
            Err(e) => Err(e.into()),
            Ok(r) => {
                self.require_one(r.rows_affected(), username).await?;
                self.close_sessions_of(username).await
            }
        }
    }

    /// Sets (or with `None`, clears) the description.
    pub async fn set_description(
        &self,
        username: &str,
        description: Option<&str>,
    ) -> StoreResult<()> {
        let r = sqlx::query("UPDATE streamers SET description = ? WHERE username_lower = ?")
            .bind(description.unwrap_or(""))
            .bind(username.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        self.require_one(r.rows_affected(), username).await
    }

    /// Sets (or with `None`/empty, removes) the viewer password.
    pub async fn set_streampass(&self, username: &str, password: Option<&str>) -> StoreResult<()> {
        let r = sqlx::query("UPDATE streamers SET streampass = ? WHERE username_lower = ?")
            .bind(password.filter(|p| !p.is_empty()))
            .bind(username.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        self.require_one(r.rows_affected(), username).await
    }

    /// Sets the default chat visibility.
    pub async fn set_chat(&self, username: &str, chat: ChatSetting) -> StoreResult<()> {
        let r = sqlx::query("UPDATE streamers SET chat = ? WHERE username_lower = ?")
            .bind(chat.as_str())
            .bind(username.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        self.require_one(r.rows_affected(), username).await
    }

    /// MySQL reports 0 affected rows when an UPDATE changes nothing, so "0" only means
    /// "unknown streamer" once we have checked that it does not exist.
    pub(super) async fn require_one(&self, affected: u64, username: &str) -> StoreResult<()> {
        if affected > 0 || self.streamer(username).await?.is_some() {
            Ok(())
        } else {
            Err(StoreError::UnknownStreamer(username.to_string()))
        }
    }
}
