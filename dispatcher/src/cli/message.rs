//! `message send --username U [--type normal|action|server] --message M`: a line in a live chat
//! on the streamer's behalf, from another process than the gateways.
//!
//! The line is recorded once here, then handed to every gateway: over Redis when one is
//! configured, otherwise through the store's outbox, which gateways poll. Either way it reaches
//! whoever is in the chat now and is never replayed to a later first joiner.

use anyhow::Context;
use clap::Subcommand;
use rsstreaming_shared::chat::LineStamp;
use rsstreaming_shared::post::{Post, PostKind};
use rsstreaming_shared::state::{self, Announcement};
use std::path::Path;

#[derive(Subcommand, Debug)]
pub enum MessageAction {
    /// Send a line into a streamer's chat.
    Send {
        /// The streamer whose chat gets the line.
        #[arg(long, visible_alias = "user")]
        username: String,
        /// `normal` (a chat line), `action` (like /me) or `server` (a broadcast line).
        #[arg(long = "type", default_value = "normal")]
        kind: PostKind,
        /// The text to post.
        #[arg(long)]
        message: String,
    },
}

pub async fn run(config_path: &Path, action: MessageAction) -> anyhow::Result<()> {
    let MessageAction::Send {
        username,
        kind,
        message,
    } = action;
    // The line is checked before anything is opened; emoji are decided once the emotes are read.
    Post::new(kind, &message, |_| false).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let config = super::load_config(config_path)?;
    let store = super::open_store(config_path).await?;
    let streamer = store
        .streamer(&username)
        .await?
        .with_context(|| format!("unknown streamer `{username}`"))?;
    let room = streamer.room();
    // Connect to Redis before recording, so an unreachable Redis records nothing.
    let shared = match config.redis {
        Some(_) => Some(state::connect(&config).await?.shared),
        None => None,
    };
    let emotes = store.emotes().await?;
    let post = Post::new(kind, &message, |a| {
        emotes.iter().any(|e| e.alias.eq_ignore_ascii_case(a))
    })?;
    let stamp = LineStamp::now();
    let mut event = post.event(&room, &streamer.username, &stamp);
    event.meta["via"] = "cli".into();
    store.record_event(event).await?;
    let text = post.text().to_string();
    match shared {
        Some(shared) => {
            if let Some(line) = post.history_line(&streamer.username, &stamp) {
                shared.append_history(&room, &line).await?;
            }
            shared
                .announce(&Announcement::Post {
                    room: room.to_string(),
                    kind,
                    message: text,
                    stamp,
                })
                .await?
        }
        None => store.push_outbox(&room, kind.as_str(), &text).await?,
    }
    store.close().await;
    println!("sent to {}'s chat", streamer.username);
    Ok(())
}
