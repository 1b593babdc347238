"""Bad input: every case must answer 4xx with a JSON body naming the problem,
and must leave nothing half-written.

Note: for events/add MISP 2.5 itself drops invalid attributes and still
creates the event (logging the validation error); fyr refuses the whole
event instead, which is what these tests require.
"""

import json

import pytest
from pymisp import MISPEvent, MISPSharingGroup

from compat_helpers import no_errors, raw


def _assert_refused(r, *words):
    assert 400 <= r.status_code < 500, f"expected 4xx, got {r.status_code}: {r.text[:500]}"
    try:
        body = r.json()
    except ValueError:
        raise AssertionError(f"4xx without a JSON body: {r.text[:500]!r}")
    assert isinstance(body, dict) and body.get("message"), body
    text = json.dumps(body)
    for w in words:
        assert w.lower() in text.lower(), f"{w!r} not named in {text[:1000]}"
    return body


def _nothing_written(world, marker):
    assert world.admin.search_index(eventinfo=marker) == [], f"an event {marker!r} was created"


@pytest.fixture
def owned_event(world, cleanup, sfx):
    ev = MISPEvent()
    ev.info = f"bad input target {sfx}"
    ev.distribution = 1
    ev.add_attribute("text", f"seed-{sfx}")
    return cleanup.event(no_errors(world.a_user.misp.add_event(ev, pythonify=True)))


def _attribute_values(world, ev):
    got = world.admin.get_event(ev.id, deleted=[0, 1], pythonify=True)
    return sorted(a.value for a in got.attributes) + sorted(a.value for o in got.objects for a in o.attributes)


def test_malformed_json(world, sfx):
    marker = f"bad json {sfx}"
    r = raw("POST", "events/add", key=world.a_user.key, data='{"info": "%s", "Attribute": [' % marker)
    _assert_refused(r, "json")
    assert r.status_code == 400
    _nothing_written(world, marker)
    r = raw("POST", "events/add", key=world.a_user.key, data=b'\xff\xfe{"info": "x"}')
    _assert_refused(r, "json")


def test_malformed_json_on_edit(world, owned_event):
    r = raw("POST", f"events/edit/{owned_event.id}", key=world.a_user.key, data='{"info": ')
    _assert_refused(r, "json")
    assert world.a_user.misp.get_event(owned_event.id, pythonify=True).info == owned_event.info


@pytest.mark.parametrize("body, field", [
    ('"just a string"', None),
    ('42', None),
    ('{"info": {"x": 1}}', "info"),
    ('{"info": "%s", "distribution": "abc"}', "distribution"),
    ('{"info": "%s", "Attribute": "notalist"}', "Attribute"),
    ('{"info": "%s", "Attribute": [{"type": "text", "value": ["v"]}]}', "value"),
    ('{"info": "%s", "Attribute": [{"type": "text", "value": "v", "to_ids": "maybe"}]}', "to_ids"),
    ('{"info": "%s", "Object": {"name": "file"}}', "Object"),
])
def test_wrong_json_types(world, sfx, body, field):
    marker = f"wrong types {sfx}"
    data = body.replace("%s", marker)
    r = raw("POST", "events/add", key=world.a_user.key, data=data)
    _assert_refused(r, *([field] if field else []))
    _nothing_written(world, marker)


@pytest.mark.parametrize("attribute, field", [
    ({"type": "no-such-type", "value": "x"}, "type"),
    ({"type": "ip-dst", "value": "999.1.1.1"}, "value"),
    ({"type": "md5", "value": "abc"}, "value"),
    ({"type": "text", "value": "v", "category": "No such category"}, "category"),
    ({"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e", "category": "Person"}, "category"),
    ({"type": "text", "value": "v", "distribution": 9}, "distribution"),
    ({"type": "text", "value": "v", "distribution": -1}, "distribution"),
    ({"type": "text"}, "value"),
    ({"value": "v"}, "type"),
    ({"type": "text", "value": "v" * 70000}, "value"),
    ({"type": "text", "value": "v", "comment": "c" * 70000}, "comment"),
])
def test_event_with_one_bad_attribute_is_not_half_written(world, sfx, attribute, field):
    marker = f"one bad attribute {sfx}"
    body = {"info": marker, "distribution": 1,
            "Attribute": [{"type": "ip-dst", "value": "198.51.100.99"}, attribute,
                          {"type": "domain", "value": f"good-{sfx}.example.com"}]}
    r = raw("POST", "events/add", key=world.a_user.key, body=body)
    _assert_refused(r, field)
    _nothing_written(world, marker)
    assert world.admin.search(controller="attributes", value=f"good-{sfx}.example.com") == {"Attribute": []}


