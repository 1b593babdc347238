"""restSearch parameters and return formats on a fixed data set.

Three events (all distribution 1, so every organisation sees them):

  one   (org A, published)   date 2024-01-10, timestamp now-10d, event tag T1
        ip-dst 198.51.100.1 (to_ids, tag TA), domain one-<sfx>.example.com (to_ids),
        text "rs-<sfx> note one" (not to_ids)
  two   (org A, unpublished) date 2024-02-20, tags T1+T2; attributes timestamped now-2h:
        ip-src 198.51.100.2 (to_ids, tag TB), domain two-<sfx>.example.com (not to_ids), md5;
        plus a text attribute soft-deleted by the test set-up (so the event timestamp is now)
  three (org B, unpublished) date 2024-03-30, timestamp now-3d, event tag T2
        ip-dst 198.51.100.3, file object with filename three-<sfx>.exe

Every search is scoped to these events with `eventid` (or `uuid`) so that
other data on the server does not matter.
"""

import json
import time

import pytest
from pymisp import MISPEvent, MISPObject, MISPTag

from compat_helpers import csv_rows, no_errors, raw, suffix
from conftest import Cleanup

MD5 = "9e107d9d372bb6826bd81d3542a419d6"
DEFAULT_CSV = ("uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,"
               "object_uuid,object_name,object_meta_category")
CONTEXT_CSV = ("event_info,event_member_org,event_source_org,event_distribution,event_threat_level_id,"
               "event_analysis,event_date,event_tag,event_timestamp")


class Data:
    pass


@pytest.fixture(scope="module")
def d(world):
    admin = world.admin
    c = Cleanup(admin)
    s = suffix()
    x = Data()
    x.sfx = s
    x.now = int(time.time())
    try:
        x.tags = {}
        for k in ("T1", "T2", "TA", "TB"):
            t = MISPTag()
            t.name = f"compat:rs-{k.lower()}-{s}"
            x.tags[k] = c.tag(no_errors(admin.add_tag(t, pythonify=True)))
        T = {k: v.name for k, v in x.tags.items()}

        def stamp(ev, ts):
            body = json.loads(ev.to_json())
            body["timestamp"] = str(ts)
            for a in body.get("Attribute", []):
                a["timestamp"] = str(ts)
            for o in body.get("Object", []):
                o["timestamp"] = str(ts)
                for a in o.get("Attribute", []):
                    a["timestamp"] = str(ts)
            return body

        e1 = MISPEvent()
        e1.info = f"rs-{s}-one"
        e1.distribution = 1
        e1.set_date("2024-01-10")
        e1.add_tag(T["T1"])
        a1 = e1.add_attribute("ip-dst", "198.51.100.1", to_ids=True)
        a1.add_tag(T["TA"])
        e1.add_attribute("domain", f"one-{s}.example.com", to_ids=True)
        e1.add_attribute("text", f"rs-{s} note one", to_ids=False)
        e1.publish()
        x.e1 = c.event(no_errors(world.a_pub.misp.add_event(stamp(e1, x.now - 10 * 86400), pythonify=True)))

        e2 = MISPEvent()
        e2.info = f"rs-{s}-two"
        e2.distribution = 1
        e2.set_date("2024-02-20")
        e2.add_tag(T["T1"])
        e2.add_tag(T["T2"])
        b1 = e2.add_attribute("ip-src", "198.51.100.2", to_ids=True)
        b1.add_tag(T["TB"])
        e2.add_attribute("domain", f"two-{s}.example.com", to_ids=False)
        e2.add_attribute("md5", MD5)
        x.e2 = c.event(no_errors(world.a_user.misp.add_event(stamp(e2, x.now - 7200), pythonify=True)))
        x.deleted = no_errors(world.a_user.misp.add_attribute(
            x.e2, {"type": "text", "value": f"deleted-{s}", "category": "Internal reference"}, pythonify=True))
        assert no_errors(world.a_user.misp.delete_attribute(x.deleted))["message"] == "Attribute deleted."

        e3 = MISPEvent()
        e3.info = f"rs-{s}-three"
        e3.distribution = 1
        e3.set_date("2024-03-30")
        e3.add_tag(T["T2"])
        e3.add_attribute("ip-dst", "198.51.100.3")
        f = MISPObject("file")
        f.add_attribute("filename", value=f"three-{s}.exe")
        e3.add_object(f)
        x.e3 = c.event(no_errors(world.b_user.misp.add_event(stamp(e3, x.now - 3 * 86400), pythonify=True)))
        x.T = T
        x.ids = [int(x.e1.id), int(x.e2.id), int(x.e3.id)]
        x.names = {x.e1.uuid: "one", x.e2.uuid: "two", x.e3.uuid: "three"}
        x.v = {
            "a1": "198.51.100.1", "a2": f"one-{s}.example.com", "a3": f"rs-{s} note one",
            "b1": "198.51.100.2", "b2": f"two-{s}.example.com", "b3": MD5, "b4": f"deleted-{s}",
            "c1": "198.51.100.3", "c2": f"three-{s}.exe",
        }
        x.world = world
        yield x
    finally:
        problems = c.run()
        assert not problems, problems


