#!/usr/bin/env bash
# A crash mid-import leaves whole batches only, and running the same import again completes it.
# The import is killed with SIGKILL once the first batch is visible; no timing is asserted.
source "$(dirname "$0")/lib.sh"

ROWS=200000
BATCH=1000
"$MUSTER" demo-data --persons $ROWS --offices 20 --seed 7 --out "$TMP/demo" >/dev/null || fail "demo-data"
expect_exit 0 muster init
expect_exit 0 muster import offices "$TMP/demo/offices.csv"

# Started directly (not through the muster function) so that $! is the importer itself.
"$MUSTER" "${DB_ARGS[@]}" import persons "$TMP/demo/persons.csv" --batch-size $BATCH >"$TMP/killed.out" 2>&1 &
pid=$!
count=0
while kill -0 $pid 2>/dev/null; do
  count=$(sql 'SELECT count(*) FROM persons' 2>/dev/null || echo 0)
  if ((count > 0)); then
    kill -9 $pid 2>/dev/null
    break
  fi
done
wait $pid 2>/dev/null
count=$(sql 'SELECT count(*) FROM persons')
echo "killed with $count of $ROWS rows committed"
((count < ROWS)) || echo "note: the import finished before it could be killed; the rerun is still checked"
assert_eq "whole batches only" 0 $((count % BATCH))
assert_eq "database intact" ok "$(sql 'PRAGMA integrity_check' \
  "SELECT CASE WHEN count(*) = count(DISTINCT national_id) THEN 'ok' ELSE 'duplicate national IDs' END FROM persons")"

expect_exit 0 muster --json import persons "$TMP/demo/persons.csv" --batch-size $BATCH
assert_eq "rerun inserted,unchanged,updated,rejected" "$((ROWS - count)) $count 0 0" \
  "$(jq -r '"\(.inserted) \(.unchanged) \(.updated) \(.rejected)"' <<<"$OUT")"
assert_eq "all rows present" $ROWS "$(sql 'SELECT count(*) FROM persons')"
assert_eq "distinct national IDs" $ROWS "$(sql 'SELECT count(DISTINCT national_id) FROM persons')"

finish
