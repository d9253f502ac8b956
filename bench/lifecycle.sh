#!/usr/bin/env bash
# Lifecycle benchmarks (DESIGN §7) over a 1,000,000-person registry from `muster demo-data`:
#  1. bulk issue of a 300,000-summons campaign (`muster campaign issue`: planning, eligibility,
#     delivery on entry, two event rows per summons), against the sqlite3 shell inserting the
#     same summons and event rows (`.import` of the rows muster wrote, into the same schema with
#     the same PRAGMAs) in the same run;
#  2. the sweep of those 300,000 summonses once overdue (`muster sweep --now`: no-show, an exit
#     ban each: a summons updated, a restriction and two events inserted per summons), against
#     the sqlite3 shell making the same row changes (the same UPDATE, and `.import` of the
#     restriction and event rows muster wrote) on a copy of the issued database.
#  3. the ledger's share of the bulk issue: the same events appended again to an emptied ledger
#     (`muster ledger checkpoint` on a copy: every event read and encoded into its leaf, hashed
#     into the tree, the tree's tiles written and one checkpoint signed).
# The ledger's peer is the sqlite3 shell inserting the same tile rows (its storage alone: the
# leaves are the events' encodings and are not stored again); the other peers insert the
# domain rows only.
# Targets: bulk issue <= 5 s (ledger <= 1 s of it), sweep <= 3 s. Prints the medians of RUNS runs.
#
# Usage: bench/lifecycle.sh [path/to/muster]   (env: PERSONS=1000000 QUOTA=300000 RUNS=3 WORK=dir)
set -euo pipefail

MUSTER=${1:-build/muster}
PERSONS=${PERSONS:-1000000}
QUOTA=${QUOTA:-300000}
RUNS=${RUNS:-3}
[[ -x $MUSTER ]] || { echo "bench/lifecycle.sh: no muster binary at $MUSTER (build first)" >&2; exit 1; }
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
pragmas="PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"

echo "generating $PERSONS persons ..."
"$MUSTER" demo-data --persons "$PERSONS" --offices 50 --seed 1 --out demo >/dev/null
rm -f base.db*
"$MUSTER" --db base.db init >/dev/null
"$MUSTER" --db base.db import offices demo/offices.csv >/dev/null
"$MUSTER" --db base.db import persons demo/persons.csv >/dev/null
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
FROM=$(date -u -d '+7 days' +%Y-%m-%d)
UNTIL=$(date -u -d '+37 days' +%Y-%m-%d)
AFTER=$(date -u -d '+40 days' +%Y-%m-%dT00:00:00Z)
DISTRICTS=$(tail -n +2 demo/offices.csv | cut -d, -f1 | paste -sd,)

# Every copy of the database signs with the base database's ledger keys.
ledger_keys=(--ledger-key base.db.ledger.key --ledger-secret base.db.ledger.secret)

