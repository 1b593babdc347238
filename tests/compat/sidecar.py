"""Real servers the exposure tests need, in one process beside fyr:

* an SMTP server (aiosmtpd) that stores every message it receives as
  <dir>/mail/<n>.eml, and
* a DNS server (dnslib) that answers TXT queries from <dir>/dns.json
  ({"name.": ["text", ...]}), re-read on every query so tests can publish
  records while it runs.

It writes "smtp_port dns_port" to <dir>/ports when ready and runs until killed.
usage: python sidecar.py DIR
"""

import json
import os
import socket
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from dnslib import QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class MailDir:
    def __init__(self, root: Path):
        self.root = root
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = self.root / f"{time.time_ns()}-{self.count}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(path)
        return "250 Message accepted for delivery"


class FileResolver(BaseResolver):
    def __init__(self, path: Path):
        self.path = path

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname)
        try:
            records = json.loads(self.path.read_text())
        except (OSError, ValueError):
            records = {}
        if request.q.qtype == QTYPE.TXT:
            for text in records.get(name, []):
                reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(text), ttl=1))
        return reply


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    root = Path(sys.argv[1])
    (root / "mail").mkdir(parents=True, exist_ok=True)
    dns_file = root / "dns.json"
    if not dns_file.exists():
        dns_file.write_text("{}")
    smtp_port = free_port(socket.SOCK_STREAM)
    dns_port = free_port(socket.SOCK_DGRAM)
    smtp = Controller(MailDir(root / "mail"), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    dns = DNSServer(FileResolver(dns_file), port=dns_port, address="127.0.0.1", logger=DNSLogger(log="-request,-reply,-truncated", prefix=False))
    dns.start_thread()
    (root / "ports.tmp").write_text(f"{smtp_port} {dns_port}\n")
    os.rename(root / "ports.tmp", root / "ports")
    try:
        while True:
            time.sleep(3600)
    finally:
        smtp.stop()
        dns.stop()


if __name__ == "__main__":
    main()
