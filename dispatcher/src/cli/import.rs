//! `import pystreaming --from URL [--dry-run]`: move the Python system's database into ours
//! (the work is `rsstreaming_shared::import::pystreaming`; this prints its report).

use clap::Subcommand;
use rsstreaming_shared::import::pystreaming;
use rsstreaming_shared::Store;

#[derive(Subcommand, Debug)]
pub enum ImportSource {
    /// Streamers (keys hashed on the way in), emotes and the events history of a PyStreaming
    /// MySQL database, in one transaction; running it again changes nothing.
    Pystreaming {
        /// The PyStreaming database: mysql://user:pass@host/db (the values of its config.yaml).
        #[arg(long = "from", value_name = "URL")]
        from: String,
        /// Read and check everything and print what would be imported, without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(store: &Store, source: ImportSource) -> anyhow::Result<()> {
    match source {
        ImportSource::Pystreaming { from, dry_run } => {
            let report = pystreaming::import(store, &from, dry_run).await?;
            println!("{report}");
        }
    }
    Ok(())
}
