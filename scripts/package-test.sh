#!/usr/bin/env bash
# Build the .deb, install it with dpkg -i on this machine, run the unit's
# ExecStart as the unit would (its User=, WorkingDirectory=,
# EnvironmentFile= and NoNewPrivileges=, with the packaged config and an
# environment file that picks a loopback port and a bootstrap token),
# check /readyz, an authenticated API call, `soberana version` and a
# backup in the packaged layout, stop it with SIGTERM, then purge the
# package. Needs root (dpkg). systemd is not PID 1 on CI machines, so the
# unit is checked with systemd-analyze verify and its command run directly.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
say() { printf '[package-test +%ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

if dpkg -s soberana >/dev/null 2>&1; then
  echo "a soberana package is already installed on this machine; refusing to touch it" >&2
  exit 1
fi
state_existed=0; [ -e /var/lib/soberana ] && state_existed=1
etc_existed=0; [ -e /etc/soberana ] && etc_existed=1
user_existed=0; getent passwd soberana >/dev/null && user_existed=1
if [ "$state_existed" = 1 ] && [ -e /var/lib/soberana/soberana.db ]; then
  echo "/var/lib/soberana/soberana.db exists (someone's data); refusing to run" >&2
  exit 1
fi

say "build"
deb=$(bash scripts/package-deb.sh | tail -1)
dpkg-deb --info "$deb" | sed -n '/Package/,/Description/p'
dpkg-deb --contents "$deb"

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  set +e
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  $SUDO dpkg --purge soberana >/dev/null 2>&1
  [ "$state_existed" = 0 ] && $SUDO rm -rf /var/lib/soberana
  [ "$etc_existed" = 0 ] && $SUDO rm -rf /etc/soberana   # purge keeps the audit keys
  if [ "$user_existed" = 0 ] && getent passwd soberana >/dev/null; then
    $SUDO deluser --system soberana >/dev/null 2>&1; $SUDO delgroup --system soberana >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

say "dpkg -i $deb"
$SUDO dpkg -i "$deb"
unit=/lib/systemd/system/soberana.service
test -x /usr/bin/soberana && test -f "$unit" && test -f /etc/soberana/soberana.yaml
getent passwd soberana >/dev/null || { echo "postinst made no soberana user" >&2; exit 1; }
[ "$(stat -c '%U %a' /var/lib/soberana)" = "soberana 700" ] || { echo "bad state directory: $(stat -c '%U %a' /var/lib/soberana)" >&2; exit 1; }
[ "$(stat -c '%G %a' /etc/soberana/soberana.yaml)" = "soberana 640" ] || { echo "bad config file mode" >&2; exit 1; }
# The unit parses and names real binaries, users and directories (other
# units' complaints on this machine are not ours).
systemd-analyze verify "$unit" 2>&1 | { grep soberana || true; } | tee "$tmp/verify"
if grep -q . "$tmp/verify"; then echo "systemd-analyze verify complained" >&2; exit 1; fi
for want in 'ProtectSystem=strict' 'NoNewPrivileges=true' 'StateDirectory=soberana' 'User=soberana'; do
  grep -qx "$want" "$unit" || { echo "$unit lacks $want" >&2; exit 1; }
done

unit_value() { sed -n "s/^$1=//p" "$unit" | head -1; }
exec_start=$(unit_value ExecStart)
run_user=$(unit_value User)
work_dir=$(unit_value WorkingDirectory)
env_file=$(unit_value EnvironmentFile); env_file=${env_file#-}
say "unit: User=$run_user WorkingDirectory=$work_dir ExecStart=$exec_start"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=$(/usr/bin/soberana token generate)
# Appended: the postinst may have written settings there already.
[ -e "$env_file" ] || $SUDO install -m 0640 -o root -g soberana /dev/null "$env_file"
printf 'SOBERANA_ADDR=127.0.0.1:%s\nSOBERANA_BOOTSTRAP_TOKEN=%s\n' "$port" "$token" | $SUDO tee -a "$env_file" >/dev/null

say "start: $exec_start (as $run_user, in $work_dir, environment from $env_file)"
# shellcheck disable=SC2086 # ExecStart is split into words as systemd does for this simple line
$SUDO setpriv --reuid="$run_user" --regid="$run_user" --init-groups --no-new-privs \
  env -i PATH=/usr/bin:/bin HOME="$work_dir" $(cat "$env_file") \
  sh -c "cd '$work_dir' && exec $exec_start" >"$tmp/server.log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$port"
deadline=$(( $(date +%s) + 60 ))
until curl -fsS "$base/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$tmp/server.log"; echo "the service exited" >&2; exit 1; fi
  if [ "$(date +%s)" -gt "$deadline" ]; then cat "$tmp/server.log"; echo "/readyz not ready in 60s" >&2; exit 1; fi
  sleep 0.2
done
say "/readyz: $(curl -fsS "$base/readyz")"
curl -fsS -H "Authorization: Bearer $token" "$base/v1/sites" >/dev/null
say "authenticated API call with the bootstrap token: ok"
ver=$(/usr/bin/soberana version)
say "$ver"
case "$ver" in *"commit $(git rev-parse HEAD | cut -c1-12)"*) ;; *) echo "version does not name this commit" >&2; exit 1;; esac
$SUDO setpriv --reuid="$run_user" --regid="$run_user" --init-groups --no-new-privs \
  /usr/bin/soberana backup create --config /etc/soberana/soberana.yaml --out "$work_dir/package-test.backup"
rm -f "$work_dir/package-test.backup"

say "stop (SIGTERM, as systemd does)"
kill -TERM "$server_pid"
if ! wait "$server_pid"; then cat "$tmp/server.log"; echo "the service did not stop cleanly" >&2; exit 1; fi
server_pid=""
[ "$(stat -c %U /var/lib/soberana/soberana.db)" = "$run_user" ] || { echo "the database is not owned by $run_user" >&2; exit 1; }

say "dpkg --purge soberana"
$SUDO dpkg --purge soberana
if [ -e /usr/bin/soberana ] || [ -e "$unit" ] || [ -e /etc/soberana/soberana.yaml ]; then echo "purge left files behind" >&2; exit 1; fi
say "ok"
