#!/usr/bin/env bash
# Migrations: recorded in the database, applied once, and a newer schema is refused.
source "$(dirname "$0")/lib.sh"

expect_exit 0 muster init
assert_contains "created" "$OUT" "Created database"
MIGRATIONS=$(ls "$SOURCE_DIR"/src/store/migrations/*.sql | wc -l)
assert_eq "every migration recorded" "$MIGRATIONS" "$(sql 'SELECT count(*) FROM schema_migrations')"
LATEST=$(ls "$SOURCE_DIR"/src/store/migrations/*.sql | sed 's|.*/0*\([0-9]*\)_.*|\1|' | sort -n | tail -1)
assert_eq "the latest migration applied" "$LATEST" "$(sql 'SELECT max(version) FROM schema_migrations')"
expect_exit 0 muster init
assert_contains "second init changes nothing" "$OUT" "Up to date"
assert_eq "still recorded once" "$MIGRATIONS" "$(sql 'SELECT count(*) FROM schema_migrations')"

expect_exit 2 "$MUSTER" --db "$TMP/missing.db" office list
assert_contains "no database yet" "$OUT" "muster init"

sql "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', 0)"
expect_exit 2 muster office list
assert_contains "newer schema refused" "$OUT" "newer than this muster knows"

finish
