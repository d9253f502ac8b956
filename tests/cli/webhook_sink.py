"""An HTTP receiver of muster's webhook on loopback for the notification tests.

Usage: /usr/bin/python3 webhook_sink.py --dir DIR --secret-file FILE

Listens on 127.0.0.1 on any free port, writes the port to DIR/port once it listens, and checks
each POST's Muster-Signature header against the hex HMAC-SHA256 of the body under the secret:
a good one is answered 200 and the body kept as DIR/NNNN.json; a bad one 401 and kept as
DIR/NNNN.bad. A message to a number starting with "+7000" is answered 503 (try again).
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--secret-file", required=True)
    args = parser.parse_args()
    secret = open(args.secret_file, "rb").read().rstrip(b"\r\n")
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            want = hmac.new(secret, body, hashlib.sha256).hexdigest()
            good = hmac.compare_digest(want, self.headers.get("Muster-Signature", ""))
            if good and json.loads(body).get("to", "").startswith("+7000"):
                self.send_response(503)
                self.end_headers()
                self.wfile.write(b"busy")
                return
            count[0] += 1
            with open(os.path.join(args.dir, "%04d.%s" % (count[0], "json" if good else "bad")), "wb") as f:
                f.write(body)
            self.send_response(200 if good else 401)
            self.end_headers()
            self.wfile.write(b"accepted" if good else b"bad signature")

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
