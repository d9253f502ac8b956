"""A real SMTP server on loopback for the notification tests (Debian's python3-aiosmtpd).

Usage: /usr/bin/python3 smtp_sink.py --dir DIR [--port N] [--delay SECONDS]

Listens on 127.0.0.1 (port N, or any free one when 0), writes the port to DIR/port once it
listens, and each message it accepts to DIR/NNNN.eml (whole, as received). A recipient whose
address starts with "reject" is refused with 550; one starting with "later" with 451. With
--delay, each message is kept that long before it is written and accepted (a slow relay).
"""
import argparse
import asyncio
import os

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.count = len([n for n in os.listdir(folder) if n.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 <%s>: no such user here" % address
        if address.startswith("later"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        path = os.path.join(self.folder, "%04d.eml" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 OK: queued as %04d" % self.count


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0)
    args = parser.parse_args()
    handler = Handler(args.dir, args.delay)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, decode_data=False), "127.0.0.1", args.port,
                                      reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
