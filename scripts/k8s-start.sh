#!/usr/bin/env bash
# Start real Kubernetes control planes on 127.0.0.1 for the kubernetes
# driver's and the deploy package's integration tests: per cluster, etcd +
# kube-apiserver + kube-controller-manager (no kubelet, no scheduler).
#
#   scripts/k8s-start.sh            # two clusters, "a" and "b" (two sites)
#   scripts/k8s-start.sh a          # one cluster
#   source /dev/shm/soberana-k8s/env && go test ./internal/provider/kubernetes/ ./internal/deploy/
#
# The controller-manager runs without the deployment controller: without
# kubelets no pod ever becomes ready, so the tests play the part of the
# deployment controller and kubelet by writing Deployment status through
# the status subresource (see docs/kubernetes.md).
#
# Env: STATE_ROOT (/dev/shm/soberana-k8s: tmpfs), BIN (from scripts/k8s-build.sh).
# Writes $STATE_ROOT/env with SOBERANA_TEST_KUBECONFIG (colon-separated
# admin kubeconfigs, one per cluster). Stop with scripts/k8s-stop.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE_ROOT=${STATE_ROOT:-/dev/shm/soberana-k8s}
BIN=${BIN:-$(bash "$ROOT/scripts/k8s-build.sh" | tail -1)}
PKI=$STATE_ROOT/pki
[ $# -gt 0 ] || set -- a b
now_ms() { date +%s%3N; }
mkdir -p "$PKI"

# ---- one throwaway PKI for every cluster: CA, serving cert, client certs, SA keys, front proxy ----
if [ ! -f "$PKI/ca.crt" ]; then
  (cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=soberana-test-ca" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' > srv.ext
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile srv.ext -out apiserver.crt 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > cli.ext
  client() { # file CN [O] [CA]
    local o=""; [ -n "${3:-}" ] && o="/O=$3"; local ca=${4:-ca}
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2$o" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 3650 -extfile cli.ext -out "$1.crt" 2>/dev/null
  }
  client admin admin system:masters
  client kube-controller-manager system:kube-controller-manager
  openssl req -x509 -newkey rsa:2048 -nodes -keyout front-proxy-ca.key -out front-proxy-ca.crt -days 3650 -subj "/CN=front-proxy-ca" 2>/dev/null
  client front-proxy-client front-proxy-client "" front-proxy-ca
  openssl genrsa -out sa.key 2048 2>/dev/null; openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  echo "$(openssl rand -hex 16),admin-token-user,uid-admin,\"system:masters\"" > tokens.csv
  rm -f ./*.csr ./*.ext ./*.srl; chmod 600 ./*.key tokens.csv)
fi
b64() { base64 -w0 < "$1"; }
kubeconfig() { # out port user cert key
  cat > "$1" <<K
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:$2", certificate-authority-data: $(b64 "$PKI/ca.crt")}
users:
- name: $3
  user: {client-certificate-data: $(b64 "$PKI/$4"), client-key-data: $(b64 "$PKI/$5")}
contexts:
- name: local
  context: {cluster: local, user: $3}
current-context: local
K
  chmod 600 "$1"
}

KCS=()
i=0
for NAME in "$@"; do
  S=$STATE_ROOT/$NAME; mkdir -p "$S/logs"
  ETCD_PORT=$((22379 + 10*i)); API_PORT=$((26443 + i)); KCM_PORT=$((20257 + i)); i=$((i+1))
  kubeconfig "$S/admin.kubeconfig" "$API_PORT" admin admin.crt admin.key
  kubeconfig "$S/kcm.kubeconfig" "$API_PORT" system:kube-controller-manager kube-controller-manager.crt kube-controller-manager.key
  KCS+=("$S/admin.kubeconfig")
  if [ -f "$S/kube-apiserver.pid" ] && kill -0 "$(cat "$S/kube-apiserver.pid")" 2>/dev/null; then
    echo "cluster $NAME already running on 127.0.0.1:$API_PORT"; continue
  fi
  T0=$(now_ms)
  "$BIN/etcd" --name "$NAME" --data-dir "$S/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT+1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT+1))" \
    --initial-cluster "$NAME=http://127.0.0.1:$((ETCD_PORT+1))" --listen-metrics-urls "" --logger zap --log-level warn \
    --auto-compaction-mode periodic --auto-compaction-retention 5m > "$S/logs/etcd.log" 2>&1 &
  echo $! > "$S/etcd.pid"
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' && break
    kill -0 "$(cat "$S/etcd.pid")" 2>/dev/null || { echo "etcd $NAME died:"; tail -20 "$S/logs/etcd.log"; exit 1; }
    sleep 0.05
  done
  "$BIN/kube-apiserver" --bind-address=127.0.0.1 --secure-port="$API_PORT" \
    --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" --service-cluster-ip-range=10.0.0.0/24 \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --token-auth-file="$PKI/tokens.csv" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=RBAC --anonymous-auth=false \
    --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --profiling=false --cert-dir="$S/apiserver-certs" > "$S/logs/kube-apiserver.log" 2>&1 &
  echo $! > "$S/kube-apiserver.pid"
  CURL=(curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key")
  for _ in $(seq 1 2400); do
    [ "$("${CURL[@]}" "https://127.0.0.1:$API_PORT/readyz" 2>/dev/null)" = ok ] && break
    kill -0 "$(cat "$S/kube-apiserver.pid")" 2>/dev/null || { echo "kube-apiserver $NAME died:"; tail -30 "$S/logs/kube-apiserver.log"; exit 1; }
    sleep 0.05
  done
  T1=$(now_ms)
  KC=$S/kcm.kubeconfig
  "$BIN/kube-controller-manager" --kubeconfig="$KC" --authentication-kubeconfig="$KC" --authorization-kubeconfig="$KC" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --controllers='*,-deployment-controller,-node-lifecycle-controller,-persistentvolume-attach-detach-controller,-ttl-controller' \
    --profiling=false > "$S/logs/kube-controller-manager.log" 2>&1 &
  echo $! > "$S/kube-controller-manager.pid"
  for _ in $(seq 1 1200); do curl -ksf "https://127.0.0.1:$KCM_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
  echo "cluster $NAME: apiserver ready on 127.0.0.1:$API_PORT after $((T1-T0)) ms, controller-manager after $(( $(now_ms)-T0 )) ms"
done
( IFS=:; echo "export SOBERANA_TEST_KUBECONFIG=${KCS[*]}" ) > "$STATE_ROOT/env"
cat "$STATE_ROOT/env"
