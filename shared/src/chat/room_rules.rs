//! A room's rules (SPEC §7): slow mode, emote-only, who may post links, the word filters and
//! the pinned message; how a change of them is checked, confirmed and audited (the same for the
//! chat, the API and the CLI); and [`ActiveRules::check`], the test every chat line passes.
//!
//! Staff (the streamer and moderators) are exempt from slow mode and emote-only; links follow
//! [`LinkRule`]; the filters hold for everyone, staff included, as they say what the room does
//! not want to read. Actions (`/me`) are lines like any other; drawings have no text, so only
//! slow mode and emote-only apply to them. With `/chatmode registered` (SPEC §8) only
//! registered names and staff may post lines, actions and drawings ([`ActiveRules::poster`]).

use super::filters::{check_addition, Filter, FilterError, FilterSet};
use super::member::ChatterType;
use crate::store::{event_kind, NewEvent};
use std::sync::OnceLock;
use std::time::Duration;
use unicode_segmentation::UnicodeSegmentation;

/// Longest slow mode: one line a day.
pub const MAX_SLOW_SECS: u32 = 86_400;

/// Who may post links (`/links on|off|mods`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkRule {
    /// Everyone.
    #[default]
    On,
    /// Nobody but the streamer.
    Off,
    /// Moderators and the streamer.
    Mods,
}

impl LinkRule {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkRule::On => "on",
            LinkRule::Off => "off",
            LinkRule::Mods => "mods",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "on" => Some(LinkRule::On),
            "off" => Some(LinkRule::Off),
            "mods" => Some(LinkRule::Mods),
            _ => None,
        }
    }

    fn allows(self, kind: ChatterType) -> bool {
        match self {
            LinkRule::On => true,
            LinkRule::Mods => kind != ChatterType::Normal,
            LinkRule::Off => kind == ChatterType::Admin,
        }
    }
}

/// What the store keeps for one room. The default is a room without rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoomRules {
    /// Seconds a normal chatter waits between lines; 0 is off.
    pub slow_secs: u32,
    /// Whether normal chatters may post only emoji and emotes.
    pub emote_only: bool,
    /// Who may post links.
    pub links: LinkRule,
    /// The pinned message (emojified), if any.
    pub pin: Option<String>,
    /// The room's own filters, oldest first (the site's apply besides).
    pub filters: Vec<Filter>,
    /// Whether only registered names (and staff) may post (`/chatmode registered`).
    pub registered_only: bool,
}

impl RoomRules {
    /// The modes a page shows over the composer: slow seconds, emote-only, links, and
    /// whether only registered names may chat.
    pub fn modes(&self) -> (u32, bool, LinkRule, bool) {
        (
            self.slow_secs,
            self.emote_only,
            self.links,
            self.registered_only,
        )
    }
}

/// One change of a room's rules (or, for filters, of the site's list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleChange {
    Slow(u32),
    EmoteOnly(bool),
    Links(LinkRule),
    AddFilter(Filter),
    RemoveFilter(Filter),
    Pin(Option<String>),
    /// `/chatmode registered` (true) or `all`.
    RegisteredOnly(bool),
}

impl RuleChange {
    /// Checks the change against the filters it adds to or removes from.
    pub fn check_filters(&self, list: &[Filter]) -> Result<(), FilterError> {
        match self {
            RuleChange::AddFilter(f) => check_addition(list, f),
            RuleChange::RemoveFilter(f) if !list.contains(f) => {
                Err(FilterError::Unknown(f.display()))
            }
            _ => Ok(()),
        }
    }

    /// Applies an already checked change.
    pub fn apply(&self, rules: &mut RoomRules) {
        match self {
            RuleChange::Slow(s) => rules.slow_secs = *s,
            RuleChange::EmoteOnly(on) => rules.emote_only = *on,
            RuleChange::Links(l) => rules.links = *l,
            RuleChange::AddFilter(f) => rules.filters.push(f.clone()),
            RuleChange::RemoveFilter(f) => rules.filters.retain(|g| g != f),
            RuleChange::Pin(p) => rules.pin = p.clone(),
            RuleChange::RegisteredOnly(on) => rules.registered_only = *on,
        }
    }

