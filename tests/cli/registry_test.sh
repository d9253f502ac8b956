#!/usr/bin/env bash
# The registry commands on a temporary database: init, offices, the hostile persons file,
# re-import, bad input and usage errors, with the exit codes DESIGN §6 and issue 2 promise.
source "$(dirname "$0")/lib.sh"

expect_exit 0 muster init
assert_contains "init" "$OUT" "Created"
expect_exit 0 muster init
assert_contains "second init" "$OUT" "Up to date"

# Offices: one by hand, a bad zone refused, the rest from a file.
expect_exit 2 muster office add --code D09 --name Nowhere --region Nowhere --timezone Mars/Olympus
assert_contains "bad timezone" "$OUT" "timezone"
expect_exit 0 muster office add --code D01 --name "Central district office" --region Moscow \
  --timezone Europe/Moscow --capacity 200
expect_exit 2 muster office add --code D01 --name Again --region Moscow --timezone Europe/Moscow
expect_exit 0 muster --json import offices "$TESTDATA/offices.csv"
assert_eq "offices inserted" "1 1" "$(jq -r '"\(.inserted) \(.unchanged)"' <<<"$OUT")"
expect_exit 0 muster --json office list
assert_eq "office codes" "D01 D02" "$(jq -r 'map(.code) | join(" ")' <<<"$OUT")"
assert_eq "quoted office name" 'Northern office, building "B"' "$(jq -r '.[1].name' <<<"$OUT")"

# The hostile file: exactly the valid rows load, every other row is reported with its reason.
hostile=$TESTDATA/hostile_persons.csv
expect_exit 0 muster --json import persons "$hostile" --report "$TMP/report.csv"
assert_eq "first import rows,inserted,updated,unchanged,rejected" "34 9 0 0 25" \
  "$(jq -r '"\(.rows) \(.inserted) \(.updated) \(.unchanged) \(.rejected)"' <<<"$OUT")"
assert_eq "ignored columns" "note" "$(jq -r '.ignored_columns | join(",")' <<<"$OUT")"
assert_eq "persons in the database" 9 "$(sql 'SELECT count(*) FROM persons')"
expected=$TESTDATA/hostile_persons.expected.csv
assert_eq "report: line and column of every rejection" "$(cut -d, -f1,2 "$expected")" \
  "$(cut -d, -f1,2 "$TMP/report.csv")"
mapfile -t want <"$expected"
mapfile -t got <"$TMP/report.csv"
for i in "${!want[@]}"; do
  assert_contains "report line $((i + 1))" "${got[i]:-}" "${want[i]#*,*,}"
done

# What was stored is what the file said.
expect_exit 0 muster --json person show 10003610253
assert_eq "address stored verbatim" "'); DROP TABLE persons;--" "$(jq -r .address <<<"$OUT")"
assert_eq "phone normalised" "+79161234567" "$(jq -r .phone <<<"$OUT")"
assert_eq "names" "O'Brien Mary-Jane St. John" "$(jq -r '"\(.surname) \(.given_name) \(.patronymic)"' <<<"$OUT")"
expect_exit 0 muster --json person show 10002026441
assert_eq "doubled quotes and comma" 'ул. "Красный Октябрь", д. 5, кв. 3' "$(jq -r .address <<<"$OUT")"
expect_exit 0 muster --json person show 10002818373
assert_eq "line break in a quoted field" $'Дом 7\nподъезд 2' "$(jq -r .address <<<"$OUT")"
expect_exit 0 muster --json person show 10023407773
assert_eq "spaces kept" "  spaces kept  " "$(jq -r .address <<<"$OUT")"
expect_exit 0 muster --json person show 10024199696
assert_eq "stray quotes kept" 'He said "hi" twice' "$(jq -r .address <<<"$OUT")"
expect_exit 0 muster --json person show 10004402150
assert_eq "Greek surname, combining accent" $'Παπαδόπουλος Jose\xcc\x81' "$(jq -r '"\(.surname) \(.given_name)"' <<<"$OUT")"
expect_exit 0 muster --json person show 10005985912
assert_eq "first occurrence rejected, second loads" "Второй" "$(jq -r .surname <<<"$OUT")"
expect_exit 0 muster --json person list --district D02
assert_eq "district filter" "10004402150 10021823979" "$(jq -r 'map(.national_id) | join(" ")' <<<"$OUT")"

# A second import changes nothing; an edited row is an update.
expect_exit 0 muster --json import persons "$hostile"
assert_eq "second import inserted,updated,unchanged,rejected" "0 0 9 25" \
  "$(jq -r '"\(.inserted) \(.updated) \(.unchanged) \(.rejected)"' <<<"$OUT")"
sed 's/+79161234567/+79160000000/' "$hostile" >"$TMP/edited.csv"
expect_exit 0 muster --json import persons "$TMP/edited.csv"
assert_eq "edited import inserted,updated,unchanged" "0 1 8" \
  "$(jq -r '"\(.inserted) \(.updated) \(.unchanged)"' <<<"$OUT")"

# Files that are not a persons CSV: exit 2 and nothing written.
before=$(sql 'SELECT group_concat(national_id || version) FROM persons' "SELECT string_agg(national_id || version, ',' ORDER BY id) FROM persons")
printf 'national_id,surname,given_name\n10001234544,Иванов,Иван\n' >"$TMP/missing.csv"
expect_exit 2 muster import persons "$TMP/missing.csv"
assert_contains "missing columns named" "$OUT" "birth_date"
head -c 4096 "$MUSTER" >"$TMP/binary.csv"
expect_exit 2 muster import persons "$TMP/binary.csv"
: >"$TMP/empty.csv"
expect_exit 2 muster import persons "$TMP/empty.csv"
expect_exit 2 muster import persons "$TMP/no-such-file.csv"
assert_eq "nothing written by refused files" "$before" "$(sql 'SELECT group_concat(national_id || version) FROM persons' "SELECT string_agg(national_id || version, ',' ORDER BY id) FROM persons")"

# Unknown person, usage errors.
expect_exit 2 muster person show 00000000000
assert_contains "unknown person" "$OUT" "00000000000"
expect_exit 1 muster person
expect_exit 1 muster no-such-command
expect_exit 1 muster import persons

# A policy with errors: the message names the key.
sed -e 's/^grace_hours = 24/grace_hours = "soon"/' -e 's/^fitness_eligible = \["A", "B"\]/fitness_eligible = ["A", "Q"]/' \
  "${SOURCE_DIR:-$TESTDATA/../..}/policies/default.toml" >"$TMP/bad.toml"
expect_exit 2 muster --policy "$TMP/bad.toml" import persons "$hostile"
assert_contains "policy: wrong type" "$OUT" "deadline.grace_hours: expected an integer"
assert_contains "policy: unknown fitness" "$OUT" "eligibility.fitness_eligible: 'Q'"

finish
