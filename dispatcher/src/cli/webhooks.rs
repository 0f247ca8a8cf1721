//! `webhook add | list | remove` (SPEC §9): receivers of a streamer's stream events (with
//! `--username`) or of every streamer's (without). `add` prints the webhook's signing key once:
//! receivers check `X-Rsstreaming-Signature: sha256=HMAC(key, body)` with it.

use clap::Subcommand;
use rsstreaming_shared::names::Username;
use rsstreaming_shared::store::WebhookFormat;
use rsstreaming_shared::text::utc;
use rsstreaming_shared::webhooks::{check_url, signing_key};
use rsstreaming_shared::Store;
use std::path::Path;

#[derive(Subcommand, Debug)]
pub enum WebhookAction {
    /// Add a receiver of stream.started, stream.stopped and recording.ready; prints its
    /// signing key once.
    Add {
        /// Where to POST the events (http:// or https://).
        #[arg(long)]
        url: String,
        /// Only this streamer's events (left out: every streamer's, site-wide).
        #[arg(long, alias = "user")]
        username: Option<Username>,
        /// json (rsstreaming's body) or discord (a Discord webhook's `content`).
        #[arg(long, default_value = "json", value_parser = |s: &str| s.parse::<WebhookFormat>())]
        format: WebhookFormat,
    },
    /// List the receivers (a streamer's, or the site-wide ones) and the streamer's last
    /// deliveries with how each went.
    List {
        /// This streamer's receivers and deliveries (left out: the site-wide receivers).
        #[arg(long, alias = "user")]
        username: Option<Username>,
        /// One JSON object `{webhooks, deliveries}` instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Remove a receiver (and what is still queued for it).
    Remove {
        /// The webhook's id, as `webhook list` shows it.
        #[arg(long)]
        id: i64,
        /// The streamer the receiver is of (left out: a site-wide one).
        #[arg(long, alias = "user")]
        username: Option<Username>,
    },
}

/// The deliveries `webhook list` and the dashboard show.
pub const LOG_LEN: i64 = 20;

pub async fn run(config_path: &Path, store: &Store, action: WebhookAction) -> anyhow::Result<()> {
    match action {
        WebhookAction::Add {
            url,
            username,
            format,
        } => {
            check_url(&url).map_err(anyhow::Error::msg)?;
            let room = room_of(store, username.as_ref()).await?;
            let id = store
                .add_webhook(room.as_deref(), &url, format)
                .await?
                .map_err(anyhow::Error::msg)?;
            let config = super::load_config(config_path)?;
            let secret = store.site_secret(config.secret_key.as_deref()).await?;
            let whose = username.map_or("every streamer".to_string(), |u| u.to_string());
            println!("webhook {id} ({}) for {whose}: {url}", format.as_str());
            println!("signing key (shown once): {}", signing_key(&secret, id));
        }
        WebhookAction::List { username, json } => {
            let room = room_of(store, username.as_ref()).await?;
            let hooks = store.webhooks(room.as_deref()).await?;
            let log = match &room {
                Some(r) => store.deliveries(r, LOG_LEN).await?,
                None => Vec::new(),
            };
            if json {
                let out = serde_json::json!({ "webhooks": hooks, "deliveries": log });
                println!("{out}");
                return Ok(());
            }
            if hooks.is_empty() {
                println!("no webhooks; add one with `rsstreaming webhook add --url URL`");
            }
            for w in &hooks {
                println!(
                    "{:>6}  {:7}  {}  {}",
                    w.id,
                    w.format.as_str(),
                    utc(w.created / 1000),
                    w.url
                );
            }
            for d in &log {
                let state = match (d.delivered, d.failed) {
                    (Some(t), _) => format!("delivered {}", utc(t / 1000)),
                    (_, Some(t)) => format!("failed {}", utc(t / 1000)),
                    _ => "queued".to_string(),
                };
                let status = d.status.as_deref().unwrap_or("-");
                println!(
                    "{:>6}  {:15}  {state}  attempts {}  last {status}",
                    d.id, d.event, d.attempts
                );
            }
        }
        WebhookAction::Remove { id, username } => {
            let room = room_of(store, username.as_ref()).await?;
            if !store.remove_webhook(room.as_deref(), id).await? {
                anyhow::bail!("no webhook {id} there");
            }
            println!("webhook {id} removed");
        }
    }
    Ok(())
}

/// The room of `username` (an error for an unknown streamer), or none for site-wide.
async fn room_of(store: &Store, username: Option<&Username>) -> anyhow::Result<Option<String>> {
    let Some(u) = username else {
        return Ok(None);
    };
    match store.streamer(u).await? {
        Some(s) => Ok(Some(s.room().to_string())),
        None => anyhow::bail!("no streamer {u}"),
    }
}
