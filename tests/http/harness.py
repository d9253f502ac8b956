"""What every HTTP test shares: the server under test, requests, fresh databases, a registry
loaded through the CLI, the check tally, SNILS numbers and the RFC 9162 Merkle checks.

Env: MUSTER (the binary), SOURCE_DIR (the repository); MUSTER_TEST_PG (or MUSTER_TEST_PG_FILE,
a file holding it): a PostgreSQL server URL from tests/pg/pg-harness, to run on a fresh database
there instead of an SQLite file. Standard library only. A server binds port 0 and prints its
port; a test stops it by its PID with SIGTERM and checks that it drains. No timing assertions:
waits are bounded loops that only fail when something never happens.
"""
import csv
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
import time

MUSTER = os.environ["MUSTER"]
HERE = os.path.dirname(os.path.abspath(__file__))
ROLES = ["anonymous", "citizen", "officer", "supervisor", "auditor", "admin", "border", "agency"]

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
    """Prints the tally of check() and exits non-zero when any failed."""
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
    def __init__(self, db, *extra, globals=()):
        """`muster --db DB GLOBALS... serve ... EXTRA...`: globals such as ("--config", FILE)."""
        self.proc = subprocess.Popen([MUSTER, "--db", db, *globals, "serve", "--listen", "127.0.0.1:0", "--threads", "2",
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
    text = r.read().decode(errors="replace")  # a binary answer (the stop-list) reads as replacement characters
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


def raw_exchange(port, data, send_slowly=False, wait=20, source=None):
    """Sends raw bytes (from address `source`, if given); returns what came back before the server
    closed (b'' if nothing)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait, source_address=(source, 0) if source else None)
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


PASSWORD = "correct-horse-battery"
PERSON_COLUMNS = ["national_id", "surname", "given_name", "patronymic", "birth_date", "sex", "district", "category",
                  "fitness", "address", "email", "phone"]


def person(national_id, district="D01", surname="Petrov", given_name="Ivan", age=21, **fields):
    """A row of the persons CSV: a conscript fit for service, `age` years old, unless `fields` say
    otherwise (any column of PERSON_COLUMNS)."""
    row = {"national_id": national_id, "surname": surname, "given_name": given_name, "patronymic": "",
           "birth_date": years_ago(age), "sex": "M", "district": district, "category": "conscript", "fitness": "A",
           "address": "", "email": "", "phone": ""}
    row.update(fields)
    return row


def load_registry(db, tmp, persons=(), users=(), init=True):
    """Makes the database `db` (unless `init` is false), imports tmp/offices.csv (fresh_database
    writes it) and `persons` (rows of person()), and adds `users`, each (login, role, offices),
    with the password PASSWORD."""
    if init:
        run("--db", db, "init")
    run("--db", db, "import", "offices", os.path.join(tmp, "offices.csv"))
    if persons:
        path = os.path.join(tmp, "persons.csv")
        with open(path, "w", newline="") as f:
            out = csv.DictWriter(f, fieldnames=PERSON_COLUMNS, lineterminator="\n")
            out.writeheader()
            out.writerows(persons)
        run("--db", db, "import", "persons", path)
    for login, role, offices in users:
        args = ["--db", db, "user", "add", "--role", role, "--name", login]
        for office in offices:
            args += ["--office", office]
        run(*args, env={"MUSTER_PASSWORD": PASSWORD})


def login(port, name, password=PASSWORD):
    """A session token for `name`; a failed check when the login is refused."""
    st, j, _, _ = request(port, "POST", "/api/v1/session", {"login": name, "password": password})
    check(st == 201, f"login {name}: {st} {j}")
    return j["token"] if st == 201 else None


def activate(port, db, national_id, password=PASSWORD):
    """Activates the citizen account of `national_id` with a new code; returns a session token."""
    code = run("--db", db, "user", "activation-code", national_id)
    st, j, _, _ = request(port, "POST", "/api/v1/activation", {"national_id": national_id, "code": code,
                                                                 "password": password})
    check(st == 201, f"activation of {national_id}: {st} {j}")
    return login(port, national_id, password)


def wait_job(port, token, job_id, until=("done", "failed"), seconds=60):
    """The job once its state is one of `until` (polled every 0.1 s, for at most `seconds`)."""
    job = None
    for _ in range(int(seconds * 10)):
        st, job, _, _ = request(port, "GET", f"/api/v1/jobs/{job_id}", token=token)
        if st == 200 and job["state"] in until:
            break
        time.sleep(0.1)
    return job


class Office:
    """The registry most HTTP tests start from: offices D01 and D02, 40 persons in D01 (d01) and 10
    in D02 (d02), a person not registered (unknown), staff with the password PASSWORD (officers
    olga, oleg and tess of D01 and nina of D02, supervisor sam of D01, auditor ada, admin root) and a
    border key (border_key) and an agency key for exit_ban (agency_key)."""

    STAFF = [("olga", "officer", ["D01"]), ("oleg", "officer", ["D01"]), ("nina", "officer", ["D02"]),
             ("sam", "supervisor", ["D01"]), ("ada", "auditor", []), ("root", "admin", []),
             ("tess", "officer", ["D01"])]

    def __init__(self, prefix):
        self.tmp, self.db = fresh_database(prefix)
        self.d01 = [snils(200000000 + i * 7) for i in range(40)]
        self.d02 = [snils(300000000 + i * 7) for i in range(10)]
        self.unknown = snils(400000000)
        load_registry(self.db, self.tmp,
                      [person(n) for n in self.d01] + [person(n, "D02", "Orlov", "Gleb", 22) for n in self.d02],
                      self.STAFF)
        self.border_key = run("--db", self.db, "apikey", "create", "--role", "border", "--name", "gate1")
        self.agency_key = run("--db", self.db, "apikey", "create", "--role", "agency", "--kinds", "exit_ban",
                              "--name", "traffic-police")

    def tokens(self, port):
        """A token for each role of ROLES (None for anonymous); the citizen is d01[0], activated."""
        tokens = {"anonymous": None, "border": self.border_key, "agency": self.agency_key,
                  "citizen": activate(port, self.db, self.d01[0])}
        for role, name in [("officer", "olga"), ("supervisor", "sam"), ("auditor", "ada"), ("admin", "root")]:
            tokens[role] = login(port, name)
        return tokens

    def issue(self, port, token, national_id, days=10, office="D01"):
        """Issues a summons over the API; returns its JSON (a failed check unless 201)."""
        st, s, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": national_id, "office": office, "kind": "conscription",
                               "appear_at": in_days(days), "place": "Room 4", "purpose": "Medical board"}, token=token)
        check(st == 201, f"issue to {national_id}: {st} {s}")
        return s