@pytest.mark.parametrize("body, field", [
    ({"distribution": 1}, "info"),
    ({"info": ""}, "info"),
    ({"info": "%s", "distribution": 7}, "distribution"),
    ({"info": "%s", "distribution": -2}, "distribution"),
    ({"info": "%s", "threat_level_id": 9}, "threat_level_id"),
    ({"info": "%s", "analysis": 5}, "analysis"),
    ({"info": "%s", "date": "2024-13-45"}, "date"),
    ({"info": "%s", "uuid": "not-a-uuid"}, "uuid"),
    ({"info": "%s" + "x" * 70000}, "info"),
    ({"info": "%s", "Object": [{"Attribute": [{"type": "text", "value": "v", "object_relation": "text"}]}]}, "name"),
    ({"info": "%s", "Object": [{"name": "file", "Attribute": [{"type": "md5", "value": "abc",
                                                                "object_relation": "md5"}]}]}, "value"),
])
def test_invalid_event_fields(world, sfx, body, field):
    marker = f"invalid event {sfx}"
    body = json.loads(json.dumps(body).replace("%s", marker))
    r = raw("POST", "events/add", key=world.a_user.key, body=body)
    _assert_refused(r, field)
    _nothing_written(world, marker)


def test_unknown_sharing_group(world, sfx):
    marker = f"unknown sg {sfx}"
    r = raw("POST", "events/add", key=world.a_user.key,
            body={"info": marker, "distribution": 4, "sharing_group_id": 99999999,
                  "Attribute": [{"type": "text", "value": "v"}]})
    _assert_refused(r, "sharing")
    _nothing_written(world, marker)
    r = raw("POST", "events/add", key=world.a_user.key,
            body={"info": marker, "distribution": 1,
                  "Attribute": [{"type": "text", "value": "v", "distribution": 4, "sharing_group_id": 99999999}]})
    _assert_refused(r, "sharing")
    _nothing_written(world, marker)


def test_unauthorised_sharing_group(world, cleanup, sfx):
    sg = MISPSharingGroup()
    sg.name = f"bad input SG {sfx}"
    sg = cleanup.sg(no_errors(world.admin.add_sharing_group(sg, pythonify=True)))
    no_errors(world.admin.add_org_to_sharing_group(sg, world.orgs["A"]))
    marker = f"unauthorised sg {sfx}"
    for body in (
        {"info": marker, "distribution": 4, "sharing_group_id": int(sg.id), "Attribute": [{"type": "text", "value": "v"}]},
        {"info": marker, "distribution": 1,
         "Attribute": [{"type": "text", "value": "v", "distribution": 4, "sharing_group_id": int(sg.id)}]},
    ):
        r = raw("POST", "events/add", key=world.c_user.key, body=body)
        _assert_refused(r, "sharing")
        _nothing_written(world, marker)
    # A member may use it.
    r = raw("POST", "events/add", key=world.a_user.key,
            body={"info": marker, "distribution": 4, "sharing_group_id": int(sg.id),
                  "Attribute": [{"type": "text", "value": "v"}]})
    assert r.status_code == 200, r.text
    cleanup.event(r.json()["Event"]["uuid"])


