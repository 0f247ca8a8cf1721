//! Chat names: what a chatter may call itself, and when two names are the same name.
//!
//! A name is shown in every `login success`, roster, line and audit row, so its size is
//! bounded twice: at most [`MAX_NAME_LEN`] as a reader counts (an emoji or `:alias:` is one)
//! and at most [`MAX_NAME_BYTES`] bytes of text besides its emotes, with at most
//! [`MAX_MARKS_PER_LETTER`] combining marks on one letter (otherwise 20 "characters" can be
//! 60 KB of stacked accents). Nothing invisible passes: every format character (Unicode `Cf`:
//! zero-width joiners, word joiners, soft hyphens, bidi marks), every control, private-use,
//! unassigned or separator character but the plain space, and the blank "filler" letters
//! (Hangul fillers, Braille blank) that render as nothing.
//!
//! Identity is the name's **confusable skeleton** (UTS #39, `unicode-security`) case-folded:
//! `tеst` with a Cyrillic `е`, `TEST` and `test` are one name, so two look-alikes cannot share a
//! room and only the streamer (with the key) can appear under a look-alike of the streamer's
//! name.

use crate::text::{display_len, emote_free_len};
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_security::confusable_detection::skeleton;

/// Longest chat name, counting every emoji or custom `:alias:` as one character.
pub const MAX_NAME_LEN: usize = 20;

/// Most bytes of a name's text besides its `:shortcode:` and `:alias:` emotes.
pub const MAX_NAME_BYTES: usize = 64;

/// Most combining marks on one base character.
pub const MAX_MARKS_PER_LETTER: usize = 2;

/// Why a chat name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Blank,
    TooLong,
    /// Invisible, reordering or stacked characters would let a name hide or spoof.
    BadCharacters,
}

/// Checks a chat name (already trimmed) against the rules every chatter shares.
pub fn check_name(name: &str, is_custom_emote: impl Fn(&str) -> bool) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Blank);
    }
    if name.chars().any(is_hidden_char) || too_many_marks(name) {
        return Err(NameProblem::BadCharacters);
    }
    if emote_free_len(name, &is_custom_emote) > MAX_NAME_BYTES
        || display_len(name, &is_custom_emote) > MAX_NAME_LEN
    {
        return Err(NameProblem::TooLong);
    }
    Ok(())
}

/// Characters that render as nothing, reorder text or separate lines: never in a name.
fn is_hidden_char(c: char) -> bool {
    use GeneralCategory as G;
    let filler = matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{034F}'
    );
    let category = c.general_category();
    filler
        || matches!(
            category,
            G::Control
                | G::Format
                | G::PrivateUse
                | G::Surrogate
                | G::Unassigned
                | G::LineSeparator
                | G::ParagraphSeparator
        )
        || (category == G::SpaceSeparator && c != ' ')
}

