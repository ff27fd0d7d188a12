#!/usr/bin/env bash
# Build the real Kubernetes peer for the kubernetes driver's integration tests:
# kube-apiserver + kube-controller-manager (k8s.io/kubernetes as a Go module
# dependency) and etcd 3.5, from the Go module proxy only. The tools modules
# are pinned in scripts/k8s-tools/ (go.mod + go.sum), so the build is
# reproducible and needs no `go mod tidy`.
#
# The binaries are cached by version in $SOBERANA_K8S_CACHE (default
# /var/cache/soberana-k8s when writable, else .soberana/k8s-cache) so CI
# builds them once per machine (~6 min cold on 2 cores) and then reuses them.
#
# Env: K8S_VERSION (v1.32.2, must match scripts/k8s-tools/k8s/go.mod),
#      ETCD_VERSION (v3.5.16), SOBERANA_K8S_CACHE, JOBS (2), FORCE=1 (rebuild).
# Prints the directory holding the binaries on its last line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${K8S_VERSION:-v1.32.2}
E=${ETCD_VERSION:-v3.5.16}
JOBS=${JOBS:-2}
if [ -z "${SOBERANA_K8S_CACHE:-}" ]; then
  if mkdir -p /var/cache/soberana-k8s 2>/dev/null && [ -w /var/cache/soberana-k8s ]; then
    SOBERANA_K8S_CACHE=/var/cache/soberana-k8s
  else
    SOBERANA_K8S_CACHE=$ROOT/.soberana/k8s-cache
  fi
fi
OUT=$SOBERANA_K8S_CACHE/k8s-$K-etcd-$E
WORK=$ROOT/.soberana/k8s-build          # git-ignored
ts() { date +%s; }

if [ -z "${FORCE:-}" ] && [ -x "$OUT/kube-apiserver" ] && [ -x "$OUT/kube-controller-manager" ] && [ -x "$OUT/etcd" ]; then
  echo "k8s peer binaries cached in $OUT"
  echo "$OUT"; exit 0
fi
grep -q "k8s.io/kubernetes $K\$" "$ROOT/scripts/k8s-tools/k8s/go.mod" ||
  { echo "scripts/k8s-tools/k8s/go.mod does not pin k8s.io/kubernetes $K" >&2; exit 1; }
grep -q "go.etcd.io/etcd/server/v3 $E\$" "$ROOT/scripts/k8s-tools/etcd/go.mod" ||
  { echo "scripts/k8s-tools/etcd/go.mod does not pin etcd $E" >&2; exit 1; }

mkdir -p "$OUT.tmp" "$WORK"
rm -rf "$WORK/k8s" "$WORK/etcd"
cp -r "$ROOT/scripts/k8s-tools/k8s" "$ROOT/scripts/k8s-tools/etcd" "$WORK/"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN=local
T0=$(ts)

cd "$WORK/k8s"
MAJ=${K#v}; MAJ=${MAJ%%.*}; MIN=${K#v*.}; MIN=${MIN%%.*}
LDF="-s -w -X k8s.io/component-base/version.gitVersion=$K -X k8s.io/component-base/version.gitMajor=$MAJ -X k8s.io/component-base/version.gitMinor=$MIN -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$K"
t=$(ts); go mod download; echo "k8s: module download $(( $(ts)-t )) s"
for c in kube-apiserver kube-controller-manager; do
  t=$(ts); go build -p "$JOBS" -trimpath -ldflags "$LDF" -o "$OUT.tmp/$c" "k8s.io/kubernetes/cmd/$c"
  echo "$c: build $(( $(ts)-t )) s, $(du -m "$OUT.tmp/$c" | cut -f1) MiB"
done

cd "$WORK/etcd"
t=$(ts); go mod download; go build -p "$JOBS" -trimpath -ldflags '-s -w' -o "$OUT.tmp/etcd" go.etcd.io/etcd/server/v3
echo "etcd: build $(( $(ts)-t )) s, $(du -m "$OUT.tmp/etcd" | cut -f1) MiB"

rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
"$OUT/kube-apiserver" --version; "$OUT/etcd" --version | head -1
echo "k8s peer built in $(( $(ts)-T0 )) s"
echo "$OUT"
