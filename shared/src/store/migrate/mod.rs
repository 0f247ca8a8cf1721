//! Schema migrations: numbered SQL files per engine (`migrations/mysql`, `migrations/sqlite`),
//! embedded in the binary so a deployed `rsstreaming` can create or upgrade a database without
//! the source tree, and applied by sqlx's migrator. sqlx keeps `_sqlx_migrations` (version,
//! checksum, success) and refuses a database whose applied migration no longer matches its file
//! or failed half-way.
//!
//! The files are the ones sqlx's `migrate!` would read (`NNNN_name.sql`); they are embedded with
//! `include_dir` and handed to sqlx through a [`MigrationSource`] because the macro would need
//! sqlx's `macros` feature, which compiles the SQLite and MySQL drivers a second time for the
//! proc-macro host on every build.
//!
//! sqlx's migration lock is replaced by ours ([`lock`]): on MariaDB sqlx's never takes hold.
//!
//! Databases created before this runner (by rsstreaming's own, which kept `schema_migrations`)
//! are bridged on their next upgrade, see [`bridge`].

mod bridge;
mod generate;
mod lock;

pub use generate::{generate, Generated};

use super::{Backend, Store, StoreError, StoreResult};
use include_dir::{include_dir, Dir};
use sqlx::error::BoxDynError;
use sqlx::migrate::{MigrateError, MigrationSource, MigrationType, Migrator};
use std::future::Future;
use std::pin::Pin;

static MIGRATIONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../migrations");

/// sqlx's bookkeeping table.
const SQLX_TABLE: &str = "_sqlx_migrations";

/// One migration file: `NNNN_name.sql`.
#[derive(Debug, Clone)]
pub struct Migration {
    pub version: i64,
    pub name: String,
    pub sql: String,
}

