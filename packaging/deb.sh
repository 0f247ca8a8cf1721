#!/usr/bin/env bash
# Builds the Debian package: the release binary, then the shell completions and the man page it
# prints (`rsstreaming completions SHELL`, `rsstreaming man`) next to it under target/release/,
# where the package's assets (dispatcher/Cargo.toml, [package.metadata.deb]) take them from, then
# `cargo deb`. Generated at build time, so they always describe the binary they ship with.
#   packaging/deb.sh [cargo deb options, e.g. --output DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
release="${CARGO_TARGET_DIR:-$PWD/target}/release"
cargo build --release --locked -p rsstreaming --bin rsstreaming
mkdir -p "$release/completions"
"$release/rsstreaming" completions bash >"$release/completions/rsstreaming.bash"
"$release/rsstreaming" completions zsh >"$release/completions/_rsstreaming"
"$release/rsstreaming" completions fish >"$release/completions/rsstreaming.fish"
"$release/rsstreaming" man | gzip -9n >"$release/rsstreaming.1.gz"
cargo deb -p rsstreaming --no-build "$@"
