//! Chat names: no input panics; an accepted name holds every rule, and its key is a fixpoint.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsstreaming_shared::names::chat::{check_name, name_key, MAX_NAME_BYTES};
use rsstreaming_shared::text::emote_free_len;

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    let custom = |a: &str| a == "kappa";
    let key = name_key(name);
    assert_eq!(name_key(&key), key, "a key is its own key");
    if check_name(name, custom).is_ok() {
        assert!(emote_free_len(name, custom) <= MAX_NAME_BYTES);
        assert!(!name.chars().any(|c| c.is_control() || c == '\u{200D}'));
    }
});
