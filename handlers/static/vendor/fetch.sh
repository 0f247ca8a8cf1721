#!/usr/bin/env bash
# Re-fetches the third-party browser libraries from the npm registry at the exact versions pinned
# in package.json / package-lock.json, and copies only what the pages load (plus each licence)
# into this folder. The results are committed, so building rsstreaming never needs Node.
#
#   handlers/static/vendor/fetch.sh        (needs node + npm; run after changing package.json)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
modules="$work/node_modules"
version() { node -p "require('$modules/$1/package.json').version"; }

# hls.js: the "light" UMD build (no subtitles/alt-audio/DRM, which a live stream here never
# uses); it spawns its transmuxing worker from itself. The source-map comment is dropped because
# the map is not shipped.
rm -rf "$here/hls.js" && mkdir -p "$here/hls.js"
sed '/^\/\/# sourceMappingURL=/d' "$modules/hls.js/dist/hls.light.min.js" > "$here/hls.js/hls.light.min.js"
cp "$modules/hls.js/LICENSE" "$here/hls.js/LICENSE"
echo "hls.js $(version hls.js)" > "$here/hls.js/VERSION"

# gemoji: emoji names/tags/categories as a compact JSON data file.
rm -rf "$here/gemoji" && mkdir -p "$here/gemoji"
node "$here/gemoji-data.mjs" "$modules/gemoji/index.js" "$(version gemoji)" > "$here/gemoji/gemoji.json"
cp "$modules/gemoji/license" "$here/gemoji/LICENSE"
echo "gemoji $(version gemoji)" > "$here/gemoji/VERSION"

# uPlot: the minified IIFE build (it defines the global `uPlot`) and its stylesheet, for the
# dashboard's viewer charts. No source map is shipped, so its comment (if any) is dropped.
rm -rf "$here/uplot" && mkdir -p "$here/uplot"
sed '/^\/\/# sourceMappingURL=/d' "$modules/uplot/dist/uPlot.iife.min.js" > "$here/uplot/uPlot.iife.min.js"
cp "$modules/uplot/dist/uPlot.min.css" "$here/uplot/uPlot.min.css"
cp "$modules/uplot/LICENSE" "$here/uplot/LICENSE"
echo "uplot $(version uplot)" > "$here/uplot/VERSION"

echo "vendored: $(cat "$here"/*/VERSION | paste -sd, -)"
