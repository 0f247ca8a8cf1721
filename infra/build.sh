#!/usr/bin/env bash
# Builds what infra/template.yaml deploys and prints the sizes:
#   target/lambda/<function>/bootstrap.zip   one zip per function of the template (the same
#                                            rsstreaming-lambda binary as `bootstrap`; the
#                                            function's RSSTREAMING_FUNCTION picks its route)
#   target/lambda/<arch>/bootstrap           the binary per architecture built
#   target/container/rsstreaming             the gateway binary, stripped (infra/cold-start.sh runs it;
#                                            infra/container/Dockerfile builds its own)
#
# usage: infra/build.sh [--arch x86_64|arm64|all] [--deploy-arch x86_64|arm64]
#   --arch         architectures to build (default: every one whose Rust target is installed)
#   --deploy-arch  whose binary goes into the per-function zips (default x86_64; must match
#                  the template's Architecture parameter)
#
# Needs cargo-lambda and ziglang (`pip install cargo-lambda`): the functions are linked by zig
# against an old glibc so they run on Lambda's provided.al2023 whatever this machine's glibc is.
set -euo pipefail
cd "$(dirname "$0")/.."

archs=""
deploy_arch=x86_64
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) archs="$2"; shift 2 ;;
    --deploy-arch) deploy_arch="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "build: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

triple() { case "$1" in x86_64) echo x86_64-unknown-linux-gnu ;; arm64) echo aarch64-unknown-linux-gnu ;; *) return 1 ;; esac; }
installed=$(rustup target list --installed 2>/dev/null || echo x86_64-unknown-linux-gnu)
if [ -z "$archs" ] || [ "$archs" = all ]; then
  archs=""
  for a in x86_64 arm64; do
    if grep -qx "$(triple "$a")" <<<"$installed"; then archs="$archs $a"
    else echo "build: skipping $a: Rust target $(triple "$a") is not installed (rustup target add $(triple "$a"))" >&2
    fi
  done
fi
if ! cargo lambda --version >/dev/null 2>&1; then
  echo "build: cargo-lambda is missing: pip install cargo-lambda" >&2; exit 1
fi

functions=$(grep -o 'target/lambda/[A-Za-z0-9_-]*/bootstrap.zip' infra/template.yaml | cut -d/ -f3)
[ -n "$functions" ] || { echo "build: no functions found in infra/template.yaml" >&2; exit 1; }

for arch in $archs; do
  t=$(triple "$arch") || { echo "build: unknown architecture $arch" >&2; exit 2; }
  echo "==> rsstreaming-lambda for $arch ($t)"
  cargo lambda build --release --quiet -p rsstreaming-infra --bin rsstreaming-lambda --target "$t" \
    --lambda-dir "target/lambda/.build-$arch"
  mkdir -p "target/lambda/$arch"
  cp "target/lambda/.build-$arch/rsstreaming-lambda/bootstrap" "target/lambda/$arch/bootstrap"
done

bin="target/lambda/$deploy_arch/bootstrap"
[ -f "$bin" ] || { echo "build: $bin was not built (use --arch $deploy_arch)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$bin" "$stage/bootstrap"
chmod 755 "$stage/bootstrap"
(cd "$stage" && zip -q -9 -X bootstrap.zip bootstrap)
for f in $functions; do
  mkdir -p "target/lambda/$f"
  cp "$stage/bootstrap.zip" "target/lambda/$f/bootstrap.zip"
done

echo "==> rsstreaming (gateway container binary)"
cargo build --release --quiet -p rsstreaming --bin rsstreaming
mkdir -p target/container
cp target/release/rsstreaming target/container/rsstreaming
if command -v strip >/dev/null 2>&1; then strip target/container/rsstreaming; fi

echo
echo "artifacts:"
for arch in $archs; do
  printf '  %-44s %8s KiB\n' "target/lambda/$arch/bootstrap" "$(( $(stat -c %s "target/lambda/$arch/bootstrap") / 1024 ))"
done
printf '  %-44s %8s KiB  (x%s functions, %s)\n' "target/lambda/<function>/bootstrap.zip" \
  "$(( $(stat -c %s "$stage/bootstrap.zip") / 1024 ))" "$(wc -w <<<"$functions")" "$deploy_arch"
printf '  %-44s %8s KiB\n' "target/container/rsstreaming" "$(( $(stat -c %s target/container/rsstreaming) / 1024 ))"
