//! Property tests of the parsers that face attackers (issue 11, point 13): whatever text or
//! bytes arrive, they never panic, and what they accept or produce keeps the security rules
//! (no invisible name, no key in a playlist, bounded sizes, a forged chain is never trusted).
//!
//! Each case count is modest so the whole binary adds seconds, not minutes, to `cargo test`;
//! `PROPTEST_CASES=10000 cargo test -p rsstreaming-shared --test properties` searches harder.
//! The same rules are fuzzed by `fuzz/` (see docs/security.md, "Property tests and fuzzing").

mod drawing;
mod forwarded;
mod frame;
mod names;
mod playlist;

use proptest::prelude::*;

/// `cases` property cases, unless `PROPTEST_CASES` asks for another number.
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        // A failure is reported with its shrunk input; the regression belongs in a unit test.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text as it may arrive: any string, or any bytes read as lossy UTF-8 (what a transport that
/// decodes leniently hands on).
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..256)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}
