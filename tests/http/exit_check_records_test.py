#!/usr/bin/env python3
"""The audit records of answered exit checks survive the server's end, on SQLite or
(MUSTER_TEST_PG / MUSTER_TEST_PG_FILE) on a fresh PostgreSQL database.

- kill -9: N exit checks answered over HTTP, more than a second's wait (the server writes its
  records every second, with no shutdown), then `kill -9`: every answered check has its row.
- SIGTERM: N more, then SIGTERM at once: the server writes them all before it exits.
- A backlog too small for the load (`--exit-check-backlog 10`): every answered check is written
  or dropped and counted in /metrics, and the rows are the written ones.

No timings are asserted: after the wait the test reads /metrics until nothing is pending
(bounded), so what it checks after kill -9 is that what the server counts as written is there.
Uses the helpers of harness.py.
"""
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

check = h.check
N = 2000
CLIENTS = 4


def references(db):
    """The references of the exit_checks rows."""
    if db.startswith("postgresql://"):
        out = subprocess.run(["psql", db, "-XAtq", "-c", "SELECT reference FROM exit_checks"], check=True,
                             capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
        return set(out.split())
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT reference FROM exit_checks")}
    finally:
        con.close()


def ask(port, key, ids):
    """Answers exit checks for `ids` over CLIENTS keep-alive connections; returns the references."""
    refs, errors = [], []
    lock = threading.Lock()

    def client(part):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        try:
            for nid in part:
                conn.request("GET", f"/api/v1/exit-check/{nid}", headers={"Authorization": f"Bearer {key}"})
                r = conn.getresponse()
                body = r.read().decode()
                if r.status != 200:
                    errors.append(f"{r.status} {body}")
                    continue
                mine.append(json.loads(body)["reference"])
        finally:
            conn.close()
        with lock:
            refs.extend(mine)

    threads = [threading.Thread(target=client, args=(ids[i::CLIENTS],)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, f"every exit check answered: {errors[:3]}")
    return refs


def metrics(port):
    st, _, _, text = h.request(port, "GET", "/metrics")
    values = {}
    for line in text.splitlines():
        if line.startswith("muster_exit_check_records_"):
            name, value = line.split()
            values[name] = int(value)
    return values


def wait_until_written(port, want, limit=60):
    """Reads /metrics until `want` records are written and none pending (at most `limit` s)."""
    deadline = time.monotonic() + limit
    while True:
        m = metrics(port)
        if m.get("muster_exit_check_records_written_total") == want and m.get("muster_exit_check_records_pending") == 0:
            return m
        if time.monotonic() > deadline:
            return m
        time.sleep(0.1)


def main():
    tmp, db = h.fresh_database("exitrecords")
    h.run("--db", db, "init")
    h.run("--db", db, "import", "offices", os.path.join(tmp, "offices.csv"))
    key = h.run("--db", db, "apikey", "create", "--role", "border", "--name", "gate1")
    ids = [h.snils(500000000 + i * 13) for i in range(N)]

    # kill -9 after more than a second: nothing answered is lost.
    srv = h.Server(db)
    refs = ask(srv.port, key, ids)
    check(len(set(refs)) == N, f"{N} distinct references: {len(set(refs))}")
    time.sleep(1.5)
    m = wait_until_written(srv.port, N)
    check(m.get("muster_exit_check_records_written_total") == N and m.get("muster_exit_check_records_pending") == 0
          and m.get("muster_exit_check_records_dropped_total") == 0,
          f"the server wrote the {N} records without being stopped: {m}")
    os.kill(srv.proc.pid, signal.SIGKILL)
    srv.proc.wait()
    stored = references(db)
    missing = set(refs) - stored
    check(not missing, f"kill -9: every answered check has its row ({len(missing)} of {N} missing)")

    # SIGTERM at once: the server writes what is pending before it exits.
    srv = h.Server(db)
    refs2 = ask(srv.port, key, ids)
    rc = srv.stop()
    check(rc == 0, f"SIGTERM: the server exits 0: {rc} {srv.proc.stderr.read()}")
    stored = references(db)
    missing = set(refs2) - stored
    check(not missing, f"SIGTERM: every answered check has its row ({len(missing)} of {N} missing)")
    check(len(stored) == 2 * N, f"{2 * N} rows in all: {len(stored)}")

    # A backlog of 10 under a burst: dropped records are counted, never silently lost.
    srv = h.Server(db, "--exit-check-backlog", "10")
    refs3 = ask(srv.port, key, ids[:200])
    deadline = time.monotonic() + 60
    while True:
        m = metrics(srv.port)
        written = m.get("muster_exit_check_records_written_total", 0)
        dropped = m.get("muster_exit_check_records_dropped_total", 0)
        if (written + dropped == 200 and m.get("muster_exit_check_records_pending") == 0) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    check(written + dropped == 200 and dropped > 0, f"a full backlog drops and counts: {m}")
    rc = srv.stop()
    check(rc == 0, f"the server with a small backlog exits 0: {rc}")
    stored = references(db)
    check(len(stored) == 2 * N + written and len(set(refs3) & stored) == written,
          f"the rows are the {written} written: {len(stored) - 2 * N}")

    h.finish()


if __name__ == "__main__":
    main()
