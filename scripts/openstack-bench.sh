#!/usr/bin/env bash
# Time 20 VMs through soberana against Nova alone, on the all-in-one cloud.
#
#   scripts/openstack-aio.sh && scripts/openstack-bench.sh
#
# soberana: a throw-away `soberana up` (SQLite, demo fleet), the AIO cloud
# registered with `soberana provider add` as provider "AIO Brasil" (AZs
# az-1/az-2 = São Paulo/Rio), the cheapest for SCS-2V-4-20s, then 10
# workloads x 2 replicas on distinct AZs (replicas of one workload must sit
# on distinct sites, and there are two) POSTed at once to /v1/workloads;
# the time is from the first POST until every workload is running.
# A first 2-replica workload creates the project's Keystone project and
# quota (the cold cost, printed apart) so the 20 measure the steady state.
# Nova alone: the same 20 servers (flavor, image, AZs, and with BASELINE=
# project, the default, the same Keystone scoping — a project of an
# institution made by the driver — and replica metadata; BASELINE=admin:
# plain servers in the admin's project) POSTed straight to Nova, 16 in
# flight, polled every 250 ms (TestIntegrationBenchNovaDirect), in ROUNDS
# (default 7) interleaved rounds with soberana, compared by median.
# On exit it deletes what the run made: the Keystone project and domain
# soberana's driver created for the demo institution, and the data
# directory (KEEP_WORK=1 keeps it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
set -a; . .ci/openstack.env; set +a
N_WL=${N_WL:-10}
PORT=${PORT:-18089}
WORK=$(mktemp -d /tmp/soberana-osbench.XXXXXX)
BIN=${SOBERANA_BIN:-$WORK/soberana}
API=http://127.0.0.1:$PORT/v1
now() { date +%s.%N; }
since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }
log() { echo "[$(date +%H:%M:%S)] $*"; }

