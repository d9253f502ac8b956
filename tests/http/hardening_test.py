#!/usr/bin/env python3
"""`muster serve` under hostile conditions (issue 15), over real loopback against the real binary:

- out of descriptors: under RLIMIT_NOFILE 64, more idle connections than the limit neither make
  the server spin (its CPU time over ~2 s stays small) nor lock out /healthz, with the default
  connection cap and with a cap above what the descriptors allow (accept then fails and backs off);
- one address cannot hold more than --max-connections-per-address; others are still served;
- X-Forwarded-For is believed only from a --trusted-proxy peer (the access log's address);
- every answer carries the hardening headers; API answers with personal data Cache-Control: no-store;
- a malformed chunk size is answered 400 problem+json, then the connection is closed;
- a full disk (a small tmpfs, when this runs as root and may mount) answers 503 problem+json and the
  server's log names the route and the cause; freeing the disk recovers.

Env: MUSTER (the binary). Standard library only; servers bind port 0 and are stopped by PID; waits
are bounded loops, and the one fixed wait (the CPU-time window) only measures, it never races.
"""
import errno
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MUSTER, check, failures, in_days, raw_exchange, request, snils  # noqa: E402
import harness  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Server(harness.Server):
    """api_test's server with its log kept (`stderr()`), its CPU time, and `nofile` as its
    RLIMIT_NOFILE (soft and hard)."""

    def __init__(self, db, *extra, nofile=None):
        def limit():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.errors = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([MUSTER, "--db", db, "serve", "--listen", "127.0.0.1:0", "--threads", "2",
                                      "--sweep-interval", "0", *extra], stdout=subprocess.PIPE,
                                     stderr=self.errors, text=True, preexec_fn=limit)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise SystemExit(f"server did not start: {line} {self.stderr()}")
        self.port = int(line.split("127.0.0.1:")[1].split()[0])

    def stderr(self):
        self.errors.seek(0)
        return self.errors.read()

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15)


def connect(port, source="127.0.0.1"):
    return socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))


def get(port, path, source="127.0.0.1", headers=""):
    """A one-off GET with Connection: close from `source`: (status or None, raw answer)."""
    try:
        raw = raw_exchange(port, f"GET {path} HTTP/1.1\r\nHost: t\r\n{headers}Connection: close\r\n\r\n".encode(),
                           wait=30, source=source)
    except OSError as e:
        return None, str(e).encode()
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else None
    return status, raw


def metric(port, name, source="127.0.0.1"):
    status, raw = get(port, "/metrics", source)
    for line in raw.decode(errors="replace").splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def closed_by_server(s):
    """True when the server has closed `s` (without waiting for it)."""
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def descriptors(db, tmp):
    """Out of descriptors: idle connections past RLIMIT_NOFILE, with the default cap and with a cap
    the descriptors cannot hold (accept fails with EMFILE and must back off)."""
    for label, extra in [("default cap", []), ("cap above the descriptor limit", ["--max-connections", "1000"])]:
        srv = Server(db, "--max-connections-per-address", "0", *extra, nofile=64)
        idle = []
        try:
            cap = metric(srv.port, "muster_http_connections_max")
            check(cap == 1000 if extra else (cap is not None and 0 < cap < 64), f"{label}: the cap {cap}")
            for _ in range(80):
                idle.append(connect(srv.port))
            # Let the server take in what the backlog holds, then measure what it burns meanwhile.
            before = srv.cpu_seconds()
            time.sleep(2)
            spent = srv.cpu_seconds() - before
            check(spent < 0.5, f"{label}: 80 idle connections under RLIMIT_NOFILE 64 cost {spent:.2f} s CPU in 2 s")
            status = None
            for _ in range(5):  # bounded: each try is a fresh connection
                status, raw = get(srv.port, "/healthz")
                if status == 200:
                    break
            check(status == 200, f"{label}: /healthz after idle connections were shed: {status} {raw[:80]}")
            shed = sum(closed_by_server(s) for s in idle)
            check(shed > 0, f"{label}: the server closed some of the idle connections ({shed} of 80)")
            closed = metric(srv.port, 'muster_http_connections_closed_total{reason="idle_for_room"}')
            check(closed is not None and closed >= 1, f"{label}: idle connections closed for room, in /metrics: {closed}")
            if extra:
                failed = metric(srv.port, "muster_http_accept_failures_total")
                check(failed is not None and failed >= 1, f"{label}: accept failures counted: {failed}")
                check("waiting 50 ms before accepting again" in srv.stderr(), f"{label}: the back-off is logged")
        finally:
            for s in idle:
                s.close()
            check(srv.stop() == 0, f"{label}: the server drains and exits 0")


