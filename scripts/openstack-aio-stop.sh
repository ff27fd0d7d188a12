#!/usr/bin/env bash
# Stop the OpenStack processes that scripts/openstack-aio.sh started, by the
# pids it recorded (never by name). MariaDB and RabbitMQ belong to the
# machine and keep running. Usage: openstack-aio-stop.sh [NAME...]
set -euo pipefail
RUN_DIR=${RUN_DIR:-/run/soberana-openstack}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$RUN_DIR"/nova-compute-*.pid; do [ -e "$f" ] && names+=("$(basename "$f" .pid)"); done
  names+=(nova-scheduler nova-conductor nova-api neutron-server glance-api placement keystone)
fi
for n in "${names[@]}"; do
  f="$RUN_DIR/$n.pid"; [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then echo "$n ($pid) still alive, sending KILL"; kill -KILL "$pid"; fi
  rm -f "$f"; echo "stopped $n ($pid)"
done