def events(d, who=None, **kw):
    misp = (who or d.world.c_user).misp
    kw.setdefault("eventid", d.ids)
    r = no_errors(misp.search(controller="events", pythonify=True, **kw), f"events/restSearch {kw}")
    assert isinstance(r, list), r
    names = [d.names.get(e.uuid, e.uuid) for e in r]
    assert len(names) == len(set(names)), names
    return set(names)


def attrs(d, who=None, **kw):
    misp = (who or d.world.c_user).misp
    kw.setdefault("eventid", d.ids)
    r = no_errors(misp.search(controller="attributes", pythonify=True, **kw), f"attributes/restSearch {kw}")
    assert isinstance(r, list), r
    back = {v: k for k, v in d.v.items()}
    out = [back.get(a.value, a.value) for a in r]
    assert len(out) == len(set(out)), out
    return set(out)


def test_value_exact(d):
    assert events(d, value="198.51.100.1") == {"one"}
    assert attrs(d, value="198.51.100.1") == {"a1"}
    assert attrs(d, value=["198.51.100.1", "198.51.100.3"]) == {"a1", "c1"}
    assert events(d, value="198.51.100") == set()
    # Object attributes count too.
    assert events(d, value=d.v["c2"]) == {"three"}


def test_value_wildcard(d):
    s = d.sfx
    assert events(d, value=f"%{s}.example.com") == {"one", "two"}
    assert attrs(d, value=f"%{s}.example.com") == {"a2", "b2"}
    assert attrs(d, value=f"rs-{s} note%") == {"a3"}
    assert attrs(d, value="%51.100.%") == {"a1", "b1", "c1"}
    assert attrs(d, value=f"three-{s}%") == {"c2"}


def test_type(d):
    assert events(d, type_attribute="ip-src") == {"two"}
    assert events(d, type_attribute=["ip-src", "md5"]) == {"two"}
    assert events(d, type_attribute="domain") == {"one", "two"}
    assert attrs(d, type_attribute="domain") == {"a2", "b2"}
    assert attrs(d, type_attribute=["ip-dst", "filename"]) == {"a1", "c1", "c2"}
    # The event scope returns whole events, not just the matching attributes.
    r = d.world.c_user.misp.search(controller="events", eventid=d.ids, type_attribute="md5", pythonify=True)
    assert [len(e.attributes) for e in r] == [3]


def test_category(d):
    assert events(d, category="Payload delivery") == {"two", "three"}
    assert attrs(d, category="Payload delivery") == {"b3", "c2"}
    assert attrs(d, category="Other") == {"a3"}
    assert events(d, category="Other") == {"one"}


def test_org(d):
    w = d.world
    a, b = w.orgs["A"], w.orgs["B"]
    for org in (a.id, a.name, a.uuid):
        assert events(d, org=org) == {"one", "two"}, org
    for org in (b.id, b.name, b.uuid):
        assert events(d, org=org) == {"three"}, org
        assert attrs(d, org=org) == {"c1", "c2"}, org
    assert events(d, org=w.orgs["C"].id) == set()