def per_address(db, tmp):
    """One address holds at most --max-connections-per-address; another (and a trusted proxy,
    which carries many clients) is still served."""
    log = os.path.join(tmp, "access.log")
    srv = Server(db, "--max-connections-per-address", "3", "--trusted-proxy", "127.0.0.3/32",
                 "--trusted-proxy", "2001:db8::/32", "--access-log", log)
    held = []
    try:
        for _ in range(3):
            held.append(connect(srv.port))
        # The three are admitted (each answers); the fourth is closed without an answer.
        for s in held:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            check(s.recv(4096).startswith(b"HTTP/1.1 200"), "a connection within the per-address cap is served")
        status, raw = get(srv.port, "/healthz")
        check(status is None and b"<timeout>" not in raw, f"a fourth connection from one address is closed: {raw[:60]}")
        status, _ = get(srv.port, "/healthz", source="127.0.0.2")
        check(status == 200, f"another address is still served: {status}")
        refused = metric(srv.port, 'muster_http_connections_closed_total{reason="refused_per_address"}', "127.0.0.2")
        check(refused is not None and refused >= 1, f"refusals per address in /metrics: {refused}")
        proxy = [connect(srv.port, "127.0.0.3") for _ in range(5)]
        for s in proxy:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            check(s.recv(4096).startswith(b"HTTP/1.1 200"), "a trusted proxy holds more than the per-address cap")
        for s in proxy:
            s.close()
        held.pop().close()
        status = None
        for _ in range(50):  # bounded: the server sees the close when it reads
            status, _ = get(srv.port, "/healthz")
            if status == 200:
                break
            time.sleep(0.05)
        check(status == 200, f"a closed connection frees its address's place: {status}")

        # Client addresses: X-Forwarded-For only from a trusted proxy, read from the right.
        cases = [
            ("127.0.0.1", "198.51.100.7", "127.0.0.1", "a spoofed header from an untrusted peer is ignored"),
            ("127.0.0.3", "6.6.6.6, 198.51.100.7", "198.51.100.7", "the rightmost entry from a trusted proxy"),
            ("127.0.0.3", "198.51.100.7, 127.0.0.3", "198.51.100.7", "trusted hops are skipped"),
            ("127.0.0.3", "198.51.100.7, garbage", "127.0.0.3", "a malformed entry: the peer"),
            ("127.0.0.3", "2001:db8:1::42", "2001:db8:1::42", "an IPv6 client"),
            ("127.0.0.2", "198.51.100.9", "127.0.0.2", "another untrusted peer"),
        ]
        # The per-address part is over: free its places. A connection just closed still counts
        # until the server reads its end, so a refused request is tried again (bounded).
        for s in held:
            s.close()
        held.clear()
        for i, (source, xff, _, _) in enumerate(cases):
            status = None
            for _ in range(50):
                status, _ = get(srv.port, f"/api/v1/case-{i}", source=source, headers=f"X-Forwarded-For: {xff}\r\n")
                if status is not None:
                    break
                time.sleep(0.05)
            check(status == 404, f"request for case {i}: {status}")
        remote = {}
        for _ in range(50):  # bounded: the log is written after each answer
            with open(log) as f:
                for line in f:
                    entry = json.loads(line)
                    if entry["path"].startswith("/api/v1/case-"):
                        remote[int(entry["path"].rsplit("-", 1)[1])] = entry["remote"]
            if len(remote) == len(cases):
                break
            time.sleep(0.05)
        for i, (_, _, want, why) in enumerate(cases):
            check(remote.get(i) == want, f"{why}: the access log says {remote.get(i)}, not {want}")
    finally:
        for s in held:
            s.close()
        check(srv.stop() == 0, "per-address server exits 0")
    bad = subprocess.run([MUSTER, "--db", db, "serve", "--listen", "127.0.0.1:0", "--trusted-proxy", "10.0.0.0/33"],
                         capture_output=True, text=True, timeout=30)
    check(bad.returncode != 0 and "trusted-proxy" in bad.stderr, f"a bad --trusted-proxy is refused: {bad.stderr}")


