#!/usr/bin/env bash
# HAProxy in front of several `soberana serve` replicas on one PostgreSQL
# database: installs HAProxy from Debian if absent, makes a fresh database,
# builds soberana and runs `soberana bench ha` (JSON on stdout). The bench
# starts the replicas and HAProxy itself and stops them at the end.
#
#   scripts/haproxy-bench.sh [--duration 20s] [--servers 3] [--concurrency 32]
#
# PG_URL is the server's admin URL (default: local trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y haproxy >&2
fi
export PATH="$PATH:/usr/sbin"
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DB="soberana_bench_ha_$$"
psql "$PG_URL" -qc "CREATE DATABASE $DB" >&2
trap 'psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >&2 || true' EXIT
BIN=${SOBERANA_BIN:-$(mktemp -d)/soberana}
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/soberana
HOSTPART=$(printf '%s' "$PG_URL" | sed -E 's#^(postgres(ql)?://[^/?]+).*#\1#')
QUERY=""; case "$PG_URL" in *\?*) QUERY="?${PG_URL#*\?}";; esac
"$BIN" bench ha --database-url "$HOSTPART/$DB$QUERY" "$@"
