#!/usr/bin/env bash
# `muster backup`: a consistent copy that restores to the same registry, summonses and ledger.
source "$(dirname "$0")/lib.sh"

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

muster demo-data --persons 2000 --offices 2 --seed 5 --out "$TMP/demo" >/dev/null
muster init >/dev/null
muster import offices "$TMP/demo/offices.csv" >/dev/null
muster import persons "$TMP/demo/persons.csv" >/dev/null
expect_exit 0 muster --as supervisor campaign create --kind mobilization --name Drill --basis "Order 9" \
  --districts D001,D002 --appear-from "$(date -u -d '+10 days' +%F)" --appear-until "$(date -u -d '+20 days' +%F)" \
  --quota 300
expect_exit 0 muster --as supervisor campaign issue 1
N=$(sql "SELECT number FROM summonses ORDER BY id LIMIT 1")

expect_exit 0 muster backup --out "$TMP/copy.db"
assert_contains "backed up" "$OUT" "Backed up"
[[ ! -e $TMP/copy.db.partial ]] || fail "a partial file was left behind"
expect_exit 2 muster backup --out "$TMP/copy.db"
assert_contains "never overwrites" "$OUT" "already exists"

# Restore: the copy and the ledger keys, side by side, as a new database.
cp "$TMP/copy.db" "$TMP/restored.db"
cp "$TMP/test.db.ledger.key" "$TMP/restored.db.ledger.key"
cp "$TMP/test.db.ledger.secret" "$TMP/restored.db.ledger.secret"
restored() { "$MUSTER" --db "$TMP/restored.db" "$@"; }
assert_eq "persons" "$(sql 'SELECT count(*) FROM persons')" "$(sqlite3 "$TMP/restored.db" 'SELECT count(*) FROM persons')"
assert_eq "summonses" "300" "$(sqlite3 "$TMP/restored.db" 'SELECT count(*) FROM summonses')"
expect_exit 0 restored ledger verify
expect_exit 0 restored summons show "$N"
"$MUSTER" --db "$TMP/restored.db" receipt "$N" > "$TMP/receipt.json" 2>"$TMP/receipt.err"
CHECKS=$((CHECKS + 1))
[[ -s $TMP/receipt.json ]] || fail "no receipt from the restored database: $(cat "$TMP/receipt.err")"
expect_exit 0 muster verify-receipt "$TMP/receipt.json"
assert_contains "receipt from the restored copy verifies" "$OUT" "verified"

finish
