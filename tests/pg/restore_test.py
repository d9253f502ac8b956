#!/usr/bin/env python3
"""PostgreSQL backup and restore as docs/deploy.md describes it: a base backup (pg_basebackup)
plus archived WAL (archive_mode, archive_command, archive_timeout) bring back every acknowledged
write after the primary is lost.

A primary with WAL archiving on; summonses issued before and after the base backup; once the
archiver reports the WAL segment of the last acknowledged write archived (what archive_timeout
bounds), the primary is stopped and a new server is made from the base backup and the archive
alone. Every summons acknowledged is there, in its state, and `muster ledger verify` accepts the
restored ledger. Waits are bounded loops.

Env: MUSTER, SOURCE_DIR, PG_HARNESS (tests/pg/pg-harness). Starts servers of its own.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402  (puts tests/http on the path)
from harness import MUSTER, check, in_days, run, snils  # noqa: E402
from scenario import finish, pg_harness, prepare, psql, wait_until  # noqa: E402

PEOPLE = [snils(270000000 + i * 19) for i in range(12)]


def issue(db, policy, national_id):
    """Issues a summons with the CLI; its number once acknowledged (exit 0)."""
    out = run("--db", db, "--policy", policy, "--as", "olga", "--json", "summons", "issue", national_id, "--office",
              "D01", "--kind", "conscription", "--appear-at", in_days(9), "--place", "Room 4", "--purpose", "Board")
    return json.loads(out)["number"]


def main():
    tmp = tempfile.mkdtemp(prefix="muster-restore.")
    os.chdir(tmp)  # the ledger keys: muster.ledger.* here, kept apart from the database as deploy.md says
    primary_dir, restored_dir = os.path.join(tmp, "primary"), os.path.join(tmp, "restored")
    try:
        primary = pg_harness("start", primary_dir, "--archive")
        psql(primary, "CREATE DATABASE muster")
        db = primary.rsplit("/", 1)[0] + "/muster"
        policy = prepare(tmp, db, PEOPLE)
        acknowledged = {issue(db, policy, nid): "delivered" for nid in PEOPLE[:4]}

        base = pg_harness("basebackup", primary_dir)
        check(os.path.isdir(base), f"base backup taken: {base}")

        for nid in PEOPLE[4:]:
            acknowledged[issue(db, policy, nid)] = "delivered"
        appeared = next(iter(acknowledged))
        run("--db", db, "--as", "olga", "appear", appeared)
        acknowledged[appeared] = "appeared"
        run("--db", db, "ledger", "checkpoint")
        leaves = psql(db, "SELECT sum(length(hashes)) / 32 FROM ledger_tiles WHERE level = 0")

        # What the archive must hold: the WAL segment of the last acknowledged write.
        segment = psql(db, "SELECT pg_walfile_name(pg_current_wal_lsn())")
        check(wait_until(lambda: (psql(db, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")[:24]
                                  >= segment)), f"segment {segment} archived")
        pg_harness("halt", primary_dir)

        restored_server = pg_harness("restore", restored_dir, primary_dir)
        restored = restored_server.rsplit("/", 1)[0] + "/muster"
        check(psql(restored, "SELECT pg_is_in_recovery()") == "f", "the restored server accepts writes")
        rows = psql(restored, "SELECT number || ' ' || state FROM summonses ORDER BY number").splitlines()
        check(len(rows) == len(acknowledged), f"every acknowledged summons restored: {len(rows)} of {len(acknowledged)}")
        found = dict(r.split(" ") for r in rows)
        for number, state in acknowledged.items():
            check(found.get(number) == state, f"summons {number} restored as {state}: {found.get(number)}")
        check(psql(restored, "SELECT sum(length(hashes)) / 32 FROM ledger_tiles WHERE level = 0") == leaves, f"all {leaves} ledger leaves restored")
        p = subprocess.run([MUSTER, "--db", restored, "ledger", "verify"], capture_output=True, text=True)
        check(p.returncode == 0, f"ledger verify on the restored database: {p.stdout} {p.stderr}")
        out = run("--db", restored, "--policy", policy, "--as", "olga", "exit-check", PEOPLE[-1])
        check("deny" in out, f"the restored database bars as before: {out}")
        # And it takes writes again.
        out = run("--db", restored, "--as", "olga", "appear", list(acknowledged)[-1])
        check("appeared" in out, f"a write on the restored database: {out}")
    finally:
        for d in (restored_dir, primary_dir):
            subprocess.run(["bash", scenario.HARNESS, "stop", d], stdin=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
