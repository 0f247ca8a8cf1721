//! Chat text rules: `:shortcode:` emoji, how long a text looks, and name colors. The chat name
//! rules live in [`crate::names::chat`] and are re-exported here.

mod color;
mod emoji;
mod time;

pub use crate::names::chat::{check_name, name_key, NameProblem, MAX_NAME_LEN};
pub use color::{parse_color, random_color, DEFAULT_COLOR};
pub use emoji::{display_len, emojify, emote_free_len};
pub use time::{clock, duration, utc};

/// Longest chat line in characters; longer lines are refused rather than cut.
pub const MAX_MESSAGE_LEN: usize = 2000;

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

    #[test]
    fn lines_stay_on_one_line() {
        assert_eq!(clean_line("  hi\nthere\u{7}  "), "hi there");
    }
}
