#!/usr/bin/env bash
# Renders a self-contained nginx configuration into a folder, from local-dev/nginx.conf.in and
# the production configs in infra/nginx/ with ports and paths adjusted:
#
#   local-dev/nginx-config.sh PREFIX LAYOUT RTMP_PORT HTTP_PORT APP_PORT HLS_DIR [RECORDINGS_DIR]
#
# LAYOUT: single (rtmp-single.conf), redirect (rtmp-redirect.conf) or multi (rtmp-multi.conf).
# RECORDINGS_DIR (= `recordings.dir`; default PREFIX/recordings): nginx records into its
# `incoming` folder.
# Writes PREFIX/nginx.conf, PREFIX/rtmp.conf, PREFIX/site.conf and creates PREFIX/logs and
# PREFIX/tmp. Start nginx with:  nginx -p PREFIX -c PREFIX/nginx.conf -e PREFIX/logs/error.log
# Used by local-dev/start.sh and by the end-to-end tests (tests/media), so what runs there is
# exactly what an operator copies from infra/nginx/.
set -euo pipefail

if [ $# -ne 6 ] && [ $# -ne 7 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
prefix=$1 layout=$2 rtmp_port=$3 http_port=$4 app_port=$5 hls_dir=$6 rec_dir=${7:-$1/recordings}
here=$(cd "$(dirname "$0")" && pwd)
infra=$here/../infra/nginx

case $layout in
  single|redirect|multi) rtmp_src=$infra/rtmp-$layout.conf ;;
  *) echo "nginx-config.sh: unknown layout '$layout' (single, redirect or multi)" >&2; exit 2 ;;
esac
for port in "$rtmp_port" "$http_port" "$app_port"; do
  [[ $port =~ ^[0-9]+$ ]] || { echo "nginx-config.sh: '$port' is not a port number" >&2; exit 2; }
done
mkdir -p "$prefix/logs" "$prefix/tmp" "$hls_dir" "$rec_dir/incoming"
prefix=$(cd "$prefix" && pwd)
hls_dir=$(cd "$hls_dir" && pwd)
rec_dir=$(cd "$rec_dir" && pwd)

# Replaces literal text, failing when the source no longer contains it (so a changed
# production config cannot silently stop being what the tests exercise).
substitute() { # file from to
  local file=$1 from=$2 to=$3
  grep -qF -- "$from" "$file" || { echo "nginx-config.sh: '$from' not found in $file" >&2; exit 1; }
  FROM=$from TO=$to perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$file"
}

cp "$rtmp_src" "$prefix/rtmp.conf"
substitute "$prefix/rtmp.conf" "listen 1935;" "listen 127.0.0.1:$rtmp_port;"
substitute "$prefix/rtmp.conf" "http://127.0.0.1:5678/" "http://127.0.0.1:$app_port/"
substitute "$prefix/rtmp.conf" "hls_path /var/lib/rsstreaming/hls;" "hls_path $hls_dir;"
substitute "$prefix/rtmp.conf" "record_path /var/lib/rsstreaming/recordings/incoming;" "record_path $rec_dir/incoming;"
if [ "$layout" != single ]; then
  substitute "$prefix/rtmp.conf" "rtmp://127.0.0.1:1935/" "rtmp://127.0.0.1:$rtmp_port/"
fi

cp "$infra/site.conf" "$prefix/site.conf"
substitute "$prefix/site.conf" "listen 80;" "listen 127.0.0.1:$http_port;"
substitute "$prefix/site.conf" "server 127.0.0.1:5678;" "server 127.0.0.1:$app_port;"
substitute "$prefix/site.conf" "alias /var/lib/rsstreaming/hls/;" "alias $hls_dir/;"
substitute "$prefix/site.conf" "alias /var/lib/rsstreaming/recordings/;" "alias $rec_dir/;"

# Workers of a root master would run as nobody, who cannot write into a private folder.
user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user root root;"; fi
cp "$here/nginx.conf.in" "$prefix/nginx.conf"
substitute "$prefix/nginx.conf" "@USER@" "$user_line"
substitute "$prefix/nginx.conf" "@PREFIX@" "$prefix"