def test_bad_attribute_add(world, owned_event, sfx):
    key = world.a_user.key
    before = _attribute_values(world, owned_event)
    for body, field in (
        ({"type": "text"}, "value"),
        ({"value": "x"}, "type"),
        ({"type": "no-such-type", "value": "x"}, "type"),
        ({"type": "ip-dst", "value": "999.1.1.1"}, "value"),
        ({"type": "md5", "value": "abc"}, "value"),
        ({"type": "text", "value": "v", "distribution": 8}, "distribution"),
        ({"type": "text", "value": "v", "distribution": 4, "sharing_group_id": 99999999}, "sharing"),
        ({"type": "text", "value": "v" * 70000}, "value"),
        ({"type": "text", "value": "v", "comment": "c" * 70000}, "comment"),
        ({"type": "text", "value": {"a": 1}}, "value"),
    ):
        r = raw("POST", f"attributes/add/{owned_event.id}", key=key, body=body)
        _assert_refused(r, field)
    r = raw("POST", f"attributes/add/{owned_event.id}", key=key, data='{"type": "text", ')
    _assert_refused(r, "json")
    assert _attribute_values(world, owned_event) == before


def test_bad_attribute_edit(world, owned_event):
    key = world.a_user.key
    target = owned_event.attributes[0]
    for body, field in (
        ({"type": "no-such-type"}, "type"),
        ({"type": "ip-dst", "category": "Network activity"}, "value"),  # "seed-…" is no IP address
        ({"distribution": 6}, "distribution"),
        ({"comment": "c" * 70000}, "comment"),
        ({"to_ids": "perhaps"}, "to_ids"),
    ):
        r = raw("POST", f"attributes/edit/{target.uuid}", key=key, body=body)
        _assert_refused(r, field)
    got = world.a_user.misp.get_attribute(target.uuid, pythonify=True)
    assert (got.type, got.value, got.distribution, got.comment) == ("text", target.value, 5, "")


def test_bad_object_add(world, owned_event, sfx):
    key = world.a_user.key
    before = _attribute_values(world, owned_event)
    for body, field in (
        ({"Attribute": [{"type": "filename", "value": "a.exe", "object_relation": "filename"}]}, "name"),
        ({"name": "file", "Attribute": [{"type": "md5", "value": "abc", "object_relation": "md5"}]}, "value"),
        ({"name": "file", "Attribute": [{"type": "no-such-type", "value": "x", "object_relation": "x"}]}, "type"),
        ({"name": "file", "distribution": 11,
          "Attribute": [{"type": "filename", "value": "a.exe", "object_relation": "filename"}]}, "distribution"),
        ({"name": "file", "Attribute": [{"type": "filename", "value": "a.exe", "object_relation": "filename"},
                                        {"type": "ip-dst", "value": "999.1.1.1", "object_relation": "ip"}]}, "value"),
    ):
        r = raw("POST", f"objects/add/{owned_event.id}", key=key, body=body)
        _assert_refused(r, field)
    assert _attribute_values(world, owned_event) == before
    assert world.admin.get_event(owned_event.id, deleted=[0, 1], pythonify=True).objects == []


def test_bad_event_edit(world, owned_event):
    key = world.a_user.key
    for body, field in (
        ({"distribution": 9}, "distribution"),
        ({"info": "x" * 70000}, "info"),
        ({"Attribute": [{"type": "ip-dst", "value": "999.1.1.1"}]}, "value"),
        ({"info": "changed", "Attribute": [{"type": "text", "value": "new"}, {"type": "md5", "value": "abc"}]}, "value"),
    ):
        r = raw("POST", f"events/edit/{owned_event.id}", key=key, body=body)
        _assert_refused(r, field)
    got = world.a_user.misp.get_event(owned_event.id, pythonify=True)
    assert got.info == owned_event.info and got.distribution == 1
    assert [a.value for a in got.attributes] == [a.value for a in owned_event.attributes]


def test_body_over_the_limit(world, sfx):
    # Default limit: 64 MiB; send 65 MiB.
    marker = f"huge body {sfx}"
    big = b'{"info": "' + marker.encode() + b'", "comment": "' + b"x" * (65 * 1024 * 1024) + b'"}'
    r = raw("POST", "events/add", key=world.a_user.key, data=big)
    assert r.status_code == 413, r.status_code
    _assert_refused(r, "limit")
    _nothing_written(world, marker)
