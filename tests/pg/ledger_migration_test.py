#!/usr/bin/env python3
"""Migration 0009 on PostgreSQL with a ledger in it: a database whose tree is stored as before
(a row per leaf, a row per subtree) comes out with the same tiles that appending gives, and
`muster ledger verify` accepts it. And migration 0016 on a ledger of format-1 leaves: they verify
after it, and the next leaves are in format 2.

A campaign of 140 summonses writes 280 events: two level-0 tiles (256 and 24 leaves) and a
level-1 tile of one hash. Their tiles are noted, the tree is rewritten into the tables of the
schema before version 9 (derived from the tiles, so that nothing else differs), version 9 is
forgotten, and the next command migrates again.

Env: MUSTER, SOURCE_DIR, MUSTER_TEST_PG or MUSTER_TEST_PG_FILE (tests/pg/pg-harness).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402,F401  (puts tests/http on the path)
from harness import check, in_days, run, snils  # noqa: E402
from scenario import finish, prepare, psql, scratch_database  # noqa: E402

PEOPLE = [snils(280000000 + i * 7) for i in range(140)]
TILES = "SELECT level, idx, first_seq, last_seq, encode(hashes, 'hex') FROM ledger_tiles ORDER BY level, idx"

# The schema before version 9, filled from the tiles: leaf hashes with the event each records,
# and the subtrees of height 8L (0009 reads only those; the levels between are left out).
BACK_TO_VERSION_8 = """
BEGIN;
DROP TABLE ledger_leaves_0008;
CREATE TABLE ledger_leaves (idx BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash BYTEA NOT NULL, data TEXT NOT NULL);
CREATE TABLE ledger_subtrees (level BIGINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL,
                              PRIMARY KEY (level, idx));
INSERT INTO ledger_leaves
SELECT t.idx * 256 + i, (SELECT seq FROM events WHERE seq >= t.first_seq ORDER BY seq OFFSET i LIMIT 1),
       substring(t.hashes FROM i * 32 + 1 FOR 32), ''
FROM ledger_tiles t, generate_series(0, length(t.hashes) / 32 - 1) AS i WHERE t.level = 0;
INSERT INTO ledger_subtrees
SELECT 8 * t.level, t.idx * 256 + i, substring(t.hashes FROM i * 32 + 1 FOR 32)
FROM ledger_tiles t, generate_series(0, length(t.hashes) / 32 - 1) AS i WHERE t.level > 0;
DROP TABLE ledger_tiles;
DELETE FROM schema_migrations WHERE version = 9;
COMMIT;
"""


def main():
    with scratch_database("ledger_migration") as (tmp, db):
        run_test(tmp, db)
    with scratch_database("leaf_format") as (tmp, db):
        run_format_test(tmp, db)
    finish()


def run_format_test(tmp, db):
    """Migration 0016 on a ledger of format-1 leaves: they keep verifying, new leaves are format 2."""
    prepare(tmp, db, PEOPLE)
    psql(db, "UPDATE ledger_leaf_formats SET first_seq = 0")  # as before 0016: leaves in format 1
    run("--db", db, "--as", "olga", "campaign", "create", "--kind", "conscription", "--name", "Spring",
        "--basis", "Order 1", "--districts", "D01", "--appear-from", in_days(7)[:10],
        "--appear-until", in_days(14)[:10])
    run("--db", db, "--as", "olga", "campaign", "issue", "1")
    before = psql(db, TILES)
    psql(db, "BEGIN; DROP TABLE ledger_leaf_formats; DELETE FROM schema_migrations WHERE version = 16; COMMIT;")
    out = run("--db", db, "ledger", "verify")  # migrates first
    check("events verified: 280 match" in out, f"format-1 leaves verify after migration 0016: {out}")
    check(psql(db, "SELECT first_seq FROM ledger_leaf_formats WHERE version = 2") == "281",
          "format 2 from the event after the ledger's last")
    check(psql(db, TILES) == before, "the tiles untouched")
    run("--db", db, "deferment", "add", PEOPLE[0], "--kind", "health", "--until", in_days(400)[:10],
        "--basis", "Hospital certificate")
    out = run("--db", db, "ledger", "verify")
    check("events verified: 281 match" in out, f"both formats verify: {out}")
    entries = run("--db", db, "ledger", "entries").splitlines()
    check('"format"' not in entries[0] and '"format":2' in entries[-1] and "health" not in entries[-1],
          f"format 1 first, then format 2 without the kind: {entries[0]} {entries[-1]}")


def run_test(tmp, db):
    prepare(tmp, db, PEOPLE)
    run("--db", db, "--as", "olga", "campaign", "create", "--kind", "conscription", "--name", "Spring",
        "--basis", "Order 1", "--districts", "D01", "--appear-from", in_days(7)[:10],
        "--appear-until", in_days(14)[:10])
    run("--db", db, "--as", "olga", "campaign", "issue", "1")
    check(psql(db, "SELECT count(*) FROM events") == "280", "280 events")
    before = psql(db, TILES)
    check(psql(db, "SELECT string_agg(level || '/' || idx || ':' || length(hashes) / 32, ' ' ORDER BY level, idx) "
                   "FROM ledger_tiles") == "0/0:256 0/1:24 1/0:1",
          "two level-0 tiles and a level-1 tile")

    psql(db, BACK_TO_VERSION_8)
    check(psql(db, "SELECT count(*) FROM ledger_leaves") == "280", "a row per leaf, as before version 9")
    check(psql(db, "SELECT to_regclass('ledger_tiles') IS NULL") == "t", "no tiles before version 9")

    out = run("--db", db, "ledger", "verify")  # migrates first
    check(psql(db, "SELECT count(*) FROM schema_migrations WHERE version = 9") == "1", "migrated to version 9 again")
    check(psql(db, TILES) == before, "the same tiles, byte for byte")
    check(psql(db, "SELECT to_regclass('ledger_leaves') IS NULL AND to_regclass('ledger_subtrees') IS NULL") == "t",
          "the old tables are gone")
    check(psql(db, "SELECT count(*) FROM ledger_leaves_0008") == "280", "the leaf rows kept aside, none lost")
    check("ledger verified: 280 leaves" in out and "events verified: 280 match" in out, f"ledger verify: {out}")


if __name__ == "__main__":
    main()
