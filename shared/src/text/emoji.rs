//! `:shortcode:` emoji (GitHub/gemoji names and aliases) and displayed length.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// Turns every `:shortcode:` that names a standard emoji into the emoji itself. Custom emotes
/// (for which `is_custom_emote(alias)` holds) win over a standard emoji of the same name and stay
/// `:alias:` for the page to draw; unknown `:words:` stay as typed.
pub fn emojify(text: &str, is_custom_emote: impl Fn(&str) -> bool) -> Cow<'_, str> {
    if !text.contains(':') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(start) = rest.find(':') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find(':') {
            Some(end) if is_shortcode(&after[..end]) => {
                let code = &after[..end];
                match emojis::get_by_shortcode(code) {
                    Some(e) if !is_custom_emote(code) => {
                        out.push_str(e.as_str());
                        changed = true;
                        rest = &after[end + 1..];
                    }
                    _ => {
                        // Not an emoji: keep the opening colon and go on from the closing one,
                        // which may open the next shortcode (`a:b:smile:`).
                        out.push(':');
                        out.push_str(code);
                        rest = &after[end..];
                    }
                }
            }
            _ => {
                out.push(':');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Shortcodes and aliases are short runs of letters, digits, `_`, `+` and `-`.
fn is_shortcode(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
}

/// The bytes of a text besides its emotes: every `:shortcode:` of a standard emoji and every
/// custom `:alias:` is left out (each is one displayed character, and bounded by the alias
/// rules); the rest counts as written.
pub fn emote_free_len(text: &str, is_custom_emote: impl Fn(&str) -> bool) -> usize {
    let mut count = 0;
    let mut rest = text;
    while let Some(start) = rest.find(':') {
        count += start;
        let after = &rest[start + 1..];
        match after.find(':') {
            Some(end) if is_emote(&after[..end], &is_custom_emote) => rest = &after[end + 1..],
            _ => {
                count += 1;
                rest = after;
            }
        }
    }
    count + rest.len()
}

fn is_emote(code: &str, is_custom_emote: impl Fn(&str) -> bool) -> bool {
    is_shortcode(code) && (is_custom_emote(code) || emojis::get_by_shortcode(code).is_some())
}

/// The length of a text as a reader sees it: emoji shortcodes become one emoji, a custom
/// `:alias:` counts as one, and every grapheme (an emoji with its modifiers, a letter with its
/// accents) counts as one.
pub fn display_len(text: &str, is_custom_emote: impl Fn(&str) -> bool) -> usize {
    let text = emojify(text, &is_custom_emote);
    let mut count = 0;
    let mut rest: &str = &text;
    while let Some(start) = rest.find(':') {
        count += rest[..start].graphemes(true).count();
        let after = &rest[start + 1..];
        match after.find(':') {
            Some(end) if is_shortcode(&after[..end]) && is_custom_emote(&after[..end]) => {
                count += 1;
                rest = &after[end + 1..];
            }
            _ => {
                count += 1;
                rest = after;
            }
        }
    }
    count + rest.graphemes(true).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn names_and_aliases_become_emoji() {
        assert_eq!(emojify("hi :smile:", none), "hi 😄");
        assert_eq!(emojify(":+1: :thumbsup:", none), "👍 👍");
        assert_eq!(emojify(":rocket::rocket:", none), "🚀🚀");
        assert_eq!(emojify("a:xyzzy:smile:", none), "a:xyzzy😄");
        assert_eq!(emojify("10:30 at :tada:", none), "10:30 at 🎉");
    }

    #[test]
    fn unknown_and_custom_stay() {
        assert!(matches!(emojify("no colons", none), Cow::Borrowed(_)));
        assert_eq!(emojify(":notanemoji:", none), ":notanemoji:");
        assert_eq!(emojify(":kappa: :smile:", |a| a == "kappa"), ":kappa: 😄");
        // A custom emote named like a standard one is the streamer's choice: it wins.
        assert_eq!(emojify(":smile:", |a| a == "smile"), ":smile:");
        assert_eq!(emojify("::", none), "::");
        assert_eq!(emojify(":", none), ":");
        assert_eq!(emojify(":<b>:", none), ":<b>:");
    }

    #[test]
    fn lengths() {
        assert_eq!(display_len("abc", none), 3);
        assert_eq!(display_len(":smile:", none), 1);
        assert_eq!(display_len(":kappa:", |a| a == "kappa"), 1);
        assert_eq!(display_len(":kappa:", none), 7);
        assert_eq!(display_len("👨‍👩‍👧", none), 1);
        assert_eq!(display_len("e\u{301}", none), 1);
        assert_eq!(display_len("a:b", none), 3);
    }
}
