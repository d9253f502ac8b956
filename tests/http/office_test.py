#!/usr/bin/env python3
"""The office console's routes over real HTTP: eligibility before issuing, the 409 that lists an
ineligible person's reasons, the four-eyes override flow, the person page (deferments,
summonses, restrictions, history), search by name, the deadline and the office's time zone in
summons answers, and auditors following a job.

Env: MUSTER (the binary). Standard library only; waits are bounded loops, never timings.
"""
import datetime
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (the server and request helpers)
from harness import (PASSWORD, Server, check, in_days, load_registry, person, request, run,  # noqa: E402
                     snils)


def main():
    tmp = tempfile.mkdtemp(prefix="muster-office.")
    db = os.path.join(tmp, "t.db")
    with open(os.path.join(tmp, "offices.csv"), "w") as f:
        f.write("code,name,region,timezone,daily_capacity\nD01,Central,Moscow,Europe/Moscow,50\n"
                "D02,North,Novosibirsk,Asia/Novosibirsk,50\n")
    fit, unfit, old, deferred, walk_in, cyrillic = (snils(210000000 + i * 11) for i in range(6))
    petrovs = [snils(220000000 + i * 11) for i in range(5)]
    elsewhere = snils(310000000)
    persons = [person(fit, "D01", "Smirnov", "Ivan", 21), person(unfit, "D01", "Sidorov", "Oleg", 22, fitness="D"),
               person(old, "D01", "Kuznetsov", "Boris", 40), person(deferred, "D01", "Volkov", "Artem", 20),
               person(walk_in, "D01", "Lebedev", "Pavel", 23, fitness="B"),
               person(cyrillic, "D01", "Иванов", "Пётр", 24)]
    persons += [person(nid, "D01", "Petrov", f"Anton{chr(65 + i)}", 25) for i, nid in enumerate(petrovs)]
    persons.append(person(elsewhere, "D02", "Petrov", "Gleb", 22))
    unknown = snils(400000000)
    pw = PASSWORD
    load_registry(db, tmp, persons, [("olga", "officer", ["D01"]), ("nina", "officer", ["D02"]),
                                     ("sam", "supervisor", ["D01"]), ("sue", "supervisor", ["D01"]),
                                     ("ada", "auditor", [])])
    run("--db", db, "deferment", "add", deferred, "--kind", "study",
        "--until", (datetime.date.today() + datetime.timedelta(days=900)).isoformat(), "--basis", "University 7/2026")
    code = run("--db", db, "user", "activation-code", fit)

    srv = Server(db)
    port = srv.port
    try:
        def login(name):
            st, j, _, _ = request(port, "POST", "/api/v1/session", {"login": name, "password": pw})
            check(st == 201, f"login {name}: {st} {j}")
            return j["token"]

        olga, nina, sam, sue, ada = (login(n) for n in ("olga", "nina", "sam", "sue", "ada"))
        at = in_days(10)

        # Eligibility before issuing: every reason, in the person's own office.
        def eligibility(nid, token=olga, kind="conscription", appear_at=at):
            q = f"/api/v1/persons/{nid}/eligibility?kind={kind}&appear_at={appear_at.replace('+', '%2B')}"
            return request(port, "GET", q, token=token)

        st, j, _, _ = eligibility(fit)
        check(st == 200 and j["eligible"] is True and j["reasons"] == [] and j["office"] == "D01", f"eligible: {j}")
        st, j, _, _ = eligibility(unfit)
        check(st == 200 and j["eligible"] is False and j["reasons"] == ["fitness"], f"unfit: {j}")
        st, j, _, _ = eligibility(old)
        check(st == 200 and j["reasons"] == ["age_above"], f"too old for conscription: {j}")
        st, j, _, _ = eligibility(old, kind="reservist_training")
        check(st == 200 and j["eligible"] is True, f"not too old for reservist training: {j}")
        st, j, _, _ = eligibility(deferred)
        check(st == 200 and j["reasons"] == ["deferment:study"], f"deferment: {j}")
        st, j, _, _ = eligibility(fit, kind="")
        check(st == 400 and j["field"] == "kind", f"kind is required: {st} {j}")
        st, j, _, _ = eligibility(fit, kind="picnic")
        check(st == 400 and j["field"] == "kind", f"unknown kind: {st} {j}")
        st, j, _, _ = eligibility(fit, appear_at="soon")
        check(st == 400 and j["field"] == "appear_at", f"bad appear_at: {st} {j}")
        a = eligibility(elsewhere, token=olga)
        b = eligibility(unknown, token=olga)
        check(a[0] == b[0] == 404 and a[1] == b[1], f"another office's person answers as unknown: {a[1]} {b[1]}")

        # Issuing to an ineligible person: 409 naming the national_id field, the reasons as a list.
        issue = {"national_id": unfit, "office": "D01", "kind": "conscription", "appear_at": at,
                 "place": "Room 4", "purpose": "Medical board"}
        st, j, r, _ = request(port, "POST", "/api/v1/summonses", issue, token=olga)
        check(st == 409 and j["field"] == "national_id" and j["reasons"] == ["fitness"]
              and r.getheader("Content-Type") == "application/problem+json", f"ineligible: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", dict(issue, national_id=deferred), token=olga)
        check(st == 409 and j["reasons"] == ["deferment:study"], f"deferred: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/summonses", dict(issue, national_id=unknown), token=olga)
        check(st == 404 and j["field"] == "national_id", f"an unknown person names national_id: {st} {j}")

        # Summons answers carry the deadline (appear_at + grace_hours) and the office's time zone.
        st, s, _, _ = request(port, "POST", "/api/v1/summonses", dict(issue, national_id=fit), token=olga)
        check(st == 201 and s["office_timezone"] == "Europe/Moscow", f"issued with the office's zone: {st} {s}")
        appear = datetime.datetime.fromisoformat(s["appear_at"].replace("Z", "+00:00"))
        deadline = datetime.datetime.fromisoformat(s["deadline"].replace("Z", "+00:00"))
        check(deadline - appear == datetime.timedelta(hours=24), f"deadline = appear_at + 24 h: {s}")
        number = s["number"]
        st, j, _, _ = request(port, "GET", f"/api/v1/summonses/{number}", token=sam)
        check(st == 200 and j["deadline"] == s["deadline"] and j["office_timezone"] == "Europe/Moscow",
              f"office reads deadline and zone: {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/activation", {"national_id": fit, "code": code, "password": pw})
        check(st == 201, f"citizen activation: {st} {j}")
        citizen = login(fit)
        st, j, _, _ = request(port, "GET", "/api/v1/me/summonses", token=citizen)
        check(st == 200 and [(x["number"], x["deadline"], x["office_timezone"]) for x in j["items"]]
              == [(number, s["deadline"], "Europe/Moscow")], f"cabinet list: {j}")
        st, j, _, _ = request(port, "GET", f"/api/v1/me/summonses/{number}", token=citizen)
        check(st == 200 and j["deadline"] == s["deadline"] and j["office_timezone"] == "Europe/Moscow",
              f"cabinet summons: {j}")

        # The four-eyes override: an officer asks with a justification ...
        ask = dict(issue, justification="Court order 12/2026")
        st, j, _, _ = request(port, "POST", "/api/v1/overrides", dict(issue), token=olga)
        check(st == 400 and j["field"] == "justification", f"justification is required: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/overrides", dict(ask, national_id=walk_in), token=olga)
        check(st == 409, f"no override for an eligible person: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/overrides", dict(ask, office="D02"), token=olga)
        check(st == 403 and j["field"] == "office", f"override for another office: {st} {j}")
        st, o, r, _ = request(port, "POST", "/api/v1/overrides", ask, token=olga)
        check(st == 201 and o["state"] == "pending" and o["reasons"] == ["fitness"]
              and o["justification"] == "Court order 12/2026" and o["requested_by"].endswith(":olga")
              and r.getheader("Location") == f"/api/v1/overrides/{o['id']}", f"override requested: {st} {o}")
        # ... the office's queue shows it, another office's does not ...
        st, j, _, _ = request(port, "GET", "/api/v1/overrides?state=pending", token=sam)
        check(st == 200 and [x["id"] for x in j["items"]] == [o["id"]], f"supervisor's queue: {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/overrides", token=nina)
        check(st == 200 and j["items"] == [], f"another office's queue is empty: {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/overrides/{o['id']}/approval", token=nina)
        check(st == 403, f"an officer may not approve: {st}")
        # ... and a supervisor approves it, which issues the summons.
        st, j, r, _ = request(port, "POST", f"/api/v1/overrides/{o['id']}/approval", token=sam)
        check(st == 201 and j["override"]["state"] == "approved" and j["override"]["decided_by"].endswith(":sam")
              and j["summons"]["national_id"] == unfit and j["summons"]["override"]["approved_by"].endswith(":sam")
              and j["summons"]["office_timezone"] == "Europe/Moscow"
              and j["override"]["summons_id"] is not None
              and r.getheader("Location") == f"/api/v1/summonses/{j['summons']['number']}", f"approved: {st} {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/overrides/{o['id']}/approval", token=sue)
        check(st == 409, f"an approved override cannot be approved again: {st} {j}")
        # Never one's own request, even as a supervisor.
        st, mine, _, _ = request(port, "POST", "/api/v1/overrides", dict(ask, national_id=old), token=sam)
        check(st == 201, f"a supervisor asks: {st} {mine}")
        st, j, _, _ = request(port, "POST", f"/api/v1/overrides/{mine['id']}/approval", token=sam)
        check(st == 403 and "four eyes" in j["detail"], f"the requester may not approve: {st} {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/overrides", token=sue)
        check(st == 200 and [x["id"] for x in j["items"]] == [mine["id"]], f"still pending: {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/overrides/{mine['id']}/rejection", token=sue)
        check(st == 200 and j["state"] == "rejected" and j["decided_by"].endswith(":sue"), f"rejected: {st} {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/overrides/{mine['id']}/approval", token=olga)
        check(st == 403, f"officers never approve: {st}")
        st, j, _, _ = request(port, "POST", f"/api/v1/overrides/{mine['id']}/approval", token=sue)
        check(st == 409, f"a rejected override stays rejected: {st} {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/overrides?state=all", token=olga)
        check(st == 200 and [(x["id"], x["state"]) for x in j["items"]]
              == [(o["id"], "approved"), (mine["id"], "rejected")], f"all overrides: {j}")
        st, j, _, _ = request(port, "GET", "/api/v1/overrides?state=maybe", token=olga)
        check(st == 400 and j["field"] == "state", f"bad state: {st} {j}")
        st, j, _, _ = request(port, "POST", "/api/v1/overrides/999/approval", token=sam)
        check(st == 404 and j["field"] == "id", f"unknown override: {st} {j}")

        # Search by name, within the caller's offices, bounded.
        def search(q, token=olga, extra=""):
            return request(port, "GET", f"/api/v1/persons?q={q}{extra}", token=token)

        st, j, _, _ = search("petrov")
        check(st == 200 and [p["national_id"] for p in j["items"]] == petrovs and j["limited"] is False,
              f"search by surname, in name order, own offices only: {j}")
        st, j, _, _ = search("Anton%20petrov")
        check(st == 200 and len(j["items"]) == 5, f"every word matches somewhere in the name: {j}")
        st, j, _, _ = search("petrov", extra="&limit=2")
        check(st == 200 and [p["national_id"] for p in j["items"]] == petrovs[:2] and j["limited"] is True,
              f"bounded by limit: {j}")
        st, j, _, _ = search("petrov", token=nina)
        check(st == 200 and [p["national_id"] for p in j["items"]] == [elsewhere], f"nina sees D02 only: {j}")
        st, j, _, _ = search("%D0%98%D0%B2%D0%B0%D0%BD")  # "Иван"
        check(st == 200 and [p["national_id"] for p in j["items"]] == [cyrillic], f"any script: {j}")
        st, j, _, _ = search("%25")
        check(st == 200 and j["items"] == [], f"% matches only itself: {j}")
        st, j, _, _ = search("%20")
        check(st == 400 and j["field"] == "q", f"an empty search: {st} {j}")
        st, j, _, _ = search("petrov", extra="&district=D02")
        check(st == 403 and j["field"] == "district", f"another office's district: {st} {j}")

        # The person page: deferments, summonses (with deadline), restrictions, history.
        st, p, _, _ = request(port, "GET", f"/api/v1/persons/{deferred}", token=olga)
        check(st == 200 and [d["kind"] for d in p["deferments"]] == ["study"] and p["summonses"] == []
              and [e["type"] for e in p["history"]] == ["deferment.added"] and p["history_complete"] is True,
              f"person with a deferment: {p}")
        run("--db", db, "sweep", "--now", in_days(30))  # the summons of `fit` falls due
        st, p, _, _ = request(port, "GET", f"/api/v1/persons/{fit}", token=olga)
        check(st == 200 and [(x["number"], x["state"], x["deadline"]) for x in p["summonses"]]
              == [(number, "no_show", s["deadline"])], f"person's summonses: {p.get('summonses')}")
        check([(r["kind"], r["summons"], r["lifted_at"]) for r in p["restrictions"]] == [("exit_ban", number, None)],
              f"person's restrictions: {p.get('restrictions')}")
        types = [e["type"] for e in p["history"]]
        seqs = [e["seq"] for e in p["history"]]
        check(types[:2] == ["summons.issued", "summons.delivered"] and "summons.viewed" in types
              and "summons.no_show" in types and "restriction.imposed" in types and seqs == sorted(seqs)
              and all(e["subject"] == number for e in p["history"])
              and p["history"][0]["payload"]["state"] == "issued"
              and not any("number" in e["payload"] or "summons" in e["payload"] for e in p["history"]),
              f"person's history (the subject, not the payload, names the summons): {p['history']}")
        st, j, _, _ = request(port, "POST", f"/api/v1/summonses/{number}/appearance", token=olga)
        check(st == 200 and j["state"] == "appeared", f"appearance: {st} {j}")
        st, p, _, _ = request(port, "GET", f"/api/v1/persons/{fit}", token=olga)
        check(p["restrictions"][0]["lifted_at"] is not None and p["history"][-1]["type"] in
              ("summons.appeared", "restriction.lifted"), f"appearance lifts and is recorded: {p}")

        # Auditors follow a campaign's issue job.
        start = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
        end = (datetime.date.today() + datetime.timedelta(days=70)).isoformat()
        st, c, _, _ = request(port, "POST", "/api/v1/campaigns",
                              {"kind": "reservist_training", "name": "Drill", "basis": "Order 3", "districts": ["D01"],
                               "appear_from": start, "appear_until": end}, token=sam)
        check(st == 201, f"campaign: {st} {c}")
        st, job, _, _ = request(port, "POST", f"/api/v1/campaigns/{c['id']}/issue", token=sam)
        check(st == 202, f"issue job: {st} {job}")
        for _ in range(600):
            st, job, _, _ = request(port, "GET", f"/api/v1/jobs/{job['id']}", token=ada)
            if st != 200 or job["state"] in ("done", "failed", "stopped"):
                break
            time.sleep(0.05)
        check(st == 200 and job["state"] == "done", f"the auditor follows the job: {st} {job}")
        st, j, _, _ = request(port, "GET", f"/api/v1/jobs/{job['id']}", token=nina)
        check(st == 403, f"officers do not read jobs: {st}")
    finally:
        rc = srv.stop()
    check(rc == 0, f"SIGTERM: clean exit ({rc})")
    harness.finish()


if __name__ == "__main__":
    main()
