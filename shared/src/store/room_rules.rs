//! Room rules (SPEC §7) as the store keeps them, the source of truth every instance's cache is
//! loaded from: `room_rules` (slow mode, emote-only, links, the pin; one row per room that ever
//! had one) and `chat_filters` (one row per filter, of a room or, with room [`SITE`], of the
//! whole site). A change is checked here against the rows as they are now, stored and audited,
//! so the chat, the API and the CLI share one set of rules and errors.

use super::{inserted, now_ms, opt_text, text, Store, StoreResult};
use crate::chat::filters::{Filter, FilterError};
use crate::chat::room_rules::{LinkRule, RoomRules, RuleChange};
use sqlx::Row;

/// The `room` of the site-wide filters (no username holds a `*`).
pub const SITE: &str = "*";

impl Store {
    /// The rules of a room (defaults when it never had any).
    pub async fn room_rules(&self, room: &str) -> StoreResult<RoomRules> {
        let room = room.to_ascii_lowercase();
        let row =
            sqlx::query("SELECT slow_secs, emote_only, links, pin, registered_only FROM room_rules WHERE room = ?")
                .bind(&room)
                .fetch_optional(&self.pool)
                .await?;
        let mut rules = RoomRules::default();
        if let Some(r) = row {
            let slow: i64 = r.try_get("slow_secs")?;
            let emote_only: i64 = r.try_get("emote_only")?;
            rules.slow_secs = u32::try_from(slow).unwrap_or(0);
            rules.emote_only = emote_only != 0;
            rules.links = LinkRule::parse(&text(&r, "links")?).unwrap_or_default();
            rules.pin = opt_text(&r, "pin")?;
            rules.registered_only = r.try_get::<i64, _>("registered_only")? != 0;
        }
        rules.filters = self.filters(&room).await?;
        Ok(rules)
    }

    /// The filters of a room, or with [`SITE`] the site's, oldest first.
    pub async fn filters(&self, room: &str) -> StoreResult<Vec<Filter>> {
        let rows = sqlx::query("SELECT pattern FROM chat_filters WHERE room = ? ORDER BY id")
            .bind(room.to_ascii_lowercase())
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let pattern = text(&r, "pattern")?;
            match Filter::parse(&pattern) {
                Ok(f) => out.push(f),
                Err(e) => tracing::warn!("ignoring stored filter {pattern:?} of {room}: {e}"),
            }
        }
        Ok(out)
    }

    /// Checks a change against the stored rules of `room` ([`SITE`] for the site's filters),
    /// stores it and records who made it. `Ok(Err(_))` is a change the rules refuse (nothing
    /// is stored); a filter added meanwhile by someone else is refused as a duplicate.
    pub async fn change_rules(
        &self,
        room: &str,
        change: &RuleChange,
        by: &str,
    ) -> StoreResult<Result<(), FilterError>> {
        let room = room.to_ascii_lowercase();
        match change {
            RuleChange::AddFilter(f) | RuleChange::RemoveFilter(f) => {
                if let Err(e) = change.check_filters(&self.filters(&room).await?) {
                    return Ok(Err(e));
                }
                let stored = if matches!(change, RuleChange::AddFilter(_)) {
                    inserted(
                        sqlx::query(
                            "INSERT INTO chat_filters (room, pattern, created_by, created_at) VALUES (?, ?, ?, ?)",
                        )
                        .bind(&room)
                        .bind(f.display())
                        .bind(by)
                        .bind(now_ms())
                        .execute(&self.pool)
                        .await,
                    )?
                } else {
                    sqlx::query("DELETE FROM chat_filters WHERE room = ? AND pattern = ?")
                        .bind(&room)
                        .bind(f.display())
                        .execute(&self.pool)
                        .await?
                        .rows_affected()
                        > 0
                };
                if !stored {
                    return Ok(Err(match change {
                        RuleChange::AddFilter(_) => FilterError::Duplicate(f.display()),
                        _ => FilterError::Unknown(f.display()),
                    }));
                }
            }
            RuleChange::Slow(s) => self.set_rule(&room, "slow_secs", i64::from(*s)).await?,
            RuleChange::EmoteOnly(on) => self.set_rule(&room, "emote_only", i64::from(*on)).await?,
            RuleChange::Links(l) => {
                self.set_rule(&room, "links", l.as_str().to_string())
                    .await?
            }
            RuleChange::Pin(p) => self.set_rule(&room, "pin", p.clone()).await?,
            RuleChange::RegisteredOnly(on) => {
                self.set_rule(&room, "registered_only", i64::from(*on))
                    .await?
            }
        }
        self.record_event(change.audit(&room, by)).await?;
        Ok(Ok(()))
    }

    /// Sets one column of a room's row (made first if missing), leaving the others as they
    /// are, so two changes of different rules at once both hold.
    async fn set_rule<T>(&self, room: &str, column: &'static str, value: T) -> StoreResult<()>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
    {
        inserted(
            sqlx::query("INSERT INTO room_rules (room, updated_at) VALUES (?, ?)")
                .bind(room)
                .bind(now_ms())
                .execute(&self.pool)
                .await,
        )?;
        let sql = format!("UPDATE room_rules SET {column} = ?, updated_at = ? WHERE room = ?");
        sqlx::query(&sql)
            .bind(value)
            .bind(now_ms())
            .bind(room)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
