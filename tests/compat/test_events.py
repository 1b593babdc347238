"""events: add (nested), view, HEAD, edit, delete, publish, unpublish, index, restSearch."""

import json
import time
import uuid as uuidlib

from pymisp import MISPEvent, MISPObject, MISPTag

from compat_helpers import errors_of, no_errors, raw


def make_tag(admin, cleanup, name):
    t = MISPTag()
    t.name = name
    created = no_errors(admin.add_tag(t, pythonify=True), "tags/add")
    cleanup.tag(created)
    return created


def nested_event(sfx, event_tag=None, attr_tag=None):
    ev = MISPEvent()
    ev.info = f"nested event {sfx}"
    ev.distribution = 1
    ev.threat_level_id = 2
    ev.analysis = 1
    ev.set_date("2024-03-05")
    if event_tag:
        ev.add_tag(event_tag)
    ip = ev.add_attribute("ip-dst", "198.51.100.7", comment="c2 server", to_ids=True)
    if attr_tag:
        ip.add_tag(attr_tag)
    ev.add_attribute("text", f"free text {sfx}", to_ids=False)
    f = MISPObject("file")
    f.add_attribute("filename", value=f"dropper-{sfx}.exe")
    f.add_attribute("md5", value="0123456789abcdef0123456789abcdef")
    d = MISPObject("domain-ip")
    d.add_attribute("domain", value=f"c2-{sfx}.example.com")
    d.add_attribute("ip", value="198.51.100.8")
    f.add_reference(ip.uuid, "connects-to")
    f.add_reference(d.uuid, "related-to", comment="same campaign")
    ev.add_object(f)
    ev.add_object(d)
    return ev, ip, f, d


def test_add_nested_event(world, cleanup, sfx):
    event_tag = make_tag(world.admin, cleanup, f"compat:event-{sfx}")
    attr_tag = make_tag(world.admin, cleanup, f"compat:attr-{sfx}")
    ev, ip, f, d = nested_event(sfx, event_tag.name, attr_tag.name)
    p = world.a_user
    created = no_errors(p.misp.add_event(ev, pythonify=True), "events/add")
    cleanup.event(created)

    assert created.uuid == ev.uuid
    assert created.info == f"nested event {sfx}"
    assert created.distribution == 1
    assert int(created.threat_level_id) == 2
    assert int(created.analysis) == 1
    assert created.date.isoformat() == "2024-03-05"
    assert created.published is False
    assert int(created.org_id) == p.org_id and int(created.orgc_id) == p.org_id
    assert created.Orgc["name"] == p.org.name
    assert int(created.attribute_count) == 6
    assert [t.name for t in created.tags] == [event_tag.name]

    assert sorted(a.value for a in created.attributes) == sorted(["198.51.100.7", f"free text {sfx}"])
    cip = next(a for a in created.attributes if a.uuid == ip.uuid)
    assert cip.type == "ip-dst" and cip.category == "Network activity"
    assert cip.to_ids is True and cip.comment == "c2 server"
    assert cip.distribution == 5
    assert [t.name for t in cip.tags] == [attr_tag.name]
    assert int(cip.event_id) == int(created.id)

    assert sorted(o.name for o in created.objects) == ["domain-ip", "file"]
    cf = next(o for o in created.objects if o.uuid == f.uuid)
    cd = next(o for o in created.objects if o.uuid == d.uuid)
    assert {a.object_relation: a.value for a in cf.attributes} == {
        "filename": f"dropper-{sfx}.exe",
        "md5": "0123456789abcdef0123456789abcdef",
    }
    assert {a.object_relation: a.value for a in cd.attributes} == {
        "domain": f"c2-{sfx}.example.com",
        "ip": "198.51.100.8",
    }
    for a in cf.attributes:
        assert int(a.object_id) == int(cf.id)
    refs = {(r.referenced_uuid, r.relationship_type) for r in cf.references}
    assert refs == {(ip.uuid, "connects-to"), (d.uuid, "related-to")}
    assert next(r for r in cf.references if r.referenced_uuid == d.uuid).comment == "same campaign"


