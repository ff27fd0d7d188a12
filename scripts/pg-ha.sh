#!/usr/bin/env bash
# A PostgreSQL primary and a synchronous streaming standby on this machine,
# for the "losing a data centre" test (soberana bench dbfailover,
# SOBERANA_TEST_PG_HA=1). Two throwaway Debian clusters, never the main
# cluster on 5432:
#   hapri    on 127.0.0.1:5434  the primary ("data centre A")
#   standby  on 127.0.0.1:5433  pg_basebackup -R of it ("data centre B"),
#                               synchronous (synchronous_standby_names)
# soberana names both: postgres://postgres@127.0.0.1:5434,127.0.0.1:5433/
#   soberana?sslmode=disable&target_session_attrs=read-write
#
#   pg-ha.sh start          (re)create both clusters from scratch and start them
#   pg-ha.sh stop           stop and drop both clusters
#   pg-ha.sh promote        lose data centre A: stop the primary at once
#                           (-m immediate, no shutdown checkpoint), then
#                           promote the standby
#   pg-ha.sh status         both clusters and the replication state
#   pg-ha.sh url            print the two-host URL
# Test clusters only: trust authentication on 127.0.0.1. Runs as root
# (pg_ctlcluster --skip-systemctl-redirect) or as postgres.
set -euo pipefail
export PGCONNECT_TIMEOUT=3
VER=${PG_HA_VERSION:-$(ls /etc/postgresql | sort -V | tail -1)}
PRI=hapri PRI_PORT=5434
STB=standby STB_PORT=5433
URL="postgres://postgres@127.0.0.1:$PRI_PORT,127.0.0.1:$STB_PORT/soberana?sslmode=disable&target_session_attrs=read-write"

ctl() { pg_ctlcluster --skip-systemctl-redirect "$VER" "$@"; }
exists() { [ -d "/etc/postgresql/$VER/$1" ]; }
asuser() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
ready() { pg_isready -h 127.0.0.1 -p "$1" -q 2>/dev/null; }
wait_ready() {
  for _ in $(seq 1 120); do ready "$1" && return 0; sleep 0.5; done
  echo "PostgreSQL on port $1 did not start" >&2; return 1
}
drop() { if exists "$1"; then pg_dropcluster --stop "$VER" "$1"; fi; }

conf() { # cluster: test settings in conf.d (Debian's postgresql.conf includes it)
  local d="/etc/postgresql/$VER/$1"
  mkdir -p "$d/conf.d"
  cat > "$d/conf.d/soberana-ha.conf" <<EOF
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_keep_size = '256MB'
shared_buffers = '64MB'
max_connections = 200
EOF
  cat > "$d/pg_hba.conf" <<EOF
local all         all                  trust
host  all         all   127.0.0.1/32   trust
host  replication all   127.0.0.1/32   trust
EOF
  chown -R postgres:postgres "$d" 2>/dev/null || true
}

start() {
  drop "$STB"; drop "$PRI"
  pg_createcluster "$VER" "$PRI" -p "$PRI_PORT" >/dev/null
  conf "$PRI"
  ctl "$PRI" start
  wait_ready "$PRI_PORT"
  psql -h 127.0.0.1 -p "$PRI_PORT" -U postgres -qAtc "CREATE DATABASE soberana" >/dev/null

  pg_createcluster "$VER" "$STB" -p "$STB_PORT" >/dev/null
  conf "$STB"
  local data="/var/lib/postgresql/$VER/$STB"
  rm -rf "${data:?}"/*
  asuser pg_basebackup -d "host=127.0.0.1 port=$PRI_PORT user=postgres application_name=$STB" \
    -D "$data" -R -X stream -c fast
  ctl "$STB" start
  wait_ready "$STB_PORT"
  # From now on commits wait until the standby has flushed them: an
  # acknowledged write survives the loss of the primary's data centre.
  # (Set once the standby exists: before, a commit would wait forever.)
  cat >> "/etc/postgresql/$VER/$PRI/conf.d/soberana-ha.conf" <<EOF
synchronous_standby_names = 'FIRST 1 ($STB)'
synchronous_commit = on
EOF
  ctl "$PRI" reload
  for _ in $(seq 1 120); do
    state=$(psql -h 127.0.0.1 -p "$PRI_PORT" -U postgres -qAtc \
      "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$STB'" 2>/dev/null || true)
    [ "$state" = "sync" ] && break
    sleep 0.5
  done
  [ "$state" = "sync" ] || { echo "the standby is not synchronous (state '$state')" >&2; exit 1; }
  echo "primary 127.0.0.1:$PRI_PORT, synchronous standby 127.0.0.1:$STB_PORT"
  echo "SOBERANA_TEST_PG_HA_URL='$URL'"
}

promote() {
  ctl "$PRI" stop -m immediate
  ctl "$STB" promote
  for _ in $(seq 1 120); do
    [ "$(psql -h 127.0.0.1 -p "$STB_PORT" -U postgres -qAtc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = "f" ] && break
    sleep 0.2
  done
  echo "the standby on 127.0.0.1:$STB_PORT is the primary"
}

status() {
  pg_lsclusters | awk -v a="$PRI" -v b="$STB" 'NR == 1 || $2 == a || $2 == b'
  if ready "$PRI_PORT"; then
    psql -h 127.0.0.1 -p "$PRI_PORT" -U postgres -qc \
      "SELECT application_name, state, sync_state, replay_lag FROM pg_stat_replication"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) drop "$STB"; drop "$PRI" ;;
  promote) promote ;;
  status) status ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|promote|status|url" >&2; exit 2 ;;
esac
