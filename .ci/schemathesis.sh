#!/usr/bin/env bash
# Contract fuzzing of the remote-control API: schemathesis (pip) generates requests for every
# operation of GET /api/openapi.json — valid ones, invalid ones, wrong and missing credentials,
# undeclared methods — against a live `rsstreaming serve`, and checks every answer: no 5xx, the
# status, headers, content type and body exactly as the document says (`--checks all`).
# Called by .ci/run after `cargo test` (it runs the debug binary that built). Bounded: a fixed
# seed and at most 100 examples per operation, about ten seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/rsstreaming"
[ -x "$bin" ] || { echo "schemathesis: $bin is not built (cargo build -p rsstreaming)" >&2; exit 1; }
command -v st >/dev/null || { echo "schemathesis: st is missing: pip install schemathesis" >&2; exit 1; }
work=$(mktemp -d)
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/hls"
cat >"$work/config.yaml" <<YAML
database:
  url: sqlite://$work/st.db
hls_dir: $work/hls
secret_key: schemathesis
YAML
key="fuzz-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$bin" --config "$work/config.yaml" streamer add --username fuzzer --key "$key" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Behind one trusted proxy hop, so each run comes from its own X-Forwarded-For address: the
# wrong credentials of one run spend that address's guess budget (shared by keys and tokens),
# not the next run's.
"$bin" --config "$work/config.yaml" serve --host 127.0.0.1 --port "$port" --nginx-proxy 1 \
  >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.1
done

run() {
  local what="$1"; shift
  echo "schemathesis: every operation, $what"
  # From the temporary folder: schemathesis keeps a cache (.schemathesis/) where it runs.
  (cd "$work" && st run "http://127.0.0.1:$port/api/openapi.json" --checks all \
    --phases examples,coverage,fuzzing --max-examples 100 --request-timeout 10 \
    --seed 20261201 --no-color "$@") || { tail -50 "$work/serve.log"; return 1; }
}
run "Basic auth (username:stream key)" --auth "fuzzer:$key" --header "X-Forwarded-For: 192.0.2.1"
if grep -q '"bearer"' <(curl -fsS "http://127.0.0.1:$port/api/openapi.json"); then
  token=$("$bin" --config "$work/config.yaml" streamer token add --username fuzzer \
    --scope read,chat,settings,moderate | tail -1 | awk "{print \$NF}")
  run "Bearer token (all scopes)" --header "Authorization: Bearer $token" \
    --header "X-Forwarded-For: 192.0.2.2"
fi
