#!/usr/bin/env bash
# Escalation and proof of what was sent, with a real SMTP server on loopback: under a policy with
# [escalation] (3 days; account, email, sms, paper), a summons left unopened is told again by
# e-mail, then through the webhook's channel, then queued for the print queue, then marked
# unreachable and listed for its office; a person with no address for any step is unreachable at
# once; an opened summons is left alone. Every message's final status is a ledger event, and the
# summons's receipt for a message proves, offline, when it was sent and through which channel.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3  # Debian's, with aiosmtpd (python3 on PATH may be another)
json_field() { $PY -c "import json,sys; print(json.load(sys.stdin)$1)"; }
in_hours() { date -u -d "+$1 hours" +%Y-%m-%dT%H:%M:%SZ; }
counts() { $PY -c 'import json,sys; j=json.load(sys.stdin); print(j["escalated"], j["unreachable"])'; }

MAIL="$TMP/mail"
mkdir -p "$MAIL"
$PY "$SOURCE_DIR/tests/cli/smtp_sink.py" --dir "$MAIL" --port 0 2>"$TMP/sink.err" &
sink=$!
cleanup() {
  kill -TERM "$sink" 2>/dev/null
  wait 2>/dev/null
  [[ -n $PG_DB ]] && pg_admin "DROP DATABASE IF EXISTS ${PG_DB##*/} WITH (FORCE)"
  rm -rf "$TMP"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  [[ -s $MAIL/port ]] && break
  sleep 0.05
done
[[ -s $MAIL/port ]] || { fail "the SMTP server did not start: $(cat "$TMP/sink.err")"; finish; }
printf '[smtp]\nhost = "127.0.0.1"\nport = %s\nfrom = "Recruitment office <noreply@example.org>"\n' \
  "$(cat "$MAIL/port")" > "$TMP/deploy.toml"
cp "$SOURCE_DIR/policies/default.toml" "$TMP/policy.toml"
printf '\n[escalation]\nunread_days = 3\nladder = ["account", "email", "sms", "paper"]\n' >> "$TMP/policy.toml"
m() { muster --policy "$TMP/policy.toml" "$@"; }
run_at() {  # run_at HOURS: one notify pass, the clock HOURS hours ahead
  MUSTER_NOW=$(in_hours "$1") expect_exit 0 m --config "$TMP/deploy.toml" --json notify run
}
subjects() { grep -h '^Subject:' "$MAIL"/*.eml 2>/dev/null | sort | uniq -c | sed 's/^ *//'; }

cat > "$TMP/persons.csv" <<CSV
national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone
12345678964,Petrov,Ivan,Ivanovich,2004-03-01,M,D01,conscript,A,"Lenina 1, Moscow",ivan@example.org,+79990000001
45678901238,Volkov,Oleg,,2003-03-01,M,D01,conscript,A,,,
56789012343,Zaitsev,Ilya,,2003-03-01,M,D01,conscript,A,,ilya@example.org,
CSV
IVAN=12345678964 OLEG=45678901238 ILYA=56789012343
m init >/dev/null
expect_exit 0 m office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow
expect_exit 0 m import persons "$TMP/persons.csv"
issue() {
  expect_exit 0 m --as alice --json summons issue "$1" --office D01 --kind conscription \
    --appear-at "$(date -u -d '+40 days' +%Y-%m-%dT09:00:00Z)" --place "Room 4" --purpose "Medical board"
  echo "$OUT" | json_field '["number"]'
}
IVAN_N=$(issue $IVAN)
OLEG_N=$(issue $OLEG)
ILYA_N=$(issue $ILYA)
expect_exit 0 m --json summons view "$ILYA_N"  # Ilya opens his

# The delivery's e-mails now; nothing escalates before 3 days.
run_at 0
assert_eq "nothing escalated yet" "0 0" "$(echo "$OUT" | counts)"
run_at 71
assert_eq "not within unread_days" "0 0" "$(echo "$OUT" | counts)"

# Day 3: Ivan by e-mail again (a reminder); Oleg has no address for any step: unreachable.
run_at 73
assert_eq "Ivan stepped, Oleg unreachable" "1 1 1" \
  "$(echo "$OUT" | $PY -c 'import json,sys; j=json.load(sys.stdin); print(j["escalated"], j["unreachable"], j["delivered"])')"
assert_contains "the reminder received" "$(subjects)" "1 Subject: Reminder: a summons is waiting in your personal account (summons $IVAN_N)"
# Day 6: the sms step (no webhook configured here: it waits); day 9: paper, for the print queue.
run_at 146
run_at 219
expect_exit 0 m notify list --summons "$IVAN_N" --json
assert_eq "Ivan's messages, step by step" \
  "email summons_delivered delivered|webhook summons_delivered queued|email summons_reminder delivered|webhook summons_reminder queued|paper summons_reminder queued" \
  "$(echo "$OUT" | $PY -c 'import json,sys; print("|".join("%s %s %s" % (n["channel"], n["template"], n["status"]) for n in json.load(sys.stdin)))')"
assert_eq "the paper entry to the registered address" "Lenina 1, Moscow" \
  "$(sql "SELECT address FROM notifications WHERE channel = 'paper'")"
# Day 12: no step left.
run_at 292
expect_exit 0 m notify unreachable --office D01 --json
assert_eq "listed for the office" "$IVAN_N paper|$OLEG_N account" \
  "$(echo "$OUT" | $PY -c 'import json,sys; print("|".join("%s %s" % (e["summons_number"], e["last_step"]) for e in json.load(sys.stdin)))')"
expect_exit 0 m notify unreachable --office D02 --json
assert_eq "none elsewhere" "[]" "$OUT"
run_at 720
assert_eq "unreachable is the end" "0 0" "$(echo "$OUT" | counts)"
expect_exit 0 m notify list --summons "$ILYA_N" --json
assert_eq "the opened summons: its delivery's e-mail only" "1" "$(echo "$OUT" | json_field '.__len__()')"

# Proof: the reminder's sending is a ledger leaf; its receipt checks offline and says when and how.
expect_exit 0 m notify list --summons "$IVAN_N" --json
REMINDER=$(echo "$OUT" | json_field '[2]["id"]')
expect_exit 0 m receipt "$IVAN_N" --notification "$REMINDER"
echo "$OUT" > "$TMP/receipt.json"
LEAF=$(json_field '["leaf"]' < "$TMP/receipt.json")
assert_contains "a notification.sent leaf" "$LEAF" '"type":"notification.sent"'
assert_contains "its channel" "$LEAF" '"channel":"email"'
assert_contains "its template" "$LEAF" '"template":"summons_reminder"'
[[ $LEAF == *"ivan@example.org"* || $LEAF == *"$IVAN"* ]] && fail "the leaf names the person: $LEAF"
expect_exit 0 m verify-receipt "$TMP/receipt.json"
assert_contains "verified" "$OUT" "summons $IVAN_N notification.sent at"
expect_exit 0 m ledger verify
expect_exit 2 m receipt "$IVAN_N" --notification 9999
assert_contains "no such message's receipt" "$OUT" "notification 9999"

finish
