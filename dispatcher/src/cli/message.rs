//! `message send --username U [--type normal|action|server] --message M`: a line in a live chat
//! on the streamer's behalf, from another process than the gateways.
//!
//! The line is recorded once here, then handed to every gateway: over Redis when one is
//! configured, otherwise through the store's outbox, which gateways poll. Either way it reaches
//! whoever is in the chat now and is never replayed to a later first joiner.

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use rsstreaming_shared::state::{self, Announcement};
use rsstreaming_shared::store::{event_kind, NewEvent};
use rsstreaming_shared::text;
use std::path::Path;

#[derive(Subcommand, Debug)]
pub enum MessageAction {
    /// Send a line into a streamer's chat.
    Send {
        /// The streamer whose chat gets the line.
        #[arg(long, visible_alias = "user")]
        username: String,
        /// `normal` (a chat line), `action` (like /me) or `server` (a broadcast line).
        #[arg(long = "type", value_enum, default_value_t = Kind::Normal)]
        kind: Kind,
        /// The text to post.
        #[arg(long)]
        message: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Normal,
    Action,
    Server,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Normal => "normal",
            Kind::Action => "action",
            Kind::Server => "server",
        }
    }
}

pub async fn run(config_path: &Path, action: MessageAction) -> anyhow::Result<()> {
    let MessageAction::Send {
        username,
        kind,
        message,
    } = action;
    let message = text::clean_line(&message);
    if message.is_empty() {
        anyhow::bail!("--message must not be blank");
    }
    if message.chars().count() > text::MAX_MESSAGE_LEN {
        anyhow::bail!(
            "--message is longer than {} characters",
            text::MAX_MESSAGE_LEN
        );
    }
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
    let shown = text::emojify(&message, |a| {
        emotes.iter().any(|e| e.alias.eq_ignore_ascii_case(a))
    })
    .into_owned();
    let event = match kind {
        Kind::Normal => NewEvent::now(
            &room,
            event_kind::MESSAGE,
            serde_json::json!({"username": streamer.username, "message": shown, "via": "cli"}),
        ),
        Kind::Action => NewEvent::now(
            &room,
            event_kind::ACTION,
            serde_json::json!({"username": streamer.username, "message": shown, "via": "cli"}),
        ),
        Kind::Server => NewEvent::now(
            &room,
            event_kind::BROADCAST,
            serde_json::json!({"message": shown, "via": "cli"}),
        ),
    };
    store.record_event(event).await?;
    match shared {
        Some(shared) => {
            shared
                .announce(&Announcement::Post {
                    room: room.to_string(),
                    kind: kind.as_str().to_string(),
                    message: message.clone(),
                })
                .await?
        }
        None => store.push_outbox(&room, kind.as_str(), &message).await?,
    }
    store.close().await;
    println!("sent to {}'s chat", streamer.username);
    Ok(())
}
