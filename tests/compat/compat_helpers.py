"""Small helpers shared by the compatibility tests (not a test module)."""

from __future__ import annotations

import csv
import io
import json
import os
import uuid as uuidlib
from typing import Any

import requests

URL = (os.environ.get("FYR_URL") or "").rstrip("/")
ADMIN_KEY = os.environ.get("FYR_ADMIN_KEY") or ""


def suffix() -> str:
    return uuidlib.uuid4().hex[:10]


def connect(key: str):
    from pymisp import PyMISP

    return PyMISP(URL, key, ssl=False, timeout=120)


def raw(method: str, path: str, key: str = ADMIN_KEY, body: Any = None, data: bytes | str | None = None,
        headers: dict[str, str] | None = None) -> requests.Response:
    """A request PyMISP would not send; `body` is JSON-encoded, `data` sent verbatim."""
    h = {"Authorization": key, "Accept": "application/json", "Content-Type": "application/json"}
    if headers:
        h.update(headers)
    if body is not None:
        data = json.dumps(body)
    return requests.request(method, f"{URL}/{path.lstrip('/')}", data=data, headers=h, timeout=120)


def no_errors(r: Any, what: str = "call") -> Any:
    """Asserts that a PyMISP answer is not an error tuple and returns it."""
    if isinstance(r, dict):
        assert "errors" not in r, f"{what} failed: {r['errors']}"
    return r


def errors_of(r: Any, status: int | tuple[int, ...] | None = None) -> Any:
    """Asserts that a PyMISP answer is an error tuple (with `status`) and returns the parsed body."""
    assert isinstance(r, dict) and isinstance(r.get("errors"), (tuple, list)) and len(r["errors"]) == 2, \
        f"expected an HTTP error answer, got a success: {str(r)[:500]}"
    code, body = r["errors"]
    if status is not None:
        wanted = status if isinstance(status, tuple) else (status,)
        assert code in wanted, f"expected HTTP {wanted}, got {code}: {body}"
    return body


def csv_rows(text: str) -> list[dict[str, str]]:
    """Parses a CSV export with header into dicts."""
    return list(csv.DictReader(io.StringIO(text)))
