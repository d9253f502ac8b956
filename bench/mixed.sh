#!/usr/bin/env bash
# The border while the office issues a campaign (issue 22, DESIGN §7): the exit check over HTTP
# alone and while the same server issues a 300,000-summons campaign as a job, and the campaign's
# time alone and under that load, with bulk work at the same priority as the requests
# (--bulk-nice 0) and below them (--bulk-nice 10, the default). Each figure is a fresh copy of
# one registry of 1,000,000 persons from `muster demo-data --seed 1`, 50 offices.
# Targets: the exit check during the campaign >= 0.9x of itself alone; the campaign at most 1.5x
# its time alone.
#
# Usage: bench/mixed.sh [path/to/muster]
#   env: PERSONS=1000000 QUOTA=300000 NICES="0 10" WRK_THREADS=1 CONNECTIONS=32 DURATION=5 PORT=18281
set -euo pipefail

MUSTER=${1:-build/muster}
PERSONS=${PERSONS:-1000000}
QUOTA=${QUOTA:-300000}
NICES=${NICES:-0 10}
WRK_THREADS=${WRK_THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-5}
PORT=${PORT:-18281}
[[ -x $MUSTER ]] || { echo "bench/mixed.sh: no muster binary at $MUSTER (build first)" >&2; exit 1; }
for tool in wrk curl sqlite3; do
  command -v "$tool" >/dev/null || { echo "bench/mixed.sh: $tool missing: run scripts/install-deps --bench" >&2; exit 1; }
done
MUSTER=$(realpath "$MUSTER")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/muster-mixed-bench.XXXXXX")
server=""
cleanup() {
  [[ -n $server ]] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
export no_proxy='*' NO_PROXY='*'
cd "$WORK"
now() { date +%s.%N; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

echo "setting up: $PERSONS persons, a campaign of $QUOTA"
"$MUSTER" demo-data --persons "$PERSONS" --offices 50 --seed 1 --out demo >/dev/null
"$MUSTER" --db base.db init >/dev/null
"$MUSTER" --db base.db import offices demo/offices.csv >/dev/null
"$MUSTER" --db base.db import persons demo/persons.csv >/dev/null
offices=()
for code in $(tail -n +2 demo/offices.csv | cut -d, -f1); do offices+=(--office "$code"); done
MUSTER_PASSWORD=bench-password-1 "$MUSTER" --db base.db user add --role supervisor --name sup "${offices[@]}" >/dev/null
border_key=$("$MUSTER" --db base.db apikey create --role border --name bench-border)
"$MUSTER" --db base.db --as bench campaign create --kind mobilization --name Bench --basis "Order 1" \
  --districts "$(tail -n +2 demo/offices.csv | cut -d, -f1 | paste -sd,)" \
  --appear-from "$(date -u -d '+7 days' +%Y-%m-%d)" --appear-until "$(date -u -d '+37 days' +%Y-%m-%d)" \
  --quota "$QUOTA" >/dev/null
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
asked=$(sed -n 2p demo/persons.csv | cut -d, -f1)
keys=(--ledger-key base.db.ledger.key --ledger-secret base.db.ledger.secret)

start() {  # start NICE: a server on a fresh copy
  rm -f run.db*
  cp base.db run.db
  "$MUSTER" --db run.db "${keys[@]}" serve --listen "127.0.0.1:$PORT" --threads 2 --sweep-interval 0 \
    --bulk-nice "$1" >serve.out 2>serve.err &
  server=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  token=$(curl -sf -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/v1/session" \
    -d '{"login":"sup","password":"bench-password-1"}' | json '["token"]')
}
stop() { kill -TERM "$server"; wait "$server" || true; server=""; }
exit_check() {  # prints requests/s and p99 ms over DURATION seconds
  local out
  out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $border_key" \
    "http://127.0.0.1:$PORT/api/v1/exit-check/$asked")
  if grep -q "Non-2xx" <<<"$out"; then echo "bench/mixed.sh: non-2xx exit-check answers" >&2; exit 1; fi
  awk '/^Requests\/sec/ {r=$2} $1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; p=v} END {print r, p}' <<<"$out"
}
campaign() {  # starts the issue job; waits for it; prints its seconds
  local t0 job state
  t0=$(now)
  job=$(curl -sf -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/campaigns/1/issue" | json '["id"]')
  while true; do
    state=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/jobs/$job" | json '["state"]')
    [[ $state == done ]] && break
    [[ $state == failed || $state == stopped ]] && { echo "bench/mixed.sh: the campaign job $state" >&2; exit 1; }
    sleep 0.05
  done
  awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

printf '%-10s %14s %14s %10s %13s %13s %10s\n' "bulk-nice" "exit alone r/s" "during r/s" "ratio" "campaign s" "under load s" "ratio"
for nice in $NICES; do
  start "$nice"
  read -r alone_rps alone_p99 < <(exit_check)
  alone_s=$(campaign)
  stop
  start "$nice"
  campaign >campaign.time &
  job_pid=$!
  sleep 0.3
  read -r during_rps during_p99 < <(exit_check)
  wait "$job_pid"
  loaded_s=$(cat campaign.time)
  n=$(sqlite3 run.db "SELECT count(*) FROM summonses")
  [[ $n == "$QUOTA" ]] || { echo "bench/mixed.sh: expected $QUOTA summonses, got $n" >&2; exit 1; }
  stop
  awk -v nice="$nice" -v ar="$alone_rps" -v dr="$during_rps" -v as="$alone_s" -v ls="$loaded_s" -v ap="$alone_p99" -v dp="$during_p99" \
    'BEGIN { printf "%-10s %14.0f %14.0f %10.2f %13.2f %13.2f %10.2f   (p99 %.2f ms alone, %.2f ms during)\n", nice, ar, dr, dr / ar, as, ls, ls / as, ap, dp }'
done
echo "targets: exit check during the campaign >= 0.90 of alone; campaign under load <= 1.50 of alone"
