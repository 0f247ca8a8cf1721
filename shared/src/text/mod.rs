//! Chat text rules: `:shortcode:` emoji, how long a name looks, and name colors.

mod color;
mod emoji;

pub use color::{parse_color, random_color, DEFAULT_COLOR};
pub use emoji::{display_len, emojify};

/// Longest chat name, counting every emoji or custom `:alias:` as one character.
pub const MAX_NAME_LEN: usize = 20;

/// Longest chat line in characters; longer lines are refused rather than cut.
pub const MAX_MESSAGE_LEN: usize = 2000;

/// Why a chat name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Blank,
    TooLong,
    /// Control characters (newlines, bidi overrides…) would let a name spoof other lines.
    BadCharacters,
}

/// Checks a chat name (already trimmed) against the rules every chatter shares: not blank,
/// at most [`MAX_NAME_LEN`] as displayed, no control or formatting characters.
pub fn check_name(name: &str, is_custom_emote: impl Fn(&str) -> bool) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Blank);
    }
    if name.chars().any(is_hidden_char) {
        return Err(NameProblem::BadCharacters);
    }
    if display_len(name, is_custom_emote) > MAX_NAME_LEN {
        return Err(NameProblem::TooLong);
    }
    Ok(())
}

/// Characters that render as nothing or reorder text: never allowed in names.
fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// The case-insensitive identity of a chat name: two names with the same key can't share a room.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Removes control characters from a chat line (keeping it on one line) and trims it.
pub fn clean_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_emotes(_: &str) -> bool {
        false
    }

    #[test]
    fn names() {
        assert_eq!(check_name("", no_emotes), Err(NameProblem::Blank));
        assert_eq!(check_name("bob", no_emotes), Ok(()));
        assert_eq!(check_name(&"a".repeat(20), no_emotes), Ok(()));
        assert_eq!(
            check_name(&"a".repeat(21), no_emotes),
            Err(NameProblem::TooLong)
        );
        assert_eq!(
            check_name("a\nb", no_emotes),
            Err(NameProblem::BadCharacters)
        );
        assert_eq!(
            check_name("a\u{202E}b", no_emotes),
            Err(NameProblem::BadCharacters)
        );
        // 19 letters and one emoji shortcode: 20 as displayed.
        let name = format!("{}:smile:", "a".repeat(19));
        assert_eq!(check_name(&name, no_emotes), Ok(()));
        let name = format!("{}:smile:", "a".repeat(20));
        assert_eq!(check_name(&name, no_emotes), Err(NameProblem::TooLong));
        // A custom emote counts as one too.
        let name = format!("{}:kappa:", "a".repeat(19));
        assert_eq!(check_name(&name, |a| a == "kappa"), Ok(()));
        assert_eq!(check_name(&name, no_emotes), Err(NameProblem::TooLong));
    }

    #[test]
    fn keys_ignore_case_beyond_ascii() {
        assert_eq!(name_key("ÉMILE"), name_key("émile"));
        assert_eq!(name_key("Bob"), "bob");
    }

    #[test]
    fn lines_stay_on_one_line() {
        assert_eq!(clean_line("  hi\nthere\u{7}  "), "hi there");
    }
}
