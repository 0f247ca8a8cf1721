#!/usr/bin/env bash
# Measures a function's cold and warm starts under cargo-lambda's Lambda runtime emulator:
# each round starts a fresh `bootstrap` process (as Lambda does for a new instance) and times
# the first request from the moment the process is spawned to the full response (process start,
# MariaDB + Redis connections, first event), then one warm request on the same instance.
#
# usage: infra/cold-start.sh [ROUNDS] [FUNCTION]      (defaults: 20 stream_info)
# needs: infra/build.sh run first (target/lambda/x86_64/bootstrap, target/container/rsstreaming),
#        cargo-lambda, curl, MariaDB on 127.0.0.1:3306 (root, no password), Redis on 6379.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
function=${2:-stream_info}
bootstrap=target/lambda/x86_64/bootstrap
cli=target/container/rsstreaming
for f in "$bootstrap" "$cli"; do
  [ -x "$f" ] || { echo "cold-start: $f missing; run infra/build.sh first" >&2; exit 1; }
done

work=$(mktemp -d)
db="rs_cold_$RANDOM$RANDOM"
emulator=""
cleanup() {
  [ -n "$emulator" ] && kill "$emulator" 2>/dev/null || true
  mariadb -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mariadb -h 127.0.0.1 -uroot -e "CREATE DATABASE $db CHARACTER SET utf8mb4"
url="mysql://root@127.0.0.1:3306/$db"
printf 'database:\n  url: "%s"\n' "$url" > "$work/config.yaml"
"$cli" --config "$work/config.yaml" database create >/dev/null
"$cli" --config "$work/config.yaml" streamer add --username bob --key "cold-$RANDOM-key" >/dev/null

mkdir -p "$work/emu/src"
printf '[package]\nname = "f"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n[[bin]]\nname = "%s"\npath = "src/main.rs"\n' \
  "$function" > "$work/emu/Cargo.toml"
echo 'fn main() {}' > "$work/emu/src/main.rs"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/emu" && exec cargo lambda watch --only-lambda-apis --ignore-changes --disable-cors \
  --invoke-address 127.0.0.1 --invoke-port "$port" >"$work/emulator.log" 2>&1) &
emulator=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

path=/bob/info
case "$function" in
  healthz) path=/healthz ;;
  index) path=/ ;;
esac
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cold=() warm=() init=()
for i in $(seq 1 "$rounds"); do
  log="$work/fn-$i.log"
  start=$(now_ms)
  AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt/$function" AWS_LAMBDA_FUNCTION_NAME="$function" \
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 AWS_LAMBDA_FUNCTION_VERSION=1 \
  RSSTREAMING_FUNCTION="$function" RSSTREAMING_DATABASE_URL="$url" \
  RSSTREAMING_REDIS_URL=redis://127.0.0.1:6379 RSSTREAMING_REDIS_PREFIX="cold$i" \
    "$bootstrap" 2>"$log" &
  pid=$!
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/lambda-url/$function$path")
  cold+=($(( $(now_ms) - start )))
  [ "$code" = 200 ] || { echo "cold-start: got $code; function log:" >&2; cat "$log" >&2; exit 1; }
  start=$(now_ms)
  curl -s -o /dev/null "http://127.0.0.1:$port/lambda-url/$function$path"
  warm+=($(( $(now_ms) - start )))
  init+=("$(grep -o 'init_ms=[0-9.]*' "$log" | cut -d= -f2 | cut -d. -f1)")
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

stats() { sort -n | awk '{a[NR]=$1} END {printf "p50 %d ms, p90 %d ms, min %d ms, max %d ms", a[int((NR+1)/2)], a[int(NR*0.9+0.5)], a[1], a[NR]}'; }
echo "function $function, $rounds rounds, $(stat -c %s "$bootstrap") byte bootstrap"
echo "  cold (spawn to first response): $(printf '%s\n' "${cold[@]}" | stats)"
echo "  of which init (connections):   $(printf '%s\n' "${init[@]}" | stats)"
echo "  warm (second request):          $(printf '%s\n' "${warm[@]}" | stats)"
