//! The rules each attacker-facing parser must keep (issue 11, point 13), as checks on one
//! input that panic when a rule breaks.
//!
//! Two kinds of test drive them: shared's property tests (`shared/tests/properties`) with
//! generated structured inputs, and the cargo-fuzz targets (`fuzz/fuzz_targets`) with raw
//! bytes. Each fuzz target calls one of the [`TARGETS`] and nothing else, and
//! `tests/corpus.rs` replays the committed seed corpus (`fuzz/corpus/<target>/`) through the
//! same functions on stable Rust, so the harness cannot rot where CI has no nightly.

pub mod drawing;
pub mod forwarded;
pub mod frame;
pub mod names;
pub mod playlist;

/// What a fuzz target's body calls with the fuzzer's bytes.
pub type FuzzFn = fn(&[u8]);

/// Every fuzz target: its name (the file in `fuzz/fuzz_targets/` and the folder of its seed
/// corpus) and the function its body calls.
pub const TARGETS: &[(&str, FuzzFn)] = &[
    ("chat_name", names::fuzz),
    ("frame", frame::fuzz),
    ("forwarded", forwarded::fuzz),
    ("playlist", playlist::fuzz),
    ("drawing", drawing::fuzz),
];

/// Bytes as text, the way a lenient transport decodes them.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