def test_view_by_id_and_uuid_and_head(world, cleanup, sfx):
    event_tag = make_tag(world.admin, cleanup, f"compat:view-{sfx}")
    ev, ip, f, d = nested_event(sfx, event_tag.name, event_tag.name)
    p = world.a_user
    created = cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True)))
    by_id = no_errors(p.misp.get_event(int(created.id), pythonify=True))
    by_uuid = no_errors(p.misp.get_event(created.uuid, pythonify=True))
    for got in (by_id, by_uuid):
        assert got.uuid == created.uuid and got.id == created.id
        assert got.info == created.info
        assert {a.uuid for a in got.attributes} == {a.uuid for a in created.attributes}
        assert {o.uuid for o in got.objects} == {f.uuid, d.uuid}
        assert [t.name for t in got.tags] == [event_tag.name]
    # Upper-case uuids are accepted too.
    assert no_errors(p.misp.get_event(created.uuid.upper(), pythonify=True)).id == created.id

    assert p.misp.event_exists(created.uuid) is True
    assert p.misp.event_exists(int(created.id)) is True
    assert p.misp.event_exists(str(uuidlib.uuid4())) is False
    r = raw("HEAD", f"events/view/{created.id}", key=p.key)
    assert r.status_code == 200 and r.content == b""

    errors_of(p.misp.get_event(str(uuidlib.uuid4())), 404)
    errors_of(p.misp.get_event(0), 404)
    errors_of(p.misp.get_event(99999999), 404)


def test_add_with_existing_uuid_is_refused(world, cleanup, sfx):
    ev = MISPEvent()
    ev.info = f"duplicate uuid {sfx}"
    ev.add_attribute("text", "x")
    p = world.a_user
    created = cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True)))
    again = MISPEvent()
    again.info = f"duplicate uuid again {sfx}"
    again.uuid = created.uuid
    again.add_attribute("text", "y")
    r = raw("POST", "events/add", key=p.key, body=json.loads(again.to_json()))
    assert r.status_code == 404, r.text
    assert "already exists" in r.json()["message"]
    # MISP sends <baseurl>/events/<id>; its own sync client only reads the last path segment.
    assert r.headers.get("Location", "").rstrip("/").split("/")[-1] == str(created.id), r.headers
    # The stored event is unchanged.
    got = p.misp.get_event(created.uuid, pythonify=True)
    assert got.info == f"duplicate uuid {sfx}"
    assert [a.value for a in got.attributes] == ["x"]


def test_edit_metadata(world, cleanup, sfx):
    p = world.a_user
    ev = MISPEvent()
    ev.info = f"before edit {sfx}"
    ev.distribution = 0
    ev.threat_level_id = 4
    ev.analysis = 0
    ev.add_attribute("text", f"meta-{sfx}")
    created = cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True)))
    created.info = f"after edit {sfx}"
    created.threat_level_id = 1
    created.analysis = 2
    created.distribution = 2
    created.set_date("2023-01-02")
    edited = no_errors(p.misp.update_event(created, pythonify=True), "events/edit")
    assert edited.info == f"after edit {sfx}"
    assert int(edited.threat_level_id) == 1
    assert int(edited.analysis) == 2
    assert edited.distribution == 2
    assert edited.date.isoformat() == "2023-01-02"
    assert [a.value for a in edited.attributes] == [f"meta-{sfx}"]
    # A partial body only changes what it names.
    partial = no_errors(p.misp.update_event({"info": f"partial {sfx}"}, event_id=created.id, pythonify=True))
    assert partial.info == f"partial {sfx}"
    assert int(partial.threat_level_id) == 1 and partial.distribution == 2
    # /metadata:1 answers without attributes.
    meta = no_errors(p.misp.update_event({"analysis": "1"}, event_id=created.uuid, metadata=True, pythonify=True))
    assert int(meta.analysis) == 1 and meta.attributes == []
    view = p.misp.get_event(created.id, pythonify=True)
    assert view.info == f"partial {sfx}" and int(view.analysis) == 1
    assert [a.value for a in view.attributes] == [f"meta-{sfx}"]


