#!/usr/bin/env bash
# Notifications end to end, with a real SMTP server on loopback (tests/cli/smtp_sink.py, Debian's
# python3-aiosmtpd): summonses issued, `muster notify run` sends one e-mail per message to the
# right address, with the Message-ID it was queued with and nothing the summons page would not
# show (no national ID, no appeal's text, no decision's reason); a refused address fails for
# good with the server's answer; with the server stopped a message fails for now, its attempt
# recorded, and is delivered once the server is back, never twice; the webhook's messages go to
# a local receiver that checks their signature; `muster serve` sends too.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3  # Debian's, with aiosmtpd (python3 on PATH may be another)
json_field() { $PY -c "import json,sys; print(json.load(sys.stdin)$1)"; }
in_days() { date -u -d "+$1 days" +%Y-%m-%dT09:00:00Z; }

MAIL="$TMP/mail"
mkdir -p "$MAIL"
sink=""
start_sink() {  # start_sink [PORT]
  rm -f "$MAIL/port"
  $PY "$SOURCE_DIR/tests/cli/smtp_sink.py" --dir "$MAIL" --port "${1:-0}" 2>"$TMP/sink.err" &
  sink=$!
  for _ in $(seq 1 100); do
    [[ -s $MAIL/port ]] && break
    sleep 0.05
  done
  [[ -s $MAIL/port ]] || { fail "the SMTP server did not start: $(cat "$TMP/sink.err")"; finish; }
}
stop_sink() {
  kill -TERM "$sink" 2>/dev/null
  wait "$sink" 2>/dev/null
  sink=""
}
server=""
cleanup() {
  [[ -n $sink ]] && kill -TERM "$sink" 2>/dev/null
  [[ -n $server ]] && kill -TERM "$server" 2>/dev/null
  [[ -n ${hook:-} ]] && kill -TERM "$hook" 2>/dev/null
  wait 2>/dev/null
  [[ -n $PG_DB ]] && pg_admin "DROP DATABASE IF EXISTS ${PG_DB##*/} WITH (FORCE)"
  rm -rf "$TMP"
}
trap cleanup EXIT

# mails: "TO|SUBJECT|MESSAGE-ID" per message received, and every body decoded into bodies.txt.
mails() {
  $PY - "$MAIL" "$TMP/bodies.txt" <<'PYEOF'
import email, email.policy, glob, sys
bodies = open(sys.argv[2], "w")
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    print("%s|%s|%s" % (m["To"], m["Subject"], m["Message-ID"]))
    bodies.write(m.get_content())
PYEOF
}

start_sink
PORT=$(cat "$MAIL/port")
printf '[smtp]\nhost = "127.0.0.1"\nport = %s\nfrom = "Recruitment office <noreply@example.org>"\n' "$PORT" > "$TMP/deploy.toml"
notify() { muster --config "$TMP/deploy.toml" notify "$@"; }

cat > "$TMP/persons.csv" <<CSV
national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone
12345678964,Petrov,Ivan,Ivanovich,2004-03-01,M,D01,conscript,A,,ivan@example.org,+79990000001
23456789099,Sidorov,Pavel,,2005-03-01,M,D01,conscript,A,,reject@example.org,
45678901238,Volkov,Oleg,,2003-03-01,M,D01,conscript,A,,,
56789012343,Zaitsev,Ilya,,2003-03-01,M,D01,conscript,A,,ilya@example.org,
CSV
IVAN=12345678964 PAVEL=23456789099 OLEG=45678901238 ILYA=56789012343
muster init >/dev/null
expect_exit 0 muster office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow
expect_exit 0 muster import persons "$TMP/persons.csv"
issue() {
  expect_exit 0 muster --as alice --json summons issue "$1" --office D01 --kind conscription \
    --appear-at "$(in_days 20)" --place "Room 4" --purpose "Medical board"
  echo "$OUT" | json_field '["number"]'
}
IVAN_N=$(issue $IVAN)
PAVEL_N=$(issue $PAVEL)
OLEG_N=$(issue $OLEG)

# Templates: a preview in Russian, with every placeholder filled; an unknown kind is bad input.
expect_exit 0 muster notify preview summons_delivered --lang ru
assert_contains "a Russian preview" "$OUT" "В вашем личном кабинете размещена повестка"
assert_contains "the appointment in the office's zone" "$OUT" "MSK (Europe/Moscow)"
[[ $OUT == *"{"* ]] && fail "a placeholder left in the preview: $OUT"
expect_exit 2 muster notify preview summons_lost
assert_contains "the kinds named" "$OUT" "summons_delivered"

