//! The command line: one `rsstreaming` binary with every subcommand of SPEC §3.

mod api;
mod database;
mod emote;
mod import;
mod message;
mod streamer;

use clap::{Parser, Subcommand};
use rsstreaming_shared::{Config, Store};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "rsstreaming",
    version = crate::VERSION,
    about = "Live streaming web site for nginx-rtmp, with chat"
)]
pub struct Cli {
    /// The configuration file (settings in `RSSTREAMING_*` variables override its values).
    #[arg(long, global = true, value_name = "FILE", default_value = "config.yaml",
          env = "RSSTREAMING_CONFIG")]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or upgrade the database schema, or add a migration.
    Database {
        #[command(subcommand)]
        action: database::DatabaseAction,
    },
    /// Manage streamer accounts.
    Streamer {
        #[command(subcommand)]
        action: streamer::StreamerAction,
    },
    /// Manage custom chat emotes.
    #[command(alias = "emoji")]
    Emote {
        #[command(subcommand)]
        action: emote::EmoteAction,
    },
    /// Run the web site: every HTTP handler and the chat gateway.
    Serve(crate::serve::ServeArgs),
    /// Remote-control a stream through a server's API.
    Api(api::ApiArgs),
    /// Post into a live chat on a streamer's behalf.
    Message {
        #[command(subcommand)]
        action: message::MessageAction,
    },
    /// Bring another system's data into this site's database.
    Import {
        #[command(subcommand)]
        source: import::ImportSource,
    },
}

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Database { action } => database::run(&cli.config, action).await,
        Command::Streamer { action } => {
            streamer::run(&open_store(&cli.config).await?, action).await
        }
        Command::Emote { action } => emote::run(&open_store(&cli.config).await?, action).await,
        Command::Serve(args) => crate::serve::run(&cli.config, args).await,
        Command::Api(args) => api::run(args).await,
        Command::Message { action } => message::run(&cli.config, action).await,
        Command::Import { source } => import::run(&open_store(&cli.config).await?, source).await,
    }
}

/// Loads the config file (with environment overrides).
pub fn load_config(path: &Path) -> anyhow::Result<Config> {
    Ok(Config::load(path)?)
}

/// Connects to the configured database, without touching the schema.
pub async fn connect(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url().map_err(anyhow::Error::msg)?;
    Ok(Store::connect(&url).await?)
}

/// Connects for a management command. The embedded SQLite default creates its schema on first
/// use, so a newcomer never has to run `database create`; MySQL must have been created.
async fn open_store(config_path: &Path) -> anyhow::Result<Store> {
    let config = load_config(config_path)?;
    let store = connect(&config).await?;
    store.prepare_schema().await?;
    Ok(store)
}
