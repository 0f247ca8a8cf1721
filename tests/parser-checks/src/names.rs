//! Chat names (shared::names::chat): what an accepted name holds, and identity by skeleton.

use rsstreaming_shared::names::chat::{
    check_name, name_key, MAX_MARKS_PER_LETTER, MAX_NAME_BYTES, MAX_NAME_LEN,
};
use rsstreaming_shared::text::emote_free_len;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// The one custom emote of the checks' room.
pub fn custom(alias: &str) -> bool {
    alias == "kappa"
}

/// Checks `name` as a login would (trimmed) and every rule that holds whatever it is.
pub fn check(name: &str) {
    let name = name.trim();
    if check_name(name, custom).is_ok() {
        assert_accepted_name_is_safe(name);
    }
    let key = name_key(name);
    assert_eq!(name_key(&key), key, "a key is its own key: {name:?}");
}

/// The fuzz target `chat_name`: the bytes as a name.
pub fn fuzz(data: &[u8]) {
    check(&crate::text(data));
}

/// Every rule an accepted name must hold.
pub fn assert_accepted_name_is_safe(name: &str) {
    assert!(!name.is_empty());
    assert!(emote_free_len(name, custom) <= MAX_NAME_BYTES, "{name:?}");
    // Counted independently: with no emote the whole name is within the cap, and with emotes
    // it is at most 20 of them (aliases are at most 64 bytes) besides the capped text.
    if !name.contains(':') {
        assert!(name.len() <= MAX_NAME_BYTES, "{name:?}");
    }
    assert!(
        name.len() <= MAX_NAME_BYTES + MAX_NAME_LEN * (64 + 2),
        "{name:?}"
    );
    let mut marks = 0;
    for c in name.chars() {
        assert_ne!(c.general_category(), GeneralCategory::Format, "{name:?}");
        assert!(!c.is_control(), "{name:?}");
        marks = if c.general_category_group() == GeneralCategoryGroup::Mark {
            marks + 1
        } else {
            0
        };
        assert!(marks <= MAX_MARKS_PER_LETTER, "{name:?}");
    }
}