issue=() peer=() sweep=() sweep_peer=() ledger=() ledger_peer=()
for run in $(seq 1 "$RUNS"); do
  cp base.db run.db
  "$MUSTER" --db run.db "${ledger_keys[@]}" --as bench campaign create --kind mobilization --name "Bench" --basis "Order 1" \
    --districts "$DISTRICTS" --appear-from "$FROM" --appear-until "$UNTIL" --quota "$QUOTA" >/dev/null
  t0=$(now)
  "$MUSTER" --db run.db "${ledger_keys[@]}" --as bench campaign issue 1 >/dev/null
  t1=$(now)
  issue+=("$(elapsed "$t0" "$t1")")
  n=$(sqlite3 run.db "SELECT count(*) FROM summonses")
  [[ $n == "$QUOTA" ]] || { echo "expected $QUOTA summonses, got $n" >&2; exit 1; }

  # Peer: the sqlite3 shell inserts the very rows muster wrote into a copy of the same schema.
  sqlite3 -csv run.db "SELECT * FROM summonses" > summonses.csv
  sqlite3 -csv run.db "SELECT * FROM events" > events.csv
  cp base.db peer.db
  sqlite3 peer.db "INSERT INTO campaigns SELECT * FROM (SELECT 1, 'mobilization', 'Bench', 'Order 1', '', 18, 50, '', '', 0, '', '', '', '', 'bench', 0);" 
  t0=$(now)
  sqlite3 peer.db "$pragmas" "BEGIN" ".import --csv summonses.csv summonses" ".import --csv events.csv events" "COMMIT" >/dev/null
  t1=$(now)
  peer+=("$(elapsed "$t0" "$t1")")

  cp run.db ledger.db
  sqlite3 ledger.db "DELETE FROM ledger_tiles; DELETE FROM ledger_checkpoints;"
  cp ledger.db ledger_peer.db
  leaves=$(sqlite3 ledger.db "SELECT count(*) FROM events")
  t0=$(now)
  "$MUSTER" --db ledger.db "${ledger_keys[@]}" ledger checkpoint >/dev/null
  t1=$(now)
  ledger+=("$(elapsed "$t0" "$t1")")
  # Peer: the sqlite3 shell copying the same tile rows in from the issued database.
  t0=$(now)
  sqlite3 ledger_peer.db "$pragmas" "ATTACH 'run.db' AS issued" "BEGIN" \
    "INSERT INTO ledger_tiles SELECT * FROM issued.ledger_tiles" "COMMIT" >/dev/null
  t1=$(now)
  ledger_peer+=("$(elapsed "$t0" "$t1")")
  rm -f ledger.db* ledger_peer.db*

  cp run.db issued.db
  events_before=$(sqlite3 run.db "SELECT max(seq) FROM events")
  t0=$(now)
  "$MUSTER" --db run.db "${ledger_keys[@]}" sweep --now "$AFTER" >/dev/null
  t1=$(now)
  sweep+=("$(elapsed "$t0" "$t1")")
  sqlite3 -csv run.db "SELECT * FROM restrictions" > restrictions.csv
  sqlite3 -csv run.db "SELECT * FROM events WHERE seq > $events_before" > sweep_events.csv
  closed=$(sqlite3 run.db "SELECT min(closed_at) FROM summonses")
  t0=$(now)
  sqlite3 issued.db "$pragmas" "BEGIN" \
    "UPDATE summonses SET state = 'no_show', closed_at = $closed WHERE state IN ('delivered', 'viewed')" \
    ".import --csv restrictions.csv restrictions" ".import --csv sweep_events.csv events" "COMMIT" >/dev/null
  t1=$(now)
  sweep_peer+=("$(elapsed "$t0" "$t1")")
  echo "run $run: issue ${issue[-1]} s (sqlite3 ${peer[-1]} s; ledger ${ledger[-1]} s, sqlite3 ${ledger_peer[-1]} s), sweep ${sweep[-1]} s (sqlite3 ${sweep_peer[-1]} s)"
done
ml=$(median "${ledger[@]}") mlp=$(median "${ledger_peer[@]}")
mi=$(median "${issue[@]}") mp=$(median "${peer[@]}") ms=$(median "${sweep[@]}") msp=$(median "${sweep_peer[@]}")
echo
echo "bulk issue of $QUOTA summonses over $PERSONS persons: median ${mi} s (target <= 5 s)"
echo "sqlite3 shell inserting the same rows:                median ${mp} s (ratio $(awk -v a="$mi" -v b="$mp" 'BEGIN { printf "%.2f", a / b }'))"
echo "ledger: appending its $leaves leaves again:          median ${ml} s"
echo "        that is, per 300,000 leaves:                  $(awk -v a="$ml" -v n="$leaves" 'BEGIN { printf "%.3f", a * 300000 / n }') s (target <= 1 s)"
echo "sqlite3 shell inserting the same ledger tiles:        median ${mlp} s (ratio $(awk -v a="$ml" -v b="$mlp" 'BEGIN { printf "%.2f", a / b }'))"
echo "sweep of $QUOTA overdue summonses:                    median ${ms} s (target <= 3 s)"
echo "sqlite3 shell making the same row changes:            median ${msp} s (ratio $(awk -v a="$ms" -v b="$msp" 'BEGIN { printf "%.2f", a / b }'))"
