//! Schema migrations: numbered SQL files per engine, embedded in the binary so a deployed
//! `rsstreaming` can create or upgrade a database without the source tree.

use super::{Backend, Store, StoreError, StoreResult};
use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};

static MIGRATIONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../migrations");

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

/// Splits a migration into statements (our files end each statement with `;` at a line end).
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

impl Store {
    /// Versions already applied; `None` when the schema has never been created.
    pub async fn applied_versions(&self) -> StoreResult<Option<Vec<i64>>> {
        match sqlx::query_as::<_, (i64,)>("SELECT version FROM schema_migrations ORDER BY version")
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

    /// `database upgrade`: applies every pending migration, returns what it applied.
    pub async fn upgrade_schema(&self) -> StoreResult<Vec<Migration>> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let pending = self.pending_migrations().await?;
        for m in &pending {
            let mut tx = self.pool.begin().await?;
            for stmt in statements(&m.sql) {
                sqlx::query(&stmt).execute(&mut *tx).await.map_err(|e| {
                    StoreError::Migration(format!("{:04}_{}", m.version, m.name), e.to_string())
                })?;
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            )
            .bind(m.version)
            .bind(&m.name)
            .bind(super::now_ms())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        Ok(pending)
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

/// What `database generate` writes: the same numbered name in both engine folders.
#[derive(Debug)]
pub struct Generated {
    pub files: Vec<PathBuf>,
}

/// `database generate`: adds `NNNN_<slug>.sql` under `dir/mysql` and `dir/sqlite`.
///
/// Without SQL for both engines the migration would be empty; that is refused unless
/// `allow_empty`, in which case the files hold a comment to fill in.
pub fn generate(
    dir: &Path,
    message: &str,
    mysql_sql: Option<&str>,
    sqlite_sql: Option<&str>,
    allow_empty: bool,
) -> Result<Generated, StoreError> {
    let slug: String = message
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if slug.is_empty() {
        return Err(StoreError::Migration(
            "generate".into(),
            "--message must contain letters or digits".into(),
        ));
    }
    let empty = |s: Option<&str>| s.map(|s| statements(s).is_empty()).unwrap_or(true);
    if (empty(mysql_sql) || empty(sqlite_sql)) && !allow_empty {
        return Err(StoreError::Migration(
            "generate".into(),
            "the migration would be empty for at least one engine; give SQL for both (--sql, or --mysql-sql and --sqlite-sql) or pass --allow-empty".into(),
        ));
    }
    let mut next = 1;
    for backend in [Backend::MySql, Backend::Sqlite] {
        let folder = dir.join(backend.dir_name());
        if let Ok(entries) = std::fs::read_dir(&folder) {
            for e in entries.flatten() {
                if let Some((v, _)) = e.file_name().to_str().and_then(parse_file_name) {
                    next = next.max(v + 1);
                }
            }
        } else {
            return Err(StoreError::Migration(
                "generate".into(),
                format!("no migrations folder at {}", folder.display()),
            ));
        }
    }
    let mut files = Vec::new();
    for (backend, sql) in [(Backend::MySql, mysql_sql), (Backend::Sqlite, sqlite_sql)] {
        let path = dir
            .join(backend.dir_name())
            .join(format!("{next:04}_{slug}.sql"));
        let body = match sql {
            Some(s) if !statements(s).is_empty() => {
                format!("-- {}\n{}\n", message.trim(), s.trim())
            }
            _ => format!(
                "-- {}\n-- (empty migration: add {} statements here)\n",
                message.trim(),
                backend.dir_name()
            ),
        };
        std::fs::write(&path, body).map_err(|e| {
            StoreError::Migration("generate".into(), format!("{}: {e}", path.display()))
        })?;
        files.push(path);
    }
    Ok(Generated { files })
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
    fn generate_numbers_and_refuses_empty() {
        let dir = tempfile::tempdir().unwrap();
        for b in ["mysql", "sqlite"] {
            std::fs::create_dir_all(dir.path().join(b)).unwrap();
            std::fs::write(dir.path().join(b).join("0001_initial.sql"), "x;").unwrap();
        }
        assert!(generate(dir.path(), "Add things", None, None, false).is_err());
        let g = generate(
            dir.path(),
            "Add things!",
            Some("ALTER TABLE a ADD b INT;"),
            Some("ALTER TABLE a ADD b INTEGER;"),
            false,
        )
        .unwrap();
        assert!(g.files[0].ends_with("mysql/0002_add_things.sql"));
        let g = generate(dir.path(), "nothing", None, None, true).unwrap();
        assert!(g.files[1].ends_with("sqlite/0003_nothing.sql"));
    }
}
