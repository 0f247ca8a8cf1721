//! The bridge from rsstreaming's former migration runner to sqlx's.
//!
//! The former runner recorded each applied file in `schema_migrations (version, name,
//! applied_at)` and kept no checksum. On the first upgrade by this version, each of those rows
//! becomes a `_sqlx_migrations` row carrying the checksum of the embedded file of that version
//! (the files are the same ones, so sqlx then sees them as applied), and `schema_migrations` is
//! dropped. It runs under the migration lock, and each step is safe to repeat, so instances
//! starting together, or an upgrade interrupted half-way, end in the same state.

use super::{migrate_error, Store, StoreError, StoreResult, SQLX_TABLE};
use sqlx::migrate::{Migrate, Migrator};

/// The former runner's applied versions.
pub(super) const LEGACY_QUERY: &str = "SELECT version FROM schema_migrations ORDER BY version";

/// Moves the former runner's records into sqlx's table, if there are any. The caller holds the
/// migration lock on `conn`.
pub(super) async fn adopt_legacy_table(
    store: &Store,
    migrator: &Migrator,
    conn: &mut sqlx::AnyConnection,
) -> StoreResult<()> {
    // Another instance may have finished the bridge while this one waited for the lock.
    let Some(legacy) = store.versions(LEGACY_QUERY).await? else {
        return Ok(());
    };
    conn.ensure_migrations_table()
        .await
        .map_err(migrate_error)?;
    let adopted: Vec<i64> = conn
        .list_applied_migrations()
        .await
        .map_err(migrate_error)?
        .into_iter()
        .map(|m| m.version)
        .collect();
    for version in legacy.into_iter().filter(|v| !adopted.contains(v)) {
        let Some(m) = migrator.iter().find(|m| m.version == version) else {
            return Err(migrate_error(sqlx::migrate::MigrateError::VersionMissing(
                version,
            )));
        };
        sqlx::query(&format!(
            "INSERT INTO {SQLX_TABLE} (version, description, success, checksum, execution_time) \
             VALUES (?, ?, TRUE, ?, 0)"
        ))
        .bind(version)
        .bind(m.description.to_string())
        .bind(m.checksum.to_vec())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::Migration(format!("{version:04}"), e.to_string()))?;
    }
    sqlx::query("DROP TABLE IF EXISTS schema_migrations")
        .execute(&mut *conn)
        .await?;
    tracing::info!("migration records moved from schema_migrations to {SQLX_TABLE}");
    Ok(())
}
