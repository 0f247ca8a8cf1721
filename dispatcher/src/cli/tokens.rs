//! `streamer token add | list | revoke`: scoped API tokens (SPEC §8). A token is printed once,
//! when made; the store keeps only its keyed hash, so a lost one is revoked and replaced.

use super::streamer::UserArg;
use clap::Subcommand;
use rsstreaming_shared::auth::ApiScopes;
use rsstreaming_shared::text::utc;
use rsstreaming_shared::Store;

#[derive(Subcommand, Debug)]
pub enum TokenAction {
    /// Make a token for the remote-control API (`Authorization: Bearer`), printed once.
    Add {
        #[command(flatten)]
        user: UserArg,
        /// What it may do, comma-separated: read, chat, settings, moderate.
        #[arg(long, value_parser = |s: &str| s.parse::<ApiScopes>())]
        scope: ApiScopes,
    },
    /// List a streamer's tokens (never the tokens themselves).
    List {
        #[command(flatten)]
        user: UserArg,
        /// One JSON array of `{id, scopes, created, revoked}` instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: it is refused (401) from then on.
    Revoke {
        #[command(flatten)]
        user: UserArg,
        /// The token's id, as `token list` shows it.
        #[arg(long)]
        id: i64,
    },
}

pub async fn run(store: &Store, action: TokenAction) -> anyhow::Result<()> {
    match action {
        TokenAction::Add { user, scope } => {
            let (id, token) = store.add_token(&user.username, &scope).await?;
            println!("API token {id} of {} with scopes {scope}", user.username);
            println!("token (shown once, keep it secret): {token}");
        }
        TokenAction::List { user, json } => {
            let tokens = store.tokens(&user.username).await?;
            if json {
                println!("{}", serde_json::to_string(&tokens)?);
            } else if tokens.is_empty() {
                println!("{} has no API tokens", user.username);
            } else {
                println!(
                    "{:>6}  {:19}  {:27}  SCOPES",
                    "ID", "CREATED (UTC)", "STATE"
                );
                for t in tokens {
                    let state = t
                        .revoked
                        .map_or_else(|| "active".to_string(), |r| format!("revoked {}", utc(r)));
                    println!(
                        "{:>6}  {:19}  {:27}  {}",
                        t.id,
                        utc(t.created),
                        state,
                        t.scopes
                    );
                }
            }
        }
        TokenAction::Revoke { user, id } => {
            if !store.revoke_token(&user.username, id).await? {
                anyhow::bail!("{} has no active API token {id}", user.username);
            }
            println!("API token {id} of {} revoked", user.username);
        }
    }
    Ok(())
}
