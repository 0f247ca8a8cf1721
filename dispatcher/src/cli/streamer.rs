//! `streamer list | add | drop | key | description | password | chat | mastodon | streams |
//! token | ban | filter`.

use clap::{Args, Subcommand};
use rsstreaming_shared::auth::StreamKey;
use rsstreaming_shared::names::Username;
use rsstreaming_shared::store::{event_kind, ChatSetting, NewEvent};
use rsstreaming_shared::Store;
use std::path::Path;

#[derive(Args, Debug)]
pub struct UserArg {
    /// The streamer's username.
    #[arg(long, alias = "user")]
    pub username: Username,
}

#[derive(Subcommand, Debug)]
pub enum StreamerAction {
    /// List streamers (never their keys).
    List {
        /// One JSON array of `{username, description, protected, chat}` instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add a streamer; without --key a strong key is generated and printed once.
    Add {
        #[command(flatten)]
        user: UserArg,
        /// The stream key OBS will send (left out: a strong one is generated; a short one warns).
        #[arg(long)]
        key: Option<StreamKey>,
    },
    /// Remove a streamer.
    #[command(alias = "remove")]
    Drop {
        #[command(flatten)]
        user: UserArg,
    },
    /// Replace a streamer's key; without --key a strong key is generated and printed once.
    Key {
        #[command(flatten)]
        user: UserArg,
        /// The stream key OBS will send (left out: a strong one is generated; a short one warns).
        #[arg(long)]
        key: Option<StreamKey>,
    },
    /// Set the stream description; leave out --description to clear it.
    Description {
        #[command(flatten)]
        user: UserArg,
        /// The description shown on the stream page.
        #[arg(long)]
        description: Option<String>,
    },
    /// Set the viewer password; leave out --password to make the stream public.
    Password {
        #[command(flatten)]
        user: UserArg,
        /// The password viewers must type to watch.
        #[arg(long)]
        password: Option<String>,
    },
    /// Set the default chat visibility for new viewers.
    Chat {
        #[command(flatten)]
        user: UserArg,
        /// enabled (shown), hidden (collapsed at first) or disabled (no chat).
        #[arg(long, value_parser = ["enabled", "hidden", "disabled"])]
        setting: String,
    },
    /// Show the Mastodon profile link, or set it with --url (`--url ""` removes it); the
    /// stream page carries it as `<a rel="me">` so Mastodon can verify the profile.
    Mastodon {
        #[command(flatten)]
        user: UserArg,
        /// The profile's http(s) URL, e.g. https://mastodon.social/@you.
        #[arg(long)]
        url: Option<String>,
    },
    /// List a streamer's past and live streams, newest first (as `GET /api/streams`).
    Streams {
        #[command(flatten)]
        user: UserArg,
        /// The JSON array `GET /api/streams` answers instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Scoped API tokens: `token add --scope read,chat`, `token list`, `token revoke --id N`.
    Token {
        #[command(subcommand)]
        action: super::tokens::TokenAction,
    },
    /// Chat bans: `ban list`, `ban add --name N [--duration 7d] [--reason R]`, `ban remove --name N`.
    Ban {
        #[command(subcommand)]
        action: super::bans::BanAction,
    },
    /// Word filters of a room, or with --site of the whole site: `filter add --username U darn`,
    /// `filter add --site '/sp[a4]m/'`, `filter remove`, `filter list`.
    Filter {
        #[command(subcommand)]
        action: super::filters::FilterAction,
    },
}

pub async fn run(config_path: &Path, action: StreamerAction) -> anyhow::Result<()> {
    let store = &super::open_store(config_path).await?;
    match action {
        StreamerAction::List { json } => list(store, json).await?,
        StreamerAction::Add { user, key } => {
            let (key, generated) = key_or_generated(key);
            let s = store.add_streamer(&user.username, &key).await?;
            warn_if_short(&key);
            println!("added streamer {}", s.username);
            if generated {
                print_generated(&key);
            }
        }
        StreamerAction::Drop { user } => {
            store.drop_streamer(&user.username).await?;
            println!("removed streamer {}", user.username);
        }
        StreamerAction::Key { user, key } => {
            let (key, generated) = key_or_generated(key);
            store.set_key(&user.username, &key).await?;
            warn_if_short(&key);
            println!("stream key of {} replaced", user.username);
            if generated {
                print_generated(&key);
            }
        }
        StreamerAction::Description { user, description } => {
            store
                .set_description(&user.username, description.as_deref())
                .await?;
            let done = if description.is_some() {
                "set"
            } else {
                "cleared"
            };
            println!("description of {} {done}", user.username);
        }
        StreamerAction::Password { user, password } => {
            let password = password.filter(|p| !p.is_empty());
            store
                .set_streampass(&user.username, password.as_deref())
                .await?;
            let done = if password.is_some() { "set" } else { "removed" };
            println!("viewer password of {} {done}", user.username);
        }
        StreamerAction::Chat { user, setting } => {
            let setting: ChatSetting = setting.parse().map_err(anyhow::Error::msg)?;
            store.set_chat(&user.username, setting).await?;
            println!("chat of {} set to {}", user.username, setting.as_str());
        }
        StreamerAction::Mastodon { user, url } => mastodon(store, &user.username, url).await?,
        StreamerAction::Streams { user, json } => {
            super::streams::list(store, &user.username, json).await?
        }
        StreamerAction::Token { action } => super::tokens::run(store, action).await?,
        StreamerAction::Ban { action } => super::bans::run(config_path, store, action).await?,
        // Run by `filters::run` (it needs the configuration, to tell running gateways).
        StreamerAction::Filter { .. } => anyhow::bail!("streamer filter: not handled here"),
    }
    store.close().await;
    Ok(())
}

/// `streamer mastodon`: prints the link, or stores a new one (audited as the dashboard's).
async fn mastodon(store: &Store, username: &Username, url: Option<String>) -> anyhow::Result<()> {
    let Some(url) = url else {
        if store.streamer(username).await?.is_none() {
            anyhow::bail!("no streamer {username}");
        }
        match store.mastodon(username).await? {
            Some(link) => println!("{link}"),
            None => println!("{username} has no Mastodon link"),
        }
        return Ok(());
    };
    store
        .set_mastodon(username, Some(&url))
        .await?
        .map_err(anyhow::Error::msg)?;
    let url = Some(url.trim()).filter(|u| !u.is_empty());
    let meta = serde_json::json!({ "mastodon": url, "by": "cli" });
    let room = username.as_str().to_ascii_lowercase();
    store
        .record_event(NewEvent::now(&room, event_kind::MASTODON, meta))
        .await?;
    match url {
        Some(u) => println!("Mastodon link of {username} set to {u}"),
        None => println!("Mastodon link of {username} removed"),
    }
    Ok(())
}

fn key_or_generated(key: Option<StreamKey>) -> (StreamKey, bool) {
    match key {
        Some(k) => (k, false),
        None => (StreamKey::generate(), true),
    }
}

/// After a key the operator chose was stored: a short one is accepted (the seed's own example
/// uses one) with a warning on stderr, as guess budgets slow guessing but do not make a short
/// key safe.
fn warn_if_short(key: &StreamKey) {
    if key.is_short() {
        eprintln!(
            "warning: this stream key is shorter than {} characters and could be guessed; \
             leave out --key to have a strong one generated",
            StreamKey::RECOMMENDED_LEN
        );
    }
}

/// The one place a key is shown: to the operator who just had it generated.
fn print_generated(key: &StreamKey) {
    println!("stream key (shown once, keep it secret): {}", key.expose());
}

async fn list(store: &Store, json: bool) -> anyhow::Result<()> {
    let streamers = store.streamers().await?;
    if json {
        // The viewer password itself stays out, as in the table: `protected` says whether one is set.
        let rows: Vec<_> = streamers
            .iter()
            .map(|s| {
                serde_json::json!({
                    "username": s.username,
                    "description": s.description,
                    "protected": s.streampass.is_some(),
                    "chat": s.chat.as_str(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    if streamers.is_empty() {
        println!("no streamers; add one with `rsstreaming streamer add --username NAME`");
        return Ok(());
    }
    let width = streamers
        .iter()
        .map(|s| s.username.len())
        .max()
        .unwrap_or(8)
        .max(8);
    println!(
        "{:width$}  {:9}  {:8}  DESCRIPTION",
        "USERNAME", "PASSWORD", "CHAT"
    );
    for s in streamers {
        println!(
            "{:width$}  {:9}  {:8}  {}",
            s.username,
            if s.streampass.is_some() {
                "protected"
            } else {
                "public"
            },
            s.chat.as_str(),
            s.description.replace('\n', " ")
        );
    }
    Ok(())
}
