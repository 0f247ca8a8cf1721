//! What an import did (or, dry, would do), as the operator reads it.

use super::Outcome;
use std::collections::BTreeMap;
use std::fmt;

/// The result of an import, printed by the CLI.
#[derive(Debug, Clone)]
pub struct Report {
    /// The source, without its password.
    pub source: String,
    /// alembic's revision of the source schema.
    pub revision: Option<String>,
    pub dry_run: bool,
    pub streamers: Vec<(String, Outcome)>,
    pub emotes: Vec<(String, Outcome)>,
    /// New events by our kind.
    pub events: BTreeMap<&'static str, u64>,
    /// Events of streamers whose names rsstreaming cannot hold.
    pub events_skipped: u64,
    /// The source's last event id after this run; `events_before` before it.
    pub events_through: i64,
    pub events_before: i64,
    pub pending_messages: i64,
}

impl Report {
    pub fn new_streamers(&self) -> usize {
        count(&self.streamers, |o| *o == Outcome::New)
    }

    pub fn new_emotes(&self) -> usize {
        count(&self.emotes, |o| *o == Outcome::New)
    }

    pub fn new_events(&self) -> u64 {
        self.events.values().sum()
    }

    /// Whether the run had anything to write.
    pub fn changes_anything(&self) -> bool {
        self.new_streamers() + self.new_emotes() > 0 || self.new_events() > 0
    }
}

fn count(rows: &[(String, Outcome)], f: impl Fn(&Outcome) -> bool) -> usize {
    rows.iter().filter(|(_, o)| f(o)).count()
}

/// `12 new, 3 unchanged, 1 kept as it is here`
fn summary(rows: &[(String, Outcome)], verb: &str) -> String {
    let kept = count(rows, |o| matches!(o, Outcome::Kept(_)));
    let mut s = format!(
        "{} {verb}, {} already here",
        count(rows, |o| *o == Outcome::New),
        count(rows, |o| *o == Outcome::Unchanged)
    );
    if kept > 0 {
        s.push_str(&format!(", {kept} differ (kept as they are here)"));
    }
    s
}

fn lines(f: &mut fmt::Formatter<'_>, rows: &[(String, Outcome)]) -> fmt::Result {
    for (name, outcome) in rows {
        match outcome {
            Outcome::New => writeln!(f, "  + {name}")?,
            Outcome::Unchanged => {}
            Outcome::Kept(what) => writeln!(
                f,
                "  ~ {name}: differs here ({}), kept as it is here",
                what.join(", ")
            )?,
        }
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run { "to add" } else { "added" };
        let revision = self
            .revision
            .as_deref()
            .map(|r| format!(" (schema revision {r})"))
            .unwrap_or_default();
        writeln!(f, "PyStreaming database {}{revision}", self.source)?;
        writeln!(f, "streamers: {}", summary(&self.streamers, verb))?;
        lines(f, &self.streamers)?;
        writeln!(f, "emotes: {}", summary(&self.emotes, verb))?;
        lines(f, &self.emotes)?;
        let kinds = self
            .events
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ");
        let range = if self.events_before > 0 {
            format!("after event {} (imported before)", self.events_before)
        } else {
            "from the start".to_string()
        };
        write!(f, "events: {} {verb}", self.new_events())?;
        if self.new_events() > 0 {
            write!(f, " {range}, up to event {}: {kinds}", self.events_through)?;
        } else if self.events_before > 0 {
            write!(f, " (already imported up to event {})", self.events_before)?;
        }
        writeln!(f)?;
        if self.events_skipped > 0 {
            writeln!(
                f,
                "  {} events skipped: their streamer's name is not one rsstreaming can hold",
                self.events_skipped
            )?;
        }
        if self.pending_messages > 0 {
            writeln!(
                f,
                "pending messages: {} not imported (rsstreaming delivers a post only to whoever is in the chat at that moment)",
                self.pending_messages
            )?;
        }
        if self.dry_run {
            write!(f, "dry run: nothing was written")
        } else if self.changes_anything() {
            write!(
                f,
                "imported {} streamers, {} emotes, {} events",
                self.new_streamers(),
                self.new_emotes(),
                self.new_events()
            )
        } else {
            write!(f, "nothing to import: everything is already here")
        }
    }
}
