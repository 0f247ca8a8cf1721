//! Word filters (SPEC §7 `/filter`): a plain word, matched case-insensitively as a whole word,
//! or `/REGEX/`, matched case-insensitively anywhere. One list per room and one for the site.
//!
//! Every filter is checked on a chat line's path, so no pattern may be able to stall the
//! server: a pattern is at most [`MAX_PATTERN_BYTES`], a list at most [`MAX_FILTERS`] patterns
//! and [`MAX_LIST_BYTES`] together, and patterns are compiled with the `regex` crate (linear
//! time matching, no backreferences or look-around) under explicit size limits, so a pattern
//! whose compiled form would be huge (`/(a{100}){100}/`) is refused when added. A list is
//! compiled once into one [`FilterSet`] and matched in one pass.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// Longest pattern, in bytes as typed (with the slashes of a regex).
pub const MAX_PATTERN_BYTES: usize = 200;
/// Most filters in one list (a room's, or the site's).
pub const MAX_FILTERS: usize = 100;
/// Most bytes of all patterns of one list together.
pub const MAX_LIST_BYTES: usize = 8 * 1024;
/// Most heap one compiled pattern may take; the set of a whole list gets [`SET_SIZE_LIMIT`].
const PATTERN_SIZE_LIMIT: usize = 256 * 1024;
const SET_SIZE_LIMIT: usize = 4 * 1024 * 1024;
/// The lazy DFA's cache per search; past it the engine falls back, still in linear time.
const DFA_SIZE_LIMIT: usize = 1024 * 1024;

/// One filter, kept as what identifies it: the lowercased word, or the regex as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Word(String),
    Regex(String),
}

/// Why a filter (or a change of a list) is refused; the text is the reply the chat, the API
/// and the CLI give alike.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error(
        "Usage: /filter add WORD, /filter add /REGEX/, /filter remove WORD|/REGEX/, /filter list"
    )]
    Blank,
    #[error("A filter is at most {MAX_PATTERN_BYTES} bytes long.")]
    TooLong,
    #[error("Invalid regex: {0}")]
    BadRegex(String),
    #[error("That regex is too complex (its compiled form is too big).")]
    TooComplex,
    #[error("That regex matches an empty line, so it would block every line.")]
    MatchesEverything,
    #[error("Filter '{0}' is already set.")]
    Duplicate(String),
    #[error("No filter '{0}' is set.")]
    Unknown(String),
    #[error("A list holds at most {MAX_FILTERS} filters.")]
    TooMany,
    #[error("The filters of a list are at most {MAX_LIST_BYTES} bytes together.")]
    ListTooBig,
}

impl Filter {
    /// Parses a filter as typed: `/REGEX/` or a word (a phrase of several words is matched as
    /// a whole too). Checks the size first, so a huge pattern costs nothing; a regex is compiled
    /// under the limits to prove it is usable.
    pub fn parse(typed: &str) -> Result<Self, FilterError> {
        let typed = typed.trim();
        if typed.len() > MAX_PATTERN_BYTES {
            return Err(FilterError::TooLong);
        }
        let filter = match typed.strip_prefix('/').and_then(|r| r.strip_suffix('/')) {
            Some(regex) => Filter::Regex(regex.to_string()),
            None => Filter::Word(typed.split_whitespace().collect::<Vec<_>>().join(" ")),
        };
        match &filter {
            Filter::Word(w) if w.is_empty() => return Err(FilterError::Blank),
            Filter::Word(w) => return Ok(Filter::Word(w.to_lowercase())),
            Filter::Regex(r) if r.is_empty() => return Err(FilterError::Blank),
            Filter::Regex(_) => {}
        }
        let compiled = RegexBuilder::new(&filter.pattern())
            .size_limit(PATTERN_SIZE_LIMIT)
            .dfa_size_limit(DFA_SIZE_LIMIT)
            .build()
            .map_err(compile_error)?;
        if compiled.is_match("") {
            return Err(FilterError::MatchesEverything);
        }
        Ok(filter)
    }

    /// The filter as typed in chat (and listed): `word` or `/regex/`.
    pub fn display(&self) -> String {
        match self {
            Filter::Word(w) => w.clone(),
            Filter::Regex(r) => format!("/{r}/"),
        }
    }

    /// The regular expression this filter matches with (case-insensitive).
    fn pattern(&self) -> String {
        match self {
            Filter::Word(w) => word_pattern(&regex::escape(w)),
            Filter::Regex(r) => format!("(?i){r}"),
        }
    }
}

/// A regex error as one short line (the crate's syntax errors span several, with a caret).
fn compile_error(e: regex::Error) -> FilterError {
    match e {
        regex::Error::CompiledTooBig(_) => FilterError::TooComplex,
        other => {
            let text = other.to_string();
            let why = text
                .lines()
                .rev()
                .find(|l| l.trim_start().starts_with("error:"))
                .map(|l| l.trim_start().trim_start_matches("error:").trim())
                .unwrap_or("it does not parse");
            FilterError::BadRegex(why.chars().take(120).collect())
        }
    }
}

