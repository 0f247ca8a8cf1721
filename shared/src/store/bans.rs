//! Sanctions of chat identities (SPEC §7), the source of truth that outlives restarts: bans and
//! mutes (timed ones are timeouts) of a name key and, when it was known, an address, per room.
//! A row applies from `created_at` until `until_ms` or until lifted; expired rows stop applying
//! by themselves (every read filters on the time) and stay for the streamer's records.

use super::{event_kind, now_ms, opt_text, text, NewEvent, Store, StoreResult};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// What a sanction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SanctionKind {
    /// No login from the name or the address.
    Ban,
    /// No lines, actions, drawings, color or name changes (a timeout when it has an end).
    Mute,
}

impl SanctionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SanctionKind::Ban => "ban",
            SanctionKind::Mute => "mute",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "ban" => Some(SanctionKind::Ban),
            "mute" => Some(SanctionKind::Mute),
            _ => None,
        }
    }
}

/// A sanction in force (or to be stored). Times are unix ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sanction {
    pub id: i64,
    #[serde(skip)]
    pub room: String,
    pub kind: SanctionKind,
    /// The name as it was shown when sanctioned.
    pub username: String,
    /// The name's case-folded confusable skeleton ([`crate::text::name_key`]).
    #[serde(skip)]
    pub name_key: String,
    /// The client address it binds besides the name; never shown outside the server.
    #[serde(skip)]
    pub addr: Option<String>,
    pub reason: Option<String>,
    /// When it ends; `None`: until lifted.
    pub until: Option<i64>,
    /// Who set it (a chat name, or the streamer through the API or CLI).
    pub by: String,
    pub created: i64,
}

impl Sanction {
    /// A sanction of `kind` on a chatter's identity (name key and address) set by `by`, until
    /// lifted, without a reason (to be stored: no id yet).
    pub fn of(room: &str, kind: SanctionKind, m: &crate::chat::Member, by: &str) -> Self {
        Self {
            id: 0,
            room: room.to_ascii_lowercase(),
            kind,
            username: m.username.clone(),
            name_key: m.key.clone(),
            addr: m.addr.clone(),
            reason: None,
            until: None,
            by: by.to_string(),
            created: now_ms(),
        }
    }

    /// The audit event of storing this ban (a mute is recorded as the roster change it is).
    fn ban_event(&self) -> NewEvent {
        let meta = serde_json::json!({
            "username": self.username, "by": self.by, "until": self.until, "reason": self.reason,
        });
        NewEvent::now(&self.room, event_kind::BAN, meta)
    }

    /// Whether it applies at `now` (unix ms).
    pub fn in_force(&self, now: i64) -> bool {
        self.until.is_none_or(|t| t > now)
    }

    /// Whether it binds the name key `key` or the address `addr`.
    pub fn binds(&self, key: &str, addr: Option<&str>) -> bool {
        self.name_key == key || (self.addr.is_some() && self.addr.as_deref() == addr)
    }
}

impl Store {
    /// Stores a sanction; its id.
    pub async fn add_sanction(&self, s: &Sanction) -> StoreResult<i64> {
        let done = sqlx::query(
            "INSERT INTO sanctions (room, kind, username, name_key, addr, reason, until_ms, by_name, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(s.room.to_ascii_lowercase())
        .bind(s.kind.as_str())
        .bind(&s.username)
        .bind(&s.name_key)
        .bind(s.addr.clone())
        .bind(s.reason.clone())
        .bind(s.until)
        .bind(&s.by)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if let Some(id) = done.last_insert_id() {
            return Ok(id);
        }
        // The `Any` driver leaves SQLite's rowid out: the newest row of this name is ours.
        let row =
            sqlx::query("SELECT MAX(id) AS id FROM sanctions WHERE room = ? AND name_key = ?")
                .bind(s.room.to_ascii_lowercase())
                .bind(&s.name_key)
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get::<Option<i64>, _>("id")?.unwrap_or_default())
    }

