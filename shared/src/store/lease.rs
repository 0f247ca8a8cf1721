//! Leases: a named job (e.g. the stream sampler) that only one instance of a site may run at a
//! time. The holder renews its lease well before it lapses; when it stops, another instance
//! takes over once the lease has run out. The store is the referee, so it works with or
//! without Redis.

use super::{inserted, now_ms, Store, StoreResult};
use std::time::Duration;

impl Store {
    /// Takes or renews the lease `name` for `holder` for `ttl`; false while another holder's
    /// lease runs.
    pub async fn take_lease(&self, name: &str, holder: &str, ttl: Duration) -> StoreResult<bool> {
        let now = now_ms();
        let until = now.saturating_add(ttl.as_millis().min(i64::MAX as u128) as i64);
        let renewed = sqlx::query(
            "UPDATE leases SET holder = ?, until_ms = ? WHERE name = ? AND (holder = ? OR until_ms < ?)",
        )
        .bind(holder)
        .bind(until)
        .bind(name)
        .bind(holder)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if renewed.rows_affected() > 0 {
            return Ok(true);
        }
        let result = sqlx::query("INSERT INTO leases (name, holder, until_ms) VALUES (?, ?, ?)")
            .bind(name)
            .bind(holder)
            .bind(until)
            .execute(&self.pool)
            .await;
        inserted(result)
    }
}
