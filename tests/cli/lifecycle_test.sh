#!/usr/bin/env bash
# The whole loop on the real binary: registry, eligibility, four-eyes override, issue, sweep,
# exit ban, appearance, appeal, data correction, cancellation, campaign preview and issue, and
# forbidden moves.
source "$(dirname "$0")/lib.sh"

years_ago() { date -u -d "$1 years ago" +%Y-%m-%d; }
in_days() { date -u -d "+$1 days" +%Y-%m-%dT09:00:00Z; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

cat > "$TMP/persons.csv" <<CSV
national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone
12345678964,Petrov,Ivan,Ivanovich,$(years_ago 21),M,D01,conscript,A,,,
23456789099,Sidorov,Pavel,,$(years_ago 20),M,D01,conscript,B,,,
34567890123,Orlov,Gleb,,$(years_ago 17),M,D01,conscript,A,,,
45678901238,Volkov,Oleg,,$(years_ago 40),M,D01,reservist,A,,,
56789012343,Zaitsev,Ilya,,$(years_ago 22),M,D01,conscript,D,,,
67890123438,Lebedev,Yuri,,$(years_ago 23),M,D02,conscript,A,,,
CSV
FIT=12345678964 STUDENT=23456789099 MINOR=34567890123 UNFIT=56789012343

muster init >/dev/null
expect_exit 0 muster office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow --capacity 2
expect_exit 0 muster office add --code D02 --name "North office" --region Moscow --timezone Europe/Moscow
expect_exit 0 muster import persons "$TMP/persons.csv"
assert_contains "import" "$OUT" "6 inserted"

# Deferments and eligibility.
expect_exit 0 muster deferment add $STUDENT --kind study --until "$(date -u -d '+2 years' +%Y-%m-%d)" --basis "University certificate 7/2026"
expect_exit 2 muster deferment add $STUDENT --kind holiday --until 2030-01-01 --basis x
assert_contains "unknown deferment kind" "$OUT" "not a deferment kind"
expect_exit 0 muster eligibility $FIT --kind conscription --appear-at "$(in_days 10)"
assert_eq "fit person" "eligible" "$OUT"
expect_exit 0 muster eligibility $STUDENT --kind conscription --appear-at "$(in_days 10)"
assert_eq "student" "not eligible: deferment:study" "$OUT"
expect_exit 0 muster eligibility $MINOR --kind conscription --appear-at "$(in_days 10)"
assert_eq "minor" "not eligible: age_below" "$OUT"
expect_exit 0 muster eligibility $UNFIT --kind conscription --appear-at "$(in_days 10)"
assert_eq "unfit" "not eligible: fitness" "$OUT"

# An ineligible person is refused; an override needs a second person.
ISSUE=(--office D01 --kind conscription --appear-at "$(in_days 10)" --place "Room 4" --purpose "Medical board")
expect_exit 2 muster summons issue 12345678900 "${ISSUE[@]}"
assert_contains "malformed ID named" "$OUT" "national_id"
expect_exit 2 muster summons issue 67890123438 "${ISSUE[@]}"
assert_contains "own office only" "$OUT" "no person with national ID 67890123438 is registered with office D01"
expect_exit 2 muster summons issue 98765432183 "${ISSUE[@]}"
assert_contains "unknown alike" "$OUT" "no person with national ID 98765432183 is registered with office D01"
expect_exit 2 muster summons issue $MINOR "${ISSUE[@]}"
assert_contains "refusal names the reason" "$OUT" "age_below"
assert_eq "nothing issued" "0" "$(sql 'SELECT count(*) FROM summonses')"
expect_exit 0 muster --as alice summons issue $MINOR "${ISSUE[@]}" --override-reason "Court order 12/2026"
expect_exit 2 muster --as alice override approve 1
assert_contains "four eyes" "$OUT" "second person"
expect_exit 2 muster --as officer:alice override approve 1
assert_contains "four eyes across channels" "$OUT" "second person"
expect_exit 0 muster --as bob --json override approve 1
MINOR_N=$(echo "$OUT" | json_field '["number"]')
assert_eq "override recorded" "bob" "$(echo "$OUT" | json_field '["override"]["approved_by"]')"
expect_exit 2 muster --as carol override approve 1
assert_contains "approved once" "$OUT" "already approved"

# Issue, delivered on entry.
expect_exit 0 muster --as alice --json summons issue $FIT "${ISSUE[@]}"
N=$(echo "$OUT" | json_field '["number"]')
assert_eq "delivered on entry" "delivered" "$(echo "$OUT" | json_field '["state"]')"
expect_exit 0 muster exit-check $FIT
assert_contains "allowed before the deadline" "$OUT" "allow"

# A mistyped number is caught by its check digit.
BAD=${N:0:3}$(( (${N:3:1} + 1) % 10 ))${N:4}
expect_exit 2 muster summons show "$BAD"
assert_contains "check digit" "$OUT" "digit is wrong"

# The citizen opens it; only the first opening counts.
expect_exit 0 muster --json summons view "$N"
FIRST=$(echo "$OUT" | json_field '["viewed_at"]')
expect_exit 0 muster --json summons view "$N"
assert_eq "viewed_at set once" "$FIRST" "$(echo "$OUT" | json_field '["viewed_at"]')"

# The deadline passes: no-show and exit ban; the sweep is idempotent.
AFTER=$(date -u -d '+12 days' +%Y-%m-%dT12:00:00Z)
expect_exit 0 muster sweep --now "$AFTER"
assert_eq "sweep" "sweep: 0 delivered, 2 no-show, 2 restrictions imposed" "$OUT"
expect_exit 0 muster sweep --now "$AFTER"
assert_eq "sweep again" "sweep: 0 delivered, 0 no-show, 0 restrictions imposed" "$OUT"
export MUSTER_NOW=$AFTER  # from here on, the clock stands after the deadline
expect_exit 0 muster --json exit-check $FIT
assert_eq "barred" "deny" "$(echo "$OUT" | json_field '["decision"]')"
assert_eq "no reason given" "['decision', 'reference']" "$(echo "$OUT" | json_field '.keys().__str__()' | tr -d '\n' | sed "s/dict_keys(//;s/)//")"
expect_exit 0 muster exit-check 45678901238
assert_contains "others unaffected" "$OUT" "allow"

# Appearance lifts the ban.
expect_exit 0 muster --as alice appear "$N"
expect_exit 0 muster exit-check $FIT
assert_contains "allowed after appearing" "$OUT" "allow"
expect_exit 0 muster --json restriction list $FIT
assert_eq "history kept" "appeared" "$(echo "$OUT" | json_field '[0]["lift_reason"]')"
expect_exit 2 muster appear "$N"
assert_contains "appeared is final" "$OUT" "cannot be marked as appeared"
expect_exit 2 muster summons cancel "$N" --reason late
assert_contains "no cancel after appearing" "$OUT" "cannot be cancelled"

# Appeal: the issuer may not decide it; a grant excuses and lifts.
expect_exit 0 muster exit-check $MINOR
assert_contains "minor barred" "$OUT" "deny"
expect_exit 0 muster --as "citizen:$MINOR" appeal file "$MINOR_N" --reason ineligible --text "I am 17"
expect_exit 2 muster --as citizen appeal file "$MINOR_N" --reason ineligible --text "again"
assert_contains "one pending appeal" "$OUT" "pending"
expect_exit 2 muster --as alice appeal decide 1 --grant --reason "under age"
assert_contains "issuer may not decide" "$OUT" "may not decide"
expect_exit 2 muster --as carol appeal decide 1 --reason x
assert_contains "grant or deny" "$OUT" "--grant or --deny"
expect_exit 0 muster --as carol appeal decide 1 --grant --reason "under age"
expect_exit 0 muster --json summons show "$MINOR_N"
assert_eq "excused" "excused" "$(echo "$OUT" | json_field '["state"]')"
expect_exit 0 muster exit-check $MINOR
assert_contains "minor allowed again" "$OUT" "allow"
expect_exit 2 muster --as carol appeal decide 1 --deny --reason again
assert_contains "decided once" "$OUT" "already granted"

unset MUSTER_NOW

# Data corrections: the value is checked as on import; approving changes the person.
expect_exit 2 muster --as "citizen:$FIT" correction request $FIT --field birth_date --value 2999-01-01
assert_contains "a bad value names the field" "$OUT" "birth_date 2999-01-01 is in the future"
expect_exit 0 muster --as "citizen:$FIT" --json correction request $FIT --field given_name --value Ioann --explanation "Passport"
CID=$(echo "$OUT" | json_field '["id"]')
expect_exit 0 muster correction list --pending --district D01
assert_contains "listed" "$OUT" "Ioann"
expect_exit 2 muster --as carol correction decide "$CID" --reject
assert_contains "a rejection needs a reason" "$OUT" "reason"
expect_exit 0 muster --as carol correction decide "$CID" --approve
assert_contains "approved" "$OUT" "approved"
expect_exit 0 muster --json person show $FIT
assert_eq "corrected" "Ioann" "$(echo "$OUT" | json_field '["given_name"]')"

# Cancellation.
expect_exit 0 muster --as alice --json summons issue 45678901238 --office D01 --kind reservist_training \
  --appear-at "$(in_days 11)" --place "Room 1" --purpose "Training"
R=$(echo "$OUT" | json_field '["number"]')
# Free text from the command line is checked at the service's entry: bad bytes are refused
# naming the field, nothing is written, and nothing aborts.
expect_exit 2 muster --as alice summons cancel "$R" --reason $'\xff'
assert_contains "a reason that is not UTF-8" "$OUT" "reason: is not valid UTF-8"
expect_exit 2 muster --as alice summons cancel "$R" --reason $'one\x1b[2Jtwo'
assert_contains "a reason with a control character" "$OUT" "reason: holds a control character"
expect_exit 2 muster --as $'al\xffice' summons cancel "$R" --reason "Issued in error"
assert_contains "an actor that is not UTF-8" "$OUT" "actor: is not valid UTF-8"
expect_exit 2 muster --as "citizen:45678901238" appeal file "$R" --reason illness --text $'bad\xff'
assert_contains "an appeal text that is not UTF-8" "$OUT" "text: is not valid UTF-8"
expect_exit 0 muster --as "citizen:45678901238" appeal file "$R" --reason illness --text $'Two lines:\nill\tsince Monday'
expect_exit 0 muster --json appeal list
assert_eq "the appeal list still reads" "illness" "$(echo "$OUT" | json_field '[-1]["reason"]')"
assert_eq "line breaks kept" $'Two lines:\nill\tsince Monday' "$(echo "$OUT" | json_field '[-1]["text"]')"
expect_exit 0 muster --json summons show "$R"
assert_eq "nothing changed by the refusals" "delivered" "$(echo "$OUT" | json_field '["state"]')"
expect_exit 0 muster --as alice summons cancel "$R" --reason "Issued in error"
expect_exit 2 muster --as alice summons cancel "$R" --reason "again"
assert_contains "cancelled is final" "$OUT" "is cancelled"

# Campaign: preview writes nothing; issue books capacity; a rerun adds nobody.
FROM=$(date -u -d '+20 days' +%Y-%m-%d)
UNTIL=$(date -u -d '+40 days' +%Y-%m-%d)
expect_exit 2 muster campaign create --kind conscription --name "Autumn call-up" --basis "Decree 1" --districts D99 \
  --appear-from "$FROM" --appear-until "$UNTIL"
assert_contains "unknown district" "$OUT" "D99"
expect_exit 0 muster --as supervisor campaign create --kind conscription --name "Autumn call-up" --basis "Decree 1" \
  --districts D01 --appear-from "$FROM" --appear-until "$UNTIL"
BEFORE=$(sql 'SELECT count(*) FROM summonses')
expect_exit 0 muster --json campaign preview 1
assert_eq "preview planned" "1" "$(echo "$OUT" | json_field '["planned"]')"
assert_eq "preview excluded" "4" "$(echo "$OUT" | json_field '["excluded"]')"
assert_eq "preview by reason" "{'age_above': 1, 'age_below': 1, 'deferment:study': 1, 'fitness': 1}" \
  "$(echo "$OUT" | json_field '["excluded_by_reason"]')"
assert_eq "preview writes nothing" "$BEFORE" "$(sql 'SELECT count(*) FROM summonses')"
expect_exit 0 muster --as supervisor campaign issue 1
assert_contains "issue summary" "$OUT" "1 summoned"
expect_exit 0 muster --as supervisor --json campaign issue 1
assert_eq "rerun issues nobody" "0" "$(echo "$OUT" | json_field '["planned"]')"
assert_eq "rerun sees the earlier one" "1" "$(echo "$OUT" | json_field '["already_issued"]')"
assert_eq "one summons per person and campaign" "1" "$(sql 'SELECT count(*) FROM summonses WHERE campaign_id = 1')"

# Every change left an event.
assert_eq "events" "1" "$(sql "SELECT count(*) > 10 FROM events WHERE type IN ('summons.issued','summons.delivered','summons.no_show','restriction.imposed','restriction.lifted','appeal.filed','appeal.decided','summons.excused','summons.cancelled','summons.viewed','deferment.added','summons.appeared')" \
  "SELECT (count(*) > 10)::int FROM events WHERE type IN ('summons.issued','summons.delivered','summons.no_show','restriction.imposed','restriction.lifted','appeal.filed','appeal.decided','summons.excused','summons.cancelled','summons.viewed','deferment.added','summons.appeared')")"
assert_eq "event types" "16" "$(sql 'SELECT count(DISTINCT type) FROM events')"  # person.correction_requested, person.corrected too
assert_eq "override trail" "override.requested override.approved" \
  "$(sql "SELECT group_concat(type, ' ') FROM (SELECT type FROM events WHERE type LIKE 'override.%' ORDER BY seq)" \
    "SELECT string_agg(type, ' ' ORDER BY seq) FROM events WHERE type LIKE 'override.%'")"

finish