# Without a channel nothing is sent, and the messages wait.
expect_exit 0 muster notify run
assert_contains "queued without a channel" "$OUT" "Queued 3 notifications"
assert_contains "nothing sent" "$OUT" "No channel configured"
assert_eq "nothing received" "" "$(mails)"

# With [smtp]: Ivan's e-mail delivered, Pavel's refused for good; the webhook's stays queued.
expect_exit 0 notify run
assert_contains "a pass" "$OUT" "Sent 2: 1 delivered, 0 temporary-failure, 1 permanent-failure"
RECEIVED=$(mails)
assert_eq "one e-mail, to Ivan" "1" "$(echo "$RECEIVED" | grep -c .)"
assert_contains "to Ivan" "$RECEIVED" "ivan@example.org|A document is waiting in your personal account (summons $IVAN_N)|"
expect_exit 0 muster notify list --summons "$IVAN_N" --json
LIST=$OUT
assert_eq "Ivan's e-mail and webhook" "email delivered 1|webhook queued 0" \
  "$(echo "$LIST" | $PY -c 'import json,sys; print("|".join("%s %s %s" % (n["channel"], n["status"], n["attempts"]) for n in json.load(sys.stdin)))')"
MID=$(echo "$LIST" | json_field '[0]["message_id"]')
assert_contains "the Message-ID it was queued with" "$RECEIVED" "|$MID"
for field in id channel template status attempts updated_at; do
  assert_contains "list field $field" "$LIST" "\"$field\""
done
expect_exit 0 muster notify list --status permanent-failure --json
assert_eq "Pavel's refused" "$PAVEL_N" "$(echo "$OUT" | json_field '[0]["summons_number"]')"
assert_contains "the server's answer as the reason" "$(echo "$OUT" | json_field '[0]["reason"]')" "550 5.1.1"
expect_exit 2 muster notify list --status lost
assert_contains "a bad status named" "$OUT" "status"

# An appeal with a diagnosis in it, granted with a reason: the message says neither.
expect_exit 0 muster --as "citizen:$IVAN" appeal file "$IVAN_N" --reason illness --text "asthma, certificate 12"
expect_exit 0 muster --as carol appeal decide 1 --grant --reason "asthma confirmed by the board"

# The SMTP server stops: a new summons and the decision fail for now, their attempts recorded.
stop_sink
ILYA_N=$(issue $ILYA)
expect_exit 0 notify run
assert_contains "queued the decision and the summons" "$OUT" "Queued 3 notifications"
assert_contains "a failed pass" "$OUT" "Sent 2: 0 delivered, 2 temporary-failure, 0 permanent-failure"
expect_exit 0 muster notify list --summons "$ILYA_N" --json
assert_eq "failed for now" "temporary-failure" "$(echo "$OUT" | json_field '[0]["status"]')"
assert_eq "one attempt" "1" "$(echo "$OUT" | json_field '[0]["attempts"]')"
ILYA_ID=$(echo "$OUT" | json_field '[0]["id"]')
assert_eq "the attempt recorded" "1|temporary-failure" \
  "$(sql "SELECT count(*), min(outcome) FROM notification_attempts WHERE notification_id = $ILYA_ID")"
assert_contains "with libcurl's answer" "$(sql "SELECT answer FROM notification_attempts WHERE notification_id = $ILYA_ID")" "onnect"

# Back, on the same port: nothing is due before the backoff; after it, each delivered once.
start_sink "$PORT"
expect_exit 0 notify run
assert_contains "not yet due" "$OUT" "Sent 0:"
MUSTER_NOW=$(date -u -d '+10 minutes' +%Y-%m-%dT%H:%M:%SZ) expect_exit 0 notify run
assert_contains "delivered after the backoff" "$OUT" "Sent 2: 2 delivered"
MUSTER_NOW=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ) expect_exit 0 notify run
assert_contains "nothing more" "$OUT" "Sent 0:"
RECEIVED=$(mails)
assert_eq "three e-mails in all" "3" "$(echo "$RECEIVED" | grep -c .)"
assert_eq "Ivan twice (summons, decision), Ilya once" "ilya@example.org 1|ivan@example.org 2" \
  "$(echo "$RECEIVED" | cut -d'|' -f1 | sort | uniq -c | awk '{print $2, $1}' | paste -sd'|')"
assert_eq "no Message-ID twice" "3" "$(echo "$RECEIVED" | cut -d'|' -f3 | sort -u | grep -c .)"
assert_contains "the decision" "$RECEIVED" "ivan@example.org|Your appeal has been granted (summons $IVAN_N)"
BODIES=$(cat "$TMP/bodies.txt")
assert_contains "bodies decoded" "$BODIES" "personal account"
for secret in $IVAN $PAVEL $OLEG $ILYA asthma certificate; do
  [[ $BODIES == *"$secret"* ]] && fail "a message says '$secret'"
