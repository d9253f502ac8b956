#!/usr/bin/env python3
"""The HTTP API over real HTTP on loopback, against the real binary.

Env: MUSTER (the binary), SOURCE_DIR (the repository); MUSTER_TEST_PG (or MUSTER_TEST_PG_FILE,
a file holding it): a PostgreSQL server URL from tests/pg/pg-harness, to run on a fresh database
there instead of an SQLite file. Standard library only. The server binds
port 0 and prints its port; the test stops it by its PID with SIGTERM and checks that it drains.
No timing assertions: waits are bounded loops that only fail when something never happens.
"""
import base64
import datetime
import hashlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

MUSTER = os.environ["MUSTER"]
HERE = os.path.dirname(os.path.abspath(__file__))
ROLES = ["anonymous", "citizen", "officer", "supervisor", "auditor", "admin", "border"]

checks = 0
failures = []


def pg_server():
    """The PostgreSQL server to test on, or "" for SQLite."""
    url = os.environ.get("MUSTER_TEST_PG", "")
    if not url and os.environ.get("MUSTER_TEST_PG_FILE"):
        with open(os.environ["MUSTER_TEST_PG_FILE"]) as f:
            url = f.read().strip()
    return url


class PsqlConnection:
    """The few sqlite3.Connection calls this test makes, answered by psql."""

    def __init__(self, url):
        self.url = url

    def execute(self, sql):
        out = subprocess.run(["psql", self.url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                             capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
        rows = [tuple(int(v) if v.lstrip("-").isdigit() else (v or None) for v in line.split("|"))
                for line in out.splitlines()]

        class Cursor:
            def fetchone(self):
                return rows[0] if rows else None
        return Cursor()

    def commit(self):
        pass

    def close(self):
        pass


def connect(db, **kwargs):
    return PsqlConnection(db) if db.startswith("postgresql://") else sqlite3.connect(db, **kwargs)


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def finish():
    """Exits 1 naming how many checks failed, or says that all passed."""
    if failures:
        print(f"{len(failures)} of {checks} checks failed", file=sys.stderr)
        sys.exit(1)
    print(f"all {checks} checks passed")


def snils(n):
    """A valid 11-digit SNILS number with prefix `n` (9 digits, above 001001998)."""
    d = f"{n:09d}"
    s = sum(int(c) * (9 - i) for i, c in enumerate(d))
    if s < 100:
        c = s
    elif s in (100, 101):
        c = 0
    else:
        c = s % 101
        if c == 100:
            c = 0
    return f"{d}{c:02d}"


def sha256(b):
    return hashlib.sha256(b).digest()


def node(left, right):
    return sha256(b"\x01" + left + right)


def mth(hashes):
    """RFC 9162 Merkle tree hash over leaf hashes."""
    if not hashes:
        return sha256(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def verify_inclusion(index, size, leaf_hash, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, proof, first_root, second_root):
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if not proof or first == 0 or first > second:
        return False
    if first & (first - 1) == 0:
        proof = [first_root] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


def years_ago(y):
    return (datetime.date.today() - datetime.timedelta(days=int(365.25 * y))).isoformat()


def in_days(d):
    return (datetime.datetime.utcnow() + datetime.timedelta(days=d)).strftime("%Y-%m-%dT09:00:00Z")


class Server:
    def __init__(self, db, *extra):
        self.proc = subprocess.Popen([MUSTER, "--db", db, "serve", "--listen", "127.0.0.1:0", "--threads", "2",
                                      "--header-timeout", "1", "--sweep-interval", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise SystemExit(f"server did not start: {line} {self.proc.stderr.read()}")
        self.port = int(line.split("127.0.0.1:")[1].split()[0])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -1


def request(port, method, path, body=None, token=None, headers=None, raw=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    text = r.read().decode()
    conn.close()
    try:
        j = json.loads(text) if text else None
    except ValueError:
        j = None
    return r.status, j, r, text


def run(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([MUSTER, *args], check=True, capture_output=True, text=True, env=e).stdout.strip()


def verify_receipt(path, *extra):
    """`muster verify-receipt`: (exit code, output)."""
    p = subprocess.run([MUSTER, "verify-receipt", path, *extra], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def raw_exchange(port, data, send_slowly=False, wait=20):
    """Sends raw bytes; returns what came back before the server closed (b'' if nothing)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    got = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        got += b"<timeout>"
    finally:
        s.close()
    return got


def fresh_database(prefix):
    """(folder, database): a new temporary folder and an SQLite file in it, or a fresh PostgreSQL
    database when pg_server() names one; the folder holds offices.csv with offices D01 and D02."""
    tmp = tempfile.mkdtemp(prefix=f"muster-{prefix}.")
    db = os.path.join(tmp, "t.db")
    server = pg_server()
    if server:  # a fresh database; the ledger keys default to <database>.ledger.* in the working directory
        name = f"muster_{prefix}_{os.getpid()}"
        subprocess.run(["psql", server, "-XAtq", "-c", f"CREATE DATABASE {name}"], check=True,
                       stdin=subprocess.DEVNULL)
        db = server.rsplit("/", 1)[0] + "/" + name
        os.chdir(tmp)
    with open(os.path.join(tmp, "offices.csv"), "w") as f:
        f.write("code,name,region,timezone,daily_capacity\nD01,Central,Moscow,Europe/Moscow,50\n"
                "D02,North,Moscow,Europe/Moscow,50\n")
    return tmp, db


def main():
    tmp, db = fresh_database("http")
    d01 = [snils(200000000 + i * 7) for i in range(40)]
    d02 = [snils(300000000 + i * 7) for i in range(10)]
    with open(os.path.join(tmp, "persons.csv"), "w") as f:
        f.write("national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone\n")
        for nid in d01:
            f.write(f"{nid},Petrov,Ivan,,{years_ago(21)},M,D01,conscript,A,,,\n")
        for nid in d02:
            f.write(f"{nid},Orlov,Gleb,,{years_ago(22)},M,D02,conscript,A,,,\n")
    unknown = snils(400000000)  # valid, not registered
    run("--db", db, "init")
    run("--db", db, "import", "offices", os.path.join(tmp, "offices.csv"))
    run("--db", db, "import", "persons", os.path.join(tmp, "persons.csv"))
    pw = "correct-horse-battery"
    for name, role, offices in [("olga", "officer", ["D01"]), ("oleg", "officer", ["D01"]),
                                ("nina", "officer", ["D02"]), ("sam", "supervisor", ["D01"]),
                                ("ada", "auditor", []), ("root", "admin", []), ("tess", "officer", ["D01"])]:
        args = ["--db", db, "user", "add", "--role", role, "--name", name]
        for o in offices:
            args += ["--office", o]
        run(*args, env={"MUSTER_PASSWORD": pw})
    border_key = run("--db", db, "apikey", "create", "--role", "border", "--name", "gate1")
    check(border_key.startswith("mk_") and len(border_key) == 67, "border key shown once, 256 bits")
    citizen_id = d01[0]
    code = run("--db", db, "user", "activation-code", citizen_id)

    srv = Server(db)
    port = srv.port
    try:
        # Citizen activation: a wrong code is refused, the right one works once.
        st, j, _, _ = request(port, "POST", "/api/v1/activation",
                              {"national_id": citizen_id, "code": "WRONGCODE1", "password": pw})
        check(st == 403, f"wrong activation code refused: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/activation", {"national_id": citizen_id, "code": code, "password": pw})
        check(st == 201 and j["role"] == "citizen", f"activation: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/activation", {"national_id": citizen_id, "code": code, "password": pw})
        check(st == 403, f"activation code is one-time: {st}")

        def login(name, password=pw):
            st, j, r, _ = request(port, "POST", "/api/v1/session", {"login": name, "password": password})
            check(st == 201, f"login {name}: {st} {j}")
            return j, r

        tokens = {"border": border_key, "anonymous": None}
        for role, name in [("citizen", citizen_id), ("officer", "olga"), ("supervisor", "sam"), ("auditor", "ada"),
                           ("admin", "root")]:
            tokens[role] = login(name)[0]["token"]
        officer2 = login("nina")[0]["token"]
        officer3 = login("oleg")[0]["token"]

        # An officer issues a summons to the citizen.
        st, s, r, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": citizen_id, "office": "D01", "kind": "conscription",
                               "appear_at": in_days(10), "place": "Room 4", "purpose": "Medical board"},
                              token=tokens["officer"])
        check(st == 201 and s["state"] == "delivered", f"issue: {st} {s}")
        number = s["number"]
        check(r.getheader("Location") == f"/api/v1/summonses/{number}", "Location of the new summons")

        # The permission matrix.
        matrix = []
        with open(os.path.join(HERE, "permissions.tsv")) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                method, path, roles = line.rstrip("\n").split("\t")
                matrix.append((method, path, roles.split(",")))
        fill = {"{national_id}": d02[0], "{number}": "26-99999999-9", "{id}": "999"}
        for method, path, roles in matrix:
            concrete = path
            for k, v in fill.items():
                concrete = concrete.replace(k, v)
            for role in ROLES:
                token = tokens[role]
                if method == "DELETE" and path == "/api/v1/session" and role not in ("anonymous", "border"):
                    token = login({"citizen": citizen_id, "officer": "olga", "supervisor": "sam",
                                   "auditor": "ada", "admin": "root"}[role])[0]["token"]
                body = {} if method == "POST" else None
                st, j, r, _ = request(port, method, concrete, body, token=token)
                allowed = "public" in roles or role in roles
                if allowed:
                    check(st not in (401, 403, 404 if "{" not in path else 0, 405),
                          f"{role} may {method} {path}: got {st} {j}")
                elif role == "anonymous":
                    check(st == 401, f"anonymous {method} {path}: want 401, got {st}")
                else:
                    check(st == 403, f"{role} {method} {path}: want 403, got {st} {j}")
                if st >= 400:
                    check(r.getheader("Content-Type") == "application/problem+json",
                          f"{method} {path} as {role}: problem+json")

        # OpenAPI documents exactly the routes of the table, with the same roles.
        st, doc, _, _ = request(port, "GET", "/api/v1/openapi.json")
        check(st == 200 and doc["openapi"].startswith("3.1"), "openapi 3.1")
        documented = {(m.upper(), p, tuple(sorted(op["x-roles"]))) for p, ops in doc["paths"].items()
                      for m, op in ops.items()}
        expected = {(m, p, tuple(sorted(r))) for m, p, r in matrix}
        check(documented == expected, f"openapi == permissions.tsv: only documented {documented - expected}, "
                                      f"only in table {expected - documented}")

        # Nothing leaks whether a person exists to a role that may not read persons ...
        for role in ("citizen", "auditor", "admin", "border"):
            a = request(port, "GET", f"/api/v1/persons/{d01[1]}", token=tokens[role])
            b = request(port, "GET", f"/api/v1/persons/{unknown}", token=tokens[role])
            check(a[0] == b[0] == 403 and a[1] == b[1], f"{role}: same answer for existing and unknown person")
        # ... nor to an officer of another office.
        a = request(port, "GET", f"/api/v1/persons/{d01[1]}", token=officer2)
        b = request(port, "GET", f"/api/v1/persons/{unknown}", token=officer2)
        check(a[0] == b[0] == 404 and a[1] == b[1], f"other office: same 404 as unknown: {a[1]} {b[1]}")
        st, j, _, _ = request(port, "GET", f"/api/v1/persons/{d01[1]}", token=tokens["officer"])
        check(st == 200 and j["national_id"] == d01[1], "own office reads the person")
        st, j, _, _ = request(port, "GET", f"/api/v1/summonses/{number}", token=officer2)
        check(st == 404, f"summons of another office is absent: {st}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": d01[2], "office": "D01", "kind": "conscription",
                               "appear_at": in_days(10), "place": "R", "purpose": "P"}, token=officer2)
        check(st == 403 and j["field"] == "office", f"issue for another office: {st} {j}")

        # Cursor pagination, office-scoped.
        seen, cursor = [], None
        for _ in range(100):
            q = "/api/v1/persons?limit=7" + (f"&after={cursor}" if cursor else "")
            st, j, _, _ = request(port, "GET", q, token=tokens["officer"])
            check(st == 200, f"persons page: {st}")
            seen += [p["national_id"] for p in j["items"]]
            cursor = j["next_cursor"]
            if not cursor:
                break
        check(seen == sorted(d01), f"pages cover the office's persons once, in order ({len(seen)} of {len(d01)})")
        st, j, _, _ = request(port, "GET", "/api/v1/persons?district=D02", token=tokens["officer"])
        check(st == 403 and j["field"] == "district", "listing another office's district")
        st, j, _, _ = request(port, "GET", "/api/v1/persons?limit=abc", token=tokens["officer"])
        check(st == 400 and j["field"] == "limit", "bad limit names the field")

        # Malformed JSON, wrong types, missing fields, wrong media type.
        tok = tokens["officer"]
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", token=tok, raw=b"{",
                              headers={"Content-Type": "application/json"})
        check(st == 400 and j["field"] == "body", f"malformed JSON: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", token=tok, raw=b"[1]",
                              headers={"Content-Type": "application/json"})
        check(st == 400 and j["field"] == "body", f"not an object: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", {"national_id": 5}, token=tok)
        check(st == 400 and j["field"] == "national_id" and "string" in j["detail"], f"wrong type: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", {"national_id": d01[3]}, token=tok)
        check(st == 400 and j["field"] == "office" and "required" in j["detail"], f"missing field: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": d01[3], "office": "D01", "kind": "conscription", "appear_at": "soon"},
                              token=tok)
        check(st == 400 and j["field"] == "appear_at", f"bad time: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": "123", "office": "D01", "kind": "conscription",
                               "appear_at": in_days(5), "place": "Room 1", "purpose": "Check"}, token=tok)
        check(st == 400 and j["field"] == "national_id", f"bad national ID names it: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", token=tok, raw=b"national_id=1",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(st == 415, f"form body: {st}")
        st, j, _, _ = request(port, "GET", "/api/v1/exit-check/12345", token=border_key)
        check(st == 400 and j["field"] == "national_id", f"exit check with a bad ID: {j}")

        # Unknown routes and methods.
        st, j, r, _ = request(port, "GET", "/api/v1/nothing-here")
        check(st == 404 and r.getheader("Content-Type") == "application/problem+json", "unknown route: 404 problem")
        st, j, r, _ = request(port, "PUT", "/api/v1/summonses", token=tok)
        check(st == 405 and r.getheader("Allow") == "POST", f"405 with Allow: {st} {r.getheader('Allow')}")
        st, j, r, _ = request(port, "PATCH", "/api/v1/session")
        check(st == 405 and r.getheader("Allow") == "POST, GET, DELETE", f"Allow lists every method: {r.getheader('Allow')}")

        # Limits: body 413 (announced or chunked), header 431, slow headers cut off.
        got = raw_exchange(port, b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 2000000\r\n\r\n{\"login\":")
        check(got.startswith(b"HTTP/1.1 413"), f"oversized body: {got[:60]}")
        chunk = b"x" * 100000
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(12)) + b"0\r\n\r\n"
        got = raw_exchange(port, b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n" + body)
        check(got.startswith(b"HTTP/1.1 413"), f"oversized chunked body: {got[:60]}")
        got = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
        check(got.startswith(b"HTTP/1.1 431"), f"oversized header: {got[:60]}")
        got = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Small: " + b"a" * 7000 + b"\r\n\r\n")
        check(got.startswith(b"HTTP/1.1 200"), f"7000-byte header is fine: {got[:60]}")
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed = False
        try:
            for _ in range(30):  # a byte a second; the server allows the header 1 s
                time.sleep(1)
                s.sendall(b"X")
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        if not closed:
            try:
                closed = s.recv(100) == b""
            except (ConnectionResetError, socket.timeout):
                closed = True
        s.close()
        check(closed, "a slowly sent header is cut off")

        # Forged and expired sessions.
        st, j, r, _ = request(port, "GET", "/api/v1/session", token="ab" * 32)
        check(st == 401 and "Bearer" in (r.getheader("WWW-Authenticate") or ""), f"forged token: {st}")
        st, j, _, _ = request(port, "GET", "/api/v1/me/summonses", token="mk_" + "0" * 64)
        check(st == 401, f"forged API key: {st}")
        fresh = login("tess")[0]["token"]
        con = connect(db, timeout=30)
        con.execute("UPDATE sessions SET expires_at = 1 WHERE expires_at = (SELECT max(expires_at) FROM sessions)")
        con.commit()
        con.close()
        st, j, _, _ = request(port, "GET", "/api/v1/session", token=fresh)
        check(st == 401, f"expired session: {st} {j}")
        st, j, _, _ = request(port, "DELETE", "/api/v1/session", token=officer3)
        check(st == 204, "logout")
        st, j, _, _ = request(port, "GET", "/api/v1/session", token=officer3)
        check(st == 401, "a logged-out token is refused")
        officer3 = login("oleg")[0]["token"]

        # Cookies: HttpOnly, SameSite=Strict; writes need the CSRF token.
        j, r = login("olga")
        cookies = r.msg.get_all("Set-Cookie")
        session_cookie = [c for c in cookies if c.startswith("muster_session=")][0]
        check("HttpOnly" in session_cookie and "SameSite=Strict" in session_cookie, f"cookie flags: {session_cookie}")
        cookie = session_cookie.split(";")[0]
        st, who, _, _ = request(port, "GET", "/api/v1/session", headers={"Cookie": cookie})
        check(st == 200 and who["login"] == "olga", "cookie authenticates a read")
        write = {"national_id": d01[4], "office": "D01", "kind": "conscription", "appear_at": in_days(12),
                 "place": "Room 2", "purpose": "Check"}
        st, e, _, _ = request(port, "POST", "/api/v1/summonses", write, headers={"Cookie": cookie})
        check(st == 403 and e["field"] == "X-CSRF-Token", f"cookie write without CSRF token: {st} {e}")
        st, e, _, _ = request(port, "POST", "/api/v1/summonses", write,
                              headers={"Cookie": cookie, "X-CSRF-Token": "0" * 64})
        check(st == 403, "cookie write with a wrong CSRF token")
        st, e, _, _ = request(port, "POST", "/api/v1/summonses", write,
                              headers={"Cookie": cookie, "X-CSRF-Token": j["csrf_token"]})
        check(st == 201, f"cookie write with the CSRF token: {st} {e}")

        # The citizen's cabinet.
        ct = tokens["citizen"]
        st, j, _, _ = request(port, "GET", "/api/v1/me/summonses", token=ct)
        check(st == 200 and [x["number"] for x in j["items"]] == [number], f"cabinet lists the summons: {j}")
        st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{number}", token=ct)
        check(st == 200 and j["viewed_at"] and j["state"] == "viewed", f"opening records viewed_at: {j}")
        st, other, _, _ = request(port, "POST", "/api/v1/summonses",
                                  {"national_id": d01[5], "office": "D01", "kind": "conscription",
                                   "appear_at": in_days(11), "place": "Room 2", "purpose": "Check"},
                                  token=tokens["officer"])
        st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{other['number']}", token=ct)
        check(st == 404, f"another person's summons is absent: {st}")
        st, j, _, _ = request(port, "GET", "/api/v1/me/restrictions", token=ct)
        check(st == 200 and j["items"] == [], "no restrictions")
        st, appeal, _, _ = request(port, "POST", "/api/v1/me/appeals",
                                   {"summons": number, "reason": "illness", "text": "Flu"}, token=ct)
        check(st == 201 and appeal["state"] == "pending", f"appeal filed: {st} {appeal}")
        st, j, _, _ = request(port, "POST", "/api/v1/me/appeals", {"summons": number, "reason": "boredom"}, token=ct)
        check(st == 400 and j["field"] == "reason", f"bad appeal reason: {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/appeals", token=officer2)
        check(st == 200 and j["items"] == [], "another office does not see the appeal")
        st, j, _, _ = request(port, "GET", "/api/v1/appeals", token=tokens["officer"])
        check(st == 200 and [a["id"] for a in j["items"]] == [appeal["id"]], f"appeal queue: {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/appeals/{appeal['id']}/decision",
                              {"grant": True, "reason": "ok"}, token=tokens["officer"])
        check(st in (403, 409), f"the issuer may not decide: {st} {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/appeals/{appeal['id']}/decision",
                              {"grant": "yes", "reason": "ok"}, token=officer3)
        check(st == 400 and j["field"] == "grant", f"grant must be boolean: {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/appeals/{appeal['id']}/decision",
                              {"grant": True, "reason": "Certificate"}, token=officer3)
        check(st == 200 and j["state"] == "granted", f"another officer decides: {st} {j}")

        # Exit check: allow with a reference, never a reason.
        st, j, _, text = request(port, "GET", f"/api/v1/exit-check/{citizen_id}", token=border_key)
        check(st == 200 and j["decision"] == "allow" and j["reference"].replace("-", "").isalnum() and set(j) == {"decision", "reference"},
              f"exit check: {text}")

        # Campaign issue as a job.
        sup = tokens["supervisor"]
        start = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        end = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
        st, c, _, _ = request(port, "POST", "/api/v1/campaigns",
                              {"kind": "conscription", "name": "Autumn", "basis": "Order 1", "districts": ["D01"],
                               "appear_from": start, "appear_until": end}, token=sup)
        check(st == 201, f"campaign created: {st} {c}")
        st, j, _, _ = request(port, "POST", "/api/v1/campaigns",
                              {"kind": "conscription", "name": "X", "basis": "Y", "districts": ["D02"],
                               "appear_from": start, "appear_until": end}, token=sup)
        check(st == 403 and j["field"] == "districts", "campaign outside one's offices")
        st, plan, _, _ = request(port, "GET", f"/api/v1/campaigns/{c['id']}/preview", token=sup)
        check(st == 200, f"preview: {st} {plan}")
        st, job, r, _ = request(port, "POST", f"/api/v1/campaigns/{c['id']}/issue", token=sup)
        check(st == 202 and r.getheader("Location") == f"/api/v1/jobs/{job['id']}", f"issue job: {st} {job}")
        for _ in range(600):
            st, job, _, _ = request(port, "GET", f"/api/v1/jobs/{job['id']}", token=sup)
            if job["state"] in ("done", "failed"):
                break
            time.sleep(0.1)
        check(job["state"] == "done" and job["done"] == job["total"], f"job finished: {job}")
        st, j, _, _ = request(port, "GET", "/api/v1/campaigns", token=tokens["auditor"])
        check(st == 200 and len(j["items"]) == 1, "the auditor reads campaigns")

        # Cursor pagination on every list: walking with limit=1 gives the whole list, each item
        # once, in the order of one big page; a cursor that is not one is refused naming `after`.
        def walk(path, token, limit):
            keys, cursor = [], None
            for _ in range(1000):
                sep = "&" if "?" in path else "?"
                q = f"{path}{sep}limit={limit}" + (f"&after={cursor}" if cursor else "")
                st, j, _, _ = request(port, "GET", q, token=token)
                check(st == 200 and len(j["items"]) <= limit, f"{q}: {st} {j}")
                keys += [x["id"] if "id" in x else x["number"] for x in j["items"]]
                cursor = j["next_cursor"]
                if cursor is None:
                    break
                check(isinstance(cursor, str) and j["items"], f"{q}: a non-empty page before a cursor")
            return keys

        for name in ("Winter", "Spring"):
            st, _, _, _ = request(port, "POST", "/api/v1/campaigns",
                                  {"kind": "conscription", "name": name, "basis": "Order 2", "districts": ["D01"],
                                   "appear_from": start, "appear_until": end}, token=sup)
            check(st == 201, f"campaign {name}: {st}")
        for n in (6, 7, 8):  # more appeals in D01's queue
            st, s2, _, _ = request(port, "POST", "/api/v1/summonses",
                                   {"national_id": d01[n], "office": "D01", "kind": "conscription",
                                    "appear_at": in_days(13), "place": "Room 3", "purpose": "Check"},
                                   token=tokens["officer"])
            run("--db", db, "appeal", "file", s2["number"], "--reason", "other", "--text", "later")
        for field, value in (("address", "5 New Street"), ("email", "pavel@example.org")):
            st, j, _, _ = request(port, "POST", "/api/v1/me/corrections",
                                  {"field": field, "value": value, "explanation": "moved"}, token=ct)
            check(st == 201, f"correction of {field}: {st} {j}")
        lists = [("/api/v1/campaigns", sup, 3), ("/api/v1/appeals?state=all", tokens["officer"], 4),
                 ("/api/v1/appeals?state=all", officer2, 0), ("/api/v1/overrides?state=all", tokens["officer"], 0),
                 ("/api/v1/me/summonses", ct, 1), ("/api/v1/me/appeals", ct, 1), ("/api/v1/me/restrictions", ct, 0),
                 ("/api/v1/me/corrections", ct, 2), ("/api/v1/corrections?state=all", tokens["officer"], 2)]
        for path, token, at_least in lists:
            whole = walk(path, token, 1000)
            check(len(whole) >= at_least and len(set(whole)) == len(whole), f"{path}: {whole}")
            check(walk(path, token, 1) == whole, f"{path}: pages of one give the whole list {whole}")
            check(walk(path, token, 2) == whole, f"{path}: pages of two give the whole list {whole}")
            for bad, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"),
                               ("after=x", "after"), ("after=-1", "after")):
                sep = "&" if "?" in path else "?"
                st, j, _, _ = request(port, "GET", f"{path}{sep}{bad}", token=token)
                check(st == 400 and j["field"] == field, f"{path} {bad}: {st} {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/appeals?state=all&limit=2", token=tokens["officer"])
        ids = [a["id"] for a in j["items"]]
        check(ids == sorted(ids) and j["next_cursor"] == str(ids[-1]), f"appeal cursor is the last id: {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/me/summonses?after=999999999", token=ct)
        check(st == 400 and j["field"] == "after", f"a cursor of no item of the list: {st} {j}")

        # The citizen's delivery receipt verifies offline, and fails once any byte is changed.
        st, receipt, r, text_r = request(port, "GET", f"/api/v1/me/summonses/{number}/receipt", token=ct)
        check(st == 200 and receipt["summons"]["number"] == number and "attachment" in r.getheader("Content-Disposition"),
              f"receipt over HTTP: {st} {text_r[:200]}")
        receipt_path = os.path.join(tmp, "receipt.json")
        with open(receipt_path, "w") as f:
            f.write(text_r)
        rc, out = verify_receipt(receipt_path)
        check(rc == 0 and "receipt verified" in out and number in out, f"verify-receipt: {rc} {out}")
        pubkey_path = os.path.join(tmp, "ledger.pub")
        with open(pubkey_path, "w") as f:
            f.write(run("--db", db, "ledger", "pubkey") + "\n")
        rc, out = verify_receipt(receipt_path, "--pubkey", pubkey_path)
        check(rc == 0, f"verify-receipt with the published key: {rc} {out}")
        data = text_r.encode()
        # One position in each member, and a spread over the whole text.
        positions = sorted({data.index(k.encode()) + len(k) + 3 for k in
                            ('"summons"', '"leaf"', '"leaf_index"', '"tree_size"', '"inclusion_proof"',
                             '"checkpoint"', '"public_key"')} | set(range(0, len(data), max(1, len(data) // 40))))
        tampered_path = os.path.join(tmp, "tampered.json")
        accepted = []
        for pos in positions:
            changed = bytearray(data)
            changed[pos] ^= 0x01
            with open(tampered_path, "wb") as f:
                f.write(changed)
            rc, out = verify_receipt(tampered_path)
            if rc == 0:
                accepted.append((pos, out))
        check(not accepted and len(positions) > 20, f"a changed byte fails verification: accepted at {accepted[:3]}")
        st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{other['number']}/receipt", token=ct)
        check(st == 404, f"another person's receipt is absent: {st}")

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

        # Concurrent logins and issues.
        results = []
        lock = threading.Lock()

        def worker(i):
            st1 = request(port, "POST", "/api/v1/session", {"login": "sam", "password": pw})[0]
            st2, s2, _, _ = request(port, "POST", "/api/v1/summonses",
                                    {"national_id": d01[20 + i], "office": "D01", "kind": "conscription",
                                     "appear_at": in_days(90 + i), "place": "Room 3", "purpose": "Check"},
                                    token=tokens["officer"])
            with lock:
                results.append((st1, st2, s2.get("number") if s2 else None))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(all(r[0] == 201 for r in results), f"concurrent logins: {[r[0] for r in results]}")
        check(all(r[1] == 201 for r in results), f"concurrent issues: {[r[1] for r in results]}")
        check(len({r[2] for r in results}) == 8, "concurrent issues get distinct numbers")

        # Metrics.
        st, _, r, text = request(port, "GET", "/metrics")
        check(st == 200 and 'muster_http_requests_total{route="GET /api/v1/exit-check/{national_id}",status="200"}' in text
              and 'muster_exit_checks_total{decision="allow"}' in text and "muster_summonses{state=" in text
              and "muster_http_request_duration_seconds_bucket" in text and "muster_job_done" in text,
              "metrics: requests, latency, exit checks, summonses, jobs")
        gauges = dict(line.split(" ", 1) for line in text.splitlines()
                      if line.startswith(("muster_exit_bans ", "muster_exit_ban_events_read ", "muster_events_last ")))
        check(len(gauges) == 3 and 0 < int(gauges["muster_exit_ban_events_read"]) <= int(gauges["muster_events_last"]),
              f"metrics: the exit-ban index's position and the last event: {gauges}")
        check(request(port, "GET", "/readyz")[0] == 200, "ready")

        # Login throttling (last: it locks the account "tess").
        statuses = [request(port, "POST", "/api/v1/session", {"login": "tess", "password": "wrong-password-x"})[0]
                    for _ in range(8)]
        check(statuses[:5] == [401] * 5 and 429 in statuses, f"failed logins are slowed: {statuses}")
        st, j, r, _ = request(port, "POST", "/api/v1/session", {"login": "tess", "password": pw})
        check(st == 429 and int(r.getheader("Retry-After")) > 0, "a locked login is refused with Retry-After")
        check(request(port, "POST", "/api/v1/session", {"login": "ada", "password": pw})[0] == 201,
              "other accounts from the same address still log in")
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

    # Password checks run on a bounded pool: past --auth-queue they are refused with 503.
    srv = Server(db, "--auth-workers", "1", "--auth-queue", "1")
    try:
        seen = []
        for _ in range(10):  # bounded: each round sends 12 logins at once
            answers = []

            def attempt():
                st, j, r, _ = request(srv.port, "POST", "/api/v1/session", {"login": "ada", "password": pw})
                with lock:
                    answers.append((st, r.getheader("Retry-After"), r.getheader("Content-Type")))

            lock = threading.Lock()
            threads = [threading.Thread(target=attempt) for _ in range(12)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seen += answers
            if any(a[0] == 503 for a in seen):
                break
        busy = [a for a in seen if a[0] == 503]
        check(busy and all(a[1] == "1" and a[2] == "application/problem+json" for a in busy),
              f"saturated password checks: 503 with Retry-After: {sorted({a[0] for a in seen})}")
        check(any(a[0] == 201 for a in seen) and all(a[0] in (201, 503) for a in seen),
              f"the others log in: {sorted({a[0] for a in seen})}")
        check(request(srv.port, "GET", "/healthz")[0] == 200, "the I/O threads still answer")
    finally:
        check(srv.stop() == 0, "second server stops cleanly")
    finish()


if __name__ == "__main__":
    main()
