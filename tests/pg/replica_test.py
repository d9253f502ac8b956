#!/usr/bin/env python3
"""`muster serve --db-replica` against a real streaming replica (pg-harness replica: pg_basebackup -R).

Replay on the replica is paused, so that what the server reads from it is visibly behind:
- a write through the server answers with what it wrote, and a login made then works at once
  (sessions are read from the primary);
- the person page (a read that may lag) does not show the new summons until replay resumes,
  unless the request sends back the write's position (the Muster-Read-After header, or the
  muster_read_after cookie a cookie session gets): then it reads from the primary;
- the server's own exit ban is in its exit-check index at once (its write catches up from the
  primary), while one made by another process arrives only through the replica, once replay
  resumes.
Waits are bounded loops that fail only when something never happens.

Env: MUSTER, SOURCE_DIR, PG_HARNESS (tests/pg/pg-harness). Starts a primary and a replica of its own.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402,F401  (puts tests/http on the path)
from harness import Server, check, in_days, request, run, snils  # noqa: E402
from scenario import PASSWORD, finish, primary_and_replica, psql, wait_until  # noqa: E402

def main():
    with primary_and_replica("muster-replica.", PEOPLE) as (db, replica, policy, _):
        run_test(db, replica, policy)
    finish()


PEOPLE = [snils(260000000 + i * 17) for i in range(4)]
def run_test(db, replica, policy):
    key = run("--db", db, "apikey", "create", "--role", "border", "--name", "gate1")
    # The key reached the replica before the server starts (API keys are read from the primary
    # anyway; this only makes the replica's starting point clear).
    check(wait_until(lambda: psql(replica, "SELECT count(*) FROM api_keys") == "1"), "the replica streams")
    srv = Server(db, "--policy", policy, "--db-replica", replica)
    first, second, third, fourth = PEOPLE
    try:
        def person_summonses(token, nid, headers=None):
            st, j, _, _ = request(srv.port, "GET", f"/api/v1/persons/{nid}", token=token, headers=headers)
            return len(j["summonses"]) if st == 200 else f"HTTP {st}: {j}"

        def decision(nid):
            st, j, _, _ = request(srv.port, "GET", f"/api/v1/exit-check/{nid}", token=key)
            return j["decision"] if st == 200 else f"HTTP {st}"

        psql(replica, "SELECT pg_wal_replay_pause()")
        check(wait_until(lambda: psql(replica, "SELECT pg_get_wal_replay_pause_state()") == "paused"),
              "replay paused on the replica")

        # A login while the replica is behind: the session is written and read on the primary.
        st, j, _, _ = request(srv.port, "POST", "/api/v1/session", {"login": "olga", "password": PASSWORD})
        check(st == 201, f"login: {st} {j}")
        token = j["token"]
        st, s, r, _ = request(srv.port, "POST", "/api/v1/summonses",
                              {"national_id": first, "office": "D01", "kind": "conscription", "appear_at": in_days(10),
                               "place": "Room 4", "purpose": "Medical board"}, token=token)
        check(st == 201 and s["state"] == "delivered", f"a write answers with what it wrote: {st} {s}")
        check(decision(first) == "deny", "the server's own exit ban applies at once")
        check(person_summonses(token, first) == 0, "the person page reads the replica, which is behind")
        # Read-your-writes: the position of the write, sent back, sends the read to the primary
        # while the replica has not replayed it.
        position = r.getheader("Muster-Write-Position") or ""
        check(re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", position) is not None, f"a write tells its position: {position!r}")
        seen = person_summonses(token, first, {"Muster-Read-After": position})
        check(seen == 1, f"a read after that position sees the write while the replica is behind: {seen}")
        st, j, _, _ = request(srv.port, "GET", f"/api/v1/persons/{first}", token=token,
                              headers={"Muster-Read-After": "not-a-position"})
        check(st == 400 and "Muster-Read-After" in j["detail"], f"a malformed position is refused: {st} {j}")
        check(person_summonses(token, first, {"Muster-Read-After": "0/1"}) == 0,
              "a position the replica has replayed reads the replica")

        # The portal's way: a cookie session gets the position as a cookie, sent back by itself.
        st, j, r, _ = request(srv.port, "POST", "/api/v1/session", {"login": "olga", "password": PASSWORD})
        cookies = {c.split("=", 1)[0]: c.split(";", 1)[0] for c in r.msg.get_all("Set-Cookie")}
        jar = {"Cookie": f"{cookies['muster_session']}; {cookies['muster_csrf']}"}
        csrf = cookies["muster_csrf"].split("=", 1)[1]
        st, s, r, _ = request(srv.port, "POST", "/api/v1/summonses",
                              {"national_id": fourth, "office": "D01", "kind": "conscription", "appear_at": in_days(11),
                               "place": "Room 4", "purpose": "Medical board"},
                              headers={**jar, "X-CSRF-Token": csrf})
        check(st == 201, f"a cookie-authenticated write: {st} {s}")
        read_after = [c.split(";", 1)[0] for c in r.msg.get_all("Set-Cookie") or [] if c.startswith("muster_read_after=")]
        check(len(read_after) == 1, f"the write position as a cookie: {r.msg.get_all('Set-Cookie')}")
        check(person_summonses(None, fourth, jar) == 0, "without it, the replica (behind)")
        check(person_summonses(None, fourth, {"Cookie": f"{jar['Cookie']}; {read_after[0]}"}) == 1,
              "with it, the write is seen at once")

        # Another process's ban reaches the index only through the replica.
        run("--db", db, "--policy", policy, "--as", "olga", "summons", "issue", second, "--office", "D01",
            "--kind", "conscription", "--appear-at", in_days(5), "--place", "Room 4", "--purpose", "Board")
        check(psql(db, "SELECT count(*) FROM events WHERE type = 'restriction.imposed'") == "3",
              "the three bans are in the primary's events")
        check(decision(second) == "allow", "another process's ban waits for the replica")

        psql(replica, "SELECT pg_wal_replay_resume()")
        check(wait_until(lambda: person_summonses(token, first) == 1), "the person page catches up with the replica")
        check(wait_until(lambda: decision(second) == "deny"), "the exit-check index follows the replica")
        check(decision(third) == "allow", "others stay allowed")
        st, j, _, _ = request(srv.port, "GET", "/api/v1/persons?district=D01", token=token)
        check(st == 200 and len(j["items"]) == 4, f"lists read from the replica: {st} {j}")
        replica_clients = psql(replica, "SELECT count(*) FROM pg_stat_activity WHERE datname = 'muster' "
                                        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
        check(int(replica_clients) >= 1, f"the server holds connections to the replica: {replica_clients}")
    finally:
        check(srv.stop() == 0, "server stops cleanly")


if __name__ == "__main__":
    main()
