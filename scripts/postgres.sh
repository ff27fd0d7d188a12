#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 and write the URL
# that the tests use to .ci/postgres.env. Installs Debian's postgresql
# package when no server is installed. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGCONNECT_TIMEOUT=3

ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
if ! ready; then
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  echo "starting PostgreSQL $ver"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 60); do ready && break; sleep 0.5; done
fi
ready || { echo "PostgreSQL did not start"; exit 1; }

url="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
if ! psql "$url" -Atqc 'select 1' >/dev/null 2>&1; then
  # A stock Debian install asks for a password over TCP: give the postgres
  # role one, through the local socket as the postgres OS user.
  pw=soberana-ci
  runuser -u postgres -- psql -qc "ALTER ROLE postgres PASSWORD '$pw'" >/dev/null
  url="postgres://postgres:$pw@127.0.0.1:5432/postgres?sslmode=disable"
  psql "$url" -Atqc 'select 1' >/dev/null
fi
echo "SOBERANA_TEST_POSTGRES_URL='$url'" > .ci/postgres.env
echo "PostgreSQL ready: $(psql "$url" -Atqc 'show server_version')"
