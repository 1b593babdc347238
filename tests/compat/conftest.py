"""Fixtures for fyr's PyMISP compatibility suite.

The suite drives a running fyr through PyMISP (plus raw `requests` for
what PyMISP cannot send). It needs two environment variables:

  FYR_URL        base URL of the server, e.g. http://127.0.0.1:18282
  FYR_ADMIN_KEY  API key of the site admin (user 1, org 1)

Session-wide it creates three organisations A, B and C with these users
(role ids as in MISP):

  A: a_user (3 User), a_pub (4 Publisher), a_orgadmin (2 Org Admin)
  B: b_user (3 User), b_ro (6 Read Only)
  C: c_user (3 User)

Every name carries a random suffix, so reruns against the same server do
not collide. Whatever a test creates is registered with the `cleanup`
fixture and removed (and checked to be removed) after the test; tests do
not depend on each other (FYR_COMPAT_SHUFFLE=<seed> runs them in a random
order to check that).
"""

from __future__ import annotations

import os
import random
import warnings
from dataclasses import dataclass, field
from typing import Any

import pytest
import urllib3

from compat_helpers import ADMIN_KEY, connect, suffix

urllib3.disable_warnings()


def pytest_configure(config: pytest.Config) -> None:
    missing = [n for n in ("FYR_URL", "FYR_ADMIN_KEY") if not os.environ.get(n)]
    if missing:
        raise pytest.UsageError(
            "fyr compatibility suite: environment variable(s) " + ", ".join(missing) + " not set. "
            "Start fyr and run e.g. FYR_URL=http://127.0.0.1:18282 FYR_ADMIN_KEY=<admin key> python -m pytest tests/compat "
            "(tests/compat/run.sh does this for you)."
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """FYR_COMPAT_SHUFFLE=<seed> runs the tests in a random order (they must not depend on each other)."""
    seed = os.environ.get("FYR_COMPAT_SHUFFLE")
    if seed:
        random.Random(seed).shuffle(items)


@dataclass
class Principal:
    """A user with its organisation and its own PyMISP connector."""

    label: str
    misp: Any
    user: Any
    key: str
    org: Any

    @property
    def org_id(self) -> int:
        return int(self.org.id)

    @property
    def user_id(self) -> int:
        return int(self.user.id)


@dataclass
class World:
    admin: Any
    sfx: str
    orgs: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Principal] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Principal:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


@pytest.fixture(scope="session")
def admin():
    return connect(ADMIN_KEY)


@pytest.fixture(scope="session")
def world(admin):
    from pymisp import MISPOrganisation, MISPUser

    sfx = suffix()
    w = World(admin=admin, sfx=sfx)
    created_users: list[int] = []
    created_orgs: list[str] = []
    try:
        for letter in "ABC":
            o = MISPOrganisation()
            o.name = f"fyr-compat {letter} {sfx}"
            o.description = f"compat suite organisation {letter}"
            org = admin.add_organisation(o, pythonify=True)
            assert not isinstance(org, dict), f"admin/organisations/add failed: {org}"
            assert org.name == o.name
            created_orgs.append(org.uuid)
            w.orgs[letter] = org
        plan = [
            ("a_user", "A", 3),
            ("a_pub", "A", 4),
            ("a_orgadmin", "A", 2),
            ("b_user", "B", 3),
            ("b_ro", "B", 6),
            ("c_user", "C", 3),
        ]
        for label, letter, role in plan:
            u = MISPUser()
            u.email = f"{label.replace('_', '-')}-{sfx}@{letter.lower()}.compat.test"
            u.org_id = w.orgs[letter].id
            u.role_id = role
            raw = admin.add_user(u)
            assert "errors" not in raw, f"admin/users/add failed for {u.email}: {raw}"
            user_j = raw["User"]
            key = user_j.get("authkey")
            assert isinstance(key, str) and len(key) == 40, f"admin/users/add must return the clear 40-character key: {user_j}"
            created_users.append(int(user_j["id"]))
            assert str(user_j["role_id"]) == str(role), user_j
            assert str(user_j["org_id"]) == str(w.orgs[letter].id), user_j
            user = MISPUser()
            user.from_dict(**user_j)
            w.people[label] = Principal(label, connect(key), user, key, w.orgs[letter])
        yield w
    finally:
        problems = []
        for uid in reversed(created_users):
            r = admin.delete_user(uid)
            if "errors" in r:
                problems.append(f"user {uid}: {r['errors']}")
        for org_uuid in reversed(created_orgs):
            r = admin.delete_organisation(org_uuid)
            if "errors" in r:
                problems.append(f"organisation {org_uuid}: {r['errors']}")
        if problems:
            warnings.warn("compat suite teardown left data behind: " + "; ".join(problems))


class Cleanup:
    """Collects what a test creates; removes it afterwards (events first,
    then sharing groups, tags, roles) and fails the test if removal fails."""

    def __init__(self, admin):
        self.admin = admin
        self.events: list[str] = []
        self.sgs: list[str] = []
        self.tags: list[int] = []
        self.roles: list[int] = []

    def event(self, ev):
        """Registers an event (MISPEvent, dict or uuid) and returns it."""
        self.events.append(_uuid_of(ev, "Event"))
        return ev

    def sg(self, sg):
        self.sgs.append(_uuid_of(sg, "SharingGroup"))
        return sg

    def tag(self, tag):
        if isinstance(tag, dict):
            tag = tag.get("Tag", tag)
            self.tags.append(int(tag["id"]))
        else:
            self.tags.append(int(tag.id))
        return tag

    def role(self, role_id):
        self.roles.append(int(role_id))

    def run(self) -> list[str]:
        problems = []
        for u in reversed(self.events):
            if self.admin.event_exists(u):
                r = self.admin.delete_event(u)
                if r.get("message") != "Event deleted.":
                    problems.append(f"event {u}: {r}")
        for u in reversed(self.sgs):
            if self.admin.sharing_group_exists(u):
                r = self.admin.delete_sharing_group(u)
                if "errors" in r:
                    problems.append(f"sharing group {u}: {r}")
        for t in reversed(self.tags):
            r = self.admin.get_tag(t)
            if "errors" not in r:
                r = self.admin.delete_tag(t)
                if "errors" in r:
                    problems.append(f"tag {t}: {r}")
        for rid in reversed(self.roles):
            r = self.admin.delete_role(rid)
            if "errors" in r and r["errors"][0] != 404:
                problems.append(f"role {rid}: {r}")
        return problems


def _uuid_of(x, key: str) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, dict):
        inner = x.get(key, x)
        return inner["uuid"]
    return x.uuid


@pytest.fixture
def cleanup(admin):
    c = Cleanup(admin)
    yield c
    problems = c.run()
    assert not problems, "cleanup failed: " + "; ".join(problems)


@pytest.fixture
def sfx():
    """A fresh random suffix for names a test creates."""
    return suffix()
