"""Exposure notifications end to end, through real components: reports are
uploaded and dropped into the watched inbox, matched to the organisation
that registered the addresses, and told to it by e-mail (a real SMTP server,
aiosmtpd, in sidecar.py) and by a signed webhook (a local HTTP receiver
here); domain ownership is proved through a real DNS server (dnslib).

Needs the sidecar (FYR_COMPAT_SIDECAR) and a fyr started with FYR_SMTP_URL,
FYR_DNS_SERVER, FYR_EXPOSURE_INBOX and FYR_SHADOWSERVER_SCHEMA pointing at
them, and with FYR_WEBHOOK_ALLOW_PRIVATE=1 (the webhook receivers listen on
127.0.0.1); tests/compat/run.sh sets all of these.
"""

from __future__ import annotations

import csv
import email
import email.policy
import hashlib
import hmac
import io
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from compat_helpers import raw, suffix

SIDECAR = Path(os.environ.get("FYR_COMPAT_SIDECAR", ""))
SCHEMA = os.environ.get("FYR_SHADOWSERVER_SCHEMA", "")
INBOX = Path(os.environ.get("FYR_EXPOSURE_INBOX", ""))


def require_env():
    missing = [n for n, v in (("FYR_COMPAT_SIDECAR", SIDECAR), ("FYR_SHADOWSERVER_SCHEMA", SCHEMA), ("FYR_EXPOSURE_INBOX", INBOX)) if not str(v) or str(v) == "."]
    assert not missing, f"set {', '.join(missing)} (tests/compat/run.sh does)"


def ok(r, status=(200, 201)):
    wanted = status if isinstance(status, tuple) else (status,)
    assert r.status_code in wanted, f"{r.request.method} {r.url}: {r.status_code} {r.text[:800]}"
    return r.json()


def report(report_type: str, rows: list[tuple[str, int]]) -> bytes:
    fields = json.loads(Path(SCHEMA).read_text())[report_type]["fields"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(fields)
    for ip, port in rows:
        values = {"timestamp": "2026-11-20 03:04:05", "ip": ip, "port": str(port), "protocol": "tcp", "asn": "64496"}
        w.writerow([values.get(f, "") for f in fields])
    return out.getvalue().encode()


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Receiver.received.append((self.headers, body))  # case-insensitive lookups
        self.send_response(Receiver.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_port}/fyr-hook", Receiver
    server.shutdown()


@pytest.fixture
def setup():
    """An organisation with an org admin, a /24 registered and approved, and a source."""
    require_env()
    sfx = suffix()
    org = ok(raw("POST", "admin/organisations/add", body={"name": f"exposure org {sfx}", "sector": "Municipality"}))["Organisation"]
    user = ok(raw("POST", "admin/users/add", body={"email": f"it-{sfx}@kommun.test", "org_id": org["id"], "role_id": 2}))["User"]
    # A /24 per test, from 10.x (private space is fine for a test registry).
    octet = int(sfx[:4], 16) % 250 + 1
    net = f"10.{octet}.{int(sfx[4:6], 16)}"
    ok(raw("POST", "api/v1/exposure/assets", body={"kind": "cidr", "value": f"{net}.0/24", "org_id": int(org["id"])}))
    source = f"ss-{sfx}"
    ok(raw("POST", "api/v1/exposure/sources", body={"name": source, "format": "shadowserver", "tlp": "amber"}))
    yield {"org": org, "key": user["authkey"], "net": net, "source": source, "sfx": sfx, "email": f"it-{sfx}@kommun.test"}
    raw("DELETE", f"api/v1/exposure/sources/{source}")
    raw("POST", f"admin/users/delete/{user['id']}")
    raw("POST", f"admin/organisations/delete/{org['id']}")


def mails_to(address: str, timeout: float = 20.0, count: int = 1) -> list:
    """Messages the SMTP server received for `address` (waits for `count`)."""
    deadline = time.time() + timeout
    while True:
        found = []
        for p in sorted((SIDECAR / "mail").glob("*.eml")):
            msg = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            if address in msg.get("To", ""):
                found.append(msg)
        if len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.3)


def wait_for(pred, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.3)
    return pred()


