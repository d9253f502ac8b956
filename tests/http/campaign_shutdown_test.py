#!/usr/bin/env python3
"""SIGTERM during a campaign issue job: the job stops after its current batch, the database holds
whole batches only, every event is in the ledger under a checkpoint, and issuing the campaign
again on a restarted server completes it, summoning nobody twice.

Env: MUSTER (the binary). Standard library only; waits are bounded loops, never timings.
"""
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (the server and request helpers)
from harness import MUSTER, Server, check, request, run  # noqa: E402

BATCH = 500
QUOTA = 30000


def wait_job(port, token, job_id, until):
    job = None
    for _ in range(3000):
        st, job, _, _ = request(port, "GET", f"/api/v1/jobs/{job_id}", token=token)
        if st != 200 or until(job):
            break
        time.sleep(0.02)
    return job


def main():
    tmp = tempfile.mkdtemp(prefix="muster-http-campaign.")
    db = os.path.join(tmp, "t.db")
    run("demo-data", "--persons", "60000", "--offices", "4", "--seed", "3", "--out", os.path.join(tmp, "demo"))
    run("--db", db, "init")
    run("--db", db, "import", "offices", os.path.join(tmp, "demo", "offices.csv"))
    run("--db", db, "import", "persons", os.path.join(tmp, "demo", "persons.csv"))
    pw = "correct-horse-battery"
    districts = ["D001", "D002", "D003", "D004"]
    args = ["--db", db, "user", "add", "--role", "supervisor", "--name", "sam"]
    for d in districts:
        args += ["--office", d]
    run(*args, env={"MUSTER_PASSWORD": pw})

    def login(port):
        st, j, _, _ = request(port, "POST", "/api/v1/session", {"login": "sam", "password": pw})
        check(st == 201, f"login: {st} {j}")
        return j["token"]

    def sql(query):
        con = sqlite3.connect(db, timeout=30)
        try:
            return con.execute(query).fetchone()[0]
        finally:
            con.close()

    srv = Server(db, "--batch-size", str(BATCH))
    try:
        sup = login(srv.port)
        today = datetime.date.today()
        st, c, _, _ = request(srv.port, "POST", "/api/v1/campaigns",
                              {"kind": "mobilization", "name": "Drill", "basis": "Order 5", "districts": districts,
                               "appear_from": (today + datetime.timedelta(days=10)).isoformat(),
                               "appear_until": (today + datetime.timedelta(days=60)).isoformat(), "quota": QUOTA},
                              token=sup)
        check(st == 201, f"campaign created: {st} {c}")
        st, job, _, _ = request(srv.port, "POST", f"/api/v1/campaigns/{c['id']}/issue", token=sup)
        check(st == 202, f"issue job started: {st} {job}")
        job = wait_job(srv.port, sup, job["id"], lambda j: j["done"] > 0 or j["state"] in ("done", "failed"))
        check(job["state"] == "running" or job["state"] == "done", f"job under way: {job}")
    finally:
        rc = srv.stop()
    check(rc == 0, f"SIGTERM during the job: clean exit ({rc})")
    err = srv.proc.stderr.read()
    check("stopping jobs after their current batch" in err, f"shutdown says what it does: {err[-300:]}")

    partial = sql("SELECT count(*) FROM summonses WHERE campaign_id = 1")
    print(f"stopped after {partial} of {QUOTA} summonses", file=sys.stderr)
    if partial >= QUOTA:
        print("note: the job finished before SIGTERM; the resumption is still checked", file=sys.stderr)
    check(0 < partial and partial % BATCH == 0, f"whole batches only: {partial} summonses")
    check(sql("SELECT count(*) FROM events") == 2 * partial, "an issue and a delivery event per summons")
    leaves = sql("SELECT sum(length(hashes)) / 32 FROM ledger_tiles WHERE level = 0")
    check(leaves == 2 * partial and sql("SELECT max(size) FROM ledger_checkpoints") == leaves,
          f"every event is a leaf under a checkpoint: {leaves} leaves")
    verified = subprocess.run([MUSTER, "--db", db, "ledger", "verify"], capture_output=True, text=True)
    check(verified.returncode == 0, f"ledger verify: {verified.stdout} {verified.stderr}")

    srv = Server(db, "--batch-size", str(BATCH))
    try:
        sup = login(srv.port)
        st, job, _, _ = request(srv.port, "POST", "/api/v1/campaigns/1/issue", token=sup)
        check(st == 202, f"issue again: {st} {job}")
        job = wait_job(srv.port, sup, job["id"], lambda j: j["state"] in ("done", "failed", "stopped"))
        check(job["state"] == "done" and job["done"] == job["total"] == QUOTA - partial,
              f"the second job issues the rest: {job}")
    finally:
        check(srv.stop() == 0, "second server stops cleanly")
    check(sql("SELECT count(*) FROM summonses WHERE campaign_id = 1") == QUOTA, "the campaign is complete")
    check(sql("SELECT count(DISTINCT person_id) FROM summonses WHERE campaign_id = 1") == QUOTA, "nobody twice")
    check(sql("SELECT max(size) FROM ledger_checkpoints") == sql("SELECT count(*) FROM events"),
          "the final checkpoint covers every event")

    harness.finish()


if __name__ == "__main__":
    main()
