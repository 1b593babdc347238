"""Access control between three organisations and a sharing group (misp-api.md §3).

Set-up: a sharing group SG (created by the site admin) with members A and B;
C is not a member. A's publisher creates five published events, one per
distribution 0..4 (4 = SG). Each event holds

  * top-level `domain` attributes with distribution 0, 1, 2, 3, 4 (SG) and 5 (inherit);
  * `domain-ip` objects with distribution 0, 1, 4 (SG) and 5, each holding one
    attribute with distribution 5 and one with distribution 0.

Every attribute is to_ids and has a unique value, so the same expectations
hold for JSON, CSV and text exports. MISP's rules, for a user of org X:

  * the event is visible if X owns it, or its distribution is 1-3, or it is 4
    and X is in the SG;
  * inside a visible event an element (attribute or object) is visible if X
    owns the event or its distribution is 1, 2, 3 or 5, or it is 4 and X is in
    the SG; in event views a distribution-4 element whose SG the viewer is not
    in is removed even for the owner;
  * an attribute inside an object also needs the object to be visible, and an
    object none of whose attributes is visible is dropped from event views.
"""

import json

import pytest
from pymisp import MISPEvent, MISPObject, MISPSharingGroup

from compat_helpers import ADMIN_KEY, csv_rows, errors_of, no_errors, raw, suffix
from conftest import Cleanup

EVENT_DISTS = (0, 1, 2, 3, 4)
ATTR_DISTS = (0, 1, 2, 3, 4, 5)
OBJECT_DISTS = (0, 1, 4, 5)
OBJECT_ATTR_DISTS = (5, 0)
VIEWERS = ("a_user", "b_user", "b_ro", "c_user", "admin")


class Acl:
    pass


def member(org):
    return org in ("A", "B")


def element_ok(viewer_org, owner, dist):
    if viewer_org == "admin":
        return True
    if dist == 4:
        return member(viewer_org)
    return viewer_org == owner or dist in (1, 2, 3, 5)


def event_ok(viewer_org, owner, dist):
    if viewer_org == "admin":
        return True
    return viewer_org == owner or dist in (1, 2, 3) or (dist == 4 and member(viewer_org))


def org_of(world, viewer):
    return "admin" if viewer == "admin" else world.people[viewer].org.name.split()[1]


def conn(world, viewer):
    return world.admin if viewer == "admin" else world.people[viewer].misp


def key_of(world, viewer):
    return ADMIN_KEY if viewer == "admin" else world.people[viewer].key


@pytest.fixture(scope="module")
def acl(world):
    admin = world.admin
    c = Cleanup(admin)
    s = suffix()
    x = Acl()
    x.sfx = s
    x.world = world
    try:
        sg = MISPSharingGroup()
        sg.name = f"acl SG {s}"
        sg.releasability = "compat ACL"
        x.sg = c.sg(no_errors(admin.add_sharing_group(sg, pythonify=True)))
        for letter in "AB":
            no_errors(admin.add_org_to_sharing_group(x.sg, world.orgs[letter]))
        sg_id = int(x.sg.id)
        x.events = {}       # ed -> MISPEvent (as created)
        x.attrs = {}        # uuid -> (ed, ad, od or None, value)
        x.objects = {}      # uuid -> (ed, od)
        for ed in EVENT_DISTS:
            ev = MISPEvent()
            ev.info = f"acl-{s}-e{ed}"
            ev.distribution = ed
            if ed == 4:
                ev.sharing_group_id = sg_id
            for ad in ATTR_DISTS:
                kw = {"distribution": ad, "to_ids": True}
                if ad == 4:
                    kw["sharing_group_id"] = sg_id
                a = ev.add_attribute("domain", f"e{ed}-a{ad}.{s}.example", **kw)
                x.attrs[a.uuid] = (ed, ad, None, a.value)
            for od in OBJECT_DISTS:
                o = MISPObject("domain-ip")
                o.distribution = od
                if od == 4:
                    o.sharing_group_id = sg_id
                for oad in OBJECT_ATTR_DISTS:
                    a = o.add_attribute("domain", value=f"e{ed}-o{od}-a{oad}.{s}.example", to_ids=True,
                                        distribution=oad)
                    x.attrs[a.uuid] = (ed, oad, od, a.value)
                ev.add_object(o)
                x.objects[o.uuid] = (ed, od)
            ev.publish()
            created = c.event(no_errors(world.a_pub.misp.add_event(ev, pythonify=True), "events/add"))
            assert created.published is True
            assert created.distribution == ed
            # The owner sees everything it created.
            assert len(created.attributes) == len(ATTR_DISTS)
            assert len(created.objects) == len(OBJECT_DISTS)
            x.events[ed] = created
        x.ids = [int(e.id) for e in x.events.values()]
        yield x
    finally:
        problems = c.run()
        assert not problems, problems


