#!/usr/bin/env python3
"""The webhook's status callback over real HTTP: `muster serve --config` with a [webhook] whose
receiver is down, so a summons to a person with a phone leaves a webhook message that failed
for now; then POST /api/v1/notifications/{id}/status signed with the webhook's secret sets its
status and records the attempt (seen by `muster notify show` and `notify list --json`); a
missing or wrong signature is 401 and changes nothing, an unknown id 404, a bad status 400
naming it, and a final message told another fate 409. Uses harness.py."""
import hashlib
import hmac
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, check, fresh_database, finish, load_registry, login, person, request,  # noqa: E402
                     run, snils)

SECRET = b"callback-test-secret"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def signed(port, path, body, signature=None, headers=None):
    raw = json.dumps(body).encode()
    h = {"Content-Type": "application/json", **(headers or {})}
    if signature is None:
        signature = hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
    if signature:
        h["Muster-Signature"] = signature
    return request(port, "POST", path, headers=h, raw=raw)


def main():
    tmp, db = fresh_database("callback")
    ivan = snils(500000001)
    load_registry(db, tmp, [person(ivan, phone="+79990000001")], [("olga", "officer", ["D01"])])
    with open(os.path.join(tmp, "webhook.secret"), "wb") as f:
        f.write(SECRET + b"\n")
    config = os.path.join(tmp, "deploy.toml")
    with open(config, "w") as f:  # a receiver that is down: the message fails for now
        f.write(f'[webhook]\nurl = "http://127.0.0.1:{free_port()}/notify"\nsecret_file = "webhook.secret"\n')
    notify = ["--db", db, "notify"]

    def show(nid):
        return json.loads(run(*notify, "show", str(nid), "--json"))

    srv = Server(db, globals=("--config", config))
    port = srv.port
    try:
        token = login(port, "olga")
        st, s, _, _ = request(port, "POST", "/api/v1/summonses",
                              {"national_id": ivan, "office": "D01", "kind": "conscription",
                               "appear_at": time.strftime("%Y-%m-%dT09:00:00Z", time.gmtime(time.time() + 10 * 86400)),
                               "place": "Room 4", "purpose": "Medical board"}, token=token)
        check(st == 201, f"issue: {st} {s}")
        message = None
        for _ in range(200):  # queued by the outbox, then tried by the dispatcher
            listed = json.loads(run(*notify, "list", "--summons", s["number"], "--json"))
            hooks = [m for m in listed if m["channel"] == "webhook"]
            if hooks and hooks[0]["status"] == "temporary-failure":
                message = hooks[0]
                break
            time.sleep(0.1)
        check(message is not None, f"a webhook message that failed for now: {listed}")
        if message is None:
            return
        nid = message["id"]
        path = f"/api/v1/notifications/{nid}/status"
        before = show(nid)

        # No signature, a wrong one, one of another body: 401, nothing changed.
        for sig, what in [("", "missing"), ("0" * 64, "wrong"), ("zz", "short"),
                          (hmac.new(SECRET, b"{}", hashlib.sha256).hexdigest(), "of another body"),
                          (hmac.new(b"other", json.dumps({"status": "delivered"}).encode(),
                                    hashlib.sha256).hexdigest(), "under another secret")]:
            st, j, r, _ = signed(port, path, {"status": "delivered"}, signature=sig)
            check(st == 401 and r.getheader("Content-Type") == "application/problem+json",
                  f"{what} signature: {st} {j}")
        check(show(nid) == before, "a refused callback changes nothing")

        st, j, _, _ = signed(port, "/api/v1/notifications/999999/status", {"status": "delivered"})
        check(st == 404, f"unknown id: {st} {j}")
        for body in [{"status": "read"}, {"status": "queued"}, {}, {"status": 3}]:
            st, j, _, _ = signed(port, path, body)
            check(st == 400 and j and j.get("field") == "status", f"bad status {body}: {st} {j}")
        st, j, _, _ = signed(port, path, {"status": "delivered", "reason": 7})
        check(st == 400 and j and j.get("field") == "reason", f"bad reason: {st} {j}")
        check(show(nid) == before, "a bad body changes nothing")

        # A good one: delivered, with the attempt recorded.
        st, j, _, _ = signed(port, path, {"status": "delivered", "reason": "handset acknowledged"})
        check(st == 200 and j["status"] == "delivered" and j["id"] == nid, f"delivered: {st} {j}")
        after = show(nid)
        check(after["status"] == "delivered", f"notify show: {after}")
        answers = [a["answer"] for a in after.get("attempt_list", [])]
        check(answers and answers[-1] == "callback: delivered: handset acknowledged", f"the attempt: {after}")
        listed = json.loads(run(*notify, "list", "--summons", s["number"], "--json"))
        check([m["status"] for m in listed if m["id"] == nid] == ["delivered"], f"notify list: {listed}")

        # Told the same again: accepted, nothing new; told otherwise: 409, nothing changed.
        st, j, _, _ = signed(port, path, {"status": "delivered"})
        check(st == 200 and j["status"] == "delivered", f"delivered again: {st} {j}")
        for other in ("permanent-failure", "temporary-failure"):
            st, j, _, _ = signed(port, path, {"status": other, "reason": "no such number"})
            check(st == 409, f"{other} after delivered: {st} {j}")
        check(show(nid) == after, "a contradicting callback changes nothing")
    finally:
        check(srv.stop() == 0, "SIGTERM: clean exit")
    finish()


if __name__ == "__main__":
    main()
