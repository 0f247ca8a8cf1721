//! `streamer ban list | add | remove`: the chat's bans from the shell, under the rules and words
//! of `/ban` and `/unban`. A change is stored and audited here, then every gateway is told at
//! once — over Redis when one is configured, otherwise through the store's outbox, which the
//! single process polls — and a banned chatter in the chat now is sent away.

use super::streamer::UserArg;
use anyhow::Context;
use clap::Subcommand;
use rsstreaming_shared::chat::ban_request::{ban_request, checked_name};
use rsstreaming_shared::state::{self, Announcement, SharedState};
use rsstreaming_shared::store::{Sanction, SanctionKind, Streamer, OUTBOX_SANCTIONS};
use rsstreaming_shared::text::utc;
use rsstreaming_shared::Store;
use std::path::Path;
use std::sync::Arc;

#[derive(Subcommand, Debug)]
pub enum BanAction {
    /// List the chat's bans and mutes in force (as `GET /api/bans`).
    List {
        /// The JSON array `GET /api/bans` answers instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        user: UserArg,
    },
    /// Ban a chat name (and the address it is seen at) from the streamer's chat.
    Add {
        /// The chat name to ban (any case; look-alikes are the same name).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        user: UserArg,
        /// How long: 30s, 10m, 2h, 7d or seconds (at most 365 days); absent: until lifted.
        #[arg(long)]
        duration: Option<String>,
        /// Why, shown to the banned chatter.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Lift the bans of a chat name.
    Remove {
        #[command(flatten)]
        user: UserArg,
        /// The banned chat name.
        #[arg(long)]
        name: String,
    },
}

pub async fn run(config_path: &Path, store: &Store, action: BanAction) -> anyhow::Result<()> {
    match action {
        BanAction::List { user, json } => list(store, &known(store, &user).await?, json).await,
        BanAction::Add {
            user,
            name,
            duration,
            reason,
        } => {
            let s = known(store, &user).await?;
            let by = s.username.to_string();
            let ban = ban_request(&by, &name, duration.as_deref(), reason.as_deref(), &by)?;
            let to = gateways(config_path).await?;
            store.ban(&ban).await?;
            tell(to, store, &s).await?;
            let until = ban.until.map_or("until lifted".into(), |t| {
                format!("until {} UTC", utc(t / 1000))
            });
            println!("'{}' is banned from {}'s chat {until}", ban.username, by);
            Ok(())
        }
        BanAction::Remove { user, name } => {
            let s = known(store, &user).await?;
            let name = checked_name(&s.username, &name)?;
            let to = gateways(config_path).await?;
            if !store.unban(&s.room(), name, &s.username).await? {
                anyhow::bail!("User '{name}' is not banned.");
            }
            tell(to, store, &s).await?;
            println!("'{name}' may chat in {}'s chat again", s.username);
            Ok(())
        }
    }
}

async fn known(store: &Store, user: &UserArg) -> anyhow::Result<Streamer> {
    store
        .streamer(&user.username)
        .await?
        .with_context(|| format!("unknown streamer `{}`", user.username))
}

async fn list(store: &Store, s: &Streamer, json: bool) -> anyhow::Result<()> {
    let list = store.sanctions(&s.room()).await?;
    match (json, list.is_empty()) {
        (true, _) => println!("{}", serde_json::to_string(&list)?),
        (false, true) => println!("{}'s chat has no bans or mutes", s.username),
        (false, false) => {
            println!(
                "{:20}  {:7}  {:20}  {:23}  REASON",
                "NAME", "KIND", "BY", "UNTIL"
            );
            list.iter().for_each(row);
        }
    }
    Ok(())
}

/// One line of the table.
fn row(b: &Sanction) {
    let kind = match (b.kind, b.until) {
        (SanctionKind::Ban, _) => "ban",
        (SanctionKind::Mute, Some(_)) => "timeout",
        (SanctionKind::Mute, None) => "mute",
    };
    let until = b
        .until
        .map_or("lifted".into(), |t| format!("{} UTC", utc(t / 1000)));
    let reason = b.reason.as_deref().unwrap_or_default();
    println!(
        "{:20}  {kind:7}  {:20}  {until:23}  {reason}",
        b.username, b.by
    );
}

/// How the gateways are told: Redis when configured (connected before anything changes, so an
/// unreachable Redis changes nothing), else `None`: the store's outbox.
async fn gateways(config_path: &Path) -> anyhow::Result<Option<Arc<dyn SharedState>>> {
    let config = super::load_config(config_path)?;
    match config.redis {
        Some(_) => Ok(Some(state::connect(&config).await?.shared)),
        None => Ok(None),
    }
}

/// Every gateway reads the room's sanctions again.
async fn tell(to: Option<Arc<dyn SharedState>>, store: &Store, s: &Streamer) -> anyhow::Result<()> {
    let room = s.room().to_string();
    match to {
        Some(shared) => Ok(shared
            .announce(&Announcement::SanctionsChanged { room })
            .await?),
        None => Ok(store.push_outbox(&room, OUTBOX_SANCTIONS, "").await?),
    }
}
