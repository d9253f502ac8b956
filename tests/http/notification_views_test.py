#!/usr/bin/env python3
"""The messages and the unreachable summonses over real HTTP, scoped: an officer reads the
messages to a person of their office (channel, template, status, attempts, updated_at; never the
address), another office's officer gets 404; a citizen reads those about their own summons and
nothing about another's; after an escalation pass (`muster --policy … notify run` with the clock
4 days on) the summons of a person with no address for any step is listed as unreachable for its
office's officers and the auditors, and for nobody else; bad queries are 400 naming the
parameter. Uses harness.py."""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, activate, check, fresh_database, finish, load_registry, login, person,  # noqa: E402
                     request, run, snils)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    tmp, db = fresh_database("notification_views")
    ivan, oleg, pavel = snils(510000001), snils(510000002), snils(510000003)
    load_registry(db, tmp,
                  [person(ivan, email="ivan@example.org"), person(oleg, given_name="Oleg"),
                   person(pavel, district="D02", given_name="Pavel", email="pavel@example.org")],
                  [("olga", "officer", ["D01"]), ("petr", "officer", ["D02"]), ("audrey", "auditor", [])])
    policy = os.path.join(tmp, "policy.toml")
    shutil.copy(os.path.join(ROOT, "policies", "default.toml"), policy)
    with open(policy, "a") as f:
        f.write('\n[escalation]\nunread_days = 3\nladder = ["account", "email", "sms", "paper"]\n')

    srv = Server(db)
    port = srv.port
    try:
        olga, petr, audrey = login(port, "olga"), login(port, "petr"), login(port, "audrey")
        numbers = {}
        for nid, office, token in [(ivan, "D01", olga), (oleg, "D01", olga), (pavel, "D02", petr)]:
            st, s, _, _ = request(port, "POST", "/api/v1/summonses",
                                  {"national_id": nid, "office": office, "kind": "conscription",
                                   "appear_at": time.strftime("%Y-%m-%dT09:00:00Z",
                                                              time.gmtime(time.time() + 20 * 86400)),
                                   "place": "Room 4", "purpose": "Medical board"}, token=token)
            check(st == 201, f"issue for {office}: {st} {s}")
            numbers[nid] = s["number"] if st == 201 else "26-00000000-0"
        listed = []
        for _ in range(200):  # queued by the server's outbox; no channel configured: they wait
            listed = json.loads(run("--db", db, "notify", "list", "--json"))
            if len(listed) == 2:
                break
            time.sleep(0.1)
        check(len(listed) == 2, f"Ivan's and Pavel's e-mails queued: {listed}")

        # The officer of the person's office: the messages, without the address.
        st, j, _, text = request(port, "GET", f"/api/v1/persons/{ivan}/notifications", token=olga)
        check(st == 200 and len(j["items"]) == 1, f"Ivan's messages: {st} {j}")
        if st == 200 and j["items"]:
            m = j["items"][0]
            check((m["channel"], m["template"], m["status"], m["attempts"], m["summons_number"]) ==
                  ("email", "summons_delivered", "queued", 0, numbers[ivan]), f"the message: {m}")
            check("updated_at" in m and "id" in m, f"its id and time: {m}")
        check("ivan@example.org" not in text and "address" not in text, f"no address: {text}")
        st, j, _, _ = request(port, "GET", f"/api/v1/persons/{ivan}/notifications", token=petr)
        check(st == 404 and j.get("field") == "national_id", f"another office's officer: {st} {j}")
        st, j, _, _ = request(port, "GET", f"/api/v1/persons/{oleg}/notifications", token=olga)
        check(st == 200 and j["items"] == [], f"Oleg has no channel: {st} {j}")

        # The citizen: their own summons' messages only.
        citizen = activate(port, db, ivan)
        st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{numbers[ivan]}/notifications", token=citizen)
        check(st == 200 and [m["channel"] for m in j["items"]] == ["email"], f"my summons' messages: {st} {j}")
        st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{numbers[pavel]}/notifications", token=citizen)
        check(st == 404, f"another's summons: {st} {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/me/summonses/26-1/notifications", token=citizen)
        check(st == 400 and j.get("field") == "number", f"a malformed number: {st} {j}")
        for query in ["notification=abc", "notification=-1", "notification=99999999999999999999999"]:
            st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{numbers[ivan]}/receipt?{query}",
                                  token=citizen)
            check(st == 400 and j.get("field") == "notification", f"receipt ?{query}: {st} {j}")
        st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{numbers[ivan]}/receipt?notification=999",
                              token=citizen)
        check(st == 404, f"the receipt of no such message: {st} {j}")

        # An escalation pass four days on: Oleg has no address for any step.
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 4 * 86400))
        out = json.loads(run("--db", db, "--policy", policy, "--json", "notify", "run", env={"MUSTER_NOW": later}))
        check((out["escalated"], out["unreachable"]) == (2, 1), f"the pass: {out}")
        for token, query, want in [(olga, "", [numbers[oleg]]), (olga, "?office=D01", [numbers[oleg]]),
                                   (petr, "", []), (petr, "?office=D01", []), (audrey, "", [numbers[oleg]]),
                                   (audrey, "?office=D02", [])]:
            st, j, _, _ = request(port, "GET", f"/api/v1/notifications/unreachable{query}", token=token)
            got = [e["summons_number"] for e in j["items"]] if st == 200 else None
            check(st == 200 and got == want, f"unreachable{query}: {st} {j}, want {want}")
        st, j, _, _ = request(port, "GET", "/api/v1/notifications/unreachable", token=olga)
        if st == 200 and j["items"]:
            check(j["items"][0]["last_step"] == "account" and j["items"][0]["office"] == "D01", f"the entry: {j}")
        for query in ["?office=", "?office=" + "x" * 65]:
            st, j, _, _ = request(port, "GET", f"/api/v1/notifications/unreachable{query}", token=olga)
            check(st == 400 and j.get("field") == "office", f"bad office {query[:12]}: {st} {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/notifications/unreachable", token=citizen)
        check(st == 403, f"a citizen: {st} {j}")
    finally:
        check(srv.stop() == 0, "SIGTERM: clean exit")
    finish()


if __name__ == "__main__":
    main()