def test_edit_with_stale_timestamp_is_refused(world, cleanup, sfx):
    p = world.a_user
    ev = MISPEvent()
    ev.info = f"stale {sfx}"
    ev.add_attribute("text", "v")
    body = json.loads(ev.to_json())
    body["timestamp"] = str(int(time.time()) - 100)
    created = cleanup.event(no_errors(p.misp.add_event(body, pythonify=True)))
    r = p.misp.update_event({"info": f"stale edit {sfx}", "timestamp": str(int(created.timestamp.timestamp()))},
                            event_id=created.id)
    body = errors_of(r, 403)
    assert "not newer" in str(body)
    assert p.misp.get_event(created.id, pythonify=True).info == f"stale {sfx}"


def test_edit_nested(world, cleanup, sfx):
    p = world.a_user
    ev, ip, f, d = nested_event(sfx)
    created = cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True)))
    # Change a top-level attribute, add one, change an object attribute, add one to
    # an object, soft-delete another object attribute.
    cip = next(a for a in created.attributes if a.uuid == ip.uuid)
    cip.comment = "edited comment"
    new_attr = created.add_attribute("domain", f"new-{sfx}.example.org")
    cf = next(o for o in created.objects if o.uuid == f.uuid)
    fname = next(a for a in cf.attributes if a.object_relation == "filename")
    fname.value = f"renamed-{sfx}.exe"
    md5 = next(a for a in cf.attributes if a.object_relation == "md5")
    md5.delete()
    added = cf.add_attribute("size-in-bytes", value=4242)
    edited = no_errors(p.misp.update_event(created, pythonify=True), "events/edit")

    eip = next(a for a in edited.attributes if a.uuid == ip.uuid)
    assert eip.comment == "edited comment"
    assert eip.value == "198.51.100.7"
    assert any(a.uuid == new_attr.uuid and a.value == f"new-{sfx}.example.org" for a in edited.attributes)
    assert len(edited.attributes) == 3
    ef = next(o for o in edited.objects if o.uuid == f.uuid)
    values = {a.object_relation: a.value for a in ef.attributes}
    assert values == {"filename": f"renamed-{sfx}.exe", "size-in-bytes": "4242"}
    assert added.uuid in {a.uuid for a in ef.attributes}
    # The soft-deleted attribute is still there for the owner when asked for.
    with_deleted = p.misp.get_event(created.id, deleted=[0, 1], pythonify=True)
    wf = next(o for o in with_deleted.objects if o.uuid == f.uuid)
    gone = next(a for a in wf.attributes if a.uuid == md5.uuid)
    assert gone.deleted is True
    # The untouched domain-ip object is unchanged.
    ed = next(o for o in edited.objects if o.uuid == d.uuid)
    assert {a.value for a in ed.attributes} == {f"c2-{sfx}.example.com", "198.51.100.8"}


def test_delete_event(world, cleanup, sfx):
    p = world.a_user
    ev = MISPEvent()
    ev.info = f"to delete {sfx}"
    a = ev.add_attribute("text", f"del-{sfx}")
    o = MISPObject("file")
    o.add_attribute("filename", value="x.exe")
    ev.add_object(o)
    created = cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True)))
    r = p.misp.delete_event(created.uuid)
    assert r["message"] == "Event deleted.", r
    assert r.get("saved") is True and r.get("success") is True
    errors_of(p.misp.get_event(created.id), 404)
    assert p.misp.event_exists(created.uuid) is False
    assert world.admin.event_exists(created.id) is False
    assert p.misp.attribute_exists(a.uuid) is False
    assert p.misp.object_exists(o.uuid) is False
    # Deleting again is an error with a JSON body.
    body = errors_of(p.misp.delete_event(created.id), 403)
    assert body["message"] == "Could not delete Event"
    assert "not deleted" in str(body["errors"])


