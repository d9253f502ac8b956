#!/usr/bin/env bash
# Server memory with a national-size registry (DESIGN §7: <= 300 MB resident with 10,000,000
# persons). Builds a registry of PERSONS persons from `muster demo-data`, issues a campaign of BANS
# summonses and sweeps them past their deadline (BANS exit bans), then starts `muster serve` and
# reports its resident memory after start (the exit-ban index loaded) and after DURATION of wrk
# exit checks on random registered IDs, with the peak (VmHWM).
#
# Usage: bench/memory.sh [path/to/muster]
#   env: PERSONS=10000000 BANS=300000 DURATION=10s SERVER_THREADS=2 PORT=18282 WORK=dir
set -euo pipefail

MUSTER=${1:-build/muster}
PERSONS=${PERSONS:-10000000}
BANS=${BANS:-300000}
DURATION=${DURATION:-10s}
SERVER_THREADS=${SERVER_THREADS:-2}
PORT=${PORT:-18282}
[[ -x $MUSTER ]] || { echo "bench/memory.sh: no muster binary at $MUSTER (build first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench/memory.sh: needs wrk (scripts/install-deps --bench)" >&2; exit 1; }
MUSTER=$(realpath "$MUSTER")
if [[ -n ${WORK:-} ]]; then
  mkdir -p "$WORK"
  keep=1
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/muster-memory.XXXXXX")
  keep=0
fi
pid=""
cleanup() {
  [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ $keep == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT
export no_proxy='*' NO_PROXY='*'
db=$WORK/registry.db
m() { "$MUSTER" --db "$db" "$@"; }
now() { date +%s.%N; }

echo "registry of $PERSONS persons ..."
"$MUSTER" demo-data --persons "$PERSONS" --offices 50 --seed 1 --out "$WORK/demo" >/dev/null
rm -f "$db"*
m init >/dev/null
m import offices "$WORK/demo/offices.csv" >/dev/null
t0=$(now)
m import persons "$WORK/demo/persons.csv" >/dev/null
t1=$(now)
echo "  imported in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; database $(du -m "$db" | cut -f1) MB"
districts=$(tail -n +2 "$WORK/demo/offices.csv" | cut -d, -f1 | paste -sd,)
echo "campaign of $BANS summonses, swept past its deadlines ..."
m --as bench campaign create --kind mobilization --name Memory --basis "Order 1" --districts "$districts" \
  --appear-from "$(date -u -d '+7 days' +%Y-%m-%d)" --appear-until "$(date -u -d '+67 days' +%Y-%m-%d)" \
  --quota "$BANS" >/dev/null
m --as bench campaign issue 1 >/dev/null
m --as bench sweep --now "$(date -u -d '+80 days' +%Y-%m-%dT00:00:00Z)" >/dev/null
border_key=$(m apikey create --role border --name bench-border)

# wrk's requests: exit checks on 10,000 registered IDs, in random order.
{
  echo "ids = {"
  tail -n +2 "$WORK/demo/persons.csv" | shuf -n 10000 --random-source=<(yes) | cut -d, -f1 | sed 's/.*/"&",/'
  echo "}"
  echo 'request = function() return wrk.format("GET", "/api/v1/exit-check/" .. ids[math.random(#ids)]) end'
} >"$WORK/ids.lua"

"$MUSTER" --db "$db" serve --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" --sweep-interval 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
pid=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
rss() { awk -v k="$1:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
echo "resident after start:            $(rss VmRSS) MB"
wrk -t1 -c32 -d"$DURATION" -s "$WORK/ids.lua" -H "Authorization: Bearer $border_key" "http://127.0.0.1:$PORT" |
  awk '/^Requests\/sec/ { print "exit checks during the load:     " $2 " per second" }'
echo "resident after $DURATION of exit checks: $(rss VmRSS) MB (peak $(rss VmHWM) MB; target <= 300 MB)"
