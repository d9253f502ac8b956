#!/usr/bin/env python3
"""Two `muster serve` processes on one PostgreSQL database.

1. The exit-ban change feed: a summons issued through server A bars the person (the policy bars
   from delivery, and delivery is on entry) at server B's exit check; the appearance recorded
   through A lets them through at B again; a summons issued by a third process (the CLI)
   reaches both. Each wait is a bounded loop that fails only when the change never arrives.
2. Lost connections: every backend of the database is killed (pg_terminate_backend); reads and
   writes through both servers still succeed (the store reconnects and runs the transaction
   again), and the exit-ban feed keeps following (its LISTEN connection reconnects).
3. `muster ledger verify` accepts the one ledger both servers wrote.
4. `muster init` never prints the password of a URL.

Env: MUSTER, SOURCE_DIR, MUSTER_TEST_PG or MUSTER_TEST_PG_FILE (tests/pg/pg-harness).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402,F401  (puts tests/http on the path)
import harness  # noqa: E402
from harness import Server, check, in_days, request, run, snils  # noqa: E402
from scenario import PASSWORD, finish, prepare, psql, scratch_database, wait_until  # noqa: E402


def decision(port, key, national_id):
    st, j, _, _ = request(port, "GET", f"/api/v1/exit-check/{national_id}", token=key)
    return j["decision"] if st == 200 else f"HTTP {st}"


def wait_for_decision(port, key, national_id, want):
    """Polls the exit check until it answers `want`; the last answer."""
    wait_until(lambda: decision(port, key, national_id) == want)
    return decision(port, key, national_id)


def main():
    with scratch_database("two_servers") as (tmp, db):
        run_test(tmp, db)
    finish()


def run_test(tmp, db):
    people = [snils(250000000 + i * 13) for i in range(4)]
    # A password in the URL (trust authentication ignores it) is never printed.
    with_password = db.replace("postgresql://muster@", "postgresql://muster:s3cret-pw@", 1)
    check(with_password != db, f"a URL with a password: {with_password}")
    for args in ([], ["--json"]):
        out = run("--db", with_password, *args, "init")
        check("s3cret" not in out and "muster:***@" in out, f"init masks the password: {out}")
    policy = prepare(tmp, db, people)
    key = run("--db", db, "apikey", "create", "--role", "border", "--name", "gate1")

    a = Server(db, "--policy", policy)
    b = Server(db, "--policy", policy)
    try:
        st, j, _, _ = request(a.port, "POST", "/api/v1/session", {"login": "olga", "password": PASSWORD})
        check(st == 201, f"login at A: {st} {j}")
        token = j["token"]
        first, second, third, fourth = people
        check(decision(b.port, key, first) == "allow", "B lets the person through before any summons")

        # 1. Issued through A: barred at B.
        st, s, _, _ = request(a.port, "POST", "/api/v1/summonses",
                              {"national_id": first, "office": "D01", "kind": "conscription", "appear_at": in_days(10),
                               "place": "Room 4", "purpose": "Medical board"}, token=token)
        check(st == 201 and s["state"] == "delivered", f"issued through A: {st} {s}")
        check(decision(a.port, key, first) == "deny", "A bars at once: its own write")
        check(wait_for_decision(b.port, key, first, "deny") == "deny", "B bars after A's summons")

        # Appearance through A: B lets them through again.
        st, j, _, _ = request(a.port, "POST", f"/api/v1/summonses/{s['number']}/appearance", token=token)
        check(st == 200 and j["state"] == "appeared", f"appearance through A: {st} {j}")
        check(decision(a.port, key, first) == "allow", "A lets through at once after the appearance")
        check(wait_for_decision(b.port, key, first, "allow") == "allow", "B lets through after A's appearance")

        # A third process (the CLI) issues and sweeps: both servers follow.
        out = run("--db", db, "--policy", policy, "--as", "olga", "--json", "summons", "issue", second, "--office", "D01",
                  "--kind", "conscription", "--appear-at", in_days(5), "--place", "Room 4", "--purpose", "Board")
        check('"delivered"' in out, f"issued by the CLI: {out}")
        check(wait_for_decision(a.port, key, second, "deny") == "deny", "A bars after the CLI's summons")
        check(wait_for_decision(b.port, key, second, "deny") == "deny", "B bars after the CLI's summons")

        # 2. Every backend of the database killed: both servers carry on.
        killed = psql(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        check(int(killed) >= 2, f"backends killed: {killed}")
        st, j, _, _ = request(b.port, "GET", f"/api/v1/persons/{third}", token=token)
        check(st == 200, f"a read through B after the kill: {st} {j}")
        st, s3, _, _ = request(b.port, "POST", "/api/v1/summonses",
                               {"national_id": third, "office": "D01", "kind": "conscription",
                                "appear_at": in_days(12), "place": "Room 4", "purpose": "Medical board"}, token=token)
        check(st == 201, f"a write through B after the kill: {st} {s3}")
        check(wait_for_decision(a.port, key, third, "deny") == "deny", "A follows B's summons after the kill")
        psql(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        st, s4, _, _ = request(a.port, "POST", "/api/v1/summonses",
                               {"national_id": fourth, "office": "D01", "kind": "conscription",
                                "appear_at": in_days(12), "place": "Room 4", "purpose": "Medical board"}, token=token)
        check(st == 201, f"a write through A after a second kill: {st} {s4}")
        check(wait_for_decision(b.port, key, fourth, "deny") == "deny", "B follows A's summons after a second kill")
        check(decision(b.port, key, first) == "allow", "the appeared person stays allowed")
    finally:
        check(a.stop() == 0, "server A stops cleanly")
        check(b.stop() == 0, "server B stops cleanly")

    # 3. One ledger.
    p = subprocess.run([harness.MUSTER, "--db", db, "ledger", "verify"], capture_output=True, text=True)
    check(p.returncode == 0, f"ledger verify: {p.stdout} {p.stderr}")
    check(psql(db, "SELECT count(*) FROM events WHERE type IN ('restriction.imposed', 'restriction.lifted')") == "5",
          "the events hold each ban imposed and lifted once (4 bans, 1 lift)")


if __name__ == "__main__":
    main()
