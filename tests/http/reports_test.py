#!/usr/bin/env python3
"""Reports (funnel, timeline, districts) and data-correction requests over real HTTP, against the
real binary, on SQLite or (MUSTER_TEST_PG / MUSTER_TEST_PG_FILE) on a fresh PostgreSQL database.

Two campaigns, one per office: the D01 supervisor sees only D01, the auditor both. The no-shows
come from `muster sweep` run with MUSTER_NOW after the deadlines; the server is then restarted
at that time, so that their exit bans are in force. Uses the helpers of harness.py.
"""
import datetime
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

check = h.check
PW = h.PASSWORD


def main():
    tmp, db = h.fresh_database("reports")
    d01 = [h.snils(210000000 + i * 7) for i in range(6)]
    d02 = [h.snils(310000000 + i * 7) for i in range(4)]
    h.load_registry(db, tmp, [h.person(n) for n in d01] + [h.person(n, "D02", "Orlov", "Gleb", 22) for n in d02],
                    [("olga", "officer", ["D01"]), ("nina", "officer", ["D02"]), ("sam", "supervisor", ["D01"]),
                     ("sue", "supervisor", ["D02"]), ("ada", "auditor", [])])
    citizen = d01[0]
    code = h.run("--db", db, "user", "activation-code", citizen)
    today = datetime.date.today()
    start, end = (today + datetime.timedelta(days=30)).isoformat(), (today + datetime.timedelta(days=40)).isoformat()
    later = (datetime.datetime.utcnow() + datetime.timedelta(days=90)).strftime("%Y-%m-%dT12:00:00Z")

    def login(port, who):
        st, j, _, _ = h.request(port, "POST", "/api/v1/session", {"login": who, "password": PW})
        check(st == 201, f"login {who}: {st} {j}")
        return j["token"]

    srv = h.Server(db)
    port = srv.port
    try:
        st, j, _, _ = h.request(port, "POST", "/api/v1/activation", {"national_id": citizen, "code": code, "password": PW})
        check(st == 201, f"activation: {st} {j}")
        tok = {w: login(port, w) for w in ("olga", "nina", "sam", "sue", "ada", citizen)}
        campaigns = {}
        for sup, district in (("sam", "D01"), ("sue", "D02")):
            st, c, _, _ = h.request(port, "POST", "/api/v1/campaigns",
                                    {"kind": "conscription", "name": f"Round {district}", "basis": "Order 7",
                                     "districts": [district], "appear_from": start, "appear_until": end},
                                    token=tok[sup])
            check(st == 201, f"campaign {district}: {st} {c}")
            st, job, _, _ = h.request(port, "POST", f"/api/v1/campaigns/{c['id']}/issue", token=tok[sup])
            for _ in range(600):
                st, job, _, _ = h.request(port, "GET", f"/api/v1/jobs/{job['id']}", token=tok[sup])
                if job["state"] in ("done", "failed"):
                    break
                time.sleep(0.1)
            check(job["state"] == "done", f"campaign {district} issued: {job}")
            campaigns[district] = c["id"]
        ca, cb = campaigns["D01"], campaigns["D02"]

        def number_of(nid):
            st, p, _, _ = h.request(port, "GET", f"/api/v1/persons/{nid}", token=tok["olga"])
            return p["summonses"][0]["number"]

        n = [number_of(nid) for nid in d01]
        # d01[0] opens it, appeals and is excused; d01[1] appears; d01[2] is cancelled; the rest miss it.
        st, _, _, _ = h.request(port, "GET", f"/api/v1/me/summonses/{n[0]}", token=tok[citizen])
        check(st == 200, "the citizen opens the summons")
        st, appeal, _, _ = h.request(port, "POST", "/api/v1/me/appeals", {"summons": n[0], "reason": "illness", "text": "Flu"},
                                     token=tok[citizen])
        check(st == 201, f"appeal filed: {st} {appeal}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/appeals/{appeal['id']}/decision",
                                {"grant": True, "reason": "Certificate"}, token=tok["olga"])
        check(st == 200 and j["state"] == "granted", f"appeal granted: {st} {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/summonses/{n[1]}/appearance", {}, token=tok["olga"])
        check(st == 200, f"appearance: {st} {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/summonses/{n[2]}/cancel", {"reason": "Duplicate"},
                                token=tok["olga"])
        check(st == 200, f"cancel: {st} {j}")

        st, f, _, _ = h.request(port, "GET", f"/api/v1/reports/campaigns/{ca}/funnel", token=tok["sam"])
        want = {"campaign_id": ca, "issued": 6, "delivered": 6, "viewed": 1, "appeared": 1, "excused": 1,
                "no_show": 0, "cancelled": 1}
        check(st == 200 and f == want, f"funnel before the sweep: {st} {f}")
        st, j, _, _ = h.request(port, "GET", f"/api/v1/reports/campaigns/{cb}/funnel", token=tok["sam"])
        check(st == 404 and j["field"] == "id", f"another office's campaign is absent: {st} {j}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/reports/campaigns/99999/funnel", token=tok["ada"])
        check(st == 404, f"unknown campaign: {st}")

        # Corrections: the citizen asks, the value is checked as on import, the office decides.
        ct = tok[citizen]
        st, j, _, _ = h.request(port, "GET", "/api/v1/me/corrections", token=ct)
        check(st == 200 and j["items"] == [], f"no corrections yet: {j}")
        for body, field, words in [
                ({"field": "birth_date", "value": "2100-01-01"}, "value", "birth_date"),
                ({"field": "surname", "value": "R2-D2"}, "value", "surname"),
                ({"field": "district", "value": "D99"}, "value", "district"),
                ({"field": "phone", "value": "12"}, "value", "phone"),
                ({"field": "fitness", "value": "B"}, "field", "surname"),
                ({"field": "surname"}, "value", "required"),
                ({"field": "surname", "value": "Petrov"}, "value", "already")]:
            st, j, r, _ = h.request(port, "POST", "/api/v1/me/corrections", body, token=ct)
            check(st == 400 and j["field"] == field and words in j["detail"]
                  and r.getheader("Content-Type") == "application/problem+json", f"bad correction {body}: {st} {j}")
        st, surname, r, _ = h.request(port, "POST", "/api/v1/me/corrections",
                                      {"field": "surname", "value": "Smirnov", "explanation": "Married"}, token=ct)
        check(st == 201 and surname["state"] == "pending" and surname["value"] == "Smirnov", f"request: {st} {surname}")
        st, j, _, _ = h.request(port, "POST", "/api/v1/me/corrections", {"field": "surname", "value": "Ivanov"},
                                token=ct)
        check(st == 409 and j["field"] == "field", f"one pending request per field: {st} {j}")
        st, phone, _, _ = h.request(port, "POST", "/api/v1/me/corrections",
                                    {"field": "phone", "value": "+7 916 123-45-67"}, token=ct)
        check(st == 201 and phone["value"] == "+79161234567", f"the phone is normalised: {st} {phone}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/corrections", token=tok["nina"])
        check(st == 200 and j["items"] == [], f"another office does not see them: {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/corrections/{surname['id']}/decision", {"approve": True},
                                token=tok["nina"])
        check(st == 404, f"another office may not decide: {st} {j}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/corrections", token=tok["olga"])
        check(st == 200 and [c["id"] for c in j["items"]] == [surname["id"], phone["id"]], f"the queue: {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/corrections/{surname['id']}/decision", {"approve": "yes"},
                                token=tok["olga"])
        check(st == 400 and j["field"] == "approve", f"approve must be boolean: {st} {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/corrections/{surname['id']}/decision", {"approve": True},
                                token=tok["olga"])
        check(st == 200 and j["state"] == "approved" and j["previous_value"] == "Petrov", f"approved: {st} {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/corrections/{surname['id']}/decision", {"approve": False,
                                "reason": "x"}, token=tok["olga"])
        check(st == 409, f"decided once: {st} {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/corrections/{phone['id']}/decision", {"approve": False},
                                token=tok["olga"])
        check(st == 400 and j["field"] == "reason", f"a rejection needs a reason: {st} {j}")
        st, j, _, _ = h.request(port, "POST", f"/api/v1/corrections/{phone['id']}/decision",
                                {"approve": False, "reason": "Not your number"}, token=tok["olga"])
        check(st == 200 and j["state"] == "rejected" and j["decision_reason"] == "Not your number", f"rejected: {j}")
        st, p, _, _ = h.request(port, "GET", f"/api/v1/persons/{citizen}", token=tok["olga"])
        types = [e["type"] for e in p["history"]]
        check(p["surname"] == "Smirnov" and p["phone"] == "", f"the person is corrected: {p['surname']} {p['phone']}")
        check(types.count("person.correction_requested") == 2 and "person.corrected" in types
              and "person.correction_rejected" in types, f"correction events in the history: {types}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/me/corrections", token=ct)
        check([(c["field"], c["state"]) for c in j["items"]] == [("surname", "approved"), ("phone", "rejected")],
              f"the citizen sees the outcome: {j}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/corrections?state=bogus", token=tok["olga"])
        check(st == 400 and j["field"] == "state", f"bad state: {j}")
    finally:
        check(srv.stop() == 0, "first server stops cleanly")

    # After the deadlines: the sweep marks the rest no_show and bans their exit.
    subprocess.run([h.MUSTER, "--db", db, "sweep"], check=True, capture_output=True, env={**os.environ, "MUSTER_NOW": later})
    os.environ["MUSTER_NOW"] = later
    srv = h.Server(db)
    port = srv.port
    del os.environ["MUSTER_NOW"]
    try:
        tok = {w: login(port, w) for w in ("sam", "ada")}
        st, f, _, _ = h.request(port, "GET", f"/api/v1/reports/campaigns/{ca}/funnel", token=tok["ada"])
        want.update(no_show=3)
        check(st == 200 and f == want, f"funnel after the sweep: {st} {f}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/reports/districts", token=tok["ada"])
        d1 = {"district": "D01", "issued": 6, "delivered": 6, "appeared": 1, "no_show": 3, "excused": 1,
              "restrictions_active": 3}
        d2 = {"district": "D02", "issued": 4, "delivered": 4, "appeared": 0, "no_show": 4, "excused": 0,
              "restrictions_active": 4}
        check(st == 200 and j["items"] == [d1, d2], f"districts for the auditor: {st} {j}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/reports/districts", token=tok["sam"])
        check(st == 200 and j["items"] == [d1], f"districts for the D01 supervisor: {j}")
        st, j, _, _ = h.request(port, "GET", f"/api/v1/reports/districts?campaign={cb}", token=tok["ada"])
        check(st == 200 and j["items"] == [d2], f"districts of one campaign: {j}")
        st, j, _, _ = h.request(port, "GET", f"/api/v1/reports/districts?campaign={cb}", token=tok["sam"])
        check(st == 404 and j["field"] == "campaign", f"another office's campaign: {st} {j}")

        day0, day1 = datetime.datetime.utcnow().date().isoformat(), later[:10]
        st, j, _, _ = h.request(port, "GET", "/api/v1/reports/timeline", token=tok["ada"])
        days = {d["day"]: d for d in j["items"]}
        check(st == 200 and j["time_zone"] == "UTC" and sorted(days) == [day0, day1], f"timeline days: {j}")
        check(days.get(day0) == {"day": day0, "issued": 10, "delivered": 10, "appeared": 1, "no_show": 0}
              and days.get(day1) == {"day": day1, "issued": 0, "delivered": 0, "appeared": 0, "no_show": 7},
              f"timeline counts: {j}")
        st, j, _, _ = h.request(port, "GET", f"/api/v1/reports/timeline?campaign={ca}&from={day1}&to={day1}",
                                token=tok["sam"])
        check(st == 200 and j["items"] == [{"day": day1, "issued": 0, "delivered": 0, "appeared": 0, "no_show": 3}],
              f"timeline of one campaign and day: {j}")
        st, j, _, _ = h.request(port, "GET", "/api/v1/reports/timeline", token=tok["sam"])
        check(st == 200 and sum(d["issued"] for d in j["items"]) == 6, f"the supervisor's timeline: {j}")
        for query, field, status in [("from=yesterday", "from", 400), ("campaign=abc", "campaign", 400),
                                     (f"from={day1}&to={day0}", "from", 400), (f"campaign={cb}", "campaign", 404)]:
            st, j, _, _ = h.request(port, "GET", f"/api/v1/reports/timeline?{query}", token=tok["sam"])
            check(st == status and j["field"] == field, f"timeline ?{query}: {st} {j}")

        # Supervisors read the signed checkpoint and consistency proofs, not the entries.
        st, cp, _, _ = h.request(port, "GET", "/api/v1/ledger/checkpoint", token=tok["sam"],
                                 headers={"Accept": "application/json"})
        check(st == 200 and cp["tree_size"] > 0, f"the supervisor reads the checkpoint: {st}")
        st, _, _, _ = h.request(port, "GET", "/api/v1/ledger/entries", token=tok["sam"])
        check(st == 403, f"but not the entries: {st}")
    finally:
        check(srv.stop() == 0, "second server stops cleanly")
    verified = subprocess.run([h.MUSTER, "--db", db, "ledger", "verify"], capture_output=True, text=True)
    check(verified.returncode == 0, f"ledger verify: {verified.stdout} {verified.stderr}")
    h.finish()


if __name__ == "__main__":
    main()
