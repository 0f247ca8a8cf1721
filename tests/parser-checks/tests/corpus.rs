//! The committed seed corpus of every fuzz target (`fuzz/corpus/<target>/`), replayed through
//! the same functions the targets call: on stable Rust and in `cargo test --workspace`, so the
//! harness keeps compiling and the seeds keep passing where no nightly toolchain is installed.

use rsstreaming_parser_checks::TARGETS;
use std::path::Path;

#[test]
fn every_target_passes_its_seed_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    for (target, check) in TARGETS {
        let dir = corpus.join(target);
        let mut seeds = 0;
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            check(&std::fs::read(&path).unwrap());
            seeds += 1;
        }
        assert!(
            seeds >= 3,
            "{target}: only {seeds} seeds in {}",
            dir.display()
        );
    }
}

#[test]
fn every_target_is_a_fuzz_target() {
    // The table here and fuzz/'s list of targets are one list: each has its file and its bin.
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
    for (target, _) in TARGETS {
        let file = fuzz.join(format!("fuzz_targets/{target}.rs"));
        let body =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(body.contains("fuzz_target!(|data: &[u8]|"), "{target}");
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "{target}"
        );
    }
}
