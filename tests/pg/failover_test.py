#!/usr/bin/env python3
"""Failover through a multi-host URL, as docs/deploy.md describes it: a primary and a streaming
replica, and `muster serve` and the CLI given both hosts with target_session_attrs=read-write.

Summonses are issued through the server and the CLI; once the replica has replayed them the
primary is stopped and the replica promoted. The running server's next write finds the new
primary (its lost connections are replaced, the write retried once), so does a new CLI command,
and `muster ledger verify` accepts the ledger on the new primary, every summons acknowledged
before the failover in it. Waits are bounded loops.

Env: MUSTER, SOURCE_DIR, PG_HARNESS (tests/pg/pg-harness). Starts a primary and a replica of its own.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402,F401  (puts tests/http on the path)
from harness import Server, check, in_days, request, run, snils  # noqa: E402
from scenario import PASSWORD, finish, pg_harness, primary_and_replica, psql, wait_until  # noqa: E402

PEOPLE = [snils(290000000 + i * 23) for i in range(4)]
NUMBER = re.compile(r"\d\d-\d{8}-\w")


def host_port(url):
    return re.match(r"postgresql://[^@]+@([^/]+)/", url).group(1)


def issue_cli(db, policy, national_id):
    out = run("--db", db, "--policy", policy, "--as", "olga", "--json", "summons", "issue", national_id, "--office",
              "D01", "--kind", "conscription", "--appear-at", in_days(9), "--place", "Room 4", "--purpose", "Board")
    return json.loads(out)["number"]


def main():
    # The ledger keys: muster.ledger.* in the working directory, the same for every URL of the database.
    with primary_and_replica("muster-failover.", PEOPLE) as (first_db, replica, policy, primary_dir):
        both = f"postgresql://muster@{host_port(first_db)},{host_port(replica)}/muster?target_session_attrs=read-write"
        run_test(both, first_db, replica, policy, primary_dir)
    finish()


def run_test(both, first_db, replica, policy, primary_dir):
    srv = Server(both, "--policy", policy)
    acknowledged = []
    try:
        st, j, _, _ = request(srv.port, "POST", "/api/v1/session", {"login": "olga", "password": PASSWORD})
        check(st == 201, f"login through the multi-host URL: {st} {j}")
        token = j["token"]

        def issue_http(national_id):
            st, s, _, _ = request(srv.port, "POST", "/api/v1/summonses",
                                  {"national_id": national_id, "office": "D01", "kind": "conscription",
                                   "appear_at": in_days(10), "place": "Room 4", "purpose": "Medical board"}, token=token)
            return s["number"] if st == 201 else f"HTTP {st}: {s}"

        acknowledged.append(issue_http(PEOPLE[0]))
        acknowledged.append(issue_cli(both, policy, PEOPLE[1]))
        check(all(NUMBER.fullmatch(n) for n in acknowledged), f"issued through the server and the CLI: {acknowledged}")
        events = psql(first_db, "SELECT count(*) FROM events")
        check(wait_until(lambda: psql(replica, "SELECT count(*) FROM events") == events),
              f"the replica has replayed the {events} events")

        # The primary goes; the replica is promoted.
        pg_harness("halt", primary_dir)
        gone = subprocess.run(["psql", first_db, "-XAtqc", "SELECT 1"], capture_output=True, stdin=subprocess.DEVNULL)
        check(gone.returncode != 0, "the old primary is down")
        check(psql(replica, "SELECT pg_promote()") == "t", "the replica is promoted")
        check(psql(replica, "SELECT pg_is_in_recovery()") == "f", "the new primary accepts writes")

        # The running server's next write and a new CLI command find the new primary.
        after = issue_http(PEOPLE[2])
        check(NUMBER.fullmatch(after) is not None, f"the server writes to the new primary: {after}")
        acknowledged.append(after)
        acknowledged.append(issue_cli(both, policy, PEOPLE[3]))
        found = psql(replica, "SELECT string_agg(number, ',' ORDER BY number) FROM summonses")
        check(found == ",".join(sorted(acknowledged)), f"every acknowledged summons is on the new primary: {found}")
        out = run("--db", both, "ledger", "verify")
        check("ledger verified" in out and "events verified" in out, f"ledger verify on the new primary: {out}")
        check(srv.stop() == 0, "server stops cleanly")
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()


if __name__ == "__main__":
    main()