done
assert_eq "nobody without an address is told" "0" "$(muster notify list --summons "$OLEG_N" --json | json_field '.__len__()')"
assert_eq "every attempt recorded" "$(sql "SELECT sum(attempts) FROM notifications")" "$(sql "SELECT count(*) FROM notification_attempts")"
expect_exit 0 muster --json notify show "$ILYA_ID"
assert_eq "Ilya's attempts, oldest first" "temporary-failure delivered" \
  "$(echo "$OUT" | $PY -c 'import json,sys; print(" ".join(a["outcome"] for a in json.load(sys.stdin)["attempt_list"]))')"
assert_contains "the relay's answer" "$(echo "$OUT" | json_field '["attempt_list"][1]["answer"]')" "250 2.0.0 OK"
expect_exit 2 muster notify show 999
assert_contains "no such notification" "$OUT" "no notification 999"

# The webhook: the messages waiting for it go out signed; a receiver with another secret refuses
# them, for good.
HOOK="$TMP/hook"
mkdir -p "$HOOK"
printf 's3cret\n' > "$TMP/hook.secret"
$PY "$SOURCE_DIR/tests/cli/webhook_sink.py" --dir "$HOOK" --secret-file "$TMP/hook.secret" 2>"$TMP/hook.err" &
hook=$!
for _ in $(seq 1 100); do
  [[ -s $HOOK/port ]] && break
  sleep 0.05
done
cp "$TMP/deploy.toml" "$TMP/both.toml"
printf '[webhook]\nurl = "http://127.0.0.1:%s/notify"\nsecret_file = "hook.secret"\n' "$(cat "$HOOK/port")" >> "$TMP/both.toml"
expect_exit 0 muster --config "$TMP/both.toml" notify run
assert_contains "the webhook's messages" "$OUT" "Sent 2: 2 delivered"
assert_eq "two signed bodies" "0001.json 0002.json" "$(cd "$HOOK" && ls 0*.* | paste -sd' ')"
HOOKED=$(cat "$HOOK"/0*.json)
assert_contains "to Ivan's phone" "$HOOKED" '"to":"+79990000001"'
assert_contains "the summons" "$HOOKED" "\"summons_number\":\"$IVAN_N\""
for secret in $IVAN asthma; do
  [[ $HOOKED == *"$secret"* ]] && fail "a webhook body says '$secret'"
done
expect_exit 0 muster --json notify list --summons "$IVAN_N"
assert_eq "Ivan's four messages delivered" "delivered delivered delivered delivered" \
  "$(echo "$OUT" | $PY -c 'import json,sys; print(" ".join(n["status"] for n in json.load(sys.stdin)))')"
printf 'other\n' > "$TMP/wrong.secret"
sed 's/hook.secret/wrong.secret/' "$TMP/both.toml" > "$TMP/wrong.toml"
expect_exit 0 muster import persons <(printf 'national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone\n78901234523,Kozlov,Yan,,2003-03-01,M,D01,conscript,A,,,+79990000002\n')
YAN_N=$(issue 78901234523)
expect_exit 0 muster --config "$TMP/wrong.toml" notify run
assert_contains "refused for good" "$OUT" "Sent 1: 0 delivered, 0 temporary-failure, 1 permanent-failure"
expect_exit 0 muster --json notify list --summons "$YAN_N"
assert_contains "the receiver's answer" "$(echo "$OUT" | json_field '[0]["reason"]')" "HTTP 401: bad signature"
kill -TERM $hook
wait $hook 2>/dev/null

# muster serve runs the outbox and the dispatcher: a summons issued meanwhile is told.
"$MUSTER" "${DB_ARGS[@]}" --config "$TMP/deploy.toml" serve --listen 127.0.0.1:0 --threads 1 >"$TMP/serve.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$TMP/serve.out" && break
  sleep 0.1
done
expect_exit 0 muster import persons <(printf 'national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone\n67890123438,Lebedev,Yuri,,2003-03-01,M,D01,conscript,A,,yuri@example.org,\n')
YURI_N=$(issue 67890123438)
for _ in $(seq 1 150); do
  [[ $(muster notify list --summons "$YURI_N" --json | json_field '[0]["status"]' 2>/dev/null) == delivered ]] && break
  sleep 0.1
done
assert_eq "told by the server" "delivered" "$(muster notify list --summons "$YURI_N" --json | json_field '[0]["status"]')"
kill -TERM "$server"
wait "$server"
assert_eq "the server stops cleanly" "0" "$?"
server=""
assert_contains "Yuri's e-mail" "$(mails)" "yuri@example.org|"

finish
