//! `database generate`: a new numbered migration file pair, one per engine.

use super::{parse_file_name, statements, Backend, StoreError};
use std::path::{Path, PathBuf};

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
