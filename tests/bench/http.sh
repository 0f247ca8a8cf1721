#!/usr/bin/env bash
# Benchmark of the HTTP handlers: wrk against a release `rsstreaming serve` on this machine.
#
#   tests/bench/http.sh [sqlite|mysql|both]   (default both)
#
# Needs wrk; MariaDB at 127.0.0.1:3306 (root, no password) for the mysql run. Sets up a site with
# 5 streamers, one of them live (a plain HLS playlist kept fresh by touching it every second),
# then measures /{streamer}/info, /{streamer}/playlist.m3u8 and / with 50 connections for 10 s
# each (`wrk -t2 -c50 -d10s --latency`), then /healthz (one one-row query: the store's floor)
# and a 404 that touches nothing (the dispatcher's floor on this machine). Prints one Markdown
# table row per endpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."

backends=${1:-both}
[ "$backends" = both ] && backends="sqlite mysql"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-50}
mysql_server=${RSSTREAMING_TEST_MYSQL:-mysql://root@127.0.0.1:3306}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cargo build --release -q -p rsstreaming
bin=$PWD/target/release/rsstreaming

work=$(mktemp -d)
server_pid=""
toucher_pid=""
mysql_db=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$toucher_pid" ] && kill "$toucher_pid" 2>/dev/null || true
  [ -n "$mysql_db" ] && mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $mysql_db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_backend() {
  local backend=$1 url
  rm -rf "$work/site" && mkdir -p "$work/site/hls"
  if [ "$backend" = mysql ]; then
    mysql_db="rs_bench_$RANDOM$RANDOM"
    mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE $mysql_db CHARACTER SET utf8mb4"
    url="$mysql_server/$mysql_db"
  else
    url="sqlite://$work/site/bench.db"
  fi
  cat > "$work/site/config.yaml" <<YAML
database:
  url: "$url"
secret_key: bench
hls_dir: "$work/site/hls"
YAML
  local cfg=(--config "$work/site/config.yaml")
  [ "$backend" = mysql ] && "$bin" "${cfg[@]}" database create >/dev/null
  for i in 1 2 3 4; do
    "$bin" "${cfg[@]}" streamer add --username "other$i" --key "other-key-$i" >/dev/null
    "$bin" "${cfg[@]}" streamer description --username "other$i" --description "Streamer number $i" >/dev/null
  done
  "$bin" "${cfg[@]}" streamer add --username bench --key bench-secret-key >/dev/null
  "$bin" "${cfg[@]}" streamer description --username bench --description "Benchmarking all day" >/dev/null
  {
    printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-TARGETDURATION:3\n'
    for n in 10 11 12 13 14 15 16 17 18 19; do
      printf '#EXTINF:3.000,\nbench-secret-key-%d.ts\n' "$n"
      head -c 200000 /dev/zero > "$work/site/hls/bench-secret-key-$n.ts"
    done
  } > "$work/site/hls/bench-secret-key.m3u8"
  # Keep the stream live for the whole run.
  ( while true; do touch "$work/site/hls/bench-secret-key.m3u8"; sleep 1; done ) &
  toucher_pid=$!

  local port
  port=$(free_port)
  "$bin" "${cfg[@]}" serve --host 127.0.0.1 --port "$port" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/bench/info" | grep -q '"live":true' || { echo "stream not live"; cat "$work/serve.log"; exit 1; }

  for path in /bench/info /bench/playlist.m3u8 / /healthz /no/such/page; do
    local out rps p99 errors
    out=$(wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$path")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | paste -sd ';' || true)
    printf '| %s | `%s` | %s | %s | %s |\n' "$backend" "$path" "$rps" "$p99" "${errors:-none}"
  done

  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  kill "$toucher_pid" 2>/dev/null || true; toucher_pid=""
  if [ -n "$mysql_db" ]; then
    mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $mysql_db"; mysql_db=""
  fi
}

echo "| backend | path | requests/s | p99 | errors |"
echo "|---|---|---|---|---|"
for b in $backends; do run_backend "$b"; done
