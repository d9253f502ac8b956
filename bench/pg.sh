#!/usr/bin/env bash
# PostgreSQL benchmarks (issue 7), on a throwaway PostgreSQL server that tests/pg/pg-harness
# starts on loopback (fsync off, as in the tests: the figures compare work, not disks):
#  1. import of 1,000,000 persons from `muster demo-data` (the data of bench/import.sh):
#     `muster import persons` (every row validated, batches sent with COPY into a temporary
#     table and upserted) against psql's `\copy` of the same file straight into the persons table
#     of the same schema (a database that `muster init` made, with its indexes and foreign key;
#     empty fields as empty strings, as muster stores them),
#     in the same run;
#  2. bulk issue of a 300,000-summons campaign over that registry (`muster campaign issue`:
#     planning, eligibility, delivery on entry, events, ledger leaves, a checkpoint per batch),
#     as bench/lifecycle.sh does on SQLite;
#  3. the sweep of those summonses once overdue (`muster sweep --now`: no-show, an exit ban, two
#     events and two ledger leaves each), as bench/lifecycle.sh does on SQLite.
# Each run uses fresh databases; the script prints the medians of RUNS runs.
#
# Usage: bench/pg.sh [path/to/muster]    (env: PERSONS=1000000 QUOTA=300000 RUNS=3 SEED=1 WORK=dir)
set -euo pipefail

