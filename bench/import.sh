#!/usr/bin/env bash
# Import benchmark (DESIGN §7): 1,000,000 persons from `muster demo-data`, loaded by
# `muster import persons` (every row validated, upserted in batches) and, in the same run, by the
# sqlite3 shell's `.import --csv` into an equivalent table: the same twelve columns, the same
# UNIQUE index on national_id and index on district, the same PRAGMAs as
# src/store/sqlite/sqlite_store.cpp. Each side runs RUNS times on a fresh database; the script
# prints the medians and their ratio. Target: muster <= 1.5x the shell.
#
# Usage: bench/import.sh [path/to/muster]    (env: PERSONS=1000000 RUNS=3 SEED=1 WORK=dir)
set -euo pipefail

MUSTER=${1:-build/muster}
PERSONS=${PERSONS:-1000000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
[[ -x $MUSTER ]] || { echo "bench/import.sh: no muster binary at $MUSTER (build first)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench/import.sh: the sqlite3 shell is required" >&2; exit 1; }
MUSTER=$(realpath "$MUSTER")

if [[ -n ${WORK:-} ]]; then
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/muster-bench.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
cd "$WORK"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "generating $PERSONS persons (seed $SEED) in $WORK"
"$MUSTER" demo-data --persons "$PERSONS" --offices 50 --seed "$SEED" --out data >/dev/null
echo "persons.csv: $(du -h data/persons.csv | cut -f1), $(($(wc -l <data/persons.csv) - 1)) rows"

# The same page size as a database `muster init` creates (set before WAL mode, on the new file).
PRAGMAS="PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"
SHELL_SCHEMA="CREATE TABLE persons (
  national_id TEXT NOT NULL UNIQUE, surname TEXT NOT NULL, given_name TEXT NOT NULL,
  patronymic TEXT NOT NULL DEFAULT '', birth_date TEXT NOT NULL, sex TEXT NOT NULL, district TEXT NOT NULL,
  category TEXT NOT NULL, fitness TEXT NOT NULL, address TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '');
CREATE INDEX persons_by_district ON persons (district);"

muster_times=()
shell_times=()
for run in $(seq 1 "$RUNS"); do
  rm -f m.db m.db-wal m.db-shm s.db s.db-wal s.db-shm
  "$MUSTER" --db m.db init >/dev/null
  "$MUSTER" --db m.db import offices data/offices.csv >/dev/null
  sync
  t0=$(now)
  "$MUSTER" --db m.db import persons data/persons.csv >m.out
  t1=$(now)
  muster_times+=("$(elapsed "$t0" "$t1")")
  loaded=$(sqlite3 m.db 'SELECT count(*) FROM persons')

  sqlite3 s.db "$PRAGMAS $SHELL_SCHEMA" >/dev/null
  sync
  t0=$(now)
  sqlite3 s.db "$PRAGMAS" ".import --csv --skip 1 data/persons.csv persons" >/dev/null
  t1=$(now)
  shell_times+=("$(elapsed "$t0" "$t1")")
  shell_loaded=$(sqlite3 s.db 'SELECT count(*) FROM persons')

  if [[ $loaded != "$PERSONS" || $shell_loaded != "$PERSONS" ]]; then
    echo "run $run: expected $PERSONS rows, muster loaded $loaded, the shell $shell_loaded" >&2
    cat m.out >&2
    exit 1
  fi
  echo "run $run: muster import ${muster_times[-1]} s, sqlite3 .import ${shell_times[-1]} s"
done

m=$(median "${muster_times[@]}")
s=$(median "${shell_times[@]}")
ratio=$(awk -v m="$m" -v s="$s" 'BEGIN { printf "%.2f", m / s }')
echo "median over $RUNS runs, $PERSONS persons:"
echo "  muster import persons   $m s  ($(awk -v m="$m" -v n="$PERSONS" 'BEGIN { printf "%d", n / m }') rows/s)"
echo "  sqlite3 .import --csv   $s s  ($(awk -v s="$s" -v n="$PERSONS" 'BEGIN { printf "%d", n / s }') rows/s)"
echo "  ratio                   ${ratio}x (target <= 1.5x)"