def headers_and_chunks(db, tmp):
    """Hardening headers on every kind of answer; no-store on personal data; 400 for a bad chunk."""
    web = os.path.join(tmp, "web")
    os.makedirs(os.path.join(web, "assets"))
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<!doctype html><title>t</title><script type=module src=/assets/app.js></script>\n")
    with open(os.path.join(web, "assets", "app.js"), "w") as f:
        f.write("console.log('t');\n")
    srv = Server(db, "--web", web)
    want = {
        "content-security-policy": None,
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
    }
    try:
        st, j, _, _ = request(srv.port, "POST", "/api/v1/session", {"login": "olga", "password": "correct-horse-battery"})
        check(st == 201, f"login: {st} {j}")
        token = j["token"]
        answers = {
            "portal": request(srv.port, "GET", "/"),
            "portal route": request(srv.port, "GET", "/cabinet"),
            "asset": request(srv.port, "GET", "/assets/app.js"),
            "healthz": request(srv.port, "GET", "/healthz"),
            "api 401": request(srv.port, "GET", "/api/v1/me/summonses"),
            "api 404": request(srv.port, "GET", "/api/v1/nothing-here"),
            "api json": request(srv.port, "GET", "/api/v1/session", token=token),
            "persons": request(srv.port, "GET", f"/api/v1/persons/{snils(500000000)}", token=token),
            "openapi": request(srv.port, "GET", "/api/v1/openapi.json"),
        }
        for name, (st, _, r, _) in answers.items():
            got = {k.lower(): v for k, v in r.getheaders()}
            for header, value in want.items():
                check(header in got and (value is None or got[header] == value), f"{name}: {header}: {got.get(header)}")
            csp = got.get("content-security-policy", "")
            for directive in ["default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
                              "object-src 'none'"]:
                check(directive in csp, f"{name}: CSP has {directive}: {csp}")
            check([k for k, _ in r.getheaders()].count("X-Content-Type-Options") == 1, f"{name}: nosniff once")
        for name in ["api 401", "api 404", "api json", "persons"]:
            check(answers[name][2].getheader("Cache-Control") == "no-store", f"{name}: Cache-Control: no-store")
        check(answers["openapi"][2].getheader("Cache-Control") is None, "the OpenAPI document may be cached")
        check("immutable" in (answers["asset"][2].getheader("Cache-Control") or ""), "assets stay immutable")
        check(answers["portal"][2].getheader("Cache-Control") == "no-cache", "the portal page is revalidated")
        login = request(srv.port, "POST", "/api/v1/session", {"login": "olga", "password": "correct-horse-battery"})[2]
        check([k for k, _ in login.getheaders()].count("Cache-Control") == 1, "the login answer has one Cache-Control")

        # A keep-alive connection answering different kinds in turn keeps its headers right.
        got = raw_exchange(srv.port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                                     b"GET /api/v1/nothing HTTP/1.1\r\nHost: t\r\n\r\n"
                                     b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        parts = got.split(b"HTTP/1.1 ")[1:]
        check(len(parts) == 3 and parts[0].startswith(b"200") and parts[1].startswith(b"404")
              and parts[2].startswith(b"200"), f"three answers on one connection: {got[:200]}")
        if len(parts) == 3:
            check(b"Cache-Control: no-store" not in parts[0] and b"Cache-Control: no-store" in parts[1]
                  and b"Cache-Control: no-store" not in parts[2] and b"application/problem+json" in parts[1]
                  and b"application/problem+json" not in parts[2], f"each answer has its own fields: {parts}")
            for p in parts:
                check(p.count(b"Content-Security-Policy:") == 1 and p.count(b"Content-Type:") == 1,
                      f"no field repeated or lost: {p[:400]}")

        # A malformed chunk size: 400 problem+json, then the connection closes.
        for body in [b"zz\r\nabc\r\n0\r\n\r\n", b"-5\r\nabc\r\n0\r\n\r\n", b"ffffffffffffffffff\r\nx\r\n0\r\n\r\n",
                     b"3\r\nabcXX0\r\n\r\n"]:
            got = raw_exchange(srv.port, b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                         b"Transfer-Encoding: chunked\r\n\r\n" + body)
            head, _, payload = got.partition(b"\r\n\r\n")
            check(head.startswith(b"HTTP/1.1 400") and b"application/problem+json" in head
                  and b"Connection: close" in head and b"Content-Security-Policy" in head,
                  f"malformed chunk {body[:20]!r}: {got[:120]}")
            try:
                problem = json.loads(payload)
                check(problem["status"] == 400 and "malformed" in problem["detail"], f"the problem: {problem}")
            except ValueError:
                check(False, f"malformed chunk {body[:20]!r}: the answer is a problem: {payload[:100]}")
        status, _ = get(srv.port, "/healthz")
        check(status == 200, "the server serves on after malformed requests")
    finally:
        check(srv.stop() == 0, "headers server exits 0")


def storage_failure(tmp):
    """A full disk: POST summonses answers 503 problem+json, and the log names route and cause."""
    mnt = os.path.join(tmp, "small")
    os.makedirs(mnt)
    if os.geteuid() != 0:
        print("hardening_test: skipping the full-disk case: not root, cannot mount a small tmpfs")
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt], capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"hardening_test: skipping the full-disk case: mount refused: {mounted.stderr.strip()}")
        return
    srv = None
    try:
        db = os.path.join(mnt, "t.db")
        persons = [snils(600000000 + i * 7) for i in range(60)]
        make_database(db, tmp, persons)
        srv = Server(db)
        st, j, _, _ = request(srv.port, "POST", "/api/v1/session", {"login": "olga", "password": "correct-horse-battery"})
        check(st == 201, f"login before the disk fills: {st} {j}")
        token = j["token"]

        def issue(nid):
            return request(srv.port, "POST", "/api/v1/summonses",
                           {"national_id": nid, "office": "D01", "kind": "conscription", "appear_at": in_days(10),
                            "place": "Room 4", "purpose": "Medical board"}, token=token)

        st, _, _, _ = issue(persons[0])
        check(st == 201, f"a summons while there is room: {st}")
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb", buffering=0) as f:  # unbuffered: nothing left to fail at close
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError as e:
                check(e.errno == errno.ENOSPC, f"the disk fills: {e}")
        answer = None
        for nid in persons[1:40]:  # bounded: SQLite may still have room in pages it holds
            st, j, r, text = issue(nid)
            if st != 201:
                answer = (st, j, r, text)
                break
        check(answer is not None, "a write on a full disk fails")
        if answer:
            st, j, r, text = answer
            check(st == 503 and r.getheader("Content-Type") == "application/problem+json" and j
                  and j["status"] == 503 and "unavailable" in j["detail"], f"full disk: 503 problem: {st} {text}")
            check(j is None or ("full" not in j["detail"] and "sqlite" not in text.lower()
                                and "database" not in j["detail"]), f"no internal detail to the client: {text}")
            log = ""
            for _ in range(50):  # bounded: the log line is written before the answer, read it whole
                log = srv.stderr()
                if "POST /api/v1/summonses" in log:
                    break
                time.sleep(0.05)
            line = next((l for l in log.splitlines() if "error: POST /api/v1/summonses" in l), "")
            check("full" in line or "disk" in line, f"the server's log names the route and the cause: {log[-600:]}")
        os.remove(filler)
        st = None
        for nid in persons[40:]:  # bounded: the first write after the disk has room again
            st, j, _, _ = issue(nid)
            if st == 201:
                break
        check(st == 201, f"a summons once the disk has room again: {st}")
    finally:
        if srv:
            srv.stop()
        subprocess.run(["umount", mnt], capture_output=True)


def make_database(db, tmp, persons=()):
    """A database with office D01, `persons` in it and officer olga."""
    with open(os.path.join(tmp, "offices.csv"), "w") as f:
        f.write("code,name,region,timezone,daily_capacity\nD01,Central,Moscow,Europe/Moscow,50\n")
    harness.load_registry(db, tmp, [harness.person(nid) for nid in persons], [("olga", "officer", ["D01"])])


def main():
    tmp = tempfile.mkdtemp(prefix="muster-hardening.")
    db = os.path.join(tmp, "t.db")
    make_database(db, tmp)
    try:
        descriptors(db, tmp)
        per_address(db, tmp)
        headers_and_chunks(db, tmp)
        storage_failure(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"hardening_test: {harness.checks} checks, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
