#!/usr/bin/env bash
# Stop the clusters scripts/k8s-start.sh started (by recorded PID only).
# WIPE=1 also deletes their state (etcd data, PKI, kubeconfigs).
STATE_ROOT=${STATE_ROOT:-/dev/shm/soberana-k8s}
for S in "$STATE_ROOT"/*/; do
  for c in kube-controller-manager kube-apiserver etcd; do
    f=$S$c.pid
    [ -f "$f" ] || continue
    p=$(cat "$f")
    if kill "$p" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$p" 2>/dev/null && kill -9 "$p"
      echo "stopped $(basename "$S") $c (pid $p)"
    fi
    rm -f "$f"
  done
done
[ -n "${WIPE:-}" ] && rm -rf "$STATE_ROOT" && echo "wiped $STATE_ROOT"
exit 0
