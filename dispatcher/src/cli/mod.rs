//! The command line: one `rsstreaming` binary with every subcommand of SPEC §3.

mod api;
mod bans;
mod database;
mod emote;
mod filters;
mod import;
mod message;
mod names;
mod recordings;
mod streamer;
mod streams;
mod tokens;
mod webhooks;

use clap::{CommandFactory, Parser, Subcommand};
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
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "config.yaml",
        env = "RSSTREAMING_CONFIG"
    )]
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
    /// Manage registered chat names.
    Names {
        #[command(subcommand)]
        action: names::NamesAction,
    },
    /// Receivers of stream events (stream.started, stream.stopped, recording.ready).
    Webhook {
        #[command(subcommand)]
        action: webhooks::WebhookAction,
    },
    /// A streamer's recordings: list them, delete one.
    Recording {
        #[command(subcommand)]
        action: recordings::RecordingAction,
    },
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
    /// Print a shell completion script (e.g. `rsstreaming completions bash > /etc/bash_completion.d/rsstreaming`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; `rsstreaming man | man -l -`).
    Man,
}

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Database { action } => database::run(&cli.config, action).await,
        Command::Streamer {
            action: streamer::StreamerAction::Filter { action },
        } => filters::run(&cli.config, action).await,
        Command::Streamer { action } => streamer::run(&cli.config, action).await,
        Command::Emote { action } => emote::run(&open_store(&cli.config).await?, action).await,
        Command::Serve(args) => crate::serve::run(&cli.config, args).await,
        Command::Api(args) => api::run(args).await,
        Command::Message { action } => message::run(&cli.config, action).await,
        Command::Webhook { action } => {
            webhooks::run(&cli.config, &open_store(&cli.config).await?, action).await
        }
        Command::Recording { action } => {
            let config = load_config(&cli.config)?;
            let store = connect(&config).await?;
            store.prepare_schema().await?;
            recordings::run(&config, &store, action).await
        }
        Command::Names { action } => names::run(&open_store(&cli.config).await?, action).await,
        Command::Import { source } => import::run(&open_store(&cli.config).await?, source).await,
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut documented(), "rsstreaming", &mut out);
            print_all(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(documented()).render(&mut out)?;
            print_all(&out)
        }
    }
}

/// The command tree as the shipped man page and completions describe it: the plain package
/// version (no commit), so the copies in `packaging/` change only when the CLI does.
fn documented() -> clap::Command {
    Cli::command().version(env!("CARGO_PKG_VERSION"))
}

/// Writes generated text to stdout; a reader that stops early (`| head`) is not an error.
fn print_all(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Loads the config file (with environment overrides).
pub fn load_config(path: &Path) -> anyhow::Result<Config> {
    let config = Config::load(path)?;
    config.apply();
    Ok(config)
}

/// Connects to the configured database, without touching the schema.
pub async fn connect(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url().map_err(anyhow::Error::msg)?;
    Ok(Store::connect(&url).await?)
}

/// Connects for a management command. The embedded SQLite default creates its schema on first
/// use, so a newcomer never has to run `database create`; MySQL must have been created.
pub(crate) async fn open_store(config_path: &Path) -> anyhow::Result<Store> {
    let config = load_config(config_path)?;
    let store = connect(&config).await?;
    store.prepare_schema().await?;
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every subcommand and every argument says what it is for in `--help` (and so in the man
    /// page and the completions' descriptions).
    #[test]
    fn every_command_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() {
                    missing.push(format!("{path} --{id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                let sub_path = format!("{path} {}", sub.get_name());
                if sub.get_about().is_none() && sub.get_name() != "help" {
                    missing.push(sub_path.clone());
                }
                walk(sub, &sub_path, missing);
            }
        }
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        let mut missing = Vec::new();
        walk(&cmd, "rsstreaming", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }
}
