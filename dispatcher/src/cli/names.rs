//! `names list | remove`: the site's registered chat names (SPEC §8), for an operator. A
//! removed name logs in again without a password (its lasting ranks go with it).

use clap::Subcommand;
use rsstreaming_shared::store::{event_kind, NewEvent};
use rsstreaming_shared::{text, Store};

#[derive(Subcommand, Debug)]
pub enum NamesAction {
    /// List registered chat names (never their passwords).
    List,
    /// Drop a registered chat name (any case or look-alike form of it).
    #[command(alias = "drop")]
    Remove {
        /// The name as chatters type it.
        #[arg(long)]
        name: String,
    },
}

pub async fn run(store: &Store, action: NamesAction) -> anyhow::Result<()> {
    let done = match action {
        NamesAction::List => list(store).await,
        NamesAction::Remove { name } => remove(store, &name).await,
    };
    store.close().await;
    done
}

async fn list(store: &Store) -> anyhow::Result<()> {
    let names = store.registered_names().await?;
    if names.is_empty() {
        println!("no registered names; chatters register theirs with /register in chat");
    }
    for n in names {
        println!(
            "{}  registered {} UTC",
            n.username,
            text::utc(n.created / 1000)
        );
    }
    Ok(())
}

async fn remove(store: &Store, name: &str) -> anyhow::Result<()> {
    let key = text::name_key(name.trim());
    let Some(found) = store.registered_name(&key).await? else {
        anyhow::bail!("no registered name '{}'", name.trim());
    };
    store.unregister_name(&key).await?;
    store
        .record_event(NewEvent::now(
            rsstreaming_shared::store::SITE_RULES,
            event_kind::UNREGISTER,
            serde_json::json!({"username": found.username, "by": "cli"}),
        ))
        .await?;
    println!("removed registered name {}", found.username);
    Ok(())
}