    /// The line telling whoever made the change that it is made (`site`: of the site's list).
    pub fn confirmation(&self, site: bool) -> String {
        let list = if site { "site-wide" } else { "this room's" };
        match self {
            RuleChange::Slow(0) => "Slow mode is off.".into(),
            RuleChange::Slow(s) => format!("Slow mode is on: one line per {s} s."),
            RuleChange::EmoteOnly(true) => "Emote-only mode is on.".into(),
            RuleChange::EmoteOnly(false) => "Emote-only mode is off.".into(),
            RuleChange::Links(LinkRule::On) => "Everyone may post links.".into(),
            RuleChange::Links(LinkRule::Mods) => "Only moderators may post links.".into(),
            RuleChange::Links(LinkRule::Off) => "Links are off.".into(),
            RuleChange::AddFilter(f) => {
                format!("Filter '{}' added to {list} filters.", f.display())
            }
            RuleChange::RemoveFilter(f) => {
                format!("Filter '{}' removed from {list} filters.", f.display())
            }
            RuleChange::Pin(Some(_)) => "Message pinned.".into(),
            RuleChange::Pin(None) => "Message unpinned.".into(),
            RuleChange::RegisteredOnly(true) => "Only registered names may chat now.".into(),
            RuleChange::RegisteredOnly(false) => "Everyone may chat now.".into(),
        }
    }

    /// The audit event: what changed, and who changed it (`room` is `*` for the site's list).
    pub fn audit(&self, room: &str, by: &str) -> NewEvent {
        use serde_json::json;
        let (kind, meta) = match self {
            RuleChange::Slow(s) => (event_kind::SLOW, json!({"seconds": s})),
            RuleChange::EmoteOnly(on) => (event_kind::EMOTE_ONLY, json!({"on": on})),
            RuleChange::Links(l) => (event_kind::LINKS, json!({"links": l.as_str()})),
            RuleChange::AddFilter(f) => (event_kind::FILTER_ADD, json!({"filter": f.display()})),
            RuleChange::RemoveFilter(f) => {
                (event_kind::FILTER_REMOVE, json!({"filter": f.display()}))
            }
            RuleChange::Pin(p) => (event_kind::PIN, json!({"message": p})),
            RuleChange::RegisteredOnly(on) => (event_kind::CHATMODE, json!({"registered": on})),
        };
        let mut meta = meta;
        meta["by"] = by.into();
        NewEvent::now(room, kind, meta)
    }
}

/// Why a line was refused; the text is the sender's `server` line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Slow mode: wait {0} s.")]
    Slow(u64),
    #[error("Emote-only mode: only emoji and emotes may be posted.")]
    EmoteOnly,
    #[error("Links are not allowed here.")]
    Links,
    #[error("Only moderators may post links here.")]
    LinksModsOnly,
    #[error("Your message was blocked.")]
    Blocked,
    #[error("Only registered names may chat here: use /register <password> to register yours.")]
    RegisteredOnly,
}

/// A room's rules as an instance holds them: compiled for the line path.
#[derive(Debug, Clone, Default)]
pub struct ActiveRules {
    pub rules: RoomRules,
    pub filters: FilterSet,
}

impl ActiveRules {
    /// Compiles stored rules; a list that no longer compiles (never accepted, so only a
    /// hand-edited row) is reported and the room keeps its other rules.
    pub fn new(rules: RoomRules) -> Result<Self, FilterError> {
        let filters = FilterSet::compile(&rules.filters)?;
        Ok(Self { rules, filters })
    }

    /// Whether a chatter of rank `kind` (`registered` or not) may post at all.
    pub fn poster(&self, kind: ChatterType, registered: bool) -> Result<(), Refusal> {
        match self.rules.registered_only && !registered && kind == ChatterType::Normal {
            true => Err(Refusal::RegisteredOnly),
            false => Ok(()),
        }
    }

