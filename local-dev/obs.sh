#!/usr/bin/env bash
# Publishes a synthetic stream (test pattern with a running clock + a 440 Hz tone) to nginx-rtmp
# the way OBS does: H.264 + AAC in FLV over RTMP, with the stream key as the stream name.
#
#   local-dev/obs.sh KEY [SECONDS]
#
# SECONDS: stop after that long (default: run until Ctrl-C).
# Environment: RTMP_PORT (default 1935), RTMP_HOST (127.0.0.1), RTMP_APP (live),
#              VIDEO_SIZE (1280x720), FPS (30).
# Exit status: ffmpeg's, so a refused key (on_publish said no) exits non-zero at once.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
key=$1
seconds=${2:-}
if [ -n "$seconds" ] && ! [[ $seconds =~ ^[0-9]+$ ]]; then
  echo "obs.sh: SECONDS must be a whole number, not '$seconds'" >&2
  exit 2
fi
command -v ffmpeg >/dev/null || { echo "obs.sh: ffmpeg is not installed (apt install ffmpeg)" >&2; exit 1; }

url="rtmp://${RTMP_HOST:-127.0.0.1}:${RTMP_PORT:-1935}/${RTMP_APP:-live}/$key"
duration=()
if [ -n "$seconds" ]; then duration=(-t "$seconds"); fi

# -re: send in real time, like a live encoder. -g = one keyframe per second, so nginx-rtmp can
# cut 1 s HLS fragments. The key is never printed.
exec ffmpeg -hide_banner -loglevel "${FFMPEG_LOGLEVEL:-error}" -nostdin \
  -re -f lavfi -i "testsrc2=size=${VIDEO_SIZE:-1280x720}:rate=${FPS:-30}" \
  -re -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  "${duration[@]}" \
  -c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p -g "${FPS:-30}" \
  -c:a aac -b:a 128k -ar 44100 \
  -f flv "$url"
