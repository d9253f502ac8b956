#!/usr/bin/env python3
"""Who may do what, over real HTTP: every route of permissions.tsv gives each role exactly the
answer the table says, /api/v1/openapi.json documents the same table, and nothing tells a role
whether a person it may not see exists. Uses harness.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import HERE, ROLES, Office, Server, check, finish, in_days, login, request  # noqa: E402


def read_matrix():
    """(method, path, roles, (status, field or None)) for each route of permissions.tsv."""
    matrix = []
    with open(os.path.join(HERE, "permissions.tsv")) as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 4:
                raise SystemExit(f"permissions.tsv line {n}: want method, path, roles and answer: {line!r}")
            method, path, roles, answer = cols
            status, _, field = answer.partition(" ")
            matrix.append((method, path, roles.split(","), (int(status), field or None)))
    return matrix


def main():
    office = Office("permissions")
    srv = Server(office.db)
    port = srv.port
    try:
        tokens = office.tokens(port)
        staff_login = {"citizen": office.d01[0], "officer": "olga", "supervisor": "sam", "auditor": "ada",
                       "admin": "root"}
        matrix = read_matrix()
        fill = {"{national_id}": office.d02[0], "{number}": "26-99999999-9", "{id}": "999", "{kind}": "exit_ban"}
        for method, path, roles, (status, field) in matrix:
            concrete = path
            for k, v in fill.items():
                concrete = concrete.replace(k, v)
            for role in ROLES:
                token = tokens[role]
                if method == "DELETE" and path == "/api/v1/session" and role in staff_login:
                    token = login(port, staff_login[role])  # logging out ends the session: a fresh one
                body = {} if method == "POST" else None
                st, j, r, _ = request(port, method, concrete, body, token=token)
                if "public" in roles or role in roles:
                    got_field = j.get("field") if st >= 400 and isinstance(j, dict) else None
                    check((st, got_field) == (status, field),
                          f"{role} {method} {path}: want {status} {field or ''}, got {st} {got_field or ''} {j}")
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
        expected = {(m, p, tuple(sorted(r))) for m, p, r, _ in matrix}
        check(documented == expected, f"openapi == permissions.tsv: only documented {documented - expected}, "
                                      f"only in table {expected - documented}")

        # Nothing leaks whether a person exists to a role that may not read persons ...
        d01, officer2 = office.d01, login(port, "nina")
        for role in ("citizen", "auditor", "admin", "border", "agency"):
            a = request(port, "GET", f"/api/v1/persons/{d01[1]}", token=tokens[role])
            b = request(port, "GET", f"/api/v1/persons/{office.unknown}", token=tokens[role])
            check(a[0] == b[0] == 403 and a[1] == b[1], f"{role}: same answer for existing and unknown person")
        # ... nor to an officer of another office.
        a = request(port, "GET", f"/api/v1/persons/{d01[1]}", token=officer2)
        b = request(port, "GET", f"/api/v1/persons/{office.unknown}", token=officer2)
        check(a[0] == b[0] == 404 and a[1] == b[1], f"other office: same 404 as unknown: {a[1]} {b[1]}")
        st, j, _, _ = request(port, "GET", f"/api/v1/persons/{d01[1]}", token=tokens["officer"])
        check(st == 200 and j["national_id"] == d01[1], "own office reads the person")
        number = office.issue(port, tokens["officer"], d01[0])["number"]
        st, j, _, _ = request(port, "GET", f"/api/v1/summonses/{number}", token=officer2)
        check(st == 404, f"summons of another office is absent: {st}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": d01[2], "office": "D01", "kind": "conscription",
                               "appear_at": in_days(10), "place": "R", "purpose": "P"}, token=officer2)
        check(st == 403 and j["field"] == "office", f"issue for another office: {st} {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/persons?district=D02", token=tokens["officer"])
        check(st == 403 and j["field"] == "district", "listing another office's district")
    finally:
        check(srv.stop() == 0, "SIGTERM: clean exit")
    finish()


if __name__ == "__main__":
    main()