    /// Stores a ban and records it in the audit log (who, whom, until, why); its id.
    pub async fn ban(&self, s: &Sanction) -> StoreResult<i64> {
        let id = self.add_sanction(s).await?;
        self.record_event(s.ban_event()).await?;
        Ok(id)
    }

    /// Lifts the bans of `name` in `room` and records it, `by` being who lifted them; whether
    /// there were any.
    pub async fn unban(&self, room: &str, name: &str, by: &str) -> StoreResult<bool> {
        let key = crate::text::name_key(name.trim());
        if self.lift_sanctions(room, SanctionKind::Ban, &key).await? == 0 {
            return Ok(false);
        }
        let meta = serde_json::json!({"username": name.trim(), "by": by});
        self.record_event(NewEvent::now(room, event_kind::UNBAN, meta))
            .await?;
        Ok(true)
    }

    /// Stores a timeout set from outside the chat (the dashboard) in place of the name's
    /// mutes, and records it as the chat's `/timeout` is recorded (who, whom, until); its id.
    pub async fn timeout(&self, s: &Sanction) -> StoreResult<i64> {
        self.lift_sanctions(&s.room, SanctionKind::Mute, &s.name_key)
            .await?;
        let id = self.add_sanction(s).await?;
        let meta = serde_json::json!({"username": s.username, "by": s.by, "until": s.until});
        self.record_event(NewEvent::now(&s.room, event_kind::MUTE, meta))
            .await?;
        Ok(id)
    }

    /// Lifts the mutes and timeouts of `name` in `room` and records it, `by` being who lifted
    /// them; whether there were any.
    pub async fn unmute(&self, room: &str, name: &str, by: &str) -> StoreResult<bool> {
        let key = crate::text::name_key(name.trim());
        if self.lift_sanctions(room, SanctionKind::Mute, &key).await? == 0 {
            return Ok(false);
        }
        let meta = serde_json::json!({"username": name.trim(), "by": by, "until": null});
        self.record_event(NewEvent::now(room, event_kind::UNMUTE, meta))
            .await?;
        Ok(true)
    }

    /// The room's sanctions in force now, oldest first.
    pub async fn sanctions(&self, room: &str) -> StoreResult<Vec<Sanction>> {
        let rows = sqlx::query(
            "SELECT id, room, kind, username, name_key, addr, reason, until_ms, by_name, created_at \
             FROM sanctions WHERE room = ? AND lifted_at IS NULL AND (until_ms IS NULL OR until_ms > ?) \
             ORDER BY id",
        )
        .bind(room.to_ascii_lowercase())
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().filter_map(|r| read(r).transpose()).collect()
    }

    /// Lifts the sanctions of `kind` in force on the name key `key` (and, for a name
    /// banned with an address, that address with it); how many were lifted.
    pub async fn lift_sanctions(
        &self,
        room: &str,
        kind: SanctionKind,
        key: &str,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE sanctions SET lifted_at = ? WHERE room = ? AND kind = ? AND name_key = ? \
             AND lifted_at IS NULL AND (until_ms IS NULL OR until_ms > ?)",
        )
        .bind(now_ms())
        .bind(room.to_ascii_lowercase())
        .bind(kind.as_str())
        .bind(key)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Binds the address `addr` to sanction `id` that had none (a ban by name from the API or
    /// CLI, once the chatter's socket showed where it comes from).
    pub async fn bind_sanction_addr(&self, id: i64, addr: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sanctions SET addr = ? WHERE id = ? AND addr IS NULL")
            .bind(addr)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// One row; `None` for a kind this version does not know (a newer version's rows).
fn read(r: &AnyRow) -> StoreResult<Option<Sanction>> {
    let Some(kind) = SanctionKind::parse(&text(r, "kind")?) else {
        return Ok(None);
    };
    Ok(Some(Sanction {
        id: r.try_get("id")?,
        room: text(r, "room")?,
        kind,
        username: text(r, "username")?,
        name_key: text(r, "name_key")?,
        addr: opt_text(r, "addr")?,
        reason: opt_text(r, "reason")?,
        until: r.try_get("until_ms")?,
        by: text(r, "by_name")?,
        created: r.try_get("created_at")?,
    }))
}
