#!/usr/bin/env python3
"""Restriction checks for other agencies, over real HTTP, on SQLite or (MUSTER_TEST_PG /
MUSTER_TEST_PG_FILE) a fresh PostgreSQL database.

A policy whose no-show brings an exit ban at once, a driving ban 20 days later and a property ban
30 days later. A person misses a summons; servers whose clock (MUSTER_NOW) stands 5, 25 and 35
days after the appointment answer the agencies' questions:

- GET /api/v1/restriction-check/{kind}/{national_id} answers {decision, reference} and nothing
  else, allow until the kind's after_days have passed and deny after;
- a kind the key does not name is 403 (field kind), whether or not the person is barred; a person
  not registered is allowed; a malformed ID is 400 (field national_id);
- the border's exit check is the kind exit_ban of the same mechanism;
- every answered question is a row of exit_checks with its kind, decision and asker;
- `muster apikey create` refuses an agency key without kinds, with a kind the policy does not
  have, and kinds for a role that takes none.
"""
import datetime
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

check = h.check
SOURCE_DIR = os.environ.get("SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def rows(db, sql):
    if db.startswith("postgresql://"):
        out = subprocess.run(["psql", db, "-XAtq", "-F", "|", "-c", sql], check=True, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL).stdout
        return [tuple(line.split("|")) for line in out.splitlines() if line]
    con = sqlite3.connect(db)
    try:
        return [tuple(str(v) for v in r) for r in con.execute(sql)]
    finally:
        con.close()


def at(day):
    return day.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    tmp, db = h.fresh_database("restrictioncheck")
    with open(os.path.join(SOURCE_DIR, "policies", "default.toml")) as f:
        text = f.read()
    text, n = re.subn(r"^restrictions = .*$",
                      'restrictions = [{ kind = "exit_ban", after_days = 0 }, { kind = "driving", after_days = 20 }, '
                      '{ kind = "property", after_days = 30 }]', text, flags=re.M)
    check(n == 1, "the policy's restrictions line replaced")
    policy = os.path.join(tmp, "policy.toml")
    with open(policy, "w") as f:
        f.write(text)
    pol = ("--db", db, "--policy", policy)

    barred, free, unregistered = h.snils(610000001), h.snils(610000008), h.snils(610000015)
    h.load_registry(db, tmp, [h.person(barred), h.person(free)])
    border = h.run(*pol, "apikey", "create", "--role", "border", "--name", "gate1")
    traffic = h.run(*pol, "apikey", "create", "--role", "agency", "--kinds", "driving", "--name", "traffic-police")
    land = h.run(*pol, "apikey", "create", "--role", "agency", "--kinds", "driving,property", "--name", "land-registry")

    for args, field in [(("--role", "agency", "--name", "nokinds"), "kinds"),
                        (("--role", "agency", "--kinds", "fishing", "--name", "fish"), "kinds"),
                        (("--role", "agency", "--kinds", "driving,driving", "--name", "twice"), "kinds"),
                        (("--role", "border", "--kinds", "driving", "--name", "gate2"), "kinds")]:
        p = subprocess.run([h.MUSTER, *pol, "apikey", "create", *args], capture_output=True, text=True)
        check(p.returncode != 0 and field in p.stderr, f"apikey create {' '.join(args)} refused: {p.stderr.strip()}")

    appear = (datetime.datetime.utcnow() + datetime.timedelta(days=3)).replace(hour=9, minute=0, second=0,
                                                                               microsecond=0)
    h.run(*pol, "summons", "issue", barred, "--office", "D01", "--kind", "conscription", "--appear-at", at(appear),
          "--place", "Room 4", "--purpose", "Medical board")
    h.run(*pol, "sweep", "--now", at(appear + datetime.timedelta(days=2)))

    asked = []  # (kind, national_id, decision, asker)

    def ask(port, key, asker, kind, nid, want_status=200, want_field=None):
        path = f"/api/v1/exit-check/{nid}" if kind is None else f"/api/v1/restriction-check/{kind}/{nid}"
        st, j, _, text = h.request(port, "GET", path, token=key)
        check(st == want_status, f"{asker} {path}: want {want_status}, got {st} {text}")
        if st != 200:
            check(j and j.get("field") == want_field, f"{asker} {path}: problem names {want_field}: {text}")
            return None
        check(set(j) == {"decision", "reference"} and j["decision"] in ("allow", "deny")
              and re.fullmatch(r"[0-9A-Z]{1,32}", j["reference"]), f"{path}: only decision and reference: {text}")
        asked.append((kind or "exit_ban", nid, j["decision"], asker))
        return j["decision"]

    def serve(days):
        os.environ["MUSTER_NOW"] = at(appear + datetime.timedelta(days=days))
        try:
            return h.Server(db, globals=("--policy", policy))
        finally:
            del os.environ["MUSTER_NOW"]

    # 5 days on: the exit ban is in force, driving and property not yet.
    srv = serve(5)
    port = srv.port
    check(ask(port, border, "border:gate1", None, barred) == "deny", "exit check: deny")
    check(ask(port, traffic, "agency:traffic-police", "driving", barred) == "allow", "driving before 20 days: allow")
    check(ask(port, land, "agency:land-registry", "property", barred) == "allow", "property before 30 days: allow")
    check(ask(port, traffic, "agency:traffic-police", "driving", free) == "allow", "not barred: allow")
    check(ask(port, traffic, "agency:traffic-police", "driving", unregistered) == "allow", "unregistered: allow")
    # Kinds the key does not name: 403 whatever the person's state, and not recorded.
    for kind in ("exit_ban", "property", "fishing"):
        for nid in (barred, free):
            ask(port, traffic, "agency:traffic-police", kind, nid, 403, "kind")
    ask(port, traffic, "agency:traffic-police", "driving", "12345", 400, "national_id")
    # Other roles may not use the route at all.
    st, _, _, _ = h.request(port, "GET", f"/api/v1/restriction-check/driving/{barred}", token=border)
    check(st == 403, f"a border key may not ask agency questions: {st}")
    st, _, _, _ = h.request(port, "GET", f"/api/v1/exit-check/{barred}", token=traffic)
    check(st == 403, f"an agency key may not use the exit check: {st}")
    check(srv.stop() == 0, "the server stops")

    # 25 days on: driving denies, property still allows.
    srv = serve(25)
    port = srv.port
    check(ask(port, traffic, "agency:traffic-police", "driving", barred) == "deny", "driving after 20 days: deny")
    check(ask(port, land, "agency:land-registry", "driving", barred) == "deny", "driving, second key: deny")
    check(ask(port, land, "agency:land-registry", "property", barred) == "allow", "property before 30 days: allow")
    check(ask(port, traffic, "agency:traffic-police", "driving", free) == "allow", "not barred: allow")
    check(srv.stop() == 0, "the server stops")

    srv = serve(35)
    check(ask(srv.port, land, "agency:land-registry", "property", barred) == "deny", "property after 30 days: deny")
    check(srv.stop() == 0, "the server stops")

    # Every answered question is in the audit trail, with its kind; nothing else is.
    stored = sorted(rows(db, "SELECT kind, national_id, decision, asked_by FROM exit_checks"))
    check(stored == sorted(asked), f"the audit trail holds exactly the answered questions:\n{stored}\n{sorted(asked)}")
    h.finish()


if __name__ == "__main__":
    main()