/// Whether some base character carries more than [`MAX_MARKS_PER_LETTER`] combining marks.
fn too_many_marks(name: &str) -> bool {
    let mut run = 0;
    for c in name.chars() {
        if c.general_category_group() == GeneralCategoryGroup::Mark {
            run += 1;
            if run > MAX_MARKS_PER_LETTER {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// The identity of a chat name: its confusable skeleton, case-folded. Two names with the same
/// key can't share a room, and a key equal to the streamer's needs the stream key.
///
/// Folding is repeated until the key no longer changes: the skeleton of a letter can be an
/// upper-case letter whose lower case has another skeleton (`ߡ` → `Δ` → `δ` → `ẟ`), and a key
/// that is not its own key lets two look-alikes (`Δ`, `ߡ`) keep apart.
pub fn name_key(name: &str) -> String {
    let mut key = fold(name);
    for _ in 0..MAX_FOLDS {
        let next = fold(&key);
        if next == key {
            break;
        }
        key = next;
    }
    key
}

/// Rounds of [`fold`] after the first; Unicode's tables settle in two.
const MAX_FOLDS: usize = 4;

/// One round of identity: lower case, skeleton, lower case.
fn fold(name: &str) -> String {
    skeleton(&name.to_lowercase())
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_emotes(_: &str) -> bool {
        false
    }

    #[test]
    fn lengths_count_as_a_reader_sees_and_bytes_are_capped() {
        assert_eq!(check_name("", no_emotes), Err(NameProblem::Blank));
        assert_eq!(check_name("bob", no_emotes), Ok(()));
        assert_eq!(check_name(&"a".repeat(20), no_emotes), Ok(()));
        let long = "a".repeat(21);
        assert_eq!(check_name(&long, no_emotes), Err(NameProblem::TooLong));
        // 19 letters and one emoji shortcode: 20 as displayed.
        let name = format!("{}:smile:", "a".repeat(19));
        assert_eq!(check_name(&name, no_emotes), Ok(()));
        let name = format!("{}:smile:", "a".repeat(20));
        assert_eq!(check_name(&name, no_emotes), Err(NameProblem::TooLong));
        // A custom emote counts as one too, and its alias spends no bytes.
        let name = format!("{}:kappa:", "a".repeat(19));
        assert_eq!(check_name(&name, |a| a == "kappa"), Ok(()));
        assert_eq!(check_name(&name, no_emotes), Err(NameProblem::TooLong));
        let emotes = ":stuck_out_tongue_winking_eye:".repeat(20);
        assert_eq!(check_name(&emotes, no_emotes), Ok(()));
        // 20 letters of 4 bytes each are 80 bytes: too much text.
        assert_eq!(check_name(&"𝐚".repeat(16), no_emotes), Ok(()));
        let heavy = "𝐚".repeat(17);
        assert_eq!(check_name(&heavy, no_emotes), Err(NameProblem::TooLong));
    }

    #[test]
    fn nothing_invisible_or_stacked_passes() {
        for bad in [
            "a\nb",
            "a\u{202E}b",
            "a\u{200D}b",
            "a\u{2060}b",
            "a\u{00AD}b",
            "\u{3164}",
            "a\u{061C}b",
            "a\u{200B}b",
            "a\u{FEFF}b",
            "a\u{00A0}b",
            "a\u{3000}b",
            "a\u{E000}b",
            "\u{115F}x",
            "a\u{2800}",
            "a\u{034F}b",
            "a\u{E0041}",
        ] {
            assert_eq!(
                check_name(bad, no_emotes),
                Err(NameProblem::BadCharacters),
                "{bad:?}"
            );
        }
        assert_eq!(check_name("e\u{301}\u{302}", no_emotes), Ok(()));
        let zalgo = format!("e{}", "\u{301}".repeat(3));
        assert_eq!(
            check_name(&zalgo, no_emotes),
            Err(NameProblem::BadCharacters)
        );
        let sixty_kb = format!("a{}", "\u{301}".repeat(3000));
        assert_eq!(
            check_name(&sixty_kb, no_emotes),
            Err(NameProblem::BadCharacters)
        );
        for ok in ["Émile", "名前", "a b", "José-María", "Zoë_42", "👍"] {
            assert_eq!(check_name(ok, no_emotes), Ok(()), "{ok}");
        }
    }

    #[test]
    fn look_alikes_and_letter_cases_are_one_name() {
        assert_eq!(name_key("ÉMILE"), name_key("émile"));
        assert_eq!(name_key("tеst"), name_key("test"), "Cyrillic е");
        assert_eq!(name_key("TEST"), name_key("test"));
        assert_eq!(name_key("pаypal"), name_key("PAYPAL"));
        assert_ne!(name_key("test"), name_key("tost"));
        assert_ne!(name_key("bob"), name_key("alice"));
    }

    #[test]
    fn a_key_is_its_own_key() {
        // Found by the property tests (tests/properties/names.rs): one round of folding gave
        // `ߡ` the key `δ` but `Δ` the key `ẟ`, so the two look-alikes were different names.
        assert_eq!(name_key("ߡ"), name_key("Δ"));
        assert_eq!(name_key(&name_key("ߡ")), name_key("ߡ"));
    }
}
