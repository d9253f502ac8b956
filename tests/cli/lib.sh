# Helpers for the CLI tests: source it, then call the checks. Each failed check prints what it
# expected and what it got; the script exits non-zero at the end when any check failed.
# Env: MUSTER (binary), TESTDATA (tests/data), SOURCE_DIR (repository root).
# On PostgreSQL: MUSTER_TEST_PG, a server URL as tests/pg/pg-harness prints it (or
# MUSTER_TEST_PG_FILE, a file holding one); each script then gets a fresh database of its own,
# dropped at exit, and the ledger keys sit where SQLite's default puts them ($TMP/test.db.*).
set -uo pipefail

: "${MUSTER:?set MUSTER to the muster binary}"
: "${TESTDATA:?set TESTDATA to tests/data}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/muster-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if [[ -z ${MUSTER_TEST_PG:-} && -n ${MUSTER_TEST_PG_FILE:-} ]]; then
  MUSTER_TEST_PG=$(cat "$MUSTER_TEST_PG_FILE") || exit 1
fi
PG_DB=""
if [[ -n ${MUSTER_TEST_PG:-} ]]; then
  PG_DB="${MUSTER_TEST_PG%/*}/muster_test_$$_$RANDOM"
  pg_admin() { psql "$MUSTER_TEST_PG" -XAtq -v ON_ERROR_STOP=1 -c "$1" </dev/null; }
  pg_admin "CREATE DATABASE ${PG_DB##*/}" || exit 1
  trap 'pg_admin "DROP DATABASE IF EXISTS ${PG_DB##*/} WITH (FORCE)"; rm -rf "$TMP"' EXIT
  DB_ARGS=(--db "$PG_DB" --ledger-key "$TMP/test.db.ledger.key" --ledger-secret "$TMP/test.db.ledger.secret")
else
  DB_ARGS=(--db "$TMP/test.db")
fi
FAILURES=0
CHECKS=0

fail() {
  echo "FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}

# assert_eq DESCRIPTION EXPECTED ACTUAL
assert_eq() {
  CHECKS=$((CHECKS + 1))
  [[ $2 == "$3" ]] || fail "$1: expected [$2], got [$3]"
}

# assert_contains DESCRIPTION HAYSTACK NEEDLE
assert_contains() {
  CHECKS=$((CHECKS + 1))
  [[ $2 == *"$3"* ]] || fail "$1: [$3] not found in [$2]"
}

# expect_exit CODE COMMAND...: runs the command; its stdout+stderr are left in $OUT.
expect_exit() {
  local want=$1
  shift
  OUT=$("$@" 2>&1)
  local got=$?
  CHECKS=$((CHECKS + 1))
  [[ $got == "$want" ]] || fail "exit $got (want $want) from: $* ; output: $OUT"
}

# muster ARGS...: the binary on the test's database.
muster() { "$MUSTER" "${DB_ARGS[@]}" "$@"; }

# sql QUERY [PG_QUERY]: the sqlite3 shell on the test's database, or psql (with PG_QUERY when
# given, for SQL that is not portable).
sql() {
  if [[ -n $PG_DB ]]; then
    psql "$PG_DB" -XAtq -v ON_ERROR_STOP=1 -c "${2:-$1}" </dev/null
  else
    sqlite3 "$TMP/test.db" "$1"
  fi
}

# reset_db: an empty database again (and no ledger keys).
reset_db() {
  rm -f "$TMP/test.db"*
  if [[ -n $PG_DB ]]; then
    pg_admin "DROP DATABASE IF EXISTS ${PG_DB##*/} WITH (FORCE)" && pg_admin "CREATE DATABASE ${PG_DB##*/}"
  fi
}

finish() {
  if ((FAILURES > 0)); then
    echo "$FAILURES of $CHECKS checks failed" >&2
    exit 1
  fi
  echo "all $CHECKS checks passed"
}
