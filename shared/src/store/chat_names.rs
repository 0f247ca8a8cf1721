//! Registered chat names (SPEC §8) as the store keeps them: `chat_names`, one row per name
//! keyed by its identity (the name key: case-folded confusable skeleton, so `Bob`, `bob` and
//! `Ьob` are one registered name), with its argon2id hash; and `chat_name_ranks`, the rooms in
//! which a registered name is a moderator. Logins read them directly (every instance shares
//! the store, so a name registered on one instance needs its password on all at once).

use super::{inserted, now_ms, text, Store, StoreResult};
use serde::Serialize;
use sqlx::Row;

/// A registered name: as registered, its identity, its password's PHC string and when.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredName {
    pub username: String,
    pub key: String,
    #[serde(skip)]
    pub password_hash: String,
    /// Unix ms.
    pub created: i64,
}

/// The hash stays out of any debug output.
impl std::fmt::Debug for RegisteredName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredName")
            .field("username", &self.username)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

fn registered(r: &sqlx::any::AnyRow) -> StoreResult<RegisteredName> {
    Ok(RegisteredName {
        username: text(r, "username")?,
        key: text(r, "name_key")?,
        password_hash: text(r, "password_hash")?,
        created: r.try_get("created_at")?,
    })
}

impl Store {
    /// The registered name with this identity (a [`crate::text::name_key`]), if any.
    pub async fn registered_name(&self, key: &str) -> StoreResult<Option<RegisteredName>> {
        let row = sqlx::query(
            "SELECT name_key, username, password_hash, created_at FROM chat_names WHERE name_key = ?",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(registered).transpose()
    }

    /// Every registered name, by identity.
    pub async fn registered_names(&self) -> StoreResult<Vec<RegisteredName>> {
        let rows = sqlx::query(
            "SELECT name_key, username, password_hash, created_at FROM chat_names ORDER BY name_key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(registered).collect()
    }

    /// Registers `username` with a password hash; false when its identity is registered
    /// already (by anyone: the first registration holds).
    pub async fn register_name(&self, username: &str, password_hash: &str) -> StoreResult<bool> {
        inserted(
            sqlx::query(
                "INSERT INTO chat_names (name_key, username, password_hash, created_at) VALUES (?, ?, ?, ?)",
            )
            .bind(crate::text::name_key(username))
            .bind(username)
            .bind(password_hash)
            .bind(now_ms())
            .execute(&self.pool)
            .await,
        )
    }

    /// Drops a registered name and the ranks given to it; false when it was not registered.
    pub async fn unregister_name(&self, key: &str) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM chat_name_ranks WHERE name_key = ?")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        let gone = sqlx::query("DELETE FROM chat_names WHERE name_key = ?")
            .bind(key)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(gone > 0)
    }

    /// Whether the registered name `key` is a moderator in `room`.
    pub async fn is_name_moderator(&self, room: &str, key: &str) -> StoreResult<bool> {
        let row =
            sqlx::query("SELECT 1 AS one FROM chat_name_ranks WHERE room = ? AND name_key = ?")
                .bind(room.to_ascii_lowercase())
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some())
    }

    /// Gives (or takes) the moderator rank of the registered name `key` in `room`, lasting
    /// across logins; giving it twice keeps the first grant. Whether anything changed.
    pub async fn set_name_moderator(
        &self,
        room: &str,
        key: &str,
        moderator: bool,
        by: &str,
    ) -> StoreResult<bool> {
        let room = room.to_ascii_lowercase();
        if moderator {
            return inserted(
                sqlx::query(
                    "INSERT INTO chat_name_ranks (room, name_key, created_by, created_at) VALUES (?, ?, ?, ?)",
                )
                .bind(&room)
                .bind(key)
                .bind(by)
                .bind(now_ms())
                .execute(&self.pool)
                .await,
            );
        }
        let gone = sqlx::query("DELETE FROM chat_name_ranks WHERE room = ? AND name_key = ?")
            .bind(&room)
            .bind(key)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(gone > 0)
    }
}
