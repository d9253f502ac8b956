#!/usr/bin/env bash
# The offline stop-list on the real binary: exported, checked with no database, a changed byte
# refused, an expired list answered as the policy or the post says, and a delta that lifts a ban
# applied through FILE.deltas.
source "$(dirname "$0")/lib.sh"

years_ago() { date -u -d "$1 years ago" +%Y-%m-%d; }
in_days() { date -u -d "+$1 days" +%Y-%m-%dT09:00:00Z; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

cat > "$TMP/persons.csv" <<CSV
national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone
12345678964,Petrov,Ivan,Ivanovich,$(years_ago 21),M,D01,conscript,A,,,
45678901238,Volkov,Oleg,,$(years_ago 22),M,D01,conscript,A,,,
67890123438,Lebedev,Yuri,,$(years_ago 23),M,D01,conscript,A,,,
CSV
A=12345678964 B=45678901238 FREE=67890123438

muster init >/dev/null
expect_exit 0 muster office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow
expect_exit 0 muster import persons "$TMP/persons.csv"
ISSUE=(--office D01 --kind conscription --appear-at "$(in_days 10)" --place "Room 4" --purpose "Medical board")
expect_exit 0 muster --as alice --json summons issue $A "${ISSUE[@]}"
NA=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster --as alice --json summons issue $B "${ISSUE[@]}"
NB=$(echo "$OUT" | json_field '["number"]')
AFTER=$(date -u -d '+12 days' +%Y-%m-%dT12:00:00Z)
expect_exit 0 muster sweep --now "$AFTER"
export MUSTER_NOW=$AFTER

# Exported: two bans, 40 bytes of header, 12 a ban, a 64-byte signature.
LIST=$TMP/post/stoplist.bin
mkdir -p "$TMP/post"
expect_exit 0 muster --json stoplist export --out "$LIST"
assert_eq "two bans" "2" "$(echo "$OUT" | json_field '["entries"]')"
assert_eq "file size" "128" "$(stat -c %s "$LIST")"
SEQ=$(echo "$OUT" | json_field '["last_seq"]')
assert_eq "the key is private" "600" "$(stat -c %a "$TMP/test.db.stoplist.key")"
# The list names nobody: no national ID in it.
if grep -q "$A" "$LIST"; then fail "the list holds a national ID in clear"; fi

# The post's copy: the list, the hash key and the ledger's public key, no database.
expect_exit 0 muster stoplist hash-key
echo "$OUT" > "$TMP/post/hash.key"
chmod 600 "$TMP/post/hash.key"
expect_exit 0 muster ledger pubkey
echo "$OUT" > "$TMP/post/ledger.pub"
POST=(--db "$TMP/no-such.db" stoplist check --hash-key "$TMP/post/hash.key" --pubkey "$TMP/post/ledger.pub")
expect_exit 0 "$MUSTER" "${POST[@]}" "$LIST" $A
assert_eq "barred" "deny" "$OUT"
expect_exit 0 "$MUSTER" "${POST[@]}" "$LIST" $FREE
assert_eq "not barred" "allow" "$OUT"
[[ ! -e $TMP/no-such.db ]] || fail "the check opened a database"
expect_exit 2 "$MUSTER" "${POST[@]}" "$LIST" 1234
assert_contains "a bad ID is named" "$OUT" "national_id"

# One byte changed anywhere is refused; so is a list signed by another key.
cp "$LIST" "$TMP/tampered.bin"
printf '\x01' | dd of="$TMP/tampered.bin" bs=1 seek=45 conv=notrunc 2>/dev/null
expect_exit 2 "$MUSTER" "${POST[@]}" "$TMP/tampered.bin" $A
assert_contains "tampered refused" "$OUT" "signature"
head -c 100 "$LIST" > "$TMP/short.bin"
expect_exit 2 "$MUSTER" "${POST[@]}" "$TMP/short.bin" $A
assert_contains "cut short refused" "$OUT" "malformed stop-list"
expect_exit 0 "$MUSTER" --db "$TMP/other.db" init
expect_exit 0 "$MUSTER" --db "$TMP/other.db" ledger pubkey
echo "$OUT" > "$TMP/other.pub"
expect_exit 2 "$MUSTER" --db "$TMP/no-such.db" stoplist check --hash-key "$TMP/post/hash.key" --pubkey "$TMP/other.pub" "$LIST" $A
assert_contains "another key refused" "$OUT" "signature"

# Expired (the default policy's 24 hours): refused by default, else as the post says.
LATER=$(date -u -d '+14 days' +%Y-%m-%dT12:00:00Z)
MUSTER_NOW=$LATER expect_exit 2 "$MUSTER" "${POST[@]}" "$LIST" $FREE
assert_contains "expired refused" "$OUT" "expired"
MUSTER_NOW=$LATER expect_exit 0 "$MUSTER" "${POST[@]}" --when-expired deny "$LIST" $FREE
assert_eq "expired denies" "deny (the stop-list has expired)" "$OUT"
MUSTER_NOW=$LATER expect_exit 0 "$MUSTER" "${POST[@]}" --when-expired allow "$LIST" $A
assert_eq "expired allows" "allow (the stop-list has expired)" "$OUT"
expect_exit 2 "$MUSTER" "${POST[@]}" --when-expired maybe "$LIST" $A
assert_contains "bad option named" "$OUT" "when-expired"
cat > "$TMP/policy.toml" <<TOML
$(cat "$SOURCE_DIR/policies/default.toml" | sed 's/^when_expired = "refuse"/when_expired = "deny"/')
TOML
MUSTER_NOW=$LATER expect_exit 0 "$MUSTER" --policy "$TMP/policy.toml" "${POST[@]}" "$LIST" $FREE
assert_eq "the policy's choice" "deny (the stop-list has expired)" "$OUT"
sed 's/^when_expired = "refuse"/when_expired = "sometimes"/' "$SOURCE_DIR/policies/default.toml" > "$TMP/bad.toml"
expect_exit 2 "$MUSTER" --policy "$TMP/bad.toml" "${POST[@]}" "$LIST" $FREE
assert_contains "bad policy value named" "$OUT" "stoplist.when_expired"

# A appears: the delta since the list lifts the ban; applied from FILE.deltas.
expect_exit 0 muster --as alice appear "$NA"
expect_exit 0 muster stoplist delta --since "$SEQ" --out "$TMP/delta.bin"
assert_eq "one change" "$((48 + 12 + 64))" "$(stat -c %s "$TMP/delta.bin")"
cp "$TMP/delta.bin" "$LIST.deltas"
expect_exit 0 "$MUSTER" "${POST[@]}" "$LIST" $A
assert_eq "lifted by the delta" "allow" "$OUT"
expect_exit 0 "$MUSTER" "${POST[@]}" "$LIST" $B
assert_eq "others still barred" "deny" "$OUT"
# The same delta twice does not follow on from itself.
cat "$TMP/delta.bin" "$TMP/delta.bin" > "$LIST.deltas"
expect_exit 2 "$MUSTER" "${POST[@]}" "$LIST" $A
assert_contains "a delta out of turn refused" "$OUT" "delta 2"
printf 'x' >> "$LIST.deltas"
expect_exit 2 "$MUSTER" "${POST[@]}" "$LIST" $A
rm "$LIST.deltas"

# The lifting's receipt: proof, for a post whose list is stale, that A's ban no longer bars.
expect_exit 0 muster --json restriction list $A
RA=$(echo "$OUT" | json_field '[0]["id"]')
expect_exit 0 muster receipt "$NA" --lifted "$RA"
echo "$OUT" > "$TMP/lifted.json"
assert_contains "a restriction.lifted leaf" "$(json_field '["leaf"]' < "$TMP/lifted.json")" '"type":"restriction.lifted"'
expect_exit 0 "$MUSTER" verify-receipt "$TMP/lifted.json" --pubkey "$TMP/post/ledger.pub"
assert_contains "verified offline" "$OUT" "summons $NA restriction.lifted at"
expect_exit 0 muster --json restriction list $B
RB=$(echo "$OUT" | json_field '[0]["id"]')
expect_exit 2 muster receipt "$NA" --lifted "$RB"
assert_contains "another summons' restriction" "$OUT" "no lifting of restriction"
expect_exit 2 muster receipt "$NB" --lifted "$RB"
assert_contains "a ban still in force has none" "$OUT" "no lifting of restriction"
expect_exit 2 muster stoplist delta --since 999999 --out "$TMP/d.bin"
assert_contains "a since after the last event is named" "$OUT" "since"

finish
