"""servers/getVersion, users/view/me, attributes/describeTypes, server settings."""

import json
import re
from pathlib import Path

import pymisp
from pymisp import MISPEvent

from compat_helpers import errors_of, no_errors, raw


def test_get_version_admin(admin):
    v = no_errors(admin.misp_instance_version)
    assert re.fullmatch(r"\d+(\.\d+)+", v["version"]), v
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.\d+)*", v["pymisp_recommended_version"]), v
    # The admin role has every permission.
    for perm in ("perm_sync", "perm_sighting", "perm_galaxy_editor", "perm_analyst_data"):
        assert v[perm] is True, (perm, v)
    assert v["filter_sightings"] is True
    assert isinstance(v["request_encoding"], list)


def test_get_version_read_only_user(world):
    v = no_errors(world.b_ro.misp.misp_instance_version)
    assert v["perm_sync"] is False
    assert v["perm_sighting"] is False
    # Only sync users learn the instance uuid.
    assert v["uuid"] == "-"
    assert v["version"] == world.admin.misp_instance_version["version"]


def test_get_version_needs_a_valid_key():
    r = raw("GET", "servers/getVersion", key="x" * 40)
    assert r.status_code in (401, 403), r.status_code
    body = r.json()
    assert "message" in body and body["message"], body


def test_users_view_me(world):
    p = world.a_orgadmin
    user, role, settings = p.misp.get_user("me", pythonify=True, expanded=True)
    assert int(user.id) == p.user_id
    assert user.email == p.user.email
    assert int(user.org_id) == p.org_id
    assert int(user.role_id) == 2
    assert int(role.id) == 2
    assert role.perm_admin is True
    assert role.perm_site_admin is False
    assert settings == [] or settings == {}
    # The clear key is never shown again.
    r = p.misp.get_user("me")
    assert "authkey" not in r["User"] or r["User"]["authkey"] != p.key
    assert r["Organisation"]["name"] == p.org.name
    assert r["User"]["password"].strip("*") == ""


def test_users_view_other_user_hidden_from_plain_user(world):
    r = world.a_user.misp.get_user(world.b_user.user_id)
    errors_of(r, 404)


def test_describe_types_equals_bundled_file(admin):
    remote = no_errors(admin.describe_types_remote)
    local_file = Path(pymisp.__file__).parent / "data" / "describeTypes.json"
    local = json.loads(local_file.read_text())["result"]
    assert set(remote["types"]) == set(local["types"])
    assert len(remote["types"]) == len(set(remote["types"]))
    assert set(remote["categories"]) == set(local["categories"])
    assert set(remote["category_type_mappings"]) == set(local["category_type_mappings"])
    for cat, types in local["category_type_mappings"].items():
        assert set(remote["category_type_mappings"][cat]) == set(types), cat
    assert remote["sane_defaults"] == local["sane_defaults"]


def test_describe_types_with_and_without_json_suffix(world):
    a = raw("GET", "attributes/describeTypes.json", key=world.c_user.key)
    b = raw("GET", "attributes/describeTypes", key=world.c_user.key)
    assert a.status_code == 200 and b.status_code == 200
    assert a.json() == b.json()
    assert "ip-dst" in a.json()["result"]["types"]


def test_default_event_distribution_setting(world, cleanup):
    admin = world.admin
    name = "MISP.default_event_distribution"
    before = no_errors(admin.get_server_setting(name))
    original = before["value"]
    assert int(original) in range(0, 5), before
    try:
        for wanted in (0, 3):
            r = no_errors(admin.set_server_setting(name, wanted, force=True))
            assert r.get("saved") is True or r.get("success") is True, r
            assert int(admin.get_server_setting(name)["value"]) == wanted
            ev = MISPEvent()
            ev.info = f"default distribution {wanted}"
            ev.add_attribute("text", f"default-dist-{wanted}")
            assert "distribution" not in ev.to_dict()
            created = no_errors(world.a_user.misp.add_event(ev, pythonify=True))
            cleanup.event(created)
            assert created.distribution == wanted
            # Attributes without a distribution inherit (5).
            assert created.attributes[0].distribution == 5
    finally:
        admin.set_server_setting(name, original, force=True)
    assert int(admin.get_server_setting(name)["value"]) == int(original)


def test_settings_are_site_admin_only(world):
    name = "MISP.default_event_distribution"
    before = world.admin.get_server_setting(name)["value"]
    wanted = 0 if int(before) != 0 else 2
    r = world.a_orgadmin.misp.set_server_setting(name, wanted, force=True)
    body = errors_of(r, 403)
    assert "permission" in json.dumps(body).lower()
    r = world.a_user.misp.get_server_setting("MISP.default_event_distribution")
    errors_of(r, 403)
    # Nothing changed.
    assert world.admin.get_server_setting(name)["value"] == before