def test_publish_and_unpublish(world, cleanup, sfx):
    pub = world.a_pub
    ev = MISPEvent()
    ev.info = f"publish {sfx}"
    ev.add_attribute("ip-dst", "203.0.113.9")
    created = cleanup.event(no_errors(pub.misp.add_event(ev, pythonify=True)))
    assert created.published is False
    assert int(created.publish_timestamp.timestamp()) == 0

    # A plain user may not publish.
    body = errors_of(world.a_user.misp.publish(created), 403)
    assert body["message"] == "You do not have permission to use this functionality."
    assert world.a_user.misp.get_event(created.id, pythonify=True).published is False

    before = int(time.time())
    r = no_errors(pub.misp.publish(created))
    assert r["message"] in ("Job queued", "Event published without alerts"), r
    got = pub.misp.get_event(created.id, pythonify=True)
    assert got.published is True
    assert int(got.publish_timestamp.timestamp()) >= before - 1

    r = no_errors(pub.misp.unpublish(created))
    assert r["message"] == "Event unpublished.", r
    got = pub.misp.get_event(created.id, pythonify=True)
    assert got.published is False


def test_add_published_needs_publish_permission(world, cleanup, sfx):
    ev = MISPEvent()
    ev.info = f"published on add {sfx}"
    ev.add_attribute("text", "p")
    ev.publish()
    as_user = cleanup.event(no_errors(world.a_user.misp.add_event(ev, pythonify=True)))
    assert as_user.published is False
    ev2 = MISPEvent()
    ev2.info = f"published on add by publisher {sfx}"
    ev2.add_attribute("text", "p")
    ev2.publish()
    as_pub = cleanup.event(no_errors(world.a_pub.misp.add_event(ev2, pythonify=True)))
    assert as_pub.published is True
    assert int(as_pub.publish_timestamp.timestamp()) > 0


def _index_events(world, cleanup, sfx, tag):
    now = int(time.time())
    made = {}
    for i, name in enumerate(("alpha", "beta", "gamma")):
        ev = MISPEvent()
        ev.info = f"idx-{sfx}-{name}"
        ev.distribution = 1
        ev.add_attribute("text", f"idx-{sfx}-{name}")
        if name == "beta":
            ev.add_tag(tag)
        body = json.loads(ev.to_json())
        body["timestamp"] = str(now - 300 + 100 * i)
        made[name] = cleanup.event(no_errors(world.a_user.misp.add_event(body, pythonify=True)))
    return now, made


def test_index_filters(world, cleanup, sfx):
    tag = make_tag(world.admin, cleanup, f"compat:idx-{sfx}")
    now, made = _index_events(world, cleanup, sfx, tag.name)
    viewer = world.b_user.misp

    def infos(**kw):
        rows = no_errors(viewer.search_index(eventinfo=f"idx-{sfx}", **kw))
        assert isinstance(rows, list), rows
        return sorted(r["info"] for r in rows)

    everything = [f"idx-{sfx}-alpha", f"idx-{sfx}-beta", f"idx-{sfx}-gamma"]
    assert infos() == everything
    rows = viewer.search_index(eventinfo=f"idx-{sfx}-beta")
    assert [r["uuid"] for r in rows] == [made["beta"].uuid]
    row = rows[0]
    assert "Attribute" not in row and row["Org"]["name"] == world.a_user.org.name
    assert row["Orgc"]["uuid"] == world.a_user.org.uuid
    assert [et["Tag"]["name"] for et in row["EventTag"]] == [tag.name]
    # eventinfo is a case-insensitive substring.
    assert sorted(r["info"] for r in viewer.search_index(eventinfo=f"IDX-{sfx}-GAM".upper())) == [f"idx-{sfx}-gamma"]

    a = world.a_user.org
    for org in (a.id, a.name, a.uuid):
        assert infos(org=org) == everything, org
    assert infos(org=world.b_user.org.id) == []
    assert infos(tags=[tag.name]) == [f"idx-{sfx}-beta"]
    assert infos(timestamp=now - 150) == [f"idx-{sfx}-gamma"]
    assert infos(timestamp=(now - 250, now - 150)) == [f"idx-{sfx}-beta"]
    assert infos(timestamp="1h") == everything
    assert infos(eventid=made["alpha"].id) == [f"idx-{sfx}-alpha"]
    assert infos(published=True) == []