/// Checks that `filter` may join `list`: not there yet, and the list stays within its limits
/// (compiled together included).
pub fn check_addition(list: &[Filter], filter: &Filter) -> Result<(), FilterError> {
    if list.contains(filter) {
        return Err(FilterError::Duplicate(filter.display()));
    }
    if list.len() >= MAX_FILTERS {
        return Err(FilterError::TooMany);
    }
    let bytes: usize = list.iter().map(|f| f.display().len()).sum();
    if bytes + filter.display().len() > MAX_LIST_BYTES {
        return Err(FilterError::ListTooBig);
    }
    let mut with = list.to_vec();
    with.push(filter.clone());
    FilterSet::compile(&with).map(|_| ())
}

/// A list compiled for matching: its words as one alternation (the word bounds once, not per
/// word), its regexes as one set. Empty matches nothing and costs nothing.
#[derive(Debug, Clone, Default)]
pub struct FilterSet {
    words: Option<Regex>,
    regexes: Option<RegexSet>,
}

impl FilterSet {
    /// Compiles a list (one that was checked filter by filter when it was built).
    pub fn compile(filters: &[Filter]) -> Result<Self, FilterError> {
        let words: Vec<String> = filters
            .iter()
            .filter_map(|f| match f {
                Filter::Word(w) => Some(regex::escape(w)),
                Filter::Regex(_) => None,
            })
            .collect();
        let regexes: Vec<String> = filters
            .iter()
            .filter(|f| matches!(f, Filter::Regex(_)))
            .map(Filter::pattern)
            .collect();
        let words = match words.is_empty() {
            true => None,
            false => Some(
                RegexBuilder::new(&word_pattern(&words.join("|")))
                    .size_limit(SET_SIZE_LIMIT)
                    .dfa_size_limit(DFA_SIZE_LIMIT)
                    .build()
                    .map_err(compile_error)?,
            ),
        };
        let regexes = match regexes.is_empty() {
            true => None,
            false => Some(
                RegexSetBuilder::new(regexes)
                    .size_limit(SET_SIZE_LIMIT)
                    .dfa_size_limit(DFA_SIZE_LIMIT)
                    .build()
                    .map_err(compile_error)?,
            ),
        };
        Ok(Self { words, regexes })
    }

    /// Whether any filter of the list matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.words.as_ref().is_some_and(|w| w.is_match(text))
            || self.regexes.as_ref().is_some_and(|s| s.is_match(text))
    }
}

/// Words (escaped, `|`-separated) that must not touch a letter, digit or `_` on either side;
/// the regex crate has no look-around, and a match needs no bounds, so the neighbours are
/// matched along.
fn word_pattern(words: &str) -> String {
    format!(r"(?i)(?:^|\W)(?:{words})(?:\W|$)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(filters: &[&str]) -> FilterSet {
        let list: Vec<Filter> = filters.iter().map(|f| Filter::parse(f).unwrap()).collect();
        FilterSet::compile(&list).unwrap()
    }

    #[test]
    fn words_match_whole_words_in_any_case() {
        let s = set(&["darn", "Big Deal"]);
        for hit in [
            "darn",
            "DARN it",
            "oh, darn!",
            "well…darn",
            "a big  deal? no: BIG DEAL",
        ] {
            assert!(s.is_match(hit), "{hit}");
        }
        for miss in ["darnit", "undarn", "darn_", "big deals", "bigdeal"] {
            assert!(!s.is_match(miss), "{miss}");
        }
        assert!(!FilterSet::default().is_match("anything"));
    }

    #[test]
    fn regexes_match_anywhere_in_any_case() {
        let s = set(&["/fo+bar/"]);
        assert!(s.is_match("xxFOOOBARxx"));
        assert!(!s.is_match("fbar"));
        assert_eq!(Filter::parse("/Fo+/").unwrap().display(), "/Fo+/");
        assert_eq!(Filter::parse("  DARN ").unwrap().display(), "darn");
    }

    #[test]
    fn bad_and_dangerous_patterns_are_refused() {
        assert_eq!(Filter::parse(""), Err(FilterError::Blank));
        assert_eq!(Filter::parse("//"), Err(FilterError::Blank));
        assert!(matches!(
            Filter::parse("/(unclosed/"),
            Err(FilterError::BadRegex(m)) if !m.contains('\n')
        ));
        assert_eq!(Filter::parse("/a*/"), Err(FilterError::MatchesEverything));
        assert_eq!(
            Filter::parse(&format!("/{}/", "(a|aa)*".repeat(1500))),
            Err(FilterError::TooLong)
        );
        assert_eq!(
            Filter::parse(r"/(\w{100}){100}/"),
            Err(FilterError::TooComplex)
        );
    }

    #[test]
    fn lists_are_bounded() {
        let mut list = Vec::new();
        for i in 0..MAX_FILTERS {
            let f = Filter::parse(&format!("word{i}")).unwrap();
            check_addition(&list, &f).unwrap();
            list.push(f);
        }
        let one_more = Filter::parse("another").unwrap();
        assert_eq!(check_addition(&list, &one_more), Err(FilterError::TooMany));
        assert_eq!(
            check_addition(&list[..1], &list[0]),
            Err(FilterError::Duplicate("word0".into()))
        );
    }
}
