//! `rsstreaming import pystreaming --from mysql://…`: the Python system's database moved into
//! the store in one go.
//!
//! - **Streamers** keep their names, viewer passwords, descriptions, chat settings and Mastodon
//!   URLs; their plain-text stream keys are hashed on the way in with the store's key hash, so the
//!   same keys keep working in OBS and for the chat's admin login.
//! - **Emotes** come over as they are; **events** are mapped to ours ([`events`]), so the old
//!   chats show in `GET /api/messages`.
//! - **Pending messages** (posts waiting for a chat to deliver them) are counted, not imported:
//!   rsstreaming delivers a post to whoever is in the chat at that moment, never later.
//!
//! All or nothing: every row is checked first, and the writes happen in one transaction. Run it
//! again and it changes nothing: streamers and emotes already here are left as they are (a row
//! that differs from the source is reported, ours kept), and events are taken only past the
//! bookmark the last run left (a setting named after the source database), so a second run picks
//! up only what the Python system wrote since. `--dry-run` reads and checks everything and
//! prints the same report without writing.

mod events;
mod plan;
mod report;
pub mod source;

pub use plan::Outcome;
pub use report::Report;

use crate::store::{Store, StoreError};
use sha2::{Digest, Sha256};
use source::{Source, SourceUrl};
use std::collections::BTreeMap;

/// Events read and written per round trip.
const EVENT_BATCH: i64 = 2000;
/// Problems listed in an error; the rest are counted.
const MAX_SHOWN_PROBLEMS: usize = 20;

/// Why an import did not happen; every one leaves the store as it was.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("--from must be the PyStreaming database's URL, mysql://user:pass@host/db: {0}")]
    Url(String),
    #[error("cannot reach the PyStreaming database {database}: {reason}")]
    Unreachable { database: String, reason: String },
    #[error("{database} is not a PyStreaming database: {what}")]
    Foreign { database: String, what: String },
    #[error("reading the PyStreaming database: {0}")]
    Read(String),
    #[error("nothing was imported: {}", describe(.0))]
    Invalid(Problems),
    #[error("nothing was imported: {0}")]
    Store(#[from] StoreError),
}

/// Rows the import cannot take, in the order found.
#[derive(Debug, Default)]
pub struct Problems {
    shown: Vec<String>,
    total: usize,
}

impl Problems {
    pub fn push(&mut self, problem: String) {
        self.total += 1;
        if self.shown.len() < MAX_SHOWN_PROBLEMS {
            self.shown.push(problem);
        }
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

fn describe(p: &Problems) -> String {
    let more = p.total - p.shown.len();
    let tail = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    format!(
        "{} row(s) of the PyStreaming database cannot be taken (fix them there and run again): {}{tail}",
        p.total,
        p.shown.join("; ")
    )
}

/// The setting that remembers the last event imported from one source database.
fn bookmark_name(source: &SourceUrl) -> String {
    let digest = hex::encode(Sha256::digest(source.identity.as_bytes()));
    format!("import.pystreaming.{}", &digest[..16])
}

/// Runs the import (or with `dry_run`, everything but the writes).
pub async fn import(store: &Store, from: &str, dry_run: bool) -> Result<Report, ImportError> {
    let url = SourceUrl::parse(from)?;
    let mut source = Source::open(&url).await?;
    let bookmark = bookmark_name(&url);
    let through: i64 = store
        .setting(&bookmark)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut problems = Problems::default();
    let streamers = plan::streamers(store, source.streamers().await?, &mut problems).await?;
    let emotes = plan::emotes(store, source.emotes().await?, &mut problems).await?;
    let last = source.last_event_id().await?;
    let mut report = Report {
        source: url.shown.clone(),
        revision: source.revision.clone(),
        dry_run,
        streamers: streamers
            .iter()
            .map(|p| (p.streamer.username.clone(), p.outcome.clone()))
            .collect(),
        emotes: emotes
            .iter()
            .map(|p| (p.alias.clone(), p.outcome.clone()))
            .collect(),
        events: BTreeMap::new(),
        events_skipped: 0,
        events_through: through.max(last),
        events_before: through,
        pending_messages: source.pending_messages().await?,
    };
    let new_rows = streamers.iter().any(|p| p.outcome == Outcome::New)
        || emotes.iter().any(|p| p.outcome == Outcome::New)
        || last > through;
    let mut tx = if dry_run || !problems.is_empty() || !new_rows {
        None
    } else {
        Some(store.begin_import().await?)
    };
    if let Some(tx) = tx.as_mut() {
        for p in streamers.iter().filter(|p| p.outcome == Outcome::New) {
            tx.add_streamer(&p.streamer).await?;
        }
        for p in emotes.iter().filter(|p| p.outcome == Outcome::New) {
            tx.add_emote(&p.alias, &p.uri).await?;
        }
    }
    let mut after = through;
    while after < last {
        let batch = source.events(after, last, EVENT_BATCH).await?;
        let Some(end) = batch.last().map(|e| e.id) else {
            break;
        };
        after = end;
        let mut mapped = Vec::with_capacity(batch.len());
        for e in &batch {
            if !crate::names::valid_username(&e.streamer) {
                // History of a streamer no page could exist for here: nothing would show it.
                report.events_skipped += 1;
                continue;
            }
            match events::map(e) {
                Ok(ev) => {
                    *report.events.entry(ev.kind).or_default() += 1;
                    mapped.push(ev);
                }
                Err(why) => problems.push(format!("event {}: {why}", e.id)),
            }
        }
        if let (Some(tx), true) = (tx.as_mut(), problems.is_empty()) {
            tx.record_events(&mapped).await?;
        }
    }
    source.close().await;
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    if let Some(mut tx) = tx {
        if last > through {
            tx.set_setting(&bookmark, &last.to_string()).await?;
        }
        tx.commit().await?;
    }
    Ok(report)
}