    /// Whether `kind` may post `text` (emojified) now, `since_last` after its last line;
    /// `text` is `None` for a drawing. The site's filters come as `site`.
    pub fn check(
        &self,
        site: &FilterSet,
        kind: ChatterType,
        text: Option<&str>,
        since_last: Option<Duration>,
        is_custom_emote: &dyn Fn(&str) -> bool,
    ) -> Result<(), Refusal> {
        let r = &self.rules;
        let staff = kind != ChatterType::Normal;
        if r.slow_secs > 0 && !staff {
            let wait = Duration::from_secs(r.slow_secs.into());
            if let Some(left) = since_last.and_then(|s| wait.checked_sub(s)) {
                if !left.is_zero() {
                    return Err(Refusal::Slow(left.as_secs_f64().ceil() as u64));
                }
            }
        }
        if r.emote_only && !staff && !text.is_some_and(|t| only_emotes(t, is_custom_emote)) {
            return Err(Refusal::EmoteOnly);
        }
        let Some(text) = text else {
            return Ok(());
        };
        if !r.links.allows(kind) && has_link(text) {
            return Err(match r.links {
                LinkRule::Mods => Refusal::LinksModsOnly,
                _ => Refusal::Links,
            });
        }
        if self.filters.is_match(text) || site.is_match(text) {
            return Err(Refusal::Blocked);
        }
        Ok(())
    }
}

/// A pin as typed, as it is kept and shown: cleaned and emojified; `None` when blank.
pub fn pin_text(typed: &str, is_custom_emote: &dyn Fn(&str) -> bool) -> Option<String> {
    let text = crate::text::clean_line(typed);
    (!text.is_empty()).then(|| crate::text::emojify(&text, is_custom_emote).into_owned())
}

/// Whether a text holds a link: what the page makes clickable (`http://`, `https://`) and the
/// `www.` form readers would paste into a browser.
pub fn has_link(text: &str) -> bool {
    static LINK: OnceLock<Option<regex::Regex>> = OnceLock::new();
    LINK.get_or_init(|| regex::Regex::new(r"(?i)\b(?:https?://|www\.)\S").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(text))
}

/// Whether an emojified text is nothing but emoji, custom `:alias:` emotes and spaces.
pub fn only_emotes(text: &str, is_custom_emote: &dyn Fn(&str) -> bool) -> bool {
    text.split_whitespace().all(|word| {
        let mut rest = word;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix(':') {
                if let Some(end) = after.find(':') {
                    if end > 0 && is_custom_emote(&after[..end]) {
                        rest = &after[end + 1..];
                        continue;
                    }
                }
            }
            let Some(g) = rest.graphemes(true).next() else {
                break;
            };
            if !is_emoji(g) {
                return false;
            }
            rest = &rest[g.len()..];
        }
        true
    })
}

