#!/usr/bin/env python3
"""A citizen and an office over real HTTP: the cabinet, appeals and their decision, the exit
check, a campaign issued as a job, cursor pagination on every list, and the delivery receipt,
which verifies offline and fails once any byte of it changes. Uses harness.py."""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Office, Server, check, finish, in_days, login, request, run,  # noqa: E402
                     verify_receipt)


def main():
    office = Office("citizen")
    tmp, db, d01 = office.tmp, office.db, office.d01
    citizen_id = d01[0]
    srv = Server(db)
    port = srv.port
    try:
        tokens = office.tokens(port)
        officer2, officer3 = login(port, "nina"), login(port, "oleg")
        number = office.issue(port, tokens["officer"], citizen_id)["number"]

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
        check(st == 403, f"the issuer may not decide: {st} {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/appeals/{appeal['id']}/decision",
                              {"grant": "yes", "reason": "ok"}, token=officer3)
        check(st == 400 and j["field"] == "grant", f"grant must be boolean: {j}")
        st, j, _, _ = request(port, "POST", f"/api/v1/appeals/{appeal['id']}/decision",
                              {"grant": True, "reason": "Certificate"}, token=officer3)
        check(st == 200 and j["state"] == "granted", f"another officer decides: {st} {j}")

        # Exit check: allow with a reference, never a reason.
        st, j, _, text = request(port, "GET", f"/api/v1/exit-check/{citizen_id}", token=office.border_key)
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

    finally:
        check(srv.stop() == 0, "SIGTERM: clean exit")
    finish()


if __name__ == "__main__":
    main()