[ -x "$BIN" ] || go build -o "$BIN" ./cmd/soberana
"$BIN" up --data-dir "$WORK/data" --addr "127.0.0.1:$PORT" > "$WORK/up.log" 2>&1 &
SRV=$!
INS="" PRJ=""
# os_admin runs the OpenStack CLI as the AIO cloud's admin.
os_admin() { OS_CLIENT_CONFIG_FILE="$SOBERANA_TEST_OPENSTACK_CLOUDS" openstack --os-cloud "$SOBERANA_TEST_OPENSTACK_CLOUD" "$@"; }
# cleanup leaves the cloud and the machine as they were: soberana stops
# first (so nothing recreates a replica), then the servers left in the
# run's Keystone project (a run that failed half-way), the project, the
# institution's domain and the throw-away data directory go
# (KEEP_WORK=1 keeps the directory, for its logs).
cleanup() {
  kill "$SRV" 2>/dev/null || true
  wait "$SRV" 2>/dev/null || true
  if [ -n "$PRJ" ] && [ -n "$INS" ]; then
    local dom="soberana-$INS" pid
    pid=$(os_admin project show --domain "$dom" "soberana-$PRJ" -f value -c id 2>/dev/null || true)
    if [ -n "$pid" ]; then
      os_admin server list --all-projects --project "$pid" -f value -c ID 2>/dev/null |
        xargs -r env OS_CLIENT_CONFIG_FILE="$SOBERANA_TEST_OPENSTACK_CLOUDS" openstack --os-cloud "$SOBERANA_TEST_OPENSTACK_CLOUD" server delete --wait || true
      os_admin project delete "$pid" || echo "cleanup: could not delete Keystone project soberana-$PRJ ($pid)"
    fi
    if os_admin domain show "$dom" -f value -c id >/dev/null 2>&1; then
      os_admin domain set --disable "$dom" && os_admin domain delete "$dom" || echo "cleanup: could not delete Keystone domain $dom"
    fi
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
for _ in $(seq 1 120); do grep -q 'admin token' "$WORK/up.log" 2>/dev/null && break; sleep 0.5; done
TOKEN=$(grep -o 'sbr_[A-Za-z0-9]*' "$WORK/up.log" | head -1)
[ -n "$TOKEN" ] || { cat "$WORK/up.log"; exit 1; }
H=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')

log "registering the AIO cloud"
"$BIN" provider add --data-dir "$WORK/data" --clouds-yaml "$SOBERANA_TEST_OPENSTACK_CLOUDS" \
  --cloud "$SOBERANA_TEST_OPENSTACK_CLOUD" --name "AIO Brasil" --jurisdiction BR --currency BRL --certification restricted \
  --az 'az-1=country:BR,subdivision:BR-SP,lat:-23.55,lon:-46.63,tier:core,failure-domain:aio-sp,name:AIO São Paulo' \
  --az 'az-2=country:BR,subdivision:BR-RJ,lat:-22.91,lon:-43.17,tier:core,failure-domain:aio-rj,name:AIO Rio' \
  --image '*=soberana-tiny' --lang en 2>/dev/null
OFF=$(curl -s "${H[@]}" "$API/offerings?name=SCS-2V-4-20s" | jq -r '.items[0].id')
PRV=$(curl -s "${H[@]}" "$API/providers?name=AIO%20Brasil" | jq -r '.items[0].id')
PRJ=$(curl -s "${H[@]}" "$API/projects?name=prontuario-eletronico" | jq -r '.items[0].id')
INS=$(curl -s "${H[@]}" "$API/projects/$PRJ" | jq -r '.institution_id')
curl -sf "${H[@]}" -d "{\"provider_id\":\"$PRV\",\"offering_id\":\"$OFF\",\"currency\":\"BRL\",\"per_hour\":\"0.01\",\"valid_from\":\"2026-01-01\"}" \
  "$API/prices" >/dev/null
sleep 2   # the fleet reloads the new price
BODY="{\"project_id\":\"$PRJ\",\"offering_id\":\"$OFF\",\"replicas\":2,\"classification\":\"internal\",
  \"residency\":{\"countries\":[\"BR\"]},\"sovereignty\":{\"mode\":\"national\"},\"redundancy\":{\"min_failure_domains\":2}}"

post() { curl -sf "${H[@]}" -d "$BODY" "$API/workloads" | jq -r .id; }
state() { curl -s "${H[@]}" "$API/workloads/$1" | jq -r .state; }
# wait_all STATE ID...: `soberana workload wait`, one Go process polling
# every 250 ms as the Nova-alone test does (curl and jq every 250 ms would
# cost this 2-core machine ~5 % of its CPU, which Nova's boots need).
wait_all() {
  SOBERANA_SERVER=http://127.0.0.1:$PORT SOBERANA_TOKEN=$TOKEN "$BIN" workload wait --lang en --for "$@" > "$WORK/wait.log" 2>&1 ||
    { cat "$WORK/wait.log"; exit 1; }
}
placed_on_aio() {
  curl -s "${H[@]}" "$API/workloads/$1" | jq -e --arg p "$PRV" '[.placements[] | select(.provider_id == $p)] | length == 2' >/dev/null
}

log "cold: the project's first workload (Keystone project, quota, token)"
t0=$(now); W0=$(post); wait_all running "$W0"; COLD=$(since "$t0")
placed_on_aio "$W0" || { echo "the workload was not placed on the AIO provider"; exit 1; }
curl -sf -X DELETE "${H[@]}" "$API/workloads/$W0" >/dev/null; wait_all deleted "$W0"
log "SOBERANA_COLD_2VM=${COLD}s"

# Each measurement starts after the cloud has settled for $SETTLE seconds
# (the test binary is built first, outside the pause), so that neither
# pays for the other's tail of work in Nova, Placement and RabbitMQ.
# This small cloud's boot times wander by ±15 % from one minute to the
# next, so the two are measured in $ROUNDS interleaved rounds (A B, B A,
# A B, …: a drift of the machine favours neither) and compared by median.
SETTLE=${SETTLE:-5}
ROUNDS=${ROUNDS:-7}
go test -c -o "$WORK/openstack.test" ./internal/provider/openstack
NOVA=()
SOB=()
nova_direct() {
  sleep "$SETTLE"
  log "Nova alone: $((2 * N_WL)) servers"
  local out
  out=$(SOBERANA_OS_BENCH=1 SOBERANA_OS_BENCH_AS=${BASELINE:-project} SOBERANA_OS_BENCH_N=$((2 * N_WL)) "$WORK/openstack.test" -test.count=1 -test.v -test.run '^TestIntegrationBenchNovaDirect$' 2>&1 | grep -o 'NOVA_DIRECT.*') ||
    { echo "the Nova-alone run failed"; exit 1; }
  log "$out"
  NOVA+=("$(echo "$out" | grep -o 'all_active=[0-9.]*' | cut -d= -f2)")
}
through_soberana() {
  sleep "$SETTLE"
  log "soberana: $N_WL workloads x 2 replicas"
  local t0 ids=() id posted all
  t0=$(now)
  while read -r id; do ids+=("$id"); done < <(for _ in $(seq 1 "$N_WL"); do post & done; wait)
  posted=$(since "$t0")
  wait_all running "${ids[@]}"
  seen=$(since "$t0")
  for id in "${ids[@]}"; do placed_on_aio "$id" || { echo "workload $id not on the AIO provider"; exit 1; }; done
  # The time to running is the last workload's running event, stamped by
  # soberana when its reconciler saw the last server ACTIVE, as the Nova-
  # alone time is its poll's; seen= adds the waiter's own poll.
  last=$(for id in "${ids[@]}"; do curl -s "${H[@]}" "$API/workloads/$id" | jq -r '[.events[] | select(.to == "running") | .at] | last'; done | sort | tail -1)
  all=$(printf '%.2f' "$(echo "$(date -d "$last" +%s.%N) - $t0" | bc)")
  log "SOBERANA n=$((2 * N_WL)) posts=${posted}s all_running=${all}s seen=${seen}s"
  SOB+=("$all")
  t0=$(now)
  for id in "${ids[@]}"; do curl -sf -X DELETE "${H[@]}" "$API/workloads/$id" >/dev/null; done
  wait_all deleted "${ids[@]}"
  log "SOBERANA_DELETE n=$((2 * N_WL)) all_deleted=$(since "$t0")s"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then nova_direct; through_soberana; else through_soberana; nova_direct; fi
done
MN=$(median "${NOVA[@]}")
MS=$(median "${SOB[@]}")
log "Nova alone:      ${NOVA[*]} s"
log "through soberana: ${SOB[*]} s"
log "MEDIAN nova=${MN}s soberana=${MS}s overhead=$(echo "scale=1; 100 * ($MS - $MN) / $MN" | bc)%"
