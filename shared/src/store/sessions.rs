//! Dashboard sessions: opened when a streamer signs in with the stream key, found by the
//! keyed hash of the cookie's token (see [`crate::auth::hash_session`]), closed on sign-out, on
//! expiry and when the streamer's key changes (a new key is how a leaked one is shut out, so
//! it shuts out the sessions opened with it too). A session of a dropped or renamed streamer
//! opens nothing: the lookup goes through the streamer's current row.

use super::{now_ms, Store, StoreResult, Streamer};
use crate::auth::{hash_session, SESSION_MAX_AGE_SECS};

impl Store {
    /// Opens a session for the streamer of `room` under `token` (lasting
    /// [`SESSION_MAX_AGE_SECS`]); expired sessions of every room are swept on the way.
    pub async fn open_session(&self, room: &str, token: &str) -> StoreResult<()> {
        let now = now_ms();
        sqlx::query("DELETE FROM dashboard_sessions WHERE expires_at < ?")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO dashboard_sessions (token_hash, room, created_at, expires_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(hash_session(token))
        .bind(room.to_ascii_lowercase())
        .bind(now)
        .bind(now + SESSION_MAX_AGE_SECS * 1000)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The streamer a live session belongs to; `None` for an unknown, expired or closed one.
    pub async fn session_streamer(&self, token: &str) -> StoreResult<Option<Streamer>> {
        if !token.starts_with(crate::auth::SESSION_PREFIX) || token.len() > 64 {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT room FROM dashboard_sessions WHERE token_hash = ? AND expires_at > ?",
        )
        .bind(hash_session(token))
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => self.streamer(&super::text(&r, "room")?).await,
            None => Ok(None),
        }
    }

    /// Closes a session (sign-out); closing one that is gone already is no error.
    pub async fn close_session(&self, token: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM dashboard_sessions WHERE token_hash = ?")
            .bind(hash_session(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every session of `room` (its key changed).
    pub(crate) async fn close_sessions_of(&self, room: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM dashboard_sessions WHERE room = ?")
            .bind(room.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
