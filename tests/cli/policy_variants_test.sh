#!/usr/bin/env bash
# Policy variants on the real binary: delivery N days after entry (or at first opening),
# the exit ban from delivery, extra restriction kinds with their own delay, and a pending appeal
# holding back the sweep.
source "$(dirname "$0")/lib.sh"

years_ago() { date -u -d "$1 years ago" +%Y-%m-%d; }
at_days() { date -u -d "+$1 days" +%Y-%m-%dT09:00:00Z; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# A policy derived from the default one, with `sed` edits given as arguments.
make_policy() {
  local out=$1
  shift
  sed "$@" "$SOURCE_DIR/policies/default.toml" > "$out"
}

setup() {
  reset_db
  muster init >/dev/null
  muster office add --code D01 --name "Central office" --region Moscow --timezone Europe/Moscow >/dev/null
  cat > "$TMP/persons.csv" <<CSV
national_id,surname,given_name,birth_date,sex,district,category,fitness
12345678964,Petrov,Ivan,$(years_ago 21),M,D01,conscript,A
23456789099,Sidorov,Pavel,$(years_ago 22),M,D01,conscript,B
CSV
  muster import persons "$TMP/persons.csv" >/dev/null
}
ISSUE=(--office D01 --kind conscription --place "Room 4" --purpose "Medical board")

# 1. Delivery 7 days after entry, or at the first opening if that comes first.
make_policy "$TMP/after.toml" -e 's/^mode = "on_entry".*/mode = "after_days"/'
setup
expect_exit 0 muster --policy "$TMP/after.toml" --as alice --json summons issue 12345678964 "${ISSUE[@]}" --appear-at "$(at_days 20)"
A=$(echo "$OUT" | json_field '["number"]')
assert_eq "entered, not yet delivered" "issued" "$(echo "$OUT" | json_field '["state"]')"
expect_exit 0 muster --policy "$TMP/after.toml" --as alice --json summons issue 23456789099 "${ISSUE[@]}" --appear-at "$(at_days 20)"
B=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster --policy "$TMP/after.toml" --json summons view "$B"
assert_eq "opening delivers" "viewed" "$(echo "$OUT" | json_field '["state"]')"
assert_eq "delivered when opened" "$(echo "$OUT" | json_field '["viewed_at"]')" "$(echo "$OUT" | json_field '["delivered_at"]')"
expect_exit 0 muster --policy "$TMP/after.toml" sweep --now "$(at_days 3)"
assert_eq "not yet due" "sweep: 0 delivered, 0 no-show, 0 restrictions imposed" "$OUT"
expect_exit 0 muster --policy "$TMP/after.toml" sweep --now "$(at_days 8)"
assert_eq "deemed delivered after 7 days" "sweep: 1 delivered, 0 no-show, 0 restrictions imposed" "$OUT"
expect_exit 0 muster --policy "$TMP/after.toml" --json summons show "$A"
assert_eq "delivered" "delivered" "$(echo "$OUT" | json_field '["state"]')"

# 2. Exit ban from delivery until appearance.
make_policy "$TMP/ban.toml" -e 's/^exit_ban_from = "no_show".*/exit_ban_from = "delivery"/'
setup
expect_exit 0 muster --policy "$TMP/ban.toml" --as alice --json summons issue 12345678964 "${ISSUE[@]}" --appear-at "$(at_days 20)"
N=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster --policy "$TMP/ban.toml" exit-check 12345678964
assert_contains "barred from delivery" "$OUT" "deny"
expect_exit 0 muster --policy "$TMP/ban.toml" --as alice appear "$N"
expect_exit 0 muster --policy "$TMP/ban.toml" exit-check 12345678964
assert_contains "free after appearing" "$OUT" "allow"
# A campaign under this policy: each summons, its events, its exit ban and the ban's feed row
# are written in bulk, in one write per batch (as multi-row statements on PostgreSQL).
expect_exit 0 muster --policy "$TMP/ban.toml" --as supervisor campaign create --kind conscription --name Drill \
  --basis "Order 7" --districts D01 --appear-from "$(date -u -d '+10 days' +%Y-%m-%d)" \
  --appear-until "$(date -u -d '+40 days' +%Y-%m-%d)" --quota 10
expect_exit 0 muster --policy "$TMP/ban.toml" --as supervisor --json campaign issue 1
assert_eq "campaign summons" "2" "$(sql 'SELECT count(*) FROM summonses WHERE campaign_id = 1')"
assert_eq "an exit ban each, from delivery" "2" \
  "$(sql "SELECT count(*) FROM restrictions r JOIN summonses s ON s.id = r.summons_id WHERE s.campaign_id = 1 AND r.lifted_at IS NULL")"
expect_exit 0 muster --policy "$TMP/ban.toml" exit-check 23456789099
assert_contains "barred by the campaign's summons" "$OUT" "deny"
expect_exit 0 muster ledger verify
assert_contains "every event in the ledger" "$OUT" "0 not yet in the ledger"

# 3. A further restriction with its own delay; the exit check reads exit bans only.
make_policy "$TMP/driving.toml" \
  -e 's/^restrictions = .*/restrictions = [{ kind = "exit_ban", after_days = 0 }, { kind = "driving", after_days = 20 }]/'
setup
expect_exit 0 muster --policy "$TMP/driving.toml" --as alice --json summons issue 12345678964 "${ISSUE[@]}" --appear-at "$(at_days 5)"
expect_exit 0 muster --policy "$TMP/driving.toml" sweep --now "$(at_days 7)"
assert_eq "two restrictions" "sweep: 0 delivered, 1 no-show, 2 restrictions imposed" "$OUT"
expect_exit 0 muster --json restriction list 12345678964
assert_eq "kinds" "exit_ban driving" "$(echo "$OUT" | python3 -c 'import json,sys; print(" ".join(r["kind"] for r in json.load(sys.stdin)))')"
DEADLINE=$(date -u -d "$(at_days 6)" +%s)
DRIVING=$(echo "$OUT" | python3 -c 'import json,sys; print([r for r in json.load(sys.stdin) if r["kind"]=="driving"][0]["effective_at"])')
assert_eq "driving starts 20 days after the deadline" "$((DEADLINE + 20 * 86400))" "$(date -u -d "$DRIVING" +%s)"

# 4. A pending appeal holds the sweep back; once denied, the next sweep marks the no-show.
setup
expect_exit 0 muster --as alice --json summons issue 12345678964 "${ISSUE[@]}" --appear-at "$(at_days 5)"
N=$(echo "$OUT" | json_field '["number"]')
expect_exit 0 muster --as citizen appeal file "$N" --reason illness --text "In hospital"
expect_exit 0 muster sweep --now "$(at_days 7)"
assert_eq "pending appeal" "sweep: 0 delivered, 0 no-show, 0 restrictions imposed" "$OUT"
expect_exit 0 muster --as carol appeal decide 1 --deny --reason "No certificate"
expect_exit 0 muster sweep --now "$(at_days 7)"
assert_eq "denied appeal" "sweep: 0 delivered, 1 no-show, 1 restrictions imposed" "$OUT"

finish
