#!/usr/bin/env python3
"""Sessions over real HTTP: activation codes, forged, expired and ended sessions, cookies and the
CSRF token, concurrent logins, throttled logins, and the bounded pool of password checks.
Uses harness.py."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Office, Server, check, connect, finish, in_days, request, run  # noqa: E402


def main():
    office = Office("sessions")
    db, d01, pw = office.db, office.d01, PASSWORD
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

        tokens = {"officer": login("olga")[0]["token"]}
        officer3 = login("oleg")[0]["token"]

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