def expected(acl, viewer):
    """What `viewer` may see: events (ed), attributes (uuid), objects (uuid), values."""
    vo = org_of(acl.world, viewer)
    owner = "A"
    events = {ed for ed in EVENT_DISTS if event_ok(vo, owner, ed)}
    attrs = set()
    for u, (ed, ad, od, _) in acl.attrs.items():
        if ed not in events or not element_ok(vo, owner, ad):
            continue
        if od is not None and not element_ok(vo, owner, od):
            continue
        attrs.add(u)
    objects = set()
    for u, (ed, od) in acl.objects.items():
        if ed in events and element_ok(vo, owner, od):
            if any(acl.attrs[a][2] == od and acl.attrs[a][0] == ed and a in attrs for a in acl.attrs):
                objects.add(u)
    return events, attrs, objects


def _check_event(acl, viewer, ev, attrs, objects):
    top = {a.uuid for a in ev.attributes}
    objs = {o.uuid for o in ev.objects}
    obj_attrs = {a.uuid for o in ev.objects for a in o.attributes}
    ed = next(k for k, e in acl.events.items() if e.uuid == ev.uuid)
    want_top = {u for u in attrs if acl.attrs[u][0] == ed and acl.attrs[u][2] is None}
    want_objs = {u for u in objects if acl.objects[u][0] == ed}
    want_obj_attrs = {u for u in attrs if acl.attrs[u][0] == ed and acl.attrs[u][2] is not None}
    label = {u: acl.attrs[u][3] for u in acl.attrs}
    assert sorted(label[u] for u in top) == sorted(label[u] for u in want_top), (viewer, ed, "attributes")
    assert objs == want_objs, (viewer, ed, "objects", sorted(acl.objects[u] for u in objs ^ want_objs))
    assert sorted(label[u] for u in obj_attrs) == sorted(label[u] for u in want_obj_attrs), (viewer, ed, "object attributes")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_events_view(acl, viewer):
    misp = conn(acl.world, viewer)
    events, attrs, objects = expected(acl, viewer)
    for ed, created in acl.events.items():
        if ed in events:
            for ref in (created.uuid, int(created.id)):
                ev = no_errors(misp.get_event(ref, pythonify=True), f"events/view e{ed} as {viewer}")
                _check_event(acl, viewer, ev, attrs, objects)
            assert misp.event_exists(created.uuid) is True
        else:
            body = errors_of(misp.get_event(created.uuid), 404)
            assert "Invalid event" in json.dumps(body), body
            errors_of(misp.get_event(int(created.id)), 404)
            assert misp.event_exists(created.uuid) is False


@pytest.mark.parametrize("viewer", VIEWERS)
def test_events_index(acl, viewer):
    misp = conn(acl.world, viewer)
    events, _, _ = expected(acl, viewer)
    rows = no_errors(misp.search_index(eventinfo=f"acl-{acl.sfx}"))
    assert sorted(r["info"] for r in rows) == sorted(f"acl-{acl.sfx}-e{ed}" for ed in events)
    r = raw("POST", "events/index", key=key_of(acl.world, viewer), body={"eventinfo": f"acl-{acl.sfx}"})
    assert r.headers.get("X-Result-Count") == str(len(events))


@pytest.mark.parametrize("viewer", VIEWERS)
def test_events_rest_search(acl, viewer):
    misp = conn(acl.world, viewer)
    events, attrs, objects = expected(acl, viewer)
    found = no_errors(misp.search(controller="events", eventid=acl.ids, pythonify=True))
    assert sorted(e.info for e in found) == sorted(f"acl-{acl.sfx}-e{ed}" for ed in events)
    for ev in found:
        _check_event(acl, viewer, ev, attrs, objects)
    # Searching for a value that exists only in hidden data finds nothing.
    hidden = [v for u, (ed, ad, od, v) in acl.attrs.items() if u not in attrs]
    if hidden:
        assert misp.search(controller="events", value=hidden[0]) == []


