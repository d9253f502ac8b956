#!/usr/bin/env python3
"""Who can set whose password, when sessions end, and what login throttling does, over real HTTP
on loopback against the real binary (SQLite, or PostgreSQL when MUSTER_TEST_PG names a server).

- A staff login never has the form of a national ID; one made before that rule keeps the server
  from starting until it is deactivated, and an activation never touches it.
- A password reset (activation again), a deactivation, a change of role or offices and a new
  password end every session of the account: at once on the server that made the change, and
  within --auth-cache-ttl on the others (a second server, the CLI).
- Throttling never locks an owner out: a browser that has logged in before (its device cookie)
  is throttled by its own failures only; other attempts per login and per address; activation
  codes per national ID and address together, never per national ID alone.

Clients come from different loopback addresses (127.0.0.x) to stand for different people.
Env: MUSTER (the binary). Standard library only; waits are bounded loops, never timings.
"""
import http.client
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (the server and request helpers)
from harness import MUSTER, Server, check, connect, fresh_database, run, snils  # noqa: E402

PW = harness.PASSWORD


def req(port, method, path, body=None, token=None, cookies=None, source="127.0.0.1"):
    """(status, json, headers as a list of pairs); `source` is the client's loopback address."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    h = {}
    if token:
        h["Authorization"] = f"Bearer {token}"
    if cookies:
        h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    text = r.read().decode()
    headers = r.getheaders()
    conn.close()
    try:
        j = json.loads(text) if text else None
    except ValueError:
        j = None
    return r.status, j, headers


def header(headers, name):
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def set_cookies(headers):
    out = {}
    for k, v in headers:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name] = rest.split(";", 1)[0]
    return out


def login(port, name, password=PW, source="127.0.0.1", device=None):
    """(status, token, device cookie, Retry-After)."""
    cookies = {"muster_device": device} if device else None
    st, j, h = req(port, "POST", "/api/v1/session", {"login": name, "password": password}, cookies=cookies,
                   source=source)
    retry = header(h, "Retry-After")
    return st, (j or {}).get("token"), set_cookies(h).get("muster_device"), int(retry) if retry else 0


def lock_out(attempt, what):
    """Fails `attempt()` -> (status, retry_after) until it is refused with 429 for at least 8 s (a
    lock long enough to test against); bounded."""
    for _ in range(400):
        st, retry = attempt()
        if st == 429:
            if retry >= 8:
                return True
            time.sleep(retry)
        elif st not in (401, 403):
            check(False, f"{what}: a failed attempt answered {st}")
            return False
    check(False, f"{what}: never locked")
    return False


def wait_until(cond, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def session_status(port, token):
    return req(port, "GET", "/api/v1/session", token=token)[0]


def main():
    tmp, db = fresh_database("auth")
    citizen, citizen2, staff_like = snils(250000001), snils(250000002), snils(250000003)
    harness.load_registry(db, tmp, [harness.person(nid) for nid in (citizen, citizen2, staff_like)],
                          [("root", "admin", []), ("olga", "officer", ["D01"]), ("tess", "officer", ["D01"]),
                           ("vera", "officer", ["D01"]), ("ada", "auditor", []), ("ivan", "supervisor", ["D01"])])
    pw_file = os.path.join(tmp, "new-password")
    with open(pw_file, "w") as f:
        f.write("another-horse-battery\n")

    # 1. A staff login never has the form of a national ID, by the CLI or the API.
    p = subprocess.run([MUSTER, "--db", db, "user", "add", "--role", "admin", "--name", staff_like],
                       capture_output=True, text=True, env={**os.environ, "MUSTER_PASSWORD": PW})
    check(p.returncode == 2 and "form of a national ID" in p.stderr, f"CLI refuses an ID-like login: {p.returncode} {p.stderr}")
    p = subprocess.run([MUSTER, "--db", db, "user", "add", "--role", "admin", "--name", "12345678901"],
                       capture_output=True, text=True, env={**os.environ, "MUSTER_PASSWORD": PW})
    check(p.returncode == 2, f"even one that fails the checksum: {p.returncode} {p.stderr}")

    # An account made before the rule: the server refuses to start and names it.
    con = connect(db)
    con.execute(f"INSERT INTO accounts (login, role, display_name, national_id, offices, password_hash, active, "
                f"created_by, created_at) SELECT '{staff_like}', 'admin', 'Old admin', '', '', password_hash, 1, "
                f"'cli:old', created_at FROM accounts WHERE login = 'root'")
    con.commit()
    con.close()
    p = subprocess.run([MUSTER, "--db", db, "serve", "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    check(p.returncode != 0 and staff_like in p.stderr and "deactivate" in p.stderr,
          f"serve refuses a staff login of the form of a national ID: {p.returncode} {p.stderr}")
    run("--db", db, "user", "update", staff_like, "--deactivate")

    srv = Server(db, "--auth-cache-ttl", "1")
    other = None
    try:
        port = srv.port
        st, root, _, _ = login(port, "root")
        check(st == 201, f"admin logs in: {st}")
        st, j, _ = req(port, "POST", "/api/v1/users", {"login": citizen, "role": "admin", "password": PW}, token=root)
        check(st == 400 and j.get("field") == "login", f"API refuses an ID-like login: {st} {j}")

        # 2. The officer's takeover of the old admin account no longer works.
        st, olga, _, _ = login(port, "olga")
        st, j, _ = req(port, "POST", "/api/v1/activation-codes", {"national_id": staff_like}, token=olga)
        check(st == 201, f"a code for the person: {st} {j}")
        st, j, _ = req(port, "POST", "/api/v1/activation",
                       {"national_id": staff_like, "code": j["code"], "password": "officers-own-choice"})
        check(st == 409, f"activation never reaches a staff account: {st} {j}")
        con = connect(db)
        row = con.execute(f"SELECT role, active, password_hash = (SELECT password_hash FROM accounts WHERE login = "
                          f"'root') FROM accounts WHERE login = '{staff_like}'").fetchone()
        con.close()
        check(row is not None and row[0] == "admin" and int(row[1]) == 0 and row[2] in (1, "t", True),
              f"the old account is untouched: {row}")

        # 3. A password reset ends the citizen's sessions, at once on this server.
        code = run("--db", db, "user", "activation-code", citizen)
        st, _, _ = req(port, "POST", "/api/v1/activation", {"national_id": citizen, "code": code, "password": PW})
        check(st == 201, f"citizen activates: {st}")
        st, first, _, _ = login(port, citizen)
        check(st == 201 and session_status(port, first) == 200, "citizen's session works")
        code = run("--db", db, "user", "activation-code", citizen)
        st, _, _ = req(port, "POST", "/api/v1/activation",
                       {"national_id": citizen, "code": code, "password": "a-new-password-1"})
        check(st == 201, f"citizen resets the password: {st}")
        check(session_status(port, first) == 401, "the old session ends at once on the same server")
        check(login(port, citizen)[0] == 401, "the old password is refused")
        con = connect(db)
        live = con.execute(f"SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id "
                           f"WHERE a.login = '{citizen}' AND s.revoked_at IS NULL").fetchone()[0]
        con.close()
        check(live == 0, f"the store shows the session revoked: {live} live")

        # ... and within --auth-cache-ttl on another server that had it cached.
        other = Server(db, "--auth-cache-ttl", "1")
        st, second, _, _ = login(port, citizen, "a-new-password-1")
        check(session_status(other.port, second) == 200, "the other server accepts the session")
        code = run("--db", db, "user", "activation-code", citizen)
        req(port, "POST", "/api/v1/activation", {"national_id": citizen, "code": code, "password": "a-new-password-2"})
        check(wait_until(lambda: session_status(other.port, second) == 401),
              "the session ends on the other server within the cache's time")

        # 4. Deactivation, a change of offices, of role and of password end a staff account's
        # sessions, made by the CLI while the servers run.
        for who, change in [("tess", ["--deactivate"]), ("olga", ["--office", "D02"]), ("ivan", ["--role", "officer"]),
                            ("ada", ["--password-file", pw_file])]:
            st, token, _, _ = login(port, who)
            check(st == 201 and session_status(other.port, token) == 200, f"{who} is logged in")
            run("--db", db, "user", "update", who, *change)
            check(wait_until(lambda: session_status(port, token) == 401 and session_status(other.port, token) == 401),
                  f"{who}: {' '.join(change)} ends the session on both servers")
        check(login(port, "tess")[0] == 401, "a deactivated account cannot log in")
        check(login(port, "ada", "another-horse-battery")[0] == 201, "the new password works")
        st, token, _, _ = login(port, "olga")
        st, j, _ = req(port, "GET", "/api/v1/session", token=token)
        check(st == 200 and j.get("offices") == ["D02"], f"the new session has the new offices: {j}")
        p = subprocess.run([MUSTER, "--db", db, "user", "update", "nobody", "--deactivate"], capture_output=True,
                           text=True)
        check(p.returncode == 2 and "nobody" in p.stderr, f"update of an unknown login: {p.returncode} {p.stderr}")
        p = subprocess.run([MUSTER, "--db", db, "user", "update", citizen, "--deactivate"], capture_output=True,
                           text=True)
        check(p.returncode == 2, f"update does not reach a citizen account: {p.returncode} {p.stderr}")

        # 5. Throttling: an attacker's failures never lock the owner's browser out.
        st, _, device, _ = login(port, "vera", source="127.0.0.5")
        check(st == 201 and device, "a login sets the device cookie")
        lock_out(lambda: login(port, "vera", "wrong-password-x", source="127.0.0.6")[::3], "guessing vera")
        st, _, _, retry = login(port, "vera", source="127.0.0.6")
        check(st == 429 and retry > 0, f"an untrusted attempt at the locked login waits: {st}")
        check(login(port, "vera", source="127.0.0.5", device="0" * 32 + "." + "0" * 64)[0] == 429,
              "a forged device cookie is not trusted")
        check(login(port, "vera", source="127.0.0.5", device=device)[0] == 201,
              "the owner's browser logs in while the login is locked")
        check(login(port, "vera", source="127.0.0.6", device=device)[0] == 201,
              "... from any address")
        check(login(port, "vera", source="127.0.0.9")[0] == 201, "the owner's success ends the lock")

        st, _, ada_device, _ = login(port, "ada", "another-horse-battery", source="127.0.0.8")
        n = [0]

        def spray():
            n[0] += 1
            return login(port, f"nobody{n[0]}", "wrong-password-x", source="127.0.0.7")[::3]
        lock_out(spray, "invented names from one address")
        check(login(port, "vera", source="127.0.0.7")[0] == 429, "that address is slowed for untrusted attempts")
        check(login(port, "ada", "another-horse-battery", source="127.0.0.7", device=ada_device)[0] == 201,
              "a browser that logged in before still logs in from that address")
        check(login(port, "ada", "another-horse-battery", source="127.0.0.8")[0] == 201,
              "other addresses are not slowed")

        # 6. Activation codes: wrong codes from one address never lock the citizen's valid code.
        code = run("--db", db, "user", "activation-code", citizen2)

        def wrong_code():
            st, _, h = req(port, "POST", "/api/v1/activation",
                           {"national_id": citizen2, "code": "WRONGCODE2", "password": PW}, source="127.0.0.10")
            r = header(h, "Retry-After")
            return st, int(r) if r else 0
        lock_out(wrong_code, "guessing a code")
        st, j, _ = req(port, "POST", "/api/v1/activation", {"national_id": citizen2, "code": code, "password": PW},
                       source="127.0.0.11")
        check(st == 201, f"the citizen's valid code works while a guesser is locked: {st} {j}")
    finally:
        rc = srv.stop()
        if other:
            other.stop()
    check(rc == 0, f"SIGTERM: clean exit ({rc})")
    harness.finish()


if __name__ == "__main__":
    main()