/// The embedded migrations of an engine, in order.
pub fn embedded(backend: Backend) -> Vec<Migration> {
    let mut out: Vec<Migration> = MIGRATIONS
        .get_dir(backend.dir_name())
        .map(|d| {
            d.files()
                .filter_map(|f| {
                    let name = f.path().file_name()?.to_str()?;
                    let (version, name) = parse_file_name(name)?;
                    Some(Migration {
                        version,
                        name,
                        sql: f.contents_utf8()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by_key(|m| m.version);
    out
}

/// `0002_add_things.sql` → (2, "add_things").
fn parse_file_name(file: &str) -> Option<(i64, String)> {
    let stem = file.strip_suffix(".sql")?;
    let (num, name) = stem.split_once('_')?;
    Some((num.parse().ok()?, name.to_string()))
}

/// Splits SQL into statements (our files end each statement with `;` at a line end); used to
/// tell an empty migration from one with work in it.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            out.push(current.trim().trim_end_matches(';').to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// The embedded files of one engine as sqlx's migration source.
#[derive(Debug)]
struct Embedded(Backend);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<sqlx::migrate::Migration>, BoxDynError>> + Send + 's>>
    {
        let migrations = embedded(self.0)
            .into_iter()
            .map(|m| {
                sqlx::migrate::Migration::new(
                    m.version,
                    m.name.into(),
                    MigrationType::Simple,
                    m.sql.into(),
                    false,
                )
            })
            .collect();
        Box::pin(std::future::ready(Ok(migrations)))
    }
}

/// An operator-readable migration failure.
fn migrate_error(e: MigrateError) -> StoreError {
    let what = match &e {
        MigrateError::VersionMismatch(v) => format!(
            "migration {v} was applied from a different file than this rsstreaming embeds; restore the original file"
        ),
        MigrateError::VersionMissing(v) => format!(
            "migration {v} is applied but unknown to this rsstreaming; the database was upgraded by a newer version"
        ),
        MigrateError::Dirty(v) => format!(
            "migration {v} failed part-way earlier; repair the schema by hand, then delete its row from {SQLX_TABLE}"
        ),
        MigrateError::Execute(sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut) => {
            return StoreError::Unreachable(e.to_string())
        }
        other => other.to_string(),
    };
    StoreError::Migration("upgrade".into(), what)
}

impl Store {
    async fn migrator(&self) -> StoreResult<Migrator> {
        Migrator::new(Embedded(self.backend))
            .await
            .map_err(migrate_error)
    }

    /// Versions already applied; `None` when the schema has never been created. A database of
    /// the former runner not yet bridged reports its `schema_migrations`.
    pub async fn applied_versions(&self) -> StoreResult<Option<Vec<i64>>> {
        let current =
            format!("SELECT version FROM {SQLX_TABLE} WHERE success = TRUE ORDER BY version");
        match self.versions(&current).await? {
            Some(v) => Ok(Some(v)),
            None => self.versions(bridge::LEGACY_QUERY).await,
        }
    }

    /// The versions a query lists; `None` when its table does not exist.
    async fn versions(&self, query: &str) -> StoreResult<Option<Vec<i64>>> {
        match sqlx::query_as::<_, (i64,)>(query)
            .fetch_all(&self.pool)
            .await
        {
            Ok(rows) => Ok(Some(rows.into_iter().map(|r| r.0).collect())),
            Err(e) => match StoreError::from(e) {
                StoreError::SchemaMissing => Ok(None),
                other => Err(other),
            },
        }
    }

    /// Migrations not yet applied.
    pub async fn pending_migrations(&self) -> StoreResult<Vec<Migration>> {
        let applied = self.applied_versions().await?.unwrap_or_default();
        Ok(embedded(self.backend)
            .into_iter()
            .filter(|m| !applied.contains(&m.version))
            .collect())
    }

    /// `database create`: refuses when a schema is already there.
    pub async fn create_schema(&self) -> StoreResult<Vec<Migration>> {
        if self.applied_versions().await?.is_some() || self.has_table("streamers").await? {
            return Err(StoreError::SchemaExists);
        }
        self.upgrade_schema().await
    }

    /// `database upgrade`: bridges a database of the former runner, then applies every pending
    /// migration; returns what it applied. Runs under [`lock`], so instances upgrading together
    /// apply each migration once.
    pub async fn upgrade_schema(&self) -> StoreResult<Vec<Migration>> {
        let mut migrator = self.migrator().await?;
        // sqlx's own lock is `GET_LOCK(name, -1)`, which MariaDB answers with NULL (no lock)
        // instead of waiting; ours waits with a real timeout and checks the answer.
        migrator.set_locking(false);
        let mut conn = self.pool.acquire().await?;
        lock::acquire(&mut conn, self.backend).await?;
        let result = async {
            bridge::adopt_legacy_table(self, &migrator, &mut conn).await?;
            let pending = self.pending_migrations().await?;
            migrator
                .run_direct(&mut *conn)
                .await
                .map_err(migrate_error)?;
            Ok(pending)
        }
        .await;
        lock::release(&mut conn, self.backend).await;
        result
    }

    /// Fails with `SchemaMissing` unless every embedded migration has been applied.
    pub async fn require_current_schema(&self) -> StoreResult<()> {
        match self.applied_versions().await? {
            Some(_) if self.pending_migrations().await?.is_empty() => Ok(()),
            _ => Err(StoreError::SchemaMissing),
        }
    }

    /// Makes the schema usable for serving: the embedded SQLite default is created or upgraded
    /// on the spot (a newcomer never runs `database create`), MySQL must already be current
    /// (its operator upgrades deliberately, once per release).
    pub async fn prepare_schema(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => self.upgrade_schema().await.map(drop),
            Backend::MySql => self.require_current_schema().await,
        }
    }

    async fn has_table(&self, table: &str) -> StoreResult<bool> {
        match sqlx::query(&format!("SELECT 1 FROM {table} LIMIT 1"))
            .fetch_optional(&self.pool)
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => match StoreError::from(e) {
                StoreError::SchemaMissing => Ok(false),
                other => Err(other),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_migrations_exist_for_both_engines() {
        for b in [Backend::MySql, Backend::Sqlite] {
            let m = embedded(b);
            assert_eq!(m[0].version, 1, "{b:?}");
            assert!(statements(&m[0].sql).len() >= 5);
        }
    }

    #[test]
    fn both_engines_have_the_same_numbered_files() {
        let names = |b| {
            embedded(b)
                .into_iter()
                .map(|m| (m.version, m.name))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(Backend::MySql), names(Backend::Sqlite));
    }
}
