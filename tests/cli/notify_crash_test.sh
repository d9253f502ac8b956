#!/usr/bin/env bash
# A dispatcher killed with SIGKILL in the middle of a batch: the messages it held wait for their
# lease to run out and are then sent by the next run. None is lost; a message the relay had
# accepted just before the kill, but whose delivery was not yet recorded, may arrive twice, and
# then with the same Message-ID, so that the receiver can tell it is one message.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3  # Debian's, with aiosmtpd
MAIL="$TMP/mail"
mkdir -p "$MAIL"
$PY "$SOURCE_DIR/tests/cli/smtp_sink.py" --dir "$MAIL" --delay 0.3 2>"$TMP/sink.err" &
sink=$!
run=""
trap 'kill -TERM $sink 2>/dev/null; [[ -n $run ]] && kill -KILL $run 2>/dev/null; wait 2>/dev/null
  [[ -n $PG_DB ]] && pg_admin "DROP DATABASE IF EXISTS ${PG_DB##*/} WITH (FORCE)"; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do
  [[ -s $MAIL/port ]] && break
  sleep 0.05
done
printf '[smtp]\nhost = "127.0.0.1"\nport = %s\nfrom = "Office <noreply@example.org>"\n' "$(cat "$MAIL/port")" > "$TMP/deploy.toml"

# Eight persons with an address (valid SNILS numbers: the check is the weighted sum mod 101).
{
  echo "national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone"
  for n in 1 2 3 4 5 6 7 8; do
    nine="10000000$n"
    sum=0
    for i in 0 1 2 3 4 5 6 7 8; do sum=$((sum + ${nine:i:1} * (9 - i))); done
    check=$((sum < 100 ? sum : (sum == 100 || sum == 101 ? 0 : sum % 101)))
    ((check == 100)) && check=0
    printf '%s%02d,Petrov,Ivan,,2004-03-01,M,D01,conscript,A,,p%s@example.org,\n' "$nine" "$check" "$n"
  done
} > "$TMP/persons.csv"
muster init >/dev/null
expect_exit 0 muster office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow
expect_exit 0 muster import persons "$TMP/persons.csv"
assert_contains "eight persons" "$OUT" "8 inserted"
for id in $(tail -n +2 "$TMP/persons.csv" | cut -d, -f1); do
  expect_exit 0 muster --as alice summons issue "$id" --office D01 --kind conscription \
    --appear-at "$(date -u -d '+20 days' +%Y-%m-%dT09:00:00Z)" --place "Room 4" --purpose "Medical board"
done

# Killed once the relay has taken two messages.
"$MUSTER" "${DB_ARGS[@]}" --config "$TMP/deploy.toml" notify run >"$TMP/run.out" 2>&1 &
run=$!
for _ in $(seq 1 200); do
  (($(ls "$MAIL"/*.eml 2>/dev/null | wc -l) >= 2)) && break
  sleep 0.02
done
kill -KILL $run
wait $run 2>/dev/null
run=""
BEFORE=$(ls "$MAIL"/*.eml | wc -l)
((BEFORE >= 2 && BEFORE < 8)) || fail "killed mid-batch: $BEFORE of 8 received"
assert_contains "the rest held by the dead dispatcher" "$(sql "SELECT DISTINCT status FROM notifications WHERE status <> 'delivered'")" "sending"

# Within the lease nobody takes them; after it, the next run sends them.
expect_exit 0 muster --config "$TMP/deploy.toml" notify run
assert_contains "still leased" "$OUT" "Sent 0:"
MUSTER_NOW=$(date -u -d '+6 minutes' +%Y-%m-%dT%H:%M:%SZ) expect_exit 0 muster --config "$TMP/deploy.toml" notify run
assert_eq "every message delivered" "8" "$(sql "SELECT count(*) FROM notifications WHERE status = 'delivered'")"

RECEIVED=$($PY - "$MAIL" <<'PYEOF'
import email, glob, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"))
    print(m["To"], m["Message-ID"])
PYEOF
)
assert_eq "each address reached" "8" "$(echo "$RECEIVED" | cut -d' ' -f1 | sort -u | wc -l)"
assert_eq "one Message-ID per address" "8" "$(echo "$RECEIVED" | sort -u | wc -l)"
assert_eq "the Message-IDs queued" "$(sql "SELECT message_id FROM notifications ORDER BY message_id" | paste -sd' ')" \
  "$(echo "$RECEIVED" | cut -d' ' -f2 | sort -u | paste -sd' ')"
TOTAL=$(echo "$RECEIVED" | wc -l)
((TOTAL <= 9)) || fail "more than the one message in flight arrived twice: $TOTAL e-mails"
echo "received $TOTAL e-mails for 8 messages (killed after $BEFORE)"

finish
