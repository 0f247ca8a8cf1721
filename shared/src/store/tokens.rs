//! Scoped API tokens of streamers: made (shown once), listed, revoked, and looked up by their
//! keyed hash (see [`crate::auth::hash_token`]). A token of a dropped or renamed streamer opens
//! nothing: the lookup goes through the streamer's current row.

use super::{now_ms, Store, StoreError, StoreResult, Streamer};
use crate::auth::{generate_token, hash_token, ApiScopes};
use serde::Serialize;
use sqlx::Row;

/// A token as the CLI lists it (never the token itself). Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub scopes: String,
    pub created: i64,
    pub revoked: Option<i64>,
}

impl Store {
    /// Makes a token for `username` with `scopes`; its id and the token (the only time it
    /// exists outside the caller's hands in clear).
    pub async fn add_token(
        &self,
        username: &str,
        scopes: &ApiScopes,
    ) -> StoreResult<(i64, String)> {
        let s = self.known(username).await?;
        let token = generate_token();
        sqlx::query(
            "INSERT INTO api_tokens (room, token_hash, scopes, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(s.room().to_string())
        .bind(hash_token(&token))
        .bind(scopes.to_string())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT id FROM api_tokens WHERE token_hash = ?")
            .bind(hash_token(&token))
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get("id")?, token))
    }

    /// The tokens of `username`, oldest first, revoked ones included.
    pub async fn tokens(&self, username: &str) -> StoreResult<Vec<TokenInfo>> {
        let s = self.known(username).await?;
        let rows = sqlx::query(
            "SELECT id, scopes, created_at, revoked_at FROM api_tokens WHERE room = ? ORDER BY id",
        )
        .bind(s.room().to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    scopes: super::text(r, "scopes")?,
                    created: r.try_get::<i64, _>("created_at")? / 1000,
                    revoked: r.try_get::<Option<i64>, _>("revoked_at")?.map(|t| t / 1000),
                })
            })
            .collect()
    }

    /// Revokes token `id` of `username`; false when it has no such live token.
    pub async fn revoke_token(&self, username: &str, id: i64) -> StoreResult<bool> {
        let s = self.known(username).await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND room = ? AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .bind(s.room().to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The streamer and scopes of a live token; `None` for anything else (unknown, revoked,
    /// its streamer gone, scopes unreadable: fails closed).
    pub async fn streamer_by_token(
        &self,
        token: &str,
    ) -> StoreResult<Option<(Streamer, ApiScopes)>> {
        if token.is_empty() || token.len() > 256 {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT room, scopes FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(hash_token(token))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let Ok(scopes) = super::text(&row, "scopes")?.parse::<ApiScopes>() else {
            return Ok(None);
        };
        let room = super::text(&row, "room")?;
        Ok(self.streamer(&room).await?.map(|s| (s, scopes)))
    }

    async fn known(&self, username: &str) -> StoreResult<Streamer> {
        self.streamer(username)
            .await?
            .ok_or_else(|| StoreError::UnknownStreamer(username.to_string()))
    }
}