def test_tags(d):
    T = d.T
    misp = d.world.c_user.misp
    assert events(d, tags=[T["T1"]]) == {"one", "two"}
    assert events(d, tags=T["T2"]) == {"two", "three"}
    assert events(d, tags=[T["T1"], T["T2"]]) == {"one", "two", "three"}
    assert events(d, tags=["!" + T["T1"]]) == {"three"}
    # An attribute tag selects its event.
    assert events(d, tags=[T["TA"]]) == {"one"}
    assert events(d, tags=misp.build_complex_query(and_parameters=[T["T1"], T["T2"]])) == {"two"}
    assert events(d, tags=misp.build_complex_query(or_parameters=[T["T1"]], not_parameters=[T["T2"]])) == {"one"}
    assert events(d, tags=misp.build_complex_query(and_parameters=[T["T1"], f"compat:absent-{d.sfx}"])) == set()
    assert events(d, tags=[f"compat:absent-{d.sfx}"]) == set()
    # Attribute scope: the attribute's own tags or its event's.
    assert attrs(d, tags=[T["TA"]]) == {"a1"}
    assert attrs(d, tags=[T["TB"]]) == {"b1"}
    assert attrs(d, tags=[T["T2"]]) == {"b1", "b2", "b3", "c1", "c2"}
    assert attrs(d, tags=["!" + T["T1"]]) == {"c1", "c2"}
    assert attrs(d, tags=misp.build_complex_query(and_parameters=[T["T1"], f"compat:absent-{d.sfx}"])) == set()
    assert attrs(d, tags=misp.build_complex_query(and_parameters=[T["T1"], T["TA"]])) == {"a1"}


def test_eventid(d):
    assert events(d, eventid=d.e1.id) == {"one"}
    assert events(d, eventid=[d.e1.id, d.e3.id]) == {"one", "three"}
    assert events(d, eventid=d.e2.uuid) == {"two"}
    assert attrs(d, eventid=d.e3.id) == {"c1", "c2"}
    # "!" excludes; scoped by the unique values instead of eventid.
    assert events(d, eventid="!" + str(d.e1.id), value=f"%{d.sfx}.example.com") == {"two"}


def test_uuid(d):
    misp = d.world.c_user.misp
    r = misp.search(controller="events", uuid=d.e2.uuid, pythonify=True)
    assert [e.uuid for e in r] == [d.e2.uuid]
    c1 = next(a for a in d.e3.attributes if a.value == "198.51.100.3")
    r = misp.search(controller="events", uuid=c1.uuid, pythonify=True)
    assert [e.uuid for e in r] == [d.e3.uuid]
    a2 = next(a for a in d.e1.attributes if a.type == "domain")
    r = misp.search(controller="attributes", uuid=a2.uuid, pythonify=True)
    assert [a.uuid for a in r] == [a2.uuid]
    assert r[0].value == d.v["a2"]


def test_from_to(d):
    assert events(d, date_from="2024-02-01") == {"two", "three"}
    assert events(d, date_to="2024-02-01") == {"one"}
    assert events(d, date_from="2024-02-01", date_to="2024-03-01") == {"two"}
    assert events(d, date_from="2024-01-10", date_to="2024-01-10") == {"one"}
    assert attrs(d, date_from="2024-03-01") == {"c1", "c2"}


def test_timestamp_event_scope(d):
    now = d.now
    assert events(d, timestamp=now - 4 * 86400) == {"two", "three"}
    assert events(d, timestamp="5d") == {"two", "three"}
    assert events(d, timestamp="80h") == {"two", "three"}
    assert events(d, timestamp="70h") == {"two"}
    assert events(d, timestamp="1h") == {"two"}
    assert events(d, timestamp=(now - 11 * 86400, now - 9 * 86400)) == {"one"}
    assert events(d, timestamp=("11d", "9d")) == {"one"}
    assert events(d, timestamp=now + 3600) == set()


def test_timestamp_attribute_scope(d):
    # Attribute scope uses the attributes' own timestamps.
    now = d.now
    assert attrs(d, timestamp="3h") == {"b1", "b2", "b3"}
    assert attrs(d, timestamp="1h") == set()
    assert attrs(d, timestamp="1h", deleted=[0, 1], who=d.world.a_user) == {"b4"}
    assert attrs(d, timestamp=("11d", "9d")) == {"a1", "a2", "a3"}
    assert attrs(d, timestamp=(now - 4 * 86400, now - 2 * 86400)) == {"c1", "c2"}


