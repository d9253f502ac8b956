#!/usr/bin/env bash
# Two processes issuing at once into one database (two campaigns, small batches, plus single
# summonses in between): every summons gets its own id and number, and the ledger stays one
# gap-free, fork-free log that `ledger verify` accepts.
source "$(dirname "$0")/lib.sh"

muster demo-data --persons 6000 --offices 2 --seed 11 --out "$TMP/demo" >/dev/null
muster init >/dev/null
muster import offices "$TMP/demo/offices.csv" >/dev/null
muster import persons "$TMP/demo/persons.csv" >/dev/null
FROM=$(date -u -d '+10 days' +%Y-%m-%d)
UNTIL=$(date -u -d '+40 days' +%Y-%m-%d)
for d in D001 D002; do
  expect_exit 0 muster --as supervisor campaign create --kind mobilization --name "Drill $d" --basis "Order 7" \
    --districts $d --appear-from "$FROM" --appear-until "$UNTIL" --quota 800
done

muster --as north --json campaign issue 1 --batch-size 40 >"$TMP/one.json" 2>&1 &
one=$!
muster --as south --json campaign issue 2 --batch-size 40 >"$TMP/two.json" 2>&1 &
two=$!
wait $one
rc_one=$?
wait $two
rc_two=$?
assert_eq "first writer succeeded" "0" "$rc_one"
assert_eq "second writer succeeded" "0" "$rc_two"
[[ $rc_one == 0 && $rc_two == 0 ]] || cat "$TMP/one.json" "$TMP/two.json" >&2

# How often the id order switches campaign: the batches of the two writers interleaved.
echo "writers interleaved: $(sql 'SELECT count(*) FROM summonses a JOIN summonses b ON b.id = a.id + 1 WHERE a.campaign_id <> b.campaign_id') switches" >&2
assert_eq "both campaigns issued" "1600" "$(sql 'SELECT count(*) FROM summonses')"
assert_eq "ids are 1..n" "1600 1600" "$(sql "SELECT count(DISTINCT id) || ' ' || max(id) FROM summonses")"
assert_eq "numbers unique" "1600" "$(sql 'SELECT count(DISTINCT number) FROM summonses')"
assert_eq "a leaf per event" "$(sql 'SELECT count(*) FROM events')" \
  "$(sql 'SELECT sum(length(hashes)) / 32 FROM ledger_tiles WHERE level = 0')"
assert_eq "leaf tiles gap-free" "$(sql 'SELECT count(*) FROM ledger_tiles WHERE level = 0')" \
  "$(sql 'SELECT max(idx) + 1 FROM ledger_tiles WHERE level = 0')"
assert_eq "leaf tiles in event order" "0" \
  "$(sql 'SELECT count(*) FROM ledger_tiles a JOIN ledger_tiles b ON b.level = 0 AND b.idx = a.idx + 1
          WHERE a.level = 0 AND b.first_seq <= a.last_seq')"
expect_exit 0 muster ledger verify
expect_exit 0 muster --json campaign show 1

finish
