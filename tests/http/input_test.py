#!/usr/bin/env python3
"""Bad input over real HTTP: malformed and mistyped bodies, missing fields, the wrong media type,
unknown routes and methods, oversized bodies and headers, slow clients, and cursor pagination
of the persons list. Every refusal names the field. Uses harness.py."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Office, Server, check, finish, in_days, login, raw_exchange, request  # noqa: E402


def main():
    office = Office("input")
    srv = Server(office.db)
    port = srv.port
    try:
        tokens = {"officer": login(port, "olga")}
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
        check(seen == sorted(office.d01), f"pages cover the office's persons once, in order ({len(seen)} of {len(office.d01)})")
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
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", {"national_id": office.d01[3]}, token=tok)
        check(st == 400 and j["field"] == "office" and "required" in j["detail"], f"missing field: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": office.d01[3], "office": "D01", "kind": "conscription", "appear_at": "soon"},
                              token=tok)
        check(st == 400 and j["field"] == "appear_at", f"bad time: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": "123", "office": "D01", "kind": "conscription",
                               "appear_at": in_days(5), "place": "Room 1", "purpose": "Check"}, token=tok)
        check(st == 400 and j["field"] == "national_id", f"bad national ID names it: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", token=tok, raw=b"national_id=1",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(st == 415, f"form body: {st}")
        st, j, _, _ = request(port, "GET", "/api/v1/exit-check/12345", token=office.border_key)
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

    finally:
        check(srv.stop() == 0, "SIGTERM: clean exit")
    finish()


if __name__ == "__main__":
    main()