def test_publish_timestamp_last_published(d):
    now = int(time.time())
    assert events(d, published=True) == {"one"}
    assert events(d, published=False) == {"two", "three"}
    assert attrs(d, published=True) == {"a1", "a2", "a3"}
    assert events(d, last="1h") == {"one"}
    assert events(d, publish_timestamp="1h") == {"one"}
    assert events(d, publish_timestamp=(now - 3600, now + 60)) == {"one"}
    assert events(d, publish_timestamp=now + 3600) == set()
    assert events(d, publish_timestamp="5x") == set()
    assert attrs(d, last="1h") == {"a1", "a2", "a3"}


def test_to_ids(d):
    assert attrs(d, eventid=d.e1.id, to_ids=True) == {"a1", "a2"}
    assert attrs(d, eventid=d.e1.id, to_ids=False) == {"a3"}
    assert attrs(d, eventid=d.e2.id, to_ids=0) == {"b2"}
    r = d.world.c_user.misp.search(controller="events", eventid=d.e1.id, to_ids=True, pythonify=True)
    assert len(r) == 1
    assert sorted(a.value for a in r[0].attributes) == sorted([d.v["a1"], d.v["a2"]])


def test_deleted(d):
    owner = d.world.a_user
    assert attrs(d, eventid=d.e2.id, who=owner) == {"b1", "b2", "b3"}
    assert attrs(d, eventid=d.e2.id, who=owner, deleted=0) == {"b1", "b2", "b3"}
    assert attrs(d, eventid=d.e2.id, who=owner, deleted=1) == {"b4"}
    assert attrs(d, eventid=d.e2.id, who=owner, deleted=[0, 1]) == {"b1", "b2", "b3", "b4"}

    def event_values(who, **kw):
        r = who.misp.search(controller="events", eventid=d.e2.id, pythonify=True, **kw)
        assert len(r) == 1, r
        return {a.value: a.deleted for a in r[0].attributes}

    assert event_values(owner) == {d.v["b1"]: False, d.v["b2"]: False, d.v["b3"]: False}
    assert event_values(owner, deleted=[0, 1]) == {d.v["b1"]: False, d.v["b2"]: False, d.v["b3"]: False,
                                                   d.v["b4"]: True}
    # Other organisations never see deleted data.
    assert event_values(d.world.c_user, deleted=[0, 1]) == {d.v["b1"]: False, d.v["b2"]: False, d.v["b3"]: False}


