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

# A health deferment is not readable in the ledger (leaf format 2): its kind is digested, and the
# pseudonym in its leaves is not the one a receipt of the person's summons shows, nor are the
# pseudonyms of two summonses of one person alike.
expect_exit 0 muster deferment add $ID1 --kind health --until "$(date -u -d '+400 days' +%Y-%m-%d)" \
  --basis "Hospital certificate 9/2026"
expect_exit 0 muster --json ledger entries
person_of() { python3 -c "
import json, sys
for e in json.load(sys.stdin):
    leaf = json.loads(e['leaf'])
    if leaf['type'] == sys.argv[1] and (len(sys.argv) < 3 or leaf['subject'] == sys.argv[2]):
        print(leaf['format'], leaf['payload']['person'])" "$@"; }
DEFERMENT=$(person_of deferment.added <<<"$OUT")
DELIVERED1=$(person_of summons.delivered "$N1" <<<"$OUT")
ISSUED2=$(person_of summons.issued "$N2" <<<"$OUT")
ISSUED3=$(python3 -c "
import json, sys
print([json.loads(e['leaf']) for e in json.load(sys.stdin)][-3]['payload']['person'])" <<<"$OUT")
[[ $OUT != *health* && $OUT != *Hospital* ]] || fail "ledger entries show the deferment's kind or basis: $OUT"
assert_contains "the deferment's kind digested" "$OUT" 'kind_hmac'
assert_contains "format 2" "$DEFERMENT" "2 "
[[ ${DEFERMENT#2 } != "${DELIVERED1#2 }" ]] || fail "the deferment's leaf names the pseudonym of the receipt's leaf"
[[ ${ISSUED2#2 } != "$ISSUED3" ]] || fail "two summonses of one person share a pseudonym"
assert_eq "one summons' events share its pseudonym" "$DELIVERED1" "$(person_of summons.issued "$N1" <<<"$OUT")"
expect_exit 0 muster receipt "$N1"
echo "$OUT" >"$TMP/receipt3.json"
expect_exit 0 "$MUSTER" verify-receipt "$TMP/receipt3.json" --pubkey "$TMP/ledger.pub"
assert_contains "receipt shows the delivery's pseudonym" "$(json_field '["leaf"]' <"$TMP/receipt3.json")" "${DELIVERED1#2 }"
expect_exit 0 muster ledger verify
assert_contains "the ledger with the deferment verifies" "$OUT" "events verified: 8 match their leaves"

# A database from before leaf format 2 (migration 0016): its leaves keep their bytes and verify
# after the upgrade, and new leaves are in format 2.
rm -f "$TMP/test.db" "$TMP/test.db-wal" "$TMP/test.db-shm"
expect_exit 0 muster init
expect_exit 0 muster office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow
expect_exit 0 muster import persons "$TMP/persons.csv"
sql "UPDATE ledger_leaf_formats SET first_seq = 0"  # no format 2 yet: leaves in format 1
expect_exit 0 muster --as alice --json summons issue $ID1 "${ISSUE[@]}"
OLD=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster receipt "$OLD"
echo "$OUT" >"$TMP/old-receipt.json"
[[ $(json_field '["leaf"]' <"$TMP/old-receipt.json") != *'"format"'* ]] || fail "a format-1 leaf names a format"
sql "DROP TABLE ledger_leaf_formats; DELETE FROM schema_migrations WHERE version = 16"
expect_exit 0 muster ledger verify  # migrates first
assert_contains "format-1 leaves verify after the upgrade" "$OUT" "events verified: 2 match their leaves"
assert_eq "format 2 from the next event" "3" "$(sql 'SELECT first_seq FROM ledger_leaf_formats WHERE version = 2')"
expect_exit 0 muster --as alice --json summons issue $ID2 "${ISSUE[@]}"
NEW=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster ledger verify
assert_contains "both formats verify" "$OUT" "events verified: 4 match their leaves"
expect_exit 0 muster receipt "$OLD"
assert_eq "the old receipt's leaf unchanged" "$(json_field '["leaf"]' <"$TMP/old-receipt.json")" "$(json_field '["leaf"]' <<<"$OUT")"
expect_exit 0 muster receipt "$NEW"
echo "$OUT" >"$TMP/new-receipt.json"
assert_contains "a new leaf in format 2" "$(json_field '["leaf"]' <"$TMP/new-receipt.json")" '"format":2'
expect_exit 0 "$MUSTER" verify-receipt "$TMP/old-receipt.json" --pubkey "$TMP/ledger.pub"
expect_exit 0 "$MUSTER" verify-receipt "$TMP/new-receipt.json" --pubkey "$TMP/ledger.pub"

finish