def test_index_sort_limit_page_and_result_count(world, cleanup, sfx):
    tag = make_tag(world.admin, cleanup, f"compat:idx2-{sfx}")
    now, made = _index_events(world, cleanup, sfx, tag.name)
    viewer = world.c_user.misp

    def first(**kw):
        rows = no_errors(viewer.search_index(eventinfo=f"idx-{sfx}", **kw))
        return [r["info"] for r in rows]

    assert first(sort="info", desc=True, limit=1) == [f"idx-{sfx}-gamma"]
    assert first(sort="info", desc=False, limit=1) == [f"idx-{sfx}-alpha"]
    assert first(sort="timestamp", desc=True, limit=2) == [f"idx-{sfx}-gamma", f"idx-{sfx}-beta"]
    assert first(sort="id", limit=1, page=2) == [f"idx-{sfx}-beta"]
    assert first(sort="id", limit=2, page=2) == [f"idx-{sfx}-gamma"]
    assert first(sort="id", limit=2, page=3) == []

    r = raw("POST", "events/index", key=world.c_user.key, body={"eventinfo": f"idx-{sfx}", "limit": 1, "page": 1})
    assert r.status_code == 200
    assert r.headers.get("X-Result-Count") == "3", dict(r.headers)
    assert len(r.json()) == 1
    r = raw("POST", "events/index", key=world.c_user.key, body={"eventinfo": f"idx-{sfx}-beta", "minimal": 1})
    assert r.headers.get("X-Result-Count") == "1"
    rows = r.json()
    assert len(rows) == 1 and rows[0]["uuid"] == made["beta"].uuid
    assert set(rows[0]) >= {"id", "timestamp", "published", "uuid"}
    assert "info" not in rows[0]


def test_rest_search_events_basic(world, cleanup, sfx):
    p = world.a_user
    ev = MISPEvent()
    ev.info = f"restsearch basic {sfx}"
    ev.distribution = 1
    ev.add_attribute("domain", f"basic-{sfx}.example.net")
    o = MISPObject("file")
    o.add_attribute("filename", value=f"basic-{sfx}.bin")
    ev.add_object(o)
    created = cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True)))
    found = no_errors(world.c_user.misp.search(value=f"basic-{sfx}.example.net", pythonify=True))
    assert [e.uuid for e in found] == [created.uuid]
    e = found[0]
    assert e.info == f"restsearch basic {sfx}"
    assert [a.value for a in e.attributes] == [f"basic-{sfx}.example.net"]
    assert [a.value for o in e.objects for a in o.attributes] == [f"basic-{sfx}.bin"]
    r = raw("POST", "events/restSearch", key=world.c_user.key,
            body={"returnFormat": "json", "value": f"basic-{sfx}.bin"})
    assert r.status_code == 200
    assert r.headers.get("X-Result-Count") == "1"
    assert [x["Event"]["uuid"] for x in r.json()["response"]] == [created.uuid]
    # Nothing found is an empty list.
    assert world.c_user.misp.search(value=f"nothing-{sfx}") == []
