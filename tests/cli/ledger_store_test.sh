#!/usr/bin/env bash
# The ledger on a real database: keys from init, leaves from every write, a citizen's receipt
# that verifies offline (after a restart and a backup/restore too), entries free of personal
# data, and `ledger verify` catching a changed leaf, a deleted leaf and an edited checkpoint.
source "$(dirname "$0")/lib.sh"

years_ago() { date -u -d "$1 years ago" +%Y-%m-%d; }
in_days() { date -u -d "+$1 days" +%Y-%m-%dT09:00:00Z; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

ID1=12345678964 ID2=23456789099
cat >"$TMP/persons.csv" <<CSV
national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone
$ID1,Petrov,Ivan,Ivanovich,$(years_ago 21),M,D01,conscript,A,,,
$ID2,Sidorov,Pavel,,$(years_ago 20),M,D01,conscript,B,,,
CSV
ISSUE=(--office D01 --kind conscription --appear-at "$(in_days 10)" --place "Room 4" --purpose "Medical board")

# Without keys, writes fail and say what to do; init creates them, private to their owner.
muster init >/dev/null
mv "$TMP/test.db.ledger.key" "$TMP/saved.key"
expect_exit 0 muster office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow
expect_exit 0 muster import persons "$TMP/persons.csv"
expect_exit 2 muster summons issue $ID1 "${ISSUE[@]}"
assert_contains "missing key named" "$OUT" "test.db.ledger.key"
assert_contains "missing key: what to do" "$OUT" "muster init"
assert_eq "nothing written without the ledger" "0" "$(sql 'SELECT count(*) FROM summonses')"
mv "$TMP/saved.key" "$TMP/test.db.ledger.key"
assert_eq "signing key mode" "600" "$(stat -c %a "$TMP/test.db.ledger.key")"
assert_eq "secret mode" "600" "$(stat -c %a "$TMP/test.db.ledger.secret")"
expect_exit 0 muster init
[[ $OUT != *"Created ledger keys"* ]] || fail "init replaced existing keys: $OUT"
expect_exit 0 muster ledger pubkey
PUB=$OUT
assert_contains "verifier key" "$PUB" "muster.local/ledger+"
echo "$PUB" >"$TMP/ledger.pub"
# A key file others may read is refused.
chmod 640 "$TMP/test.db.ledger.key"
expect_exit 2 muster ledger checkpoint
assert_contains "key file mode refused" "$OUT" "chmod 600"
chmod 600 "$TMP/test.db.ledger.key"

# Every write's events become leaves, with a checkpoint per write.
expect_exit 0 muster --as alice --json summons issue $ID1 "${ISSUE[@]}"
N1=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster --as alice --json summons issue $ID2 "${ISSUE[@]}"
N2=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster --as bob summons cancel "$N2" --reason "Issued to Sidorov in error"
assert_eq "one leaf per event" "$(sql 'SELECT count(*) FROM events')" \
  "$(sql 'SELECT sum(length(hashes)) / 32 FROM ledger_tiles WHERE level = 0')"
assert_eq "checkpoint per write" "3" "$(sql 'SELECT count(*) FROM ledger_checkpoints')"

# Entries: no national ID, surname or free text in clear; the pseudonym instead.
expect_exit 0 muster ledger entries
ENTRIES=$OUT
assert_eq "entries listed" "$(sql 'SELECT count(*) FROM events')" "$(wc -l <<<"$ENTRIES")"
for secret in $ID1 $ID2 Sidorov "in error" national_id; do
  [[ $ENTRIES != *"$secret"* ]] || fail "ledger entries show '$secret' in clear"
done
assert_contains "pseudonym in place of the person" "$ENTRIES" '"person":"'
assert_contains "delivery leaf commits to the document" "$ENTRIES" '"summons_sha256":"'
expect_exit 0 muster --json ledger entries --from 1 --to 2
assert_eq "entries --from --to" "1" "$(echo "$OUT" | json_field '[0]["index"]')"
[[ $OUT != *$ID1* ]] || fail "ledger entries --json shows a national ID"

# The receipt verifies offline, with the receipt's key and with the published one.
expect_exit 0 muster receipt "$N1"
echo "$OUT" >"$TMP/receipt.json"
expect_exit 0 "$MUSTER" verify-receipt "$TMP/receipt.json"
assert_contains "receipt verified" "$OUT" "receipt verified: summons $N1"
expect_exit 0 "$MUSTER" verify-receipt "$TMP/receipt.json" --pubkey "$TMP/ledger.pub"
assert_eq "receipt document is the summons" "$ID1" "$(json_field '["summons"]["national_id"]' <"$TMP/receipt.json")"
sed 's/Medical board/Medical boars/' "$TMP/receipt.json" >"$TMP/forged.json"
expect_exit 2 "$MUSTER" verify-receipt "$TMP/forged.json"
assert_contains "forged document" "$OUT" "summons hash"
expect_exit 2 muster receipt "$N1-0"
expect_exit 0 muster ledger verify
assert_contains "intact ledger verifies" "$OUT" "ledger verified: 5 leaves"

# Restart (a new process, later writes) and backup/restore: the old receipt still verifies and
# a new one is consistent with it.
expect_exit 0 muster --as alice summons issue $ID2 --office D01 --kind conscription --appear-at "$(in_days 12)" \
  --place "Room 5" --purpose "Second call"
sqlite3 "$TMP/test.db" ".backup '$TMP/backup.db'"
mv "$TMP/test.db" "$TMP/lost.db" && rm -f "$TMP/test.db-wal" "$TMP/test.db-shm"
cp "$TMP/backup.db" "$TMP/test.db"
expect_exit 0 muster ledger verify
expect_exit 0 muster receipt "$N1"
echo "$OUT" >"$TMP/receipt2.json"
expect_exit 0 "$MUSTER" verify-receipt "$TMP/receipt2.json" --pubkey "$TMP/ledger.pub"
expect_exit 0 "$MUSTER" verify-receipt "$TMP/receipt.json" --pubkey "$TMP/ledger.pub"
assert_eq "same leaf after restore" "$(json_field '["leaf"]' <"$TMP/receipt.json")" \
  "$(json_field '["leaf"]' <"$TMP/receipt2.json")"
expect_exit 0 muster ledger checkpoint
assert_contains "checkpoint printed" "$OUT" "muster.local/ledger"
assert_contains "checkpoint signed" "$OUT" "— muster.local/ledger "
expect_exit 0 muster ledger verify --pubkey "$TMP/ledger.pub"
assert_contains "auditor with the public key only" "$OUT" "ledger verified: 7 leaves"

# Tampering, each on a fresh copy of the intact database.
cp "$TMP/test.db" "$TMP/intact.db"
tamper() { cp "$TMP/intact.db" "$TMP/test.db"; rm -f "$TMP/test.db-wal" "$TMP/test.db-shm"; sql "$1"; }

# The leaves are the events' encodings: an event changed or removed shows.
tamper "UPDATE events SET type = 'summons.issueD' WHERE seq = 3"
expect_exit 2 muster ledger verify
assert_contains "changed leaf" "$OUT" "event 3 (summons.issueD $N2) no longer matches its leaf 2"

tamper "DELETE FROM events WHERE seq = 2"
expect_exit 2 muster ledger verify
assert_contains "deleted leaf" "$OUT" "event 3 (summons.issued $N2) no longer matches its leaf 1"
expect_exit 3 muster receipt "$N2"
assert_contains "no receipt from a broken tile" "$OUT" "an event was removed or added"

tamper "INSERT INTO events (seq, type, at, actor, subject, payload) SELECT 100, type, at, actor, subject, payload
          FROM events WHERE seq = 7"
expect_exit 0 muster ledger verify
assert_contains "an event after the last leaf is pending" "$OUT" "events verified: 7 match their leaves, 1 not yet in the ledger"

# The tiles: a leaf hash changed, the last leaf removed, a tile removed.
tamper "UPDATE ledger_tiles SET hashes = CAST(zeroblob(32) || substr(hashes, 33) AS BLOB) WHERE level = 0"
expect_exit 2 muster ledger verify --pubkey "$TMP/ledger.pub"
assert_contains "changed leaf hash" "$OUT" "checkpoint 1 (size 2): signed root does not match the stored leaves"

tamper "UPDATE ledger_tiles SET hashes = CAST(substr(hashes, 1, length(hashes) - 32) AS BLOB), last_seq = 6 WHERE level = 0"
expect_exit 2 muster ledger verify
assert_contains "deleted last leaf" "$OUT" "checkpoint 4 (size 7): signed for 7 leaves, but the ledger holds 6"

tamper "DELETE FROM ledger_tiles"
expect_exit 2 muster ledger verify
assert_contains "deleted tile" "$OUT" "checkpoint 1 (size 2): signed for 2 leaves, but the ledger holds 0"

tamper "UPDATE ledger_checkpoints SET note = replace(note, char(10) || '4' || char(10), char(10) || '3' || char(10)),
          size = 3 WHERE size = 4"
expect_exit 2 muster ledger verify
assert_contains "edited checkpoint" "$OUT" "checkpoint 2 (size 3): signature: signature by key muster.local/ledger does not verify"

tamper "UPDATE ledger_checkpoints SET size = size - 1 WHERE id = 2"
expect_exit 2 muster ledger verify
assert_contains "checkpoint row differs from its note" "$OUT" "checkpoint 2 (size 3): stored size or root differs from its signed note (size 4)"

# An event changed after it was recorded: the ledger itself is intact, its leaf is not what the
# event encodes to now (found with the pseudonym key; an auditor with the public key only cannot).
tamper "UPDATE events SET payload = replace(payload, '\"delivered_at\":\"', '\"delivered_at\":\"1') WHERE seq = 2"
expect_exit 2 muster ledger verify
assert_contains "changed event" "$OUT" "event 2 (summons.delivered $N1) no longer matches its leaf 1"
expect_exit 0 muster ledger verify --pubkey "$TMP/ledger.pub"
assert_contains "auditor: events not checked" "$OUT" "events not checked"

cp "$TMP/intact.db" "$TMP/test.db"
expect_exit 0 muster ledger verify
assert_contains "events checked" "$OUT" "events verified: 7 match their leaves, 0 not yet in the ledger"

finish
