//! The writes of an import (`rsstreaming import pystreaming`): streamers, emotes, events and the
//! import's bookmark, all in one transaction, so a failure part-way leaves nothing behind.
//!
//! The rows go through the same rules as the store's one-at-a-time writes: names validated,
//! keys stored only as the store's key hash, emote URIs checked.

use super::emotes::check_uri;
use super::events::insert_events;
use super::{is_unique_violation, now_ms, ChatSetting, NewEvent, Store, StoreError, StoreResult};
use crate::auth::StreamKey;
use crate::names::{reserved_username, valid_alias, valid_username};
use sqlx::{Any, Transaction};

/// A streamer as another system had it, its stream key still in plain text (in a
/// [`StreamKey`], which never prints it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedStreamer {
    pub username: String,
    pub key: StreamKey,
    pub description: String,
    pub streampass: Option<String>,
    pub chat: ChatSetting,
    pub mastodon: Option<String>,
}

/// An open import transaction; nothing is visible to anyone else until [`ImportTx::commit`],
/// and dropping it uncommitted rolls everything back.
pub struct ImportTx {
    tx: Transaction<'static, Any>,
}

impl Store {
    /// Starts an import transaction.
    pub async fn begin_import(&self) -> StoreResult<ImportTx> {
        Ok(ImportTx {
            tx: self.pool.begin().await?,
        })
    }
}

impl ImportTx {
    /// Adds a streamer; its key is hashed here, with the store's key hash, on the way in.
    pub async fn add_streamer(&mut self, s: &ImportedStreamer) -> StoreResult<()> {
        if !valid_username(&s.username) {
            return Err(StoreError::InvalidUsername(s.username.clone()));
        }
        if reserved_username(&s.username) {
            return Err(StoreError::ReservedUsername(s.username.clone()));
        }
        if s.key.is_empty() {
            return Err(StoreError::EmptyKey);
        }
        let result = sqlx::query(
            "INSERT INTO streamers (username, username_lower, key_hash, description, streampass, chat, mastodon, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.username)
        .bind(s.username.to_ascii_lowercase())
        .bind(s.key.hash())
        .bind(&s.description)
        .bind(s.streampass.as_deref().filter(|p| !p.is_empty()))
        .bind(s.chat.as_str())
        .bind(s.mastodon.as_deref())
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => {
                let taken: Option<(i64,)> =
                    sqlx::query_as("SELECT id FROM streamers WHERE username_lower = ?")
                        .bind(s.username.to_ascii_lowercase())
                        .fetch_optional(&mut *self.tx)
                        .await?;
                Err(match taken {
                    Some(_) => StoreError::DuplicateStreamer(s.username.clone()),
                    None => StoreError::DuplicateKey,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Adds a custom emote.
    pub async fn add_emote(&mut self, alias: &str, uri: &str) -> StoreResult<()> {
        if !valid_alias(alias) {
            return Err(StoreError::InvalidAlias(alias.to_string()));
        }
        check_uri(uri)?;
        sqlx::query("INSERT INTO emotes (alias, alias_lower, uri, created_at) VALUES (?, ?, ?, ?)")
            .bind(alias)
            .bind(alias.to_ascii_lowercase())
            .bind(uri)
            .bind(now_ms())
            .execute(&mut *self.tx)
            .await
            .map_err(|e| match e {
                e if is_unique_violation(&e) => StoreError::DuplicateEmote(alias.to_string()),
                e => e.into(),
            })?;
        Ok(())
    }

    /// Appends events to the audit log, in the order given.
    pub async fn record_events(&mut self, events: &[NewEvent]) -> StoreResult<()> {
        insert_events(&mut self.tx, events).await
    }

    /// Sets a stored setting (the import's bookmark), replacing any earlier value.
    pub async fn set_setting(&mut self, name: &str, value: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM settings WHERE name = ?")
            .bind(name)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("INSERT INTO settings (name, value) VALUES (?, ?)")
            .bind(name)
            .bind(value)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Makes every write of the import visible at once.
    pub async fn commit(self) -> StoreResult<()> {
        Ok(self.tx.commit().await?)
    }
}
