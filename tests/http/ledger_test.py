#!/usr/bin/env python3
"""The ledger over real HTTP, as an auditor meets it: the signed checkpoint, the entries and
the inclusion and consistency proofs, each checked here against RFC 9162; the metrics; and,
after SIGTERM, every event a leaf under a signed checkpoint. Uses harness.py."""
import base64
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (MUSTER, Office, Server, check, connect, finish, mth, request, run, sha256,  # noqa: E402
                     verify_consistency, verify_inclusion)


def main():
    office = Office("ledger")
    db = office.db
    srv = Server(db)
    port = srv.port
    try:
        tokens = office.tokens(port)
        for n, nid in enumerate(office.d01[:12]):  # events to prove: issued, delivered
            office.issue(port, tokens["officer"], nid, days=10 + n)
        st, j, _, _ = request(port, "GET", f"/api/v1/exit-check/{office.d01[0]}", token=office.border_key)
        check(st == 200 and j["decision"] == "allow", f"exit check: {st} {j}")
        for _ in range(100):  # until the follower has signed a checkpoint over them
            st, _, _, _ = request(port, "GET", "/api/v1/ledger/checkpoint", token=tokens["auditor"])
            if st == 200:
                break
            time.sleep(0.1)

        # The auditor's ledger: checkpoint, entries, proofs, all checked here against RFC 9162.
        at = tokens["auditor"]
        st, _, r, note = request(port, "GET", "/api/v1/ledger/checkpoint", token=at)
        lines = note.split("\n")
        check(st == 200 and r.getheader("Content-Type").startswith("text/plain") and lines[3] == ""
              and lines[4].startswith("\u2014 "), f"checkpoint as a signed note: {st} {note!r}")
        st, cp, r, _ = request(port, "GET", "/api/v1/ledger/checkpoint", token=at,
                               headers={"Accept": "application/json"})
        check(st == 200 and cp["checkpoint"] == note and cp["tree_size"] == int(lines[1])
              and bytes.fromhex(cp["root"]) == base64.b64decode(lines[2]) and cp["origin"] == lines[0]
              and cp["public_key"] == run("--db", db, "ledger", "pubkey"), f"checkpoint as JSON: {cp}")
        size = cp["tree_size"]
        root = bytes.fromhex(cp["root"])
        leaves, start = [], 0
        while start is not None:
            st, page, _, _ = request(port, "GET", f"/api/v1/ledger/entries?from={start}&to={size}", token=at)
            check(st == 200, f"entries page: {st}")
            leaves += page["items"]
            start = page["next_from"]
        hashes = [sha256(b"\x00" + e["leaf"].encode()) for e in leaves]
        check([e["index"] for e in leaves] == list(range(size)), f"entries cover the tree: {len(leaves)} of {size}")
        check(all(h.hex() == e["hash"] for h, e in zip(hashes, leaves)), "each entry's hash is its leaf's")
        check(mth(hashes) == root, "the entries hash to the checkpoint's root")
        check(any(json.loads(e["leaf"]).get("type") == "summons.delivered" for e in leaves),
              "deliveries are in the ledger")
        st, page, _, _ = request(port, "GET", "/api/v1/ledger/entries?from=1&to=3", token=at)
        check(st == 200 and [e["index"] for e in page["items"]] == [1, 2] and page["next_from"] is None,
              f"entries [1, 3): {page}")
        st, page, _, _ = request(port, "GET", "/api/v1/ledger/entries?to=1000000000", token=at)
        check(st == 200 and page["to"] == min(size, 1000) and page["tree_size"] >= size, "entries stop at the tree's end")
        for index, n in [(0, 1), (0, size), (size - 1, size), (size // 2, size), (1, max(2, size - 1))]:
            st, p, _, _ = request(port, "GET", f"/api/v1/ledger/proof/inclusion?index={index}&size={n}", token=at)
            ok = st == 200 and verify_inclusion(index, n, hashes[index], [bytes.fromhex(x) for x in p["proof"]],
                                                mth(hashes[:n])) and p["leaf_hash"] == hashes[index].hex()
            check(ok, f"inclusion proof {index} in {n}: {st} {p}")
        for m, n in [(1, size), (size // 2, size), (size - 1, size), (size, size), (2, max(2, size // 2))]:
            st, p, _, _ = request(port, "GET", f"/api/v1/ledger/proof/consistency?from={m}&to={n}", token=at)
            ok = st == 200 and verify_consistency(m, n, [bytes.fromhex(x) for x in p["proof"]], mth(hashes[:m]),
                                                  mth(hashes[:n]))
            check(ok, f"consistency proof {m} to {n}: {st} {p}")
        for query, field in [("index=5&size=5", "index"), (f"index=0&size={size + 1000}", "size"), ("size=3", "index"),
                             ("index=x&size=3", "index")]:
            st, j, _, _ = request(port, "GET", f"/api/v1/ledger/proof/inclusion?{query}", token=at)
            check(st == 400 and j["field"] == field, f"inclusion ?{query}: {st} {j}")
        for query, field in [("from=0&to=3", "from"), ("from=4&to=3", "from"), (f"from=1&to={size + 1000}", "to")]:
            st, j, _, _ = request(port, "GET", f"/api/v1/ledger/proof/consistency?{query}", token=at)
            check(st == 400 and j["field"] == field, f"consistency ?{query}: {st} {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/ledger/entries?from=5&to=2", token=at)
        check(st == 400 and j["field"] == "from", f"entries from > to: {st} {j}")

        # Metrics.
        st, _, r, text = request(port, "GET", "/metrics")
        check(st == 200 and 'muster_http_requests_total{route="GET /api/v1/exit-check/{national_id}",status="200"}' in text
              and 'muster_exit_checks_total{decision="allow"}' in text and "muster_summonses{state=" in text
              and "muster_http_request_duration_seconds_bucket" in text and "muster_job_done" in text,
              "metrics: requests, latency, exit checks, summonses, jobs")
        for _ in range(300):  # the exit-ban follower reads the events at its next poll
            gauges = dict(line.split(" ", 1) for line in text.splitlines()
                          if line.startswith(("muster_exit_bans ", "muster_exit_ban_events_read ",
                                              "muster_events_last ")))
            if int(gauges.get("muster_exit_ban_events_read", 0)) > 0:
                break
            time.sleep(0.1)
            text = request(port, "GET", "/metrics")[3]
        check(len(gauges) == 3 and 0 < int(gauges["muster_exit_ban_events_read"]) <= int(gauges["muster_events_last"]),
              f"metrics: the exit-ban index's position and the last event: {gauges}")
        check(request(port, "GET", "/readyz")[0] == 200, "ready")

    finally:
        rc = srv.stop()
    check(rc == 0, f"SIGTERM: clean exit ({rc})")
    con = connect(db)
    n = con.execute("SELECT count(*) FROM exit_checks").fetchone()[0]
    check(n >= 1, f"exit checks flushed on shutdown: {n}")
    leaves_n = con.execute("SELECT sum(length(hashes)) / 32 FROM ledger_tiles WHERE level = 0").fetchone()[0]
    events_n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    signed = con.execute("SELECT max(size) FROM ledger_checkpoints").fetchone()[0]
    con.close()
    check(leaves_n == events_n == signed and leaves_n > 0,
          f"every event is a leaf under a checkpoint at exit: {events_n} events, {leaves_n} leaves, signed {signed}")
    verified = subprocess.run([MUSTER, "--db", db, "ledger", "verify"], capture_output=True, text=True)
    check(verified.returncode == 0, f"ledger verify after serving: {verified.stdout} {verified.stderr}")

    finish()


if __name__ == "__main__":
    main()
