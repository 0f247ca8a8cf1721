//! `streamer filter list | add | remove --username U [--site]`: a room's word filters, or with
//! `--site` the site-wide ones every room applies (SPEC §7). The same rules and messages as
//! `/filter` in the chat (the store checks every change); a change is audited (`by` `cli`)
//! and handed to running gateways — over Redis when configured, else through the store's
//! outbox they poll — which put it in force within a second.

use anyhow::Context;
use clap::{Args, Subcommand};
use rsstreaming_shared::chat::filters::Filter;
use rsstreaming_shared::chat::room_rules::RuleChange;
use rsstreaming_shared::names::Username;
use rsstreaming_shared::state::{self, Announcement};
use rsstreaming_shared::store::{RULES_CHANGED, SITE_RULES};
use std::path::Path;

/// Whose filters: a streamer's room, or (`--site`) the whole site's.
#[derive(Args, Debug)]
#[group(required = true, multiple = true)]
pub struct Whose {
    /// The streamer whose room's filters these are.
    #[arg(long, alias = "user")]
    username: Option<Username>,
    /// The site-wide filters, applied in every room (then --username is not needed).
    #[arg(long)]
    site: bool,
}

/// The filter of `add` / `remove`, as typed in the chat.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Typed {
    /// A word (matched as a whole word) or /REGEX/, any case.
    #[arg(value_name = "WORD|/REGEX/")]
    pattern: Option<String>,
    /// The same, as an option.
    #[arg(long = "filter", visible_alias = "word", value_name = "WORD|/REGEX/")]
    flag: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum FilterAction {
    /// List the filters.
    List {
        #[command(flatten)]
        whose: Whose,
        /// One JSON array of strings (words and /regexes/) instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Add a filter: a line it matches is refused and reaches nobody.
    Add {
        #[command(flatten)]
        whose: Whose,
        #[command(flatten)]
        filter: Typed,
    },
    /// Remove a filter.
    #[command(alias = "drop")]
    Remove {
        #[command(flatten)]
        whose: Whose,
        #[command(flatten)]
        filter: Typed,
    },
}

pub async fn run(config_path: &Path, action: FilterAction) -> anyhow::Result<()> {
    let (whose, change, verb) = match action {
        FilterAction::List { whose, json } => return list(config_path, &whose, json).await,
        FilterAction::Add { whose, filter } => {
            (whose, RuleChange::AddFilter(parse(filter)?), "added to")
        }
        FilterAction::Remove { whose, filter } => (
            whose,
            RuleChange::RemoveFilter(parse(filter)?),
            "removed from",
        ),
    };
    let config = super::load_config(config_path)?;
    let store = super::open_store(config_path).await?;
    let (room, name) = scope(&store, &whose).await?;
    // Connect to Redis before storing, so an unreachable Redis changes nothing.
    let shared = match config.redis {
        Some(_) => Some(state::connect(&config).await?.shared),
        None => None,
    };
    store
        .change_rules(&room, &change, "cli")
        .await?
        .map_err(anyhow::Error::msg)?;
    match shared {
        Some(shared) => {
            let news = Announcement::RulesChanged { room: room.clone() };
            shared.announce(&news).await?
        }
        None => store.push_outbox(&room, RULES_CHANGED, "").await?,
    }
    store.close().await;
    if let RuleChange::AddFilter(f) | RuleChange::RemoveFilter(f) = &change {
        println!("filter {} {verb} {name}", f.display());
    }
    Ok(())
}

fn parse(typed: Typed) -> anyhow::Result<Filter> {
    let typed = typed.pattern.or(typed.flag).unwrap_or_default();
    Filter::parse(&typed).map_err(anyhow::Error::msg)
}

/// The store's room of the filters, and how to name them to the operator.
async fn scope(
    store: &rsstreaming_shared::Store,
    whose: &Whose,
) -> anyhow::Result<(String, String)> {
    if whose.site {
        return Ok((SITE_RULES.to_string(), "the site-wide filters".into()));
    }
    let username = whose
        .username
        .as_ref()
        .context("--username or --site is needed")?;
    let s = store
        .streamer(username)
        .await?
        .with_context(|| format!("unknown streamer `{username}`"))?;
    Ok((s.room().to_string(), format!("{}'s filters", s.username)))
}

async fn list(config_path: &Path, whose: &Whose, json: bool) -> anyhow::Result<()> {
    let store = super::open_store(config_path).await?;
    let (room, name) = scope(&store, whose).await?;
    let filters: Vec<String> = store
        .filters(&room)
        .await?
        .iter()
        .map(Filter::display)
        .collect();
    store.close().await;
    if json {
        println!("{}", serde_json::json!(filters));
    } else if filters.is_empty() {
        println!("no filters in {name}");
    } else {
        filters.iter().for_each(|f| println!("{f}"));
    }
    Ok(())
}