MUSTER=${1:-build/muster}
PERSONS=${PERSONS:-1000000}
QUOTA=${QUOTA:-300000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
HARNESS=$(realpath "$(dirname "$0")/../tests/pg/pg-harness")
[[ -x $MUSTER ]] || { echo "bench/pg.sh: no muster binary at $MUSTER (build first)" >&2; exit 1; }
command -v psql >/dev/null || { echo "bench/pg.sh: psql is required (postgresql-client)" >&2; exit 1; }
MUSTER=$(realpath "$MUSTER")

if [[ -n ${WORK:-} ]]; then
  mkdir -p "$WORK"
  WORK=$(realpath "$WORK")
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/muster-bench.XXXXXX")
fi
trap 'bash "$HARNESS" stop "$WORK/pg"; [[ -n ${KEEP:-} ]] || rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM  # the EXIT trap stops the server then too
cd "$WORK"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

SERVER=$(bash "$HARNESS" start "$WORK/pg")
BASE=${SERVER%/*}
echo "PostgreSQL at $SERVER ($(psql "$SERVER" -XAtqc 'SHOW server_version'))"
admin() { PGOPTIONS='-c client_min_messages=warning' psql "$SERVER" -XAtq -v ON_ERROR_STOP=1 -c "$1" </dev/null >/dev/null; }
count() { psql "$1" -XAtq -c "$2" </dev/null; }

echo "generating $PERSONS persons (seed $SEED) in $WORK"
"$MUSTER" demo-data --persons "$PERSONS" --offices 50 --seed "$SEED" --out data >/dev/null
echo "persons.csv: $(du -h data/persons.csv | cut -f1), $(($(wc -l <data/persons.csv) - 1)) rows"
COLUMNS_CSV=$(head -n1 data/persons.csv)
FROM=$(date -u -d '+7 days' +%Y-%m-%d)
UNTIL=$(date -u -d '+37 days' +%Y-%m-%d)
DISTRICTS=$(tail -n +2 data/offices.csv | cut -d, -f1 | paste -sd,)
# Every database signs with one pair of ledger keys.
keys=(--ledger-key "$WORK/bench.ledger.key" --ledger-secret "$WORK/bench.ledger.secret")

# A database with muster's schema and the offices.
fresh() {
  admin "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
  admin "CREATE DATABASE $1"
  "$MUSTER" --db "$BASE/$1" "${keys[@]}" init >/dev/null
  "$MUSTER" --db "$BASE/$1" "${keys[@]}" import offices data/offices.csv >/dev/null
  admin "CHECKPOINT"
}

AFTER=$(date -u -d '+40 days' +%Y-%m-%dT00:00:00Z)

import=() copy=() issue=() sweep=()
for run in $(seq 1 "$RUNS"); do
  fresh bench_muster
  t0=$(now)
  "$MUSTER" --db "$BASE/bench_muster" "${keys[@]}" import persons data/persons.csv >import.out
  t1=$(now)
  import+=("$(elapsed "$t0" "$t1")")
  loaded=$(count "$BASE/bench_muster" "SELECT count(*) FROM persons")

  fresh bench_psql
  t0=$(now)
  psql "$BASE/bench_psql" -XAtq -v ON_ERROR_STOP=1 \
    -c "\\copy persons ($COLUMNS_CSV) FROM 'data/persons.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL ($COLUMNS_CSV))" </dev/null >/dev/null
  t1=$(now)
  copy+=("$(elapsed "$t0" "$t1")")
  copied=$(count "$BASE/bench_psql" "SELECT count(*) FROM persons")
  if [[ $loaded != "$PERSONS" || $copied != "$PERSONS" ]]; then
    echo "run $run: expected $PERSONS rows, muster loaded $loaded, psql $copied" >&2
    cat import.out >&2
    exit 1
  fi
  admin "DROP DATABASE bench_psql WITH (FORCE)"

  "$MUSTER" --db "$BASE/bench_muster" "${keys[@]}" --as bench campaign create --kind mobilization --name Bench \
    --basis "Order 1" --districts "$DISTRICTS" --appear-from "$FROM" --appear-until "$UNTIL" --quota "$QUOTA" >/dev/null
  admin "CHECKPOINT"
  t0=$(now)
  "$MUSTER" --db "$BASE/bench_muster" "${keys[@]}" --as bench campaign issue 1 >/dev/null
  t1=$(now)
  issue+=("$(elapsed "$t0" "$t1")")
  issued=$(count "$BASE/bench_muster" "SELECT count(*) FROM summonses")
  [[ $issued == "$QUOTA" ]] || { echo "run $run: expected $QUOTA summonses, got $issued" >&2; exit 1; }
  admin "CHECKPOINT"
  t0=$(now)
  "$MUSTER" --db "$BASE/bench_muster" "${keys[@]}" sweep --now "$AFTER" >/dev/null
  t1=$(now)
  sweep+=("$(elapsed "$t0" "$t1")")
  barred=$(count "$BASE/bench_muster" "SELECT count(*) FROM restrictions")
  [[ $barred == "$QUOTA" ]] || { echo "run $run: expected $QUOTA restrictions, got $barred" >&2; exit 1; }
  echo "run $run: muster import ${import[-1]} s, psql \\copy ${copy[-1]} s, bulk issue ${issue[-1]} s, sweep ${sweep[-1]} s"
done

mi=$(median "${import[@]}") mc=$(median "${copy[@]}") ms=$(median "${issue[@]}") mw=$(median "${sweep[@]}")
echo
echo "median over $RUNS runs on PostgreSQL:"
echo "  muster import persons ($PERSONS)   $mi s  ($(awk -v m="$mi" -v n="$PERSONS" 'BEGIN { printf "%d", n / m }') rows/s)"
echo "  psql \\copy of the same file        $mc s  ($(awk -v m="$mc" -v n="$PERSONS" 'BEGIN { printf "%d", n / m }') rows/s)"
echo "  ratio                              $(awk -v a="$mi" -v b="$mc" 'BEGIN { printf "%.2f", a / b }')x"
echo "  bulk issue of $QUOTA summonses     $ms s  ($(awk -v m="$ms" -v n="$QUOTA" 'BEGIN { printf "%d", n / m }') summonses/s)"
echo "  sweep of $QUOTA overdue summonses  $mw s  ($(awk -v m="$mw" -v n="$QUOTA" 'BEGIN { printf "%d", n / m }') summonses/s)"
