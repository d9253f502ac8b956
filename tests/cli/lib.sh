# Helpers for the CLI tests: source it, then call the checks. Each failed check prints what it
# expected and what it got; the script exits non-zero at the end when any check failed.
# Env: MUSTER (binary), TESTDATA (tests/data), SOURCE_DIR (repository root).
set -uo pipefail

: "${MUSTER:?set MUSTER to the muster binary}"
: "${TESTDATA:?set TESTDATA to tests/data}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/muster-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
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
muster() { "$MUSTER" --db "$TMP/test.db" "$@"; }

# sql QUERY: the sqlite3 shell on the test's database.
sql() { sqlite3 "$TMP/test.db" "$1"; }

finish() {
  if ((FAILURES > 0)); then
    echo "$FAILURES of $CHECKS checks failed" >&2
    exit 1
  fi
  echo "all $CHECKS checks passed"
}
