//! `recording list | delete` (SPEC §9): a streamer's recordings as the dashboard shows them,
//! and deleting one as the dashboard and `DELETE /api/videos/{id}` do.

use clap::Subcommand;
use rsstreaming_shared::names::Username;
use rsstreaming_shared::recordings;
use rsstreaming_shared::text::{clock, utc};
use rsstreaming_shared::{Config, Store};

#[derive(Subcommand, Debug)]
pub enum RecordingAction {
    /// List a streamer's recordings, newest first, with their state.
    List {
        /// The streamer.
        #[arg(long, alias = "user")]
        username: Username,
        /// One JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Delete a recording and its files.
    Delete {
        /// The streamer the recording is of.
        #[arg(long, alias = "user")]
        username: Username,
        /// The recording's id, as `recording list` shows it.
        #[arg(long)]
        id: i64,
    },
}

pub async fn run(config: &Config, store: &Store, action: RecordingAction) -> anyhow::Result<()> {
    match action {
        RecordingAction::List { username, json } => {
            let room = room_of(store, &username).await?;
            let list = store.recordings(&room, true).await?;
            if json {
                println!("{}", serde_json::to_string(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!("no recordings of {username}");
            }
            for r in &list {
                let length = r.duration_ms.map_or("-".into(), |d| clock(d / 1000));
                let mb = r
                    .size_bytes
                    .map_or("-".into(), |b| format!("{:.1} MB", b as f64 / 1_048_576.0));
                println!(
                    "{:>6}  {}  {:>8}  {:>10}  {}",
                    r.id,
                    utc(r.created / 1000),
                    length,
                    mb,
                    r.status.as_str()
                );
            }
        }
        RecordingAction::Delete { username, id } => {
            let room = room_of(store, &username).await?;
            let cfg = config.recordings.as_ref();
            if !recordings::delete(store, cfg, &room, id, "cli").await? {
                anyhow::bail!("no recording {id} of {username}");
            }
            println!("recording {id} of {username} deleted");
        }
    }
    Ok(())
}

async fn room_of(store: &Store, username: &Username) -> anyhow::Result<String> {
    match store.streamer(username).await? {
        Some(s) => Ok(s.room().to_string()),
        None => anyhow::bail!("no streamer {username}"),
    }
}