def test_limit_page(d):
    misp = d.world.c_user.misp

    def page(controller, **kw):
        r = misp.search(controller=controller, eventid=d.ids, pythonify=True, **kw)
        return [x.uuid for x in r]

    assert page("events", limit=2, page=1) == [d.e1.uuid, d.e2.uuid]
    assert page("events", limit=2, page=2) == [d.e3.uuid]
    assert page("events", limit=2, page=3) == []
    assert page("events", limit=1, page=3) == [d.e3.uuid]
    all_attrs = page("attributes")
    assert len(all_attrs) == 8
    pages = [page("attributes", limit=3, page=n) for n in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [3, 3, 2, 0]
    assert sum(pages, []) == all_attrs


def test_include_event_tags(d):
    misp = d.world.c_user.misp
    a2 = misp.search(controller="attributes", eventid=d.e1.id, type_attribute="domain", pythonify=True)
    assert len(a2) == 1 and a2[0].tags == []
    a2 = misp.search(controller="attributes", eventid=d.e1.id, type_attribute="domain", include_event_tags=True,
                     pythonify=True)
    assert [t.name for t in a2[0].tags] == [d.T["T1"]]
    a1 = misp.search(controller="attributes", eventid=d.e1.id, type_attribute="ip-dst", include_event_tags=True,
                     pythonify=True)
    assert sorted(t.name for t in a1[0].tags) == sorted([d.T["TA"], d.T["T1"]])
    a1 = misp.search(controller="attributes", eventid=d.e1.id, type_attribute="ip-dst", pythonify=True)
    assert [t.name for t in a1[0].tags] == [d.T["TA"]]


def _csv(d, controller="attributes", **kw):
    kw.setdefault("eventid", d.e1.id)
    text = d.world.c_user.misp.search(controller=controller, return_format="csv", **kw)
    assert isinstance(text, str), text
    return text


def test_csv(d):
    text = _csv(d)
    lines = text.strip("\n").split("\n")
    assert lines[0] == DEFAULT_CSV
    rows = csv_rows(text)
    assert sorted(r["value"] for r in rows) == sorted([d.v["a1"], d.v["a2"], d.v["a3"]])
    assert {r["uuid"] for r in rows} == {a.uuid for a in d.e1.attributes}
    r1 = next(r for r in rows if r["value"] == d.v["a1"])
    assert r1["event_id"] == str(d.e1.id) and r1["type"] == "ip-dst" and r1["category"] == "Network activity"
    assert r1["to_ids"] == "1" and r1["attribute_tag"] == d.T["TA"]
    assert next(r for r in rows if r["value"] == d.v["a3"])["to_ids"] == "0"

    headerless = _csv(d, headerless=True)
    hl = [x for x in headerless.split("\n") if x]
    assert len(hl) == 3 and not hl[0].startswith("uuid,")

    ctx = _csv(d, include_context=True)
    assert ctx.split("\n", 1)[0] == DEFAULT_CSV + "," + CONTEXT_CSV
    rows = csv_rows(ctx)
    assert {r["event_info"] for r in rows} == {f"rs-{d.sfx}-one"}
    assert {r["event_source_org"] for r in rows} == {d.world.orgs["A"].name}
    assert {r["event_tag"] for r in rows} == {d.T["T1"]}

    req = _csv(d, requested_attributes=["value", "type"])
    assert req.split("\n", 1)[0] == "value,type"
    assert sorted(tuple(r.values()) for r in csv_rows(req)) == sorted(
        [(d.v["a1"], "ip-dst"), (d.v["a2"], "domain"), (d.v["a3"], "text")])

    # Event scope: object attributes carry their object's columns.
    ev = _csv(d, controller="events", eventid=d.e3.id)
    rows = csv_rows(ev)
    assert sorted(r["value"] for r in rows) == sorted([d.v["c1"], d.v["c2"]])
    fr = next(r for r in rows if r["value"] == d.v["c2"])
    assert fr["object_name"] == "file" and fr["object_relation"] == "filename"
    assert fr["object_uuid"] == d.e3.objects[0].uuid and fr["object_meta_category"] == "file"

    # No rows: header only.
    empty = _csv(d, value=f"nothing-{d.sfx}")
    assert empty.strip("\n") == DEFAULT_CSV


def test_text(d):
    misp = d.world.c_user.misp
    # Text is restrictive: only published events and to_ids attributes.
    text = misp.search(controller="attributes", return_format="text", eventid=d.ids)
    assert isinstance(text, str)
    assert set(x for x in text.split("\n") if x) == {d.v["a1"], d.v["a2"]}
    text = misp.search(controller="events", return_format="text", eventid=d.ids)
    assert set(x for x in text.split("\n") if x) == {d.v["a1"], d.v["a2"]}
    text = misp.search(controller="attributes", return_format="text", eventid=d.ids, type_attribute="domain")
    assert text.strip() == d.v["a2"]


def test_json_shapes_and_result_count(d):
    key = d.world.c_user.key
    r = raw("POST", "attributes/restSearch", key=key, body={"returnFormat": "json", "eventid": d.ids})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"response"} and set(body["response"]) >= {"Attribute"}
    assert len(body["response"]["Attribute"]) == 8
    assert r.headers.get("X-Result-Count") == "8"
    one = next(a for a in body["response"]["Attribute"] if a["value"] == d.v["a1"])
    assert one["Event"]["info"] == f"rs-{d.sfx}-one" and one["Event"]["uuid"] == d.e1.uuid
    assert one["to_ids"] is True and one["deleted"] is False and one["event_id"] == str(d.e1.id)
    r = raw("POST", "events/restSearch", key=key, body={"returnFormat": "json", "eventid": d.ids})
    assert r.headers.get("X-Result-Count") == "3"
    assert [e["Event"]["uuid"] for e in r.json()["response"]] == [d.e1.uuid, d.e2.uuid, d.e3.uuid]
    # Empty answers.
    assert d.world.c_user.misp.search(controller="attributes", value=f"nothing-{d.sfx}") == {"Attribute": []}
    # A GET without parameters is refused.
    r = raw("GET", "events/restSearch", key=key)
    assert r.status_code == 400 and r.json().get("message")
    r = raw("POST", "events/restSearch", key=key, body={"returnFormat": "no-such-format", "eventid": d.ids})
    assert 400 <= r.status_code < 500, r.text
    assert "returnFormat" in r.text