@pytest.mark.parametrize("viewer", VIEWERS)
def test_attributes_rest_search_json_csv_text(acl, viewer):
    misp = conn(acl.world, viewer)
    _, attrs, _ = expected(acl, viewer)
    label = {u: acl.attrs[u][3] for u in acl.attrs}
    want = sorted(label[u] for u in attrs)
    found = no_errors(misp.search(controller="attributes", eventid=acl.ids, pythonify=True))
    assert sorted(a.value for a in found) == want
    assert {a.uuid for a in found} == attrs
    csv_text = misp.search(controller="attributes", return_format="csv", eventid=acl.ids)
    rows = csv_rows(csv_text)
    assert sorted(r["value"] for r in rows) == want
    assert {r["uuid"] for r in rows} == attrs
    text = misp.search(controller="attributes", return_format="text", eventid=acl.ids)
    assert sorted(x for x in text.split("\n") if x) == want
    # Same through the event scope's exports.
    csv_text = misp.search(controller="events", return_format="csv", eventid=acl.ids)
    assert sorted(r["value"] for r in csv_rows(csv_text)) == want
    text = misp.search(controller="events", return_format="text", eventid=acl.ids)
    assert sorted(x for x in text.split("\n") if x) == want


@pytest.mark.parametrize("viewer", ("a_user", "b_user", "c_user", "admin"))
def test_objects_view(acl, viewer):
    misp = conn(acl.world, viewer)
    vo = org_of(acl.world, viewer)
    events, attrs, _ = expected(acl, viewer)
    for u, (ed, od) in acl.objects.items():
        visible = ed in events and element_ok(vo, "A", od)
        if visible:
            o = no_errors(misp.get_object(u, pythonify=True), f"objects/view e{ed} o{od} as {viewer}")
            assert o.uuid == u
            want = sorted(acl.attrs[a][3] for a in attrs if acl.attrs[a][0] == ed and acl.attrs[a][2] == od)
            assert sorted(a.value for a in o.attributes) == want, (viewer, ed, od)
        else:
            body = errors_of(misp.get_object(u), 404)
            assert "Invalid object" in json.dumps(body)
        assert misp.object_exists(u) is visible, (viewer, ed, od)


@pytest.mark.parametrize("viewer", ("a_user", "b_user", "c_user", "admin"))
def test_attributes_view(acl, viewer):
    misp = conn(acl.world, viewer)
    _, attrs, _ = expected(acl, viewer)
    for u, (ed, ad, od, value) in acl.attrs.items():
        visible = u in attrs
        assert misp.attribute_exists(u) is visible, (viewer, ed, ad, od)
        if visible:
            a = no_errors(misp.get_attribute(u, pythonify=True))
            assert a.value == value
        else:
            errors_of(misp.get_attribute(u), (404, 405))


def _sg_event(world, cleanup, sfx, sg):
    ev = MISPEvent()
    ev.info = f"acl membership {sfx}"
    ev.distribution = 4
    ev.sharing_group_id = int(sg.id)
    ev.add_attribute("domain", f"sg-event.{sfx}.example", distribution=5)
    ev.add_attribute("domain", f"sg-attr.{sfx}.example", distribution=4, sharing_group_id=int(sg.id))
    ev.add_attribute("domain", f"community.{sfx}.example", distribution=1)
    return cleanup.event(no_errors(world.a_user.misp.add_event(ev, pythonify=True)))


def _values(misp, ev):
    got = misp.get_event(ev.uuid, pythonify=True)
    if isinstance(got, dict):
        errors_of(got, 404)
        return None
    return sorted(a.value.split(".")[0] for a in got.attributes)


