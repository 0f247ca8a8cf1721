#!/usr/bin/env bash
# The workspace's `rust-version` must be the true minimum: at least the highest `rust-version`
# any locked dependency declares (for the Linux targets we ship), or a user of that Rust gets a
# build error deep in a dependency instead of cargo's clear "requires rustc X" message. Our own
# code is held to it by clippy's `incompatible_msrv` lint (std APIs newer than rust-version fail
# `cargo clippy -D warnings`). Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
for platform in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu; do
  cargo metadata --format-version 1 --locked --filter-platform "$platform"
done | python3 -c '
import json, sys
ver = lambda v: tuple(int(x) for x in (v.split(".") + ["0", "0"])[:3])
need, by, ours, lacking = (0,), [], set(), set()
for line in sys.stdin:
    meta = json.loads(line)
    resolved = {n["id"] for n in meta["resolve"]["nodes"]}
    members = set(meta["workspace_members"])
    for p in meta["packages"]:
        rv = p.get("rust_version")
        if p["id"] in members:
            if rv:
                ours.add(rv)
            else:
                lacking.add(p["name"])
        elif p["id"] in resolved and rv:
            if ver(rv) > need:
                need, by = ver(rv), []
            if ver(rv) == need:
                by.append(p["name"] + " " + p["version"])
if lacking:
    sys.exit("msrv: add `rust-version.workspace = true` to " + ", ".join(sorted(lacking)))
if len(ours) != 1:
    sys.exit("msrv: the workspace packages disagree on rust-version: " + ", ".join(sorted(ours)))
ours = ours.pop()
shown = ".".join(map(str, need[:2] if need[2:] == (0,) else need))
by = sorted(set(by))
names = ", ".join(by)
if ver(ours) < need:
    sys.exit(f"msrv: rust-version is {ours} but {len(by)} locked crates need {shown}: {names}")
print(f"msrv: rust-version {ours} covers every locked dependency (highest: {shown}, {len(by)} crates: {names})")
'
