//! What the import would do with the Python system's streamers and emotes, compared with what
//! the store already holds: add, leave as it is (same), or keep ours (differs). Rows rsstreaming
//! cannot take become problems, which stop the import before anything is written.

use super::source::PyStreamer;
use super::Problems;
use crate::names::{reserved_username, valid_alias, valid_username};
use crate::store::{check_profile_url, ChatSetting, ImportedStreamer, Store, StoreError};
use std::collections::HashMap;

/// What becomes of one source row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not here yet: added.
    New,
    /// Already here, the same.
    Unchanged,
    /// Already here but different; ours is kept. Lists what differs.
    Kept(Vec<&'static str>),
}

/// A streamer row, ready for the store, and its outcome.
#[derive(Debug, Clone)]
pub struct StreamerPlan {
    pub streamer: ImportedStreamer,
    pub outcome: Outcome,
}

/// An emote row and its outcome.
#[derive(Debug, Clone)]
pub struct EmotePlan {
    pub alias: String,
    pub uri: String,
    pub outcome: Outcome,
}

/// Checks and converts the streamers, and compares them with the store.
pub async fn streamers(
    store: &Store,
    rows: Vec<PyStreamer>,
    problems: &mut Problems,
) -> Result<Vec<StreamerPlan>, StoreError> {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let name = row.username.clone();
        let Some(streamer) = convert(row, problems) else {
            continue;
        };
        if let Some(other) = seen.insert(name.to_ascii_lowercase(), name.clone()) {
            problems.push(format!(
                "streamers `{other}` and `{name}` differ only in letter case; rsstreaming names are unique in any case"
            ));
            continue;
        }
        let outcome = match store.streamer(&name).await? {
            None => {
                if let Some(owner) = store.streamer_by_key(&streamer.key).await? {
                    problems.push(format!(
                        "streamer `{name}`: its stream key is already the key of streamer `{}` here",
                        owner.username
                    ));
                    continue;
                }
                Outcome::New
            }
            Some(here) => {
                let mut differs = Vec::new();
                if !here.key_matches(&streamer.key) {
                    differs.push("key");
                }
                if here.description != streamer.description {
                    differs.push("description");
                }
                if here.streampass != streamer.streampass {
                    differs.push("viewer password");
                }
                if here.chat != streamer.chat {
                    differs.push("chat setting");
                }
                if store.mastodon(&name).await? != streamer.mastodon {
                    differs.push("mastodon");
                }
                if differs.is_empty() {
                    Outcome::Unchanged
                } else {
                    Outcome::Kept(differs)
                }
            }
        };
        out.push(StreamerPlan { streamer, outcome });
    }
    Ok(out)
}

/// One row in our terms, or `None` with its problems noted.
fn convert(row: PyStreamer, problems: &mut Problems) -> Option<ImportedStreamer> {
    let name = &row.username;
    let before = problems.len();
    if !valid_username(name) {
        problems.push(format!(
            "streamer `{name}`: rsstreaming names are 1-64 letters, digits, '_' or '-'"
        ));
    } else if reserved_username(name) {
        problems.push(format!(
            "streamer `{name}`: the name is one of rsstreaming's own paths"
        ));
    }
    if row.key.is_empty() {
        problems.push(format!("streamer `{name}`: empty stream key"));
    }
    let chat = match row.chat.as_deref().map(str::trim) {
        None | Some("") => ChatSetting::default(),
        Some(c) => c.parse().unwrap_or_else(|e: String| {
            problems.push(format!("streamer `{name}`: {e}"));
            ChatSetting::default()
        }),
    };
    let mastodon = row
        .mastodon
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    if let Some(Err(e)) = mastodon.as_deref().map(check_profile_url) {
        problems.push(format!("streamer `{name}`: mastodon {e}"));
    }
    (problems.len() == before).then(|| ImportedStreamer {
        username: row.username,
        key: row.key.into(),
        description: row.description.unwrap_or_default(),
        streampass: row.streampass.filter(|p| !p.is_empty()),
        chat,
        mastodon,
    })
}

/// Checks the emotes and compares them with the store.
pub async fn emotes(
    store: &Store,
    rows: Vec<(String, String)>,
    problems: &mut Problems,
) -> Result<Vec<EmotePlan>, StoreError> {
    let here: HashMap<String, String> = store
        .emotes()
        .await?
        .into_iter()
        .map(|e| (e.alias.to_ascii_lowercase(), e.uri))
        .collect();
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (alias, uri) in rows {
        if !valid_alias(&alias) {
            problems.push(format!(
                "emote `{alias}`: aliases are 1-64 letters, digits, '_' or '-'"
            ));
            continue;
        }
        if let Err(e) = crate::store::check_emote_uri(&uri) {
            problems.push(format!("emote `{alias}`: {e}"));
            continue;
        }
        if let Some(other) = seen.insert(alias.to_ascii_lowercase(), alias.clone()) {
            problems.push(format!(
                "emotes `{other}` and `{alias}` differ only in letter case"
            ));
            continue;
        }
        let outcome = match here.get(&alias.to_ascii_lowercase()) {
            None => Outcome::New,
            Some(u) if *u == uri => Outcome::Unchanged,
            Some(_) => Outcome::Kept(vec!["uri"]),
        };
        out.push(EmotePlan {
            alias,
            uri,
            outcome,
        });
    }
    Ok(out)
}
