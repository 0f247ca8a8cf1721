//! `database create | upgrade | generate`.

use clap::Subcommand;
use rsstreaming_shared::store::migrate;
use std::path::{Path, PathBuf};

#[derive(Subcommand, Debug)]
pub enum DatabaseAction {
    /// Create the schema in an empty database (refuses if it already exists).
    Create,
    /// Apply every pending migration.
    Upgrade,
    /// Add a numbered migration file pair under migrations/mysql and migrations/sqlite.
    Generate {
        /// What the migration does; becomes part of the file name.
        #[arg(long, short)]
        message: String,
        /// SQL for both engines.
        #[arg(long)]
        sql: Option<String>,
        /// SQL for MySQL/MariaDB only (wins over --sql).
        #[arg(long)]
        mysql_sql: Option<String>,
        /// SQL for SQLite only (wins over --sql).
        #[arg(long)]
        sqlite_sql: Option<String>,
        /// Write the pair even without SQL, to be filled in by hand.
        #[arg(long)]
        allow_empty: bool,
        /// The migrations folder of the source tree.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
}

pub async fn run(config_path: &Path, action: DatabaseAction) -> anyhow::Result<()> {
    if let DatabaseAction::Generate {
        message,
        sql,
        mysql_sql,
        sqlite_sql,
        allow_empty,
        dir,
    } = action
    {
        let my = mysql_sql.or_else(|| sql.clone());
        let lite = sqlite_sql.or(sql);
        let g = migrate::generate(&dir, &message, my.as_deref(), lite.as_deref(), allow_empty)?;
        for f in g.files {
            println!("created {}", f.display());
        }
        return Ok(());
    }
    let config = super::load_config(config_path)?;
    let store = super::connect(&config).await?;
    let applied = match action {
        DatabaseAction::Create => store.create_schema().await?,
        DatabaseAction::Upgrade => store.upgrade_schema().await?,
        DatabaseAction::Generate { .. } => unreachable!("handled above"),
    };
    if applied.is_empty() {
        println!("database is up to date");
    }
    for m in applied {
        println!("applied {:04}_{}", m.version, m.name);
    }
    store.close().await;
    Ok(())
}
