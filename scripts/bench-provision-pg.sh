#!/bin/bash
# bench-provision-pg.sh BIN DB [WORKLOADS] — one `soberana bench provision`
# run on a fresh PostgreSQL database DB (127.0.0.1:5432, user postgres),
# printing the bench's rate and latencies, soberana's CPU-s per 1,000
# workloads, PostgreSQL's (utime+stime+cutime+cstime of every postgres
# process before and after: run it on an otherwise idle cluster) and the
# statements per workload (pg_stat_statements of DB, when the extension
# is loaded: shared_preload_libraries = 'pg_stat_statements').
set -euo pipefail
BIN=${1:?binary}; DB=${2:?database name}; N=${3:-3000}
PSQL=(psql -h 127.0.0.1 -U postgres -qAt)
createdb -h 127.0.0.1 -U postgres "$DB"
trap 'dropdb -h 127.0.0.1 -U postgres "$DB"' EXIT
stats=0
if "${PSQL[@]}" -c "create extension if not exists pg_stat_statements" -c \
	"select pg_stat_statements_reset(0,(select oid from pg_database where datname='$DB'),0)" >/dev/null 2>&1; then
	stats=1
fi
pgcpu() {
	local t=0 p
	for p in $(pgrep -x postgres); do
		t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
c0=$(pgcpu)
out=$("$BIN" bench provision --workloads "$N" --database-url "postgres://postgres@127.0.0.1:5432/$DB?sslmode=disable" 2>/dev/null | tail -1)
c1=$(pgcpu)
st=n/a
if [ "$stats" = 1 ]; then
	st=$("${PSQL[@]}" -c "select round(sum(calls)::numeric/$N,2) from pg_stat_statements s join pg_database d on d.oid=s.dbid where d.datname='$DB'")
fi
hz=$(getconf CLK_TCK)
echo "$out" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print('workloads/s %.0f p50 %.1f ms p99 %.1f ms soberana %.2f CPU-s/1000' % (d['workloads_per_second'], d['p50_ms'], d['p99_ms'], d['cpu_seconds_per_1000_workloads']), end=' ')"
echo "postgres $(python3 -c "print('%.2f' % (($c1-$c0)/$hz*1000/$N))") CPU-s/1000 statements/workload $st"
