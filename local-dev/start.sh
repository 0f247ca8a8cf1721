#!/usr/bin/env bash
# Starts the whole stack on this machine, in the foreground, with every file under RUN_DIR:
# `rsstreaming serve` behind nginx (site proxy + nginx-rtmp). Ctrl-C stops everything.
#
#   local-dev/start.sh [single|redirect|multi]
#
#   single    the Python system's one-application RTMP config, publish.mode rename
#   redirect  two applications, on_publish answers 302 <streamer>: no file name holds the key
#             (the default)
#   multi     like redirect, plus ffmpeg transcoding into qualities Original, 720P, 480P
#
# Environment: RTMP_PORT (1935), HTTP_PORT (8080), APP_PORT (5678), RUN_DIR (local-dev/run),
# STREAMER (demo), RSSTREAMING (a built binary; default: `cargo build` and target/debug).
# Then, in another terminal:  local-dev/obs.sh <the key printed below>
set -euo pipefail

layout=${1:-redirect}
case $layout in
  single) mode=rename qualities="" ;;
  redirect) mode=redirect qualities="" ;;
  multi) mode=redirect qualities="[Original, 720P, 480P]" ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rtmp_port=${RTMP_PORT:-1935} http_port=${HTTP_PORT:-8080} app_port=${APP_PORT:-5678}
run=${RUN_DIR:-$here/run}
streamer=${STREAMER:-demo}

for tool in nginx ffmpeg; do
  command -v "$tool" >/dev/null || {
    echo "start.sh: $tool is missing: apt install nginx libnginx-mod-rtmp ffmpeg" >&2; exit 1; }
done
[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || {
  echo "start.sh: the RTMP module is missing: apt install libnginx-mod-rtmp" >&2; exit 1; }

if [ -n "${RSSTREAMING:-}" ]; then
  bin=$RSSTREAMING
else
  (cd "$repo" && cargo build --quiet -p rsstreaming)
  bin=$(cd "$repo" && cargo metadata --format-version 1 --no-deps \
        | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug/rsstreaming
fi

mkdir -p "$run/hls"
run=$(cd "$run" && pwd)
config=$run/config.yaml
cat > "$config" <<YAML
# Written by local-dev/start.sh ($layout layout); edits are overwritten on the next start.
database:
  url: sqlite://$run/rsstreaming.db
hls_dir: $run/hls
live_indicator_delay: 5
publish:
  mode: $mode
hls:
  accel_redirect: /internal-hls/
recordings:
  dir: $run/recordings
  keep_days: 7
  accel_redirect: /internal-recordings/
${qualities:+video_qualities: $qualities}
YAML

# A stable key for the demo streamer, kept (owner-readable only) across restarts.
key_file=$run/$streamer.key
if [ ! -s "$key_file" ]; then
  (umask 077; head -c 24 /dev/urandom | base64 | tr '+/' '-_' > "$key_file")
fi
key=$(cat "$key_file")
rss() { "$bin" --config "$config" "$@"; }
rss streamer add --username "$streamer" --key "$key" >/dev/null 2>&1 \
  || rss streamer key --username "$streamer" --key "$key" >/dev/null

"$here/nginx-config.sh" "$run/nginx" "$layout" "$rtmp_port" "$http_port" "$app_port" "$run/hls" \
  "$run/recordings"

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

rss serve --host 127.0.0.1 --port "$app_port" --nginx-proxy 1 &
pids+=($!)
nginx -p "$run/nginx" -c "$run/nginx/nginx.conf" -e "$run/nginx/logs/error.log" &
pids+=($!)

for _ in $(seq 1 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then break; fi
  sleep 0.2
done

cat <<TEXT

  rsstreaming is running ($layout layout, publish.mode $mode).
    site      http://127.0.0.1:$http_port/$streamer/   (through nginx; rsstreaming itself on :$app_port)
    OBS       server rtmp://127.0.0.1:$rtmp_port/live   stream key in $key_file
    test      RTMP_PORT=$rtmp_port $here/obs.sh "\$(cat $key_file)"
    logs      $run/nginx/logs/   (nginx)   and this terminal (rsstreaming)
  Ctrl-C stops everything.

TEXT
wait -n "${pids[@]}"