def test_upload_notifies_by_email_and_webhook(setup, webhook):
    url, receiver = webhook
    key = setup["key"]
    contact = ok(raw("POST", "api/v1/exposure/contacts", key=key, body={"channel": "email", "address": setup["email"], "language": "sv"}))
    hook = ok(raw("POST", "api/v1/exposure/contacts", key=key, body={"channel": "webhook", "address": url, "language": "en"}))
    secret = hook["secret"]
    assert len(secret) >= 16
    # A digest time that has passed today, so the digest is due now.
    ok(raw("PUT", "api/v1/exposure/settings", key=key, body={"digest_time": "00:00", "critical_immediately": True}))
    net = setup["net"]
    # compromised_website is critical by default: told at once; scan_rdp (high) goes in the digest.
    crit = ok(raw("POST", f"api/v1/exposure/sources/{setup['source']}/imports?filename=2026-11-20-compromised_website-se.csv",
                  data=report("compromised_website", [(f"{net}.5", 80)])))
    assert crit["rows_matched"] == 1 and crit["findings_new"] == 1, crit
    rdp = ok(raw("POST", f"api/v1/exposure/sources/{setup['source']}/imports?filename=2026-11-20-scan_rdp-se.csv",
                 data=report("scan_rdp", [(f"{net}.10", 3389), (f"{net}.11", 3389), ("192.0.2.250", 3389)])))
    assert rdp["rows_matched"] == 2 and rdp["rows_unmatched"] == 1, rdp

    msgs = mails_to(setup["email"], count=2)
    assert len(msgs) >= 2, f"expected a critical notice and a digest, got {[m['Subject'] for m in msgs]}"
    subjects = [m["Subject"] for m in msgs]
    critical = next(m for m in msgs if "KRITISKT" in m["Subject"])
    digest = next(m for m in msgs if "KRITISKT" not in m["Subject"])
    assert "[TLP:AMBER]" in critical["Subject"], subjects
    assert critical["From"].startswith("CERT-SE"), critical["From"]
    text = critical.get_body(preferencelist=("plain",)).get_content()
    assert f"{net}.5" in text
    assert "Gör så här" in text, text[:2000]
    html = critical.get_body(preferencelist=("html",)).get_content()
    assert f"{net}.5" in html and "<script" not in html
    # The digest lists the RDP findings, not the unmatched address, with the raw fields attached.
    dtext = digest.get_body(preferencelist=("plain",)).get_content()
    assert f"{net}.10" in dtext and f"{net}.11" in dtext and "192.0.2.250" not in dtext
    attachments = [p for p in digest.iter_attachments()]
    assert attachments and attachments[0].get_filename().endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(attachments[0].get_content().lstrip("\ufeff"))))
    assert sorted(r["ip"] for r in rows) == [f"{net}.10", f"{net}.11"], rows
    # Unsubscribe and preferences links, also as RFC 8058 headers.
    unsub = critical["List-Unsubscribe"].strip("<>")
    assert critical["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsub in text

    # The webhook got both notices, signed with its secret.
    got = wait_for(lambda: len(receiver.received) >= 2 and receiver.received)
    assert got and len(got) >= 2, got
    types = set()
    for headers, body in got:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers.get("X-Fyr-Signature") == expected, headers
        payload = json.loads(body)
        types.add(payload["type"])
        assert payload["organisation"] == setup["org"]["name"] or payload["organisation"]["name"] == setup["org"]["name"]
    assert types == {"fyr.exposure.critical", "fyr.exposure.digest"}, types

    # Findings are marked as told; deliveries were sent.
    findings = ok(raw("GET", "api/v1/exposure/findings", key=key))
    assert len(findings) == 3 and all(f["notified_at"] for f in findings), findings
    deliveries = ok(raw("GET", "api/v1/exposure/deliveries", key=key))
    assert {d["status"] for d in deliveries} == {"sent"}, deliveries

    # One click unsubscribes (no sign-in); the contact is then disabled.
    page = raw("GET", unsub.replace(os.environ["FYR_URL"], ""), key="")
    assert page.status_code == 200 and "<form" in page.text
    r = raw("POST", unsub.replace(os.environ["FYR_URL"], ""), key="")
    assert r.status_code == 200, r.text
    contacts = ok(raw("GET", "api/v1/exposure/contacts", key=key))
    assert next(c for c in contacts if c["id"] == contact["id"])["enabled"] is False
    assert raw("POST", "exposure/unsubscribe/" + "x" * 40, key="").status_code == 404


def test_failing_webhook_is_retried_and_reported(setup):
    key = setup["key"]
    # Nothing listens on this port.
    ok(raw("POST", "api/v1/exposure/contacts", key=key, body={"channel": "webhook", "address": "http://127.0.0.1:9/nowhere"}))
    ok(raw("PUT", "api/v1/exposure/settings", key=key, body={"digest_time": "00:00"}))
    ok(raw("POST", f"api/v1/exposure/sources/{setup['source']}/imports?filename=2026-11-20-scan_rdp-se.csv",
           data=report("scan_rdp", [(f"{setup['net']}.7", 3389)])))
    deliveries = wait_for(lambda: [d for d in ok(raw("GET", "api/v1/exposure/deliveries", key=key)) if d["attempts"] >= 1 and d["last_error"]])
    assert deliveries, "the failed attempt is recorded"
    d = deliveries[0]
    assert d["status"] == "pending" and d["next_attempt_at"] > int(time.time()), d
    contacts = ok(raw("GET", "api/v1/exposure/contacts", key=key))
    assert contacts[0]["failures"] >= 1 and contacts[0]["last_error"], contacts


def test_inbox_imports_dropped_files(setup):
    folder = INBOX / setup["source"]
    folder.mkdir(parents=True, exist_ok=True)
    name = "2026-11-20-scan_smb-sweden-geo.csv"
    (folder / (name + ".part")).write_bytes(report("scan_smb", [(f"{setup['net']}.20", 445)]))
    (folder / (name + ".part")).rename(folder / name)
    done = folder / "done" / name
    assert wait_for(lambda: done.exists()), "the inbox file was not imported"
    summary = json.loads((folder / "done" / (name + ".report.json")).read_text())
    assert summary["status"] == "done" and summary["rows_matched"] == 1, summary
    imports = ok(raw("GET", f"api/v1/exposure/imports?source={setup['source']}"))
    assert imports[0]["via"] == "inbox"
    findings = ok(raw("GET", "api/v1/exposure/findings", key=setup["key"]))
    assert [f["asset"] for f in findings] == [f"{setup['net']}.20:445/tcp"]
    # A file that cannot be read goes to failed/ with the reason.
    bad = "2026-11-20-scan_smb-broken.csv"
    (folder / bad).write_bytes(b"")
    assert wait_for(lambda: (folder / "failed" / bad).exists())
    assert json.loads((folder / "failed" / (bad + ".report.json")).read_text())["status"] == "failed"


def test_domain_ownership_through_dns(setup):
    key = setup["key"]
    domain = f"kommun-{setup['sfx']}.test"
    asset = ok(raw("POST", "api/v1/exposure/assets", key=key, body={"kind": "domain", "value": domain}))
    assert asset["status"] == "pending"
    record = asset["dns_verification"]
    # Not published yet: refused.
    r = raw("POST", f"api/v1/exposure/assets/{asset['id']}/verify", key=key)
    assert r.status_code == 422, r.text
    assert "TXT" in r.json()["error"]["message"]
    records = json.loads((SIDECAR / "dns.json").read_text())
    records[record["record"] + "."] = [record["value"]]
    (SIDECAR / "dns.tmp").write_text(json.dumps(records))
    (SIDECAR / "dns.tmp").rename(SIDECAR / "dns.json")
    verified = ok(raw("POST", f"api/v1/exposure/assets/{asset['id']}/verify", key=key))
    assert verified["status"] == "approved" and verified["verified_by"] == "dns", verified


def test_a_rejected_domain_stays_rejected(setup):
    key = setup["key"]
    domain = f"rejected-{setup['sfx']}.test"
    asset = ok(raw("POST", "api/v1/exposure/assets", key=key, body={"kind": "domain", "value": domain}))
    # CERT staff (the admin key) reject it.
    assert ok(raw("POST", f"api/v1/exposure/assets/{asset['id']}/reject"))["status"] == "rejected"
    # The organisation publishes the token anyway: DNS does not overrule the CERT.
    record = asset["dns_verification"]
    records = json.loads((SIDECAR / "dns.json").read_text())
    records[record["record"] + "."] = [record["value"]]
    (SIDECAR / "dns.tmp").write_text(json.dumps(records))
    (SIDECAR / "dns.tmp").rename(SIDECAR / "dns.json")
    r = raw("POST", f"api/v1/exposure/assets/{asset['id']}/verify", key=key)
    assert r.status_code == 422, r.text
    assert "rejected" in r.json()["error"]["message"]
    assert ok(raw("GET", f"api/v1/exposure/assets/{asset['id']}", key=key))["status"] == "rejected"
