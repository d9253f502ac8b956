#!/usr/bin/env bash
# A bulk issue killed mid-way and run again summons everyone it planned exactly once.
source "$(dirname "$0")/lib.sh"

muster demo-data --persons 60000 --offices 4 --seed 3 --out "$TMP/demo" >/dev/null
muster init >/dev/null
muster import offices "$TMP/demo/offices.csv" >/dev/null
muster import persons "$TMP/demo/persons.csv" >/dev/null
FROM=$(date -u -d '+10 days' +%Y-%m-%d)
UNTIL=$(date -u -d '+60 days' +%Y-%m-%d)
expect_exit 0 muster --as supervisor campaign create --kind mobilization --name "Drill" --basis "Order 5" \
  --districts D001,D002,D003,D004 --appear-from "$FROM" --appear-until "$UNTIL" --quota 30000
expect_exit 0 muster --json campaign preview 1
PLANNED=$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["planned"])')
assert_eq "quota fills" "30000" "$PLANNED"

# Start the issue in small batches and kill it once some batches have committed.
"$MUSTER" "${DB_ARGS[@]}" --as supervisor campaign issue 1 --batch-size 500 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  n=$(sql 'SELECT count(*) FROM summonses' 2>/dev/null || echo 0)
  [[ ${n:-0} -gt 0 ]] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
PARTIAL=$(sql 'SELECT count(*) FROM summonses')
echo "killed after $PARTIAL of 30000 summonses" >&2
CHECKS=$((CHECKS + 1))
if [[ $PARTIAL -ge 30000 ]]; then
  echo "note: the issue finished before it could be killed; the rerun is still checked" >&2
fi
assert_eq "whole batches only" "0" "$((PARTIAL % 500))"
assert_eq "an event per issue and delivery" "$((PARTIAL * 2))" "$(sql 'SELECT count(*) FROM events')"
# The ledger is appended beside the batches: events of committed batches it had not reached are
# pending, not lost, and the ledger holds no leaf without its event.
expect_exit 0 muster ledger verify
assert_contains "killed: the ledger verifies" "$OUT" "events verified:"

expect_exit 0 muster --as supervisor --json campaign issue 1 --batch-size 500
assert_eq "rerun completes" "30000" "$(sql 'SELECT count(*) FROM summonses WHERE campaign_id = 1')"
assert_eq "nobody twice" "30000" "$(sql 'SELECT count(DISTINCT person_id) FROM summonses WHERE campaign_id = 1')"
expect_exit 0 muster ledger verify
assert_contains "rerun: every event in the ledger" "$OUT" "60000 match their leaves, 0 not yet in the ledger"
assert_eq "no office day over capacity" "0" "$(sql "SELECT count(*) FROM (SELECT s.office, date(s.appear_at / 1000, 'unixepoch', '+12 hours') d, count(*) n, o.daily_capacity c FROM summonses s JOIN offices o ON o.code = s.office GROUP BY 1, 2 HAVING n > c)" \
  "SELECT count(*) FROM (SELECT s.office, ((s.appear_at / 1000 + 43200) / 86400) d FROM summonses s JOIN offices o ON o.code = s.office GROUP BY 1, 2, o.daily_capacity HAVING count(*) > o.daily_capacity) x")"
expect_exit 0 muster --as supervisor --json campaign issue 1
assert_eq "third run adds nobody" "0" "$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["planned"])')"
assert_eq "still 30000" "30000" "$(sql 'SELECT count(*) FROM summonses')"

finish
