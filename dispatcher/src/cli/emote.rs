//! `emote list | add | drop` (`emoji` is accepted for `emote`).

use clap::Subcommand;
use rsstreaming_shared::Store;

#[derive(Subcommand, Debug)]
pub enum EmoteAction {
    /// List custom emotes.
    List,
    /// Add an emote shown for `:alias:` in chat.
    Add {
        /// The emote's name, typed as `:alias:` (letters, digits, `_` and `-`).
        #[arg(long)]
        alias: String,
        /// Image URL: http(s), a /path on this site, or a data:image URI.
        #[arg(long)]
        uri: String,
    },
    /// Remove an emote.
    #[command(alias = "remove")]
    Drop {
        /// The emote's name, typed as `:alias:` (letters, digits, `_` and `-`).
        #[arg(long)]
        alias: String,
    },
}

pub async fn run(store: &Store, action: EmoteAction) -> anyhow::Result<()> {
    match action {
        EmoteAction::List => {
            let emotes = store.emotes().await?;
            if emotes.is_empty() {
                println!("no emotes; add one with `rsstreaming emote add --alias NAME --uri URL`");
            }
            for e in emotes {
                println!(":{}:  {}", e.alias, e.uri);
            }
        }
        EmoteAction::Add { alias, uri } => {
            store.add_emote(&alias, &uri).await?;
            println!("added emote :{alias}:");
        }
        EmoteAction::Drop { alias } => {
            store.drop_emote(&alias).await?;
            println!("removed emote :{alias}:");
        }
    }
    store.close().await;
    Ok(())
}
