//! Chat names (shared::names::chat): the byte cap, marks per letter, no format character, and
//! the confusable skeleton as identity.

use crate::{any_text, config};
use proptest::prelude::*;
use rsstreaming_parser_checks::names::{check, custom};
use rsstreaming_shared::chat::{
    decide, parse, ChatterType, Effect, Member, Outgoing, Room, NAME_TAKEN,
};
use rsstreaming_shared::names::chat::{check_name, name_key};

/// Names built from what attacks use: letters, look-alikes, stacked marks, invisible and
/// filler characters, emoji shortcodes and a custom emote.
fn hostile_name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9_ -]{1,4}",
        Just("е".to_string()), // Cyrillic е
        Just("а".to_string()), // Cyrillic а
        "[\u{0300}-\u{036F}]{1,4}",
        "[\u{200B}-\u{200F}\u{2060}-\u{2064}\u{00AD}\u{061C}\u{FEFF}]",
        "[\u{115F}\u{1160}\u{3164}\u{FFA0}\u{2800}\u{034F}]",
        Just(":smile:".to_string()),
        Just(":kappa:".to_string()),
        Just(":".to_string()),
        "[\u{1D400}-\u{1D433}]{1,3}", // 4-byte letters
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn any_name_keeps_the_rules_and_its_key_is_its_own(name in prop_oneof![any_text(), hostile_name()]) {
        // An accepted name is within the byte cap, has no format or control character and at
        // most two marks per letter; every name's key is its own key.
        check(&name);
    }

    #[test]
    fn look_alikes_and_letter_cases_are_one_name(name in "[a-zA-Z][a-zA-Z0-9_]{0,15}", flips in any::<u64>()) {
        let twin = twin(&name, flips);
        prop_assert!(check_name(&name, custom).is_ok());
        prop_assert!(check_name(&twin, custom).is_ok());
        prop_assert_eq!(name_key(&name), name_key(&twin));
    }

    #[test]
    fn a_look_alike_of_a_present_name_is_taken(name in "[a-zA-Z][a-zA-Z0-9_]{0,15}", flips in any::<u64>()) {
        // Two accepted names with one skeleton are one name in a room: renaming to a look-alike
        // of someone present, or of the streamer, is refused.
        let roster = [
            Member::new("i1.1", "Streamer", ChatterType::Admin, "#112233"),
            Member::new("i1.2", &name, ChatterType::Normal, "#112233"),
            Member::new("i1.3", "zz_mover", ChatterType::Normal, "#112233"),
        ];
        let room = Room {
            streamer: "Streamer",
            themes: &[],
            is_custom_emote: &custom,
            roster: &roster,
            settings: None,
            history: &[],
            now_ms: 0,
        };
        for target in [twin(&name, flips), twin("Streamer", flips)] {
            let effects = decide(&room, &roster[2], &parse(&format!("/name {target}")));
            prop_assert_eq!(
                effects,
                vec![Effect::Reply(Outgoing::server(NAME_TAKEN))],
                "{:?}", target
            );
        }
    }
}

/// `name` with letters swapped for Cyrillic look-alikes, or upper-cased, where `flips` says.
fn twin(name: &str, flips: u64) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| match (c, flips >> (i % 64) & 1 == 1) {
            ('a', true) => 'а',
            ('e', true) => 'е',
            ('o', true) => 'о',
            ('p', true) => 'р',
            ('c', true) => 'с',
            (c, true) => c.to_ascii_uppercase(),
            (c, false) => c,
        })
        .collect()
}
