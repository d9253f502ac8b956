#!/usr/bin/env python3
"""The offline stop-list over real HTTP, on SQLite or (MUSTER_TEST_PG / MUSTER_TEST_PG_FILE) a
fresh PostgreSQL database.

Two persons miss their summonses and are barred. A server answers:

- GET /api/v1/stoplist (border keys only): the signed list, application/octet-stream, 12 bytes a
  ban and no national ID in it;
- GET /api/v1/stoplist/delta?since=SEQ: the signed changes; a since that is no list's (after the
  last event, not a number, missing) is 400 naming since;
- `muster stoplist sync` makes a post's copy (the whole list first), then brings it up to date
  with a delta once a person appears, and `muster stoplist check` answers from it with no
  database: deny while barred, allow once the delta lifted the ban;
- a post's copy with a changed byte is replaced by the whole list at the next sync;
- an answer that is not what the ledger's key signed is never written to the post's copy.
"""
import datetime
import http.client
import http.server
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

check = h.check


def get(port, path, token):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, r.getheader("Content-Type"), body


def at(day):
    return day.strftime("%Y-%m-%dT%H:%M:%SZ")


def muster(*args, env=None):
    """(exit code, output) of the binary."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([h.MUSTER, *args], capture_output=True, text=True, env=e)
    return p.returncode, (p.stdout + p.stderr).strip()


def main():
    tmp, db = h.fresh_database("stoplist")
    a, b, free = h.snils(620000001), h.snils(620000008), h.snils(620000015)
    h.load_registry(db, tmp, [h.person(a), h.person(b), h.person(free)])
    border = h.run("--db", db, "apikey", "create", "--role", "border", "--name", "gate1")
    agency = h.run("--db", db, "apikey", "create", "--role", "agency", "--kinds", "exit_ban", "--name", "police")
    appear = (datetime.datetime.utcnow() + datetime.timedelta(days=3)).replace(hour=9, minute=0, second=0,
                                                                               microsecond=0)
    numbers = {}
    for nid in (a, b):
        out = h.run("--db", db, "--json", "summons", "issue", nid, "--office", "D01", "--kind", "conscription",
                    "--appear-at", at(appear), "--place", "Room 4", "--purpose", "Medical board")
        numbers[nid] = __import__("json").loads(out)["number"]
    h.run("--db", db, "sweep", "--now", at(appear + datetime.timedelta(days=2)))
    now = at(appear + datetime.timedelta(days=3))
    os.environ["MUSTER_NOW"] = now

    srv = h.Server(db)
    port = srv.port
    try:
        st, ctype, body = get(port, "/api/v1/stoplist", border)
        check(st == 200 and ctype == "application/octet-stream", f"the list: {st} {ctype}")
        check(len(body) == 40 + 2 * 12 + 64 and body[:8] == b"MSTOPL01", f"two bans in {len(body)} bytes")
        check(a.encode() not in body and b.encode() not in body, "no national ID in the list")
        for token, want in ((agency, 403), (None, 401)):
            st, _, _ = get(port, "/api/v1/stoplist", token)
            check(st == want, f"the list refused to {'an agency' if token else 'anonymous'}: {st}")
        for query in ("", "?since=abc", "?since=-1", "?since=99999999"):
            st, _, body = get(port, f"/api/v1/stoplist/delta{query}", border)
            check(st == 400 and b'"since"' in body, f"delta{query}: 400 naming since: {st} {body[:200]}")

        # The post: the border key, the hash key and the ledger's public key.
        post = os.path.join(tmp, "post")
        os.makedirs(post)
        key_file = os.path.join(post, "border.key")
        with open(key_file, "w") as f:
            f.write(border + "\n")
        os.chmod(key_file, 0o600)
        hash_key = os.path.join(post, "hash.key")
        with open(hash_key, "w") as f:
            f.write(h.run("--db", db, "stoplist", "hash-key") + "\n")
        os.chmod(hash_key, 0o600)
        pub = os.path.join(post, "ledger.pub")
        with open(pub, "w") as f:
            f.write(h.run("--db", db, "ledger", "pubkey") + "\n")
        copy = os.path.join(post, "stoplist.bin")
        url = f"http://127.0.0.1:{port}"
        sync = ("--db", os.path.join(tmp, "none.db"), "stoplist", "sync", url, "--file", copy, "--api-key-file",
                key_file, "--pubkey", pub)

        def ask(nid):
            code, out = muster("--db", os.path.join(tmp, "none.db"), "stoplist", "check", "--hash-key", hash_key,
                               "--pubkey", pub, copy, nid)
            check(code == 0, f"check {nid}: {code} {out}")
            return out

        code, out = muster(*sync)
        check(code == 0 and "fetched the whole list (no copy yet)" in out and "2 entries" in out, f"first sync: {out}")
        check(ask(a) == "deny" and ask(b) == "deny" and ask(free) == "allow", "the post's copy answers")

        # A appears; the next sync takes a delta of one change.
        h.run("--db", db, "--as", "alice", "appear", numbers[a])
        code, out = muster(*sync)
        check(code == 0 and "applied a delta of 1 changes" in out and "1 entries" in out, f"delta sync: {out}")
        check(os.path.getsize(copy + ".deltas") == 48 + 12 + 64, "the delta kept beside the list")
        check(ask(a) == "allow" and ask(b) == "deny", "the delta lifted A's ban, not B's")
        code, out = muster(*sync)
        check(code == 0 and "applied a delta of 0 changes" in out, f"nothing new: {out}")

        # A's receipt of the lifting, from the cabinet: a restriction.lifted leaf that verifies.
        citizen = h.activate(port, db, a)
        rid = __import__("json").loads(h.run("--db", db, "--json", "restriction", "list", a))[0]["id"]
        rid_b = __import__("json").loads(h.run("--db", db, "--json", "restriction", "list", b))[0]["id"]
        path = f"/api/v1/me/summonses/{numbers[a]}/receipt"
        st, j, _, text = h.request(port, "GET", f"{path}?restriction={rid}", token=citizen)
        check(st == 200 and '"type":"restriction.lifted"' in j["leaf"], f"the lifting's receipt: {st} {text[:300]}")
        receipt = os.path.join(tmp, "lifted.json")
        with open(receipt, "w") as f:
            f.write(text)
        code, out = h.verify_receipt(receipt, "--pubkey", pub)
        check(code == 0 and "restriction.lifted" in out, f"it verifies offline: {out}")
        st, j, _, text = h.request(port, "GET", f"{path}?restriction={rid_b}", token=citizen)
        check(st == 404, f"another person's restriction: 404, got {st} {text}")
        st, j, _, text = h.request(port, "GET", f"{path}?restriction={rid}&notification=1", token=citizen)
        check(st == 400 and j.get("field") == "restriction", f"both asked: 400 naming restriction: {st} {text}")

        # A changed byte in the post's copy: the next sync fetches the whole list again.
        with open(copy, "r+b") as f:
            f.seek(50)
            byte = f.read(1)
            f.seek(50)
            f.write(bytes([byte[0] ^ 1]))
        code, out = muster("--db", os.path.join(tmp, "none.db"), "stoplist", "check", "--hash-key", hash_key,
                           "--pubkey", pub, copy, b)
        check(code == 2 and "signature" in out, f"a changed copy is refused: {code} {out}")
        code, out = muster(*sync)
        check(code == 0 and "does not verify" in out and "1 entries" in out, f"re-fetched: {out}")
        check(not os.path.exists(copy + ".deltas"), "the deltas went with the old list")
        check(ask(a) == "allow" and ask(b) == "deny", "the fresh copy answers")
    finally:
        check(srv.stop() == 0, "the server stops")

    # A server that answers with bytes nobody signed: the post keeps its copy as it was.
    class Forger(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"MSTOPL01" + bytes(32) + bytes(64)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    forger = http.server.HTTPServer(("127.0.0.1", 0), Forger)
    threading.Thread(target=forger.serve_forever, daemon=True).start()
    with open(copy, "rb") as f:
        before = f.read()
    forged = list(sync)
    forged[4] = f"http://127.0.0.1:{forger.server_address[1]}"
    os.environ["MUSTER_NOW"] = at(appear + datetime.timedelta(days=6))  # the copy has expired: a whole list
    code, out = muster(*forged)
    check(code != 0 and "signature" in out, f"a forged list refused: {code} {out}")
    with open(copy, "rb") as f:
        check(f.read() == before, "the post's copy unchanged")
    forger.shutdown()
    del os.environ["MUSTER_NOW"]
    h.finish()


if __name__ == "__main__":
    main()