def test_sharing_group_membership_changes_visibility(world, cleanup, sfx):
    admin = world.admin
    sg = MISPSharingGroup()
    sg.name = f"acl SG membership {sfx}"
    sg = cleanup.sg(no_errors(admin.add_sharing_group(sg, pythonify=True)))
    no_errors(admin.add_org_to_sharing_group(sg, world.orgs["A"]))
    no_errors(admin.add_org_to_sharing_group(sg, world.orgs["B"]))
    ev = _sg_event(world, cleanup, sfx, sg)
    assert ev.distribution == 4 and int(ev.sharing_group_id) == int(sg.id)
    a, b, cc = world.a_user.misp, world.b_user.misp, world.c_user.misp
    everything = ["community", "sg-attr", "sg-event"]
    assert _values(a, ev) == everything
    assert _values(b, ev) == everything
    assert _values(cc, ev) is None
    assert cc.search(controller="attributes", value=f"%.{sfx}.example") == {"Attribute": []}

    no_errors(admin.add_org_to_sharing_group(sg, world.orgs["C"]))
    assert _values(cc, ev) == everything
    assert len(cc.search(controller="attributes", value=f"%.{sfx}.example")["Attribute"]) == 3

    no_errors(admin.remove_org_from_sharing_group(sg, world.orgs["B"]))
    assert _values(b, ev) is None
    assert b.event_exists(ev.uuid) is False
    assert b.search_index(eventinfo=f"acl membership {sfx}") == []

    # The owner organisation sees everything in its own event (misp-api.md §3),
    # also once it has left the sharing group, and on every read path. MISP is
    # inconsistent here (its event views hide the element, its attribute search
    # and attributes/view show it: MispAttribute::buildConditions lets
    # "Event.org_id = user org" through); fyr applies the one rule everywhere
    # (docs/API.md, "Differences from MISP").
    no_errors(admin.remove_org_from_sharing_group(sg, world.orgs["A"]))
    assert _values(a, ev) == everything
    found = a.search(controller="events", eventid=ev.id, pythonify=True)
    assert sorted(x.value.split(".")[0] for x in found[0].attributes) == everything
    found = a.search(controller="attributes", eventid=ev.id, pythonify=True)
    assert sorted(x.value.split(".")[0] for x in found) == everything
    sg_attr = next(x for x in ev.attributes if x.value.startswith("sg-attr."))
    assert no_errors(a.get_attribute(sg_attr.uuid, pythonify=True)).value == sg_attr.value

    # "This instance, all organisations" opens it to everybody.
    no_errors(admin.remove_org_from_sharing_group(sg, world.orgs["C"]))
    assert _values(cc, ev) is None
    no_errors(admin.remove_server_from_sharing_group(sg, 0))
    no_errors(admin.add_server_to_sharing_group(sg, 0, all_orgs=True))
    assert _values(cc, ev) == everything
    assert _values(b, ev) == everything
    assert _values(a, ev) == everything
    no_errors(admin.remove_server_from_sharing_group(sg, 0))
    assert _values(cc, ev) is None
    assert _values(a, ev) == everything


def test_unauthorised_sharing_group_on_add(world, cleanup, sfx):
    admin = world.admin
    sg = MISPSharingGroup()
    sg.name = f"acl SG foreign {sfx}"
    sg = cleanup.sg(no_errors(admin.add_sharing_group(sg, pythonify=True)))
    no_errors(admin.add_org_to_sharing_group(sg, world.orgs["B"]))
    ev = MISPEvent()
    ev.info = f"acl foreign sg {sfx}"
    ev.distribution = 4
    ev.sharing_group_id = int(sg.id)
    ev.add_attribute("text", "x")
    r = world.c_user.misp.add_event(ev)
    body = errors_of(r)
    assert "haring" in json.dumps(body)
    assert admin.search_index(eventinfo=f"acl foreign sg {sfx}") == []


def test_other_org_cannot_edit_or_delete(world, cleanup, sfx):
    ev = MISPEvent()
    ev.info = f"acl foreign edit {sfx}"
    ev.distribution = 1
    ev.add_attribute("text", f"foreign-{sfx}")
    ev = cleanup.event(no_errors(world.a_user.misp.add_event(ev, pythonify=True)))
    b = world.b_user.misp
    visible = b.get_event(ev.id, pythonify=True)
    assert visible.info == f"acl foreign edit {sfx}"
    visible.info = "hijacked"
    body = errors_of(b.update_event(visible), 403)
    assert body.get("message")
    body = errors_of(b.update_event({"info": "hijacked"}, event_id=ev.uuid), 403)
    body = errors_of(b.delete_event(ev), 403)
    assert body["message"] == "Could not delete Event"
    errors_of(world.c_user.misp.publish(ev), (403, 405))
    errors_of(world.a_pub.misp.delete_event(9999999), 403)
    after = world.a_user.misp.get_event(ev.id, pythonify=True)
    assert after.info == f"acl foreign edit {sfx}"
    assert [a.value for a in after.attributes] == [f"foreign-{sfx}"]
    # The owner organisation's publisher may edit and publish.
    no_errors(world.a_pub.misp.publish(ev))
    assert world.a_user.misp.get_event(ev.id, pythonify=True).published is True


def test_read_only_user_cannot_write(world, sfx):
    ro = world.b_ro.misp
    ev = MISPEvent()
    ev.info = f"acl read only {sfx}"
    ev.add_attribute("text", "nope")
    body = errors_of(ro.add_event(ev), 403)
    assert body["message"] == "You do not have permission to use this functionality."
    assert world.admin.search_index(eventinfo=f"acl read only {sfx}") == []
    # It can still read what its organisation may see.
    assert isinstance(ro.search_index(eventinfo=f"acl read only {sfx}"), list)
    errors_of(ro.add_tag({"name": f"ro-{sfx}"}), 403)
    errors_of(ro.add_sharing_group({"name": f"ro-{sfx}"}), 403)
