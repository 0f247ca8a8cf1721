#!/usr/bin/env bash
# Packaging check (called by .ci/run; needs root, cargo-deb, hadolint and systemd-analyze):
#   1. lints the container build (hadolint) and the service unit's hardening (systemd-analyze);
#   2. builds the package (packaging/deb.sh: the release binary, its completions and man page,
#      `cargo deb`), and `cargo install --path dispatcher` from the same build;
#   3. installs the .deb with dpkg, starts the unit's own ExecStart line as the unit's user (no
#      systemd runs here) and asks /healthz and the front page;
#   4. purges the package and checks it left nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'packaging: %s\n' "$*"; }
fail() { printf 'packaging: FAILED: %s\n' "$*" >&2; exit 1; }
target="${CARGO_TARGET_DIR:-$PWD/target}"
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. lints ----------------------------------------------------------------------------------
hadolint --failure-threshold info infra/container/Dockerfile
say "infra/container/Dockerfile: hadolint clean"
unit=packaging/debian/rsstreaming.service
# Exposure 0-10 as systemd scores it (the threshold is in tenths): a web service that must reach
# the network cannot go much below 1; 1.5 keeps every sandboxing line in the unit honest.
systemd-analyze security --offline=yes --threshold=15 "$unit" >"$work/security.txt" 2>&1 \
  || { cat "$work/security.txt"; fail "the unit's exposure is above 1.5"; }
say "$unit: $(grep -o 'Overall exposure level.*' "$work/security.txt")"

# --- 2. build, cargo install, cargo deb ----------------------------------------------------------
bash packaging/deb.sh --output "$work/"
cargo install --quiet --locked --offline --path dispatcher --bin rsstreaming \
  --target-dir "$target" --root "$work/cargo-root"
"$work/cargo-root/bin/rsstreaming" --version >/dev/null || fail "cargo install's binary does not run"
say "cargo install --path dispatcher: $("$work/cargo-root/bin/rsstreaming" --version)"
if nm "$target/release/rsstreaming" 2>&1 | grep -qv 'no symbols'; then
  fail "the release binary still has symbols (profile.release.strip)"
fi
deb=$(ls "$work"/rsstreaming_*.deb)
say "built $(basename "$deb") ($(( $(stat -c %s "$deb") / 1024 )) KiB)"
dpkg-deb -c "$deb" >"$work/contents.txt"
for f in usr/bin/rsstreaming etc/rsstreaming/config.yaml lib/systemd/system/rsstreaming.service \
         usr/share/doc/rsstreaming/examples/nginx/site.conf \
         usr/share/doc/rsstreaming/examples/nginx/rtmp-single.conf \
         usr/share/man/man1/rsstreaming.1.gz usr/share/bash-completion/completions/rsstreaming \
         usr/share/zsh/vendor-completions/_rsstreaming \
         usr/share/fish/vendor_completions.d/rsstreaming.fish; do
  grep -Eq " (\./)?$f\$" "$work/contents.txt" || fail "$f is missing from the package"
done
dpkg-deb -f "$deb" Depends | grep -q adduser || fail "Depends lacks adduser"

# --- 3. install and start ------------------------------------------------------------------------
dpkg -i "$deb" >/dev/null
[ "$(stat -c '%U:%G %a' /etc/rsstreaming/config.yaml)" = "root:rsstreaming 640" ] \
  || fail "/etc/rsstreaming/config.yaml should be root:rsstreaming 0640"
[ "$(stat -c '%U' /var/lib/rsstreaming)" = rsstreaming ] || fail "/var/lib/rsstreaming is not the service user's"
[ -d /var/lib/rsstreaming/hls ] || fail "the HLS folder was not created"
installed=/lib/systemd/system/rsstreaming.service
# Units it names in After= (mariadb, redis) need not be installed; anything else is a problem.
systemd-analyze verify "$installed" >"$work/verify.txt" 2>&1 || true
if grep -v "not found\|No such file" "$work/verify.txt" | grep -q .; then
  cat "$work/verify.txt"; fail "systemd-analyze verify found problems in $installed"
fi
exec_start=$(sed -n 's/^ExecStart=//p' "$installed")
user=$(sed -n 's/^User=//p' "$installed")
workdir=$(sed -n 's/^WorkingDirectory=//p' "$installed")
[ -n "$exec_start" ] && [ -n "$user" ] || fail "no ExecStart/User in $installed"
port=$(grep -o -- '--port [0-9]*' <<<"$exec_start" | awk '{print $2}')
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  # Someone on this machine already serves there; the same line on a free port proves as much.
  free=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  say "port $port is taken here; starting the unit's command on $free instead"
  exec_start=${exec_start/--port $port/--port $free}
  port=$free
fi
say "starting as $user in $workdir: $exec_start"
# shellcheck disable=SC2086 # the unit's command line is split on blanks, as systemd does
(cd "$workdir" && umask 0027 && exec runuser -u "$user" -- $exec_start) >"$work/serve.log" 2>&1 &
server=$!
ok=""
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >"$work/healthz.txt" 2>/dev/null; then ok=1; break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
[ -n "$ok" ] || { cat "$work/serve.log"; fail "/healthz did not answer"; }
curl -fsS -o /dev/null "http://127.0.0.1:$port/" || { cat "$work/serve.log"; fail "the front page failed"; }
curl -fsS "http://127.0.0.1:$port/readyz" >"$work/readyz.txt" || { cat "$work/serve.log"; fail "/readyz is not ready"; }
[ "$(stat -c '%U' /var/lib/rsstreaming/rsstreaming.db)" = "$user" ] \
  || fail "the database is not owned by the service user"
say "the installed unit's command serves: /healthz → $(tr -d '\n' <"$work/healthz.txt"), /readyz → $(cat "$work/readyz.txt"), / → 200"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

# --- 4. purge ----------------------------------------------------------------------------------
dpkg --purge rsstreaming >/dev/null
for p in /usr/bin/rsstreaming /etc/rsstreaming /var/lib/rsstreaming "$installed"; do
  [ ! -e "$p" ] || fail "$p is left after purge"
done
! getent passwd rsstreaming >/dev/null || fail "the rsstreaming user is left after purge"
say "installed, started, answered, purged"