/// Whether one grapheme is an emoji (with or without its presentation selector).
fn is_emoji(g: &str) -> bool {
    emojis::get(g).is_some() || emojis::get(g.trim_end_matches('\u{fe0f}')).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(a: &str) -> bool {
        a == "kappa"
    }

    fn check(
        rules: RoomRules,
        kind: ChatterType,
        text: &str,
        since: Option<u64>,
    ) -> Result<(), Refusal> {
        let active = ActiveRules::new(rules).unwrap();
        let since = since.map(Duration::from_secs);
        active.check(&FilterSet::default(), kind, Some(text), since, &custom)
    }

    #[test]
    fn slow_mode_counts_from_the_last_line_and_spares_staff() {
        let slow = RoomRules {
            slow_secs: 10,
            ..RoomRules::default()
        };
        assert_eq!(check(slow.clone(), ChatterType::Normal, "hi", None), Ok(()));
        assert_eq!(
            check(slow.clone(), ChatterType::Normal, "hi", Some(3)),
            Err(Refusal::Slow(7))
        );
        assert_eq!(Refusal::Slow(7).to_string(), "Slow mode: wait 7 s.");
        assert_eq!(
            check(slow.clone(), ChatterType::Normal, "hi", Some(10)),
            Ok(())
        );
        assert_eq!(check(slow, ChatterType::Moderator, "hi", Some(0)), Ok(()));
    }

    #[test]
    fn emote_only_takes_emoji_and_custom_emotes() {
        let rules = RoomRules {
            emote_only: true,
            ..RoomRules::default()
        };
        for ok in ["😄", "👍🏽 🎉", ":kappa:", ":kappa::kappa: 😄", "❤️"] {
            assert_eq!(
                check(rules.clone(), ChatterType::Normal, ok, None),
                Ok(()),
                "{ok}"
            );
        }
        for bad in ["hi", "😄 hi", ":nope:", "1", ":kappa"] {
            assert_eq!(
                check(rules.clone(), ChatterType::Normal, bad, None),
                Err(Refusal::EmoteOnly),
                "{bad}"
            );
        }
        assert_eq!(check(rules, ChatterType::Admin, "hi", None), Ok(()));
    }

    #[test]
    fn links_follow_the_rule() {
        let url = "see https://example.org/x";
        let (normal, moderator, admin) = (
            ChatterType::Normal,
            ChatterType::Moderator,
            ChatterType::Admin,
        );
        let cases = [
            (LinkRule::On, normal, url, Ok(())),
            (LinkRule::Mods, normal, url, Err(Refusal::LinksModsOnly)),
            (LinkRule::Mods, moderator, url, Ok(())),
            (
                LinkRule::Off,
                moderator,
                "www.example.org",
                Err(Refusal::Links),
            ),
            (LinkRule::Off, admin, url, Ok(())),
            (LinkRule::Off, normal, "no link: http or www", Ok(())),
        ];
        for (links, kind, text, want) in cases {
            let rules = RoomRules {
                links,
                ..RoomRules::default()
            };
            assert_eq!(
                check(rules, kind, text, None),
                want,
                "{links:?} {kind:?} {text}"
            );
        }
    }

    #[test]
    fn filters_of_the_room_and_the_site_block_everyone() {
        let rules = RoomRules {
            filters: vec![Filter::parse("darn").unwrap()],
            ..RoomRules::default()
        };
        assert_eq!(
            check(rules.clone(), ChatterType::Admin, "oh DARN", None),
            Err(Refusal::Blocked)
        );
        assert_eq!(check(rules, ChatterType::Normal, "darnit", None), Ok(()));
        let site = FilterSet::compile(&[Filter::parse("/sp[a4]m/").unwrap()]).unwrap();
        let active = ActiveRules::default();
        assert_eq!(
            active.check(&site, ChatterType::Normal, Some("SP4M"), None, &custom),
            Err(Refusal::Blocked)
        );
        assert_eq!(
            active.check(&site, ChatterType::Normal, None, None, &custom),
            Ok(())
        );
    }

    #[test]
    fn registered_only_spares_registered_names_and_staff() {
        let mut rules = RoomRules::default();
        RuleChange::RegisteredOnly(true).apply(&mut rules);
        let active = ActiveRules::new(rules).unwrap();
        assert_eq!(
            active.poster(ChatterType::Normal, false),
            Err(Refusal::RegisteredOnly)
        );
        assert_eq!(active.poster(ChatterType::Normal, true), Ok(()));
        assert_eq!(active.poster(ChatterType::Moderator, false), Ok(()));
        assert_eq!(
            ActiveRules::default().poster(ChatterType::Normal, false),
            Ok(())
        );
    }

    #[test]
    fn changes_are_checked_applied_and_audited() {
        let mut rules = RoomRules::default();
        let add = RuleChange::AddFilter(Filter::parse("darn").unwrap());
        add.check_filters(&rules.filters).unwrap();
        add.apply(&mut rules);
        assert_eq!(
            add.check_filters(&rules.filters),
            Err(FilterError::Duplicate("darn".into()))
        );
        let remove = RuleChange::RemoveFilter(Filter::parse("nope").unwrap());
        assert_eq!(
            remove.check_filters(&rules.filters),
            Err(FilterError::Unknown("nope".into()))
        );
        let event = RuleChange::Slow(30).audit("Bob", "bob");
        assert_eq!((event.room.as_str(), event.kind), ("bob", event_kind::SLOW));
        assert_eq!(event.meta, serde_json::json!({"seconds": 30, "by": "bob"}));
    }
}
