#!/usr/bin/env bash
# The chat fan-out beside the floor, in the same run: ../shared/bench's `floor` and a release
# `rsstreaming serve` (SQLite, in-process state), each measured by `chatbench` with the same
# load, alternately ROUNDS times, so the ratio rsstreaming / floor is read off one run
# (absolute times on these machines swing by 3x between days).
#
#   BENCH_DIR=/path/to/built/bench tests/bench/fanout.sh [CLIENTS SENDERS RATE SECONDS]
#                                                       (default 1000 150 300 10)
#
# BINS="before=/tmp/old after=target/release/rsstreaming" measures several builds in the same
# run (each its own server and site); the default is target/release/rsstreaming alone.
# BENCH_DIR holds a release build of ../shared/bench (`cargo build --release` in a copy: the
# shared folder is read-only). FILTERS=N adds N word filters to the room first (the per-line
# check on the chat line's path), when the binary has `streamer filter`. Prints one JSON line
# per measurement, each tagged with its target.
set -euo pipefail
cd "$(dirname "$0")/../.."
clients=${1:-1000} senders=${2:-150} rate=${3:-300} seconds=${4:-10}
rounds=${ROUNDS:-2}
bench=${BENCH_DIR:?BENCH_DIR: a release build of ../shared/bench}
read -r -a bins <<<"${BINS:-rsstreaming=$PWD/target/release/rsstreaming}"

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ulimit -n 20000 2>/dev/null || true

floor_port=$(free_port)
"$bench/target/release/floor" "$floor_port" >/dev/null 2>&1 & pids+=($!)
names=() ports=()
for entry in "${bins[@]}"; do # one site and server per build
  name=${entry%%=*} bin=${entry#*=}
  [ -x "$bin" ] || { echo "no binary at $bin (cargo build --release -p rsstreaming)"; exit 1; }
  site=$work/$name && mkdir -p "$site/hls"
  printf 'database:\n  url: "sqlite://%s/bench.db"\nsecret_key: bench\nhls_dir: "%s/hls"\n' "$site" "$site" \
    > "$site/config.yaml"
  cfg=(--config "$site/config.yaml")
  "$bin" "${cfg[@]}" streamer add --username test --key bench-secret-key-0123 >/dev/null
  if [ "${FILTERS:-0}" -gt 0 ] && "$bin" "${cfg[@]}" streamer filter --help >/dev/null 2>&1; then
    for i in $(seq 1 "$FILTERS"); do
      "$bin" "${cfg[@]}" streamer filter add --username test "blockedword$i" >/dev/null
    done
  fi
  port=$(free_port)
  RUST_LOG=warn "$bin" "${cfg[@]}" serve --host 127.0.0.1 --port "$port" 2>"$site/serve.log" & pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  names+=("$name") ports+=("$port")
done

run() { # TARGET PORT ROUND
  local out
  out=$("$bench/target/release/chatbench" --url "http://127.0.0.1:$2" --room test --prefix "r$3x" \
        --clients "$clients" --senders "$senders" --rate "$rate" --duration "$seconds" --settle 2 \
        --json "$work/out.json" 2>/dev/null >/dev/null; cat "$work/out.json")
  printf '{"target":"%s","round":%s,"result":%s}\n' "$1" "$3" "$out" | tee -a "$work/all.jsonl"
}
for r in $(seq 1 "$rounds"); do
  run floor "$floor_port" "$r"
  for i in "${!names[@]}"; do run "${names[$i]}" "${ports[$i]}" "$r"; done
done

# A Markdown row per measurement: its figures and their ratio to the floor of the same round.
python3 - "$work/all.jsonl" >&2 <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
floor = {r["round"]: r["result"] for r in rows if r["target"] == "floor"}
print("| round | target | delivered | logins/s | p50 ms | p99 ms | p50 / floor | p99 / floor |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    x, f = r["result"], floor[r["round"]]
    print(f"| {r['round']} | {r['target']} | {x['received']:,}/{x['expected']:,} | {x['logins_per_s']:.0f} "
          f"| {x['lat_ms_p50']:.1f} | {x['lat_ms_p99']:.1f} | {x['lat_ms_p50'] / f['lat_ms_p50']:.2f} "
          f"| {x['lat_ms_p99'] / f['lat_ms_p99']:.2f} |")
PY
