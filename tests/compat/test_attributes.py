"""attributes: add (one, list), view, HEAD, edit, delete soft/hard, restore."""

import uuid as uuidlib

from pymisp import MISPAttribute, MISPEvent

from compat_helpers import errors_of, no_errors, raw


def base_event(p, cleanup, info, published=False):
    ev = MISPEvent()
    ev.info = info
    ev.distribution = 1
    ev.add_attribute("text", f"seed {info}")
    if published:
        ev.publish()
    return cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True), "events/add"))


def test_add_one_and_view(world, cleanup, sfx):
    p = world.a_pub
    ev = base_event(p, cleanup, f"attr add {sfx}", published=True)
    assert ev.published is True
    a = MISPAttribute()
    a.type = "ip-src"
    a.value = "192.0.2.44"
    a.comment = "scanner"
    created = no_errors(p.misp.add_attribute(ev, a, pythonify=True), "attributes/add")
    assert created.uuid == a.uuid
    assert created.value == "192.0.2.44" and created.type == "ip-src"
    assert created.category == "Network activity"  # sane default
    assert created.to_ids is True  # sane default for ip-src
    assert created.comment == "scanner"
    assert created.distribution == 5
    assert int(created.event_id) == int(ev.id)
    assert created.deleted is False

    for ref in (int(created.id), created.uuid):
        got = no_errors(p.misp.get_attribute(ref, pythonify=True))
        assert got.uuid == created.uuid and got.value == "192.0.2.44"
        assert int(got.event_id) == int(ev.id)
    assert world.c_user.misp.attribute_exists(created.uuid) is True
    assert world.c_user.misp.attribute_exists(str(uuidlib.uuid4())) is False

    view = p.misp.get_event(ev.id, pythonify=True)
    assert view.published is False  # adding an attribute unpublishes
    assert {x.value for x in view.attributes} == {f"seed attr add {sfx}", "192.0.2.44"}
    assert int(view.attribute_count) == 2


def test_add_with_tags_and_defaults(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr defaults {sfx}")
    r = no_errors(p.misp.add_attribute(ev.uuid, {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"}))
    attr = r["Attribute"]
    assert attr["category"] == "Payload delivery"
    assert attr["to_ids"] is True
    assert attr["distribution"] == "5"
    assert attr["value"] == "d41d8cd98f00b204e9800998ecf8427e"
    # Explicit values win over the defaults.
    r = no_errors(p.misp.add_attribute(ev.id, {"type": "md5", "value": "0" * 32, "category": "Artifacts dropped",
                                              "to_ids": False, "distribution": "0"}))
    attr = r["Attribute"]
    assert attr["category"] == "Artifacts dropped" and attr["to_ids"] is False and attr["distribution"] == "0"


def test_add_duplicate_is_refused(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr dup {sfx}")
    body = errors_of(p.misp.add_attribute(ev, {"type": "text", "value": f"seed attr dup {sfx}"}), 403)
    assert "A similar attribute already exists for this event." in str(body["errors"])
    assert len(p.misp.get_event(ev.id, pythonify=True).attributes) == 1


def test_add_list_mixed_valid_and_invalid(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr list {sfx}")
    attrs = [
        {"type": "ip-dst", "value": "198.51.100.20"},
        {"type": "ip-dst", "value": "999.1.1.1"},
        {"type": "domain", "value": f"list-{sfx}.example.org"},
        {"type": "no-such-type", "value": "x"},
    ]
    r = p.misp.add_attribute(ev, attrs)
    assert isinstance(r, dict) and "Attribute" in r, r
    assert sorted(a["value"] for a in r["Attribute"]) == sorted(["198.51.100.20", f"list-{sfx}.example.org"])
    assert set(r["errors"]) == {"attribute_1", "attribute_3"}, r["errors"]
    assert "value" in str(r["errors"]["attribute_1"])
    assert "type" in str(r["errors"]["attribute_3"])
    # pythonified form
    r2 = p.misp.add_attribute(ev, [{"type": "text", "value": f"p1-{sfx}"}, {"type": "text", "value": f"p2-{sfx}"},
                                   {"type": "md5", "value": "abc"}], pythonify=True)
    assert sorted(a.value for a in r2["attributes"]) == [f"p1-{sfx}", f"p2-{sfx}"]
    assert set(r2["errors"]) == {"attribute_2"}
    values = sorted(a.value for a in p.misp.get_event(ev.id, pythonify=True).attributes)
    assert values == sorted([f"seed attr list {sfx}", "198.51.100.20", f"list-{sfx}.example.org", f"p1-{sfx}", f"p2-{sfx}"])


def test_add_list_all_invalid(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr list bad {sfx}")
    r = p.misp.add_attribute(ev, [{"type": "ip-dst", "value": "999.1.1.1"}, {"type": "md5", "value": "abc"}])
    body = errors_of(r, 403)
    assert body["saved"] is False
    assert set(body["errors"]) == {"attribute_0", "attribute_1"}
    assert len(p.misp.get_event(ev.id, pythonify=True).attributes) == 1


def test_edit(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr edit {sfx}")
    a = no_errors(p.misp.add_attribute(ev, {"type": "ip-dst", "value": "198.51.100.30", "comment": "orig"},
                                       pythonify=True))
    a.comment = "changed"
    a.value = "198.51.100.31"
    a.to_ids = False
    a.category = "External analysis"
    edited = no_errors(p.misp.update_attribute(a, pythonify=True), "attributes/edit")
    assert edited.comment == "changed" and edited.value == "198.51.100.31"
    assert edited.to_ids is False and edited.category == "External analysis"
    assert edited.uuid == a.uuid and int(edited.id) == int(a.id)
    # Partial bodies, by uuid and by id.
    r = no_errors(p.misp.update_attribute({"comment": "partial"}, a.uuid))
    assert r["Attribute"]["comment"] == "partial" and r["Attribute"]["value"] == "198.51.100.31"
    r = no_errors(p.misp.update_attribute({"disable_correlation": True}, int(a.id)))
    assert r["Attribute"]["disable_correlation"] is True
    r = no_errors(p.misp.update_attribute({"disable_correlation": False}, int(a.id)))
    assert r["Attribute"]["disable_correlation"] is False
    r = no_errors(p.misp.update_attribute({"distribution": "0"}, a.uuid))
    assert r["Attribute"]["distribution"] == "0"
    got = p.misp.get_attribute(a.uuid, pythonify=True)
    assert got.comment == "partial" and got.value == "198.51.100.31" and got.distribution == 0
    # An invalid value is refused and nothing changes.
    body = errors_of(p.misp.update_attribute({"value": "999.999.1.1"}, a.uuid), 403)
    assert "value" in str(body)
    assert p.misp.get_attribute(a.uuid, pythonify=True).value == "198.51.100.31"


def test_edit_unknown_attribute(world):
    r = world.a_user.misp.update_attribute({"comment": "x"}, str(uuidlib.uuid4()))
    errors_of(r, 404)


def test_delete_soft_restore_hard(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr delete {sfx}")
    a = no_errors(p.misp.add_attribute(ev, {"type": "domain", "value": f"del-{sfx}.example.com"}, pythonify=True))

    r = no_errors(p.misp.delete_attribute(a))
    assert r == {"message": "Attribute deleted."} or r.get("message") == "Attribute deleted.", r
    assert p.misp.attribute_exists(a.uuid) is False
    errors_of(p.misp.get_attribute(a.uuid), (404, 405))
    view = p.misp.get_event(ev.id, pythonify=True)
    assert a.uuid not in {x.uuid for x in view.attributes}
    view = p.misp.get_event(ev.id, deleted=[0, 1], pythonify=True)
    deleted = next(x for x in view.attributes if x.uuid == a.uuid)
    assert deleted.deleted is True
    # Soft-deleting twice is refused.
    errors_of(p.misp.delete_attribute(a), 404)

    restored = no_errors(p.misp.restore_attribute(a.uuid, pythonify=True), "attributes/restore")
    assert restored.uuid == a.uuid and restored.deleted is False
    assert p.misp.attribute_exists(a.uuid) is True
    assert a.uuid in {x.uuid for x in p.misp.get_event(ev.id, pythonify=True).attributes}

    r = no_errors(p.misp.delete_attribute(a.uuid, hard=True))
    assert r.get("message") == "Attribute deleted.", r
    assert p.misp.attribute_exists(a.uuid) is False
    view = p.misp.get_event(ev.id, deleted=[0, 1], pythonify=True)
    assert a.uuid not in {x.uuid for x in view.attributes}
    errors_of(p.misp.restore_attribute(a.uuid), 404)


def test_hard_delete_after_soft_delete(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr delete2 {sfx}")
    a = no_errors(p.misp.add_attribute(ev, {"type": "text", "value": f"soft-then-hard-{sfx}"}, pythonify=True))
    assert no_errors(p.misp.delete_attribute(a.id))["message"] == "Attribute deleted."
    assert no_errors(p.misp.delete_attribute(a.id, hard=True))["message"] == "Attribute deleted."
    view = p.misp.get_event(ev.id, deleted=[0, 1], pythonify=True)
    assert [x.value for x in view.attributes] == [f"seed attr delete2 {sfx}"]


def test_other_org_cannot_add_edit_delete(world, cleanup, sfx):
    p = world.a_user
    ev = base_event(p, cleanup, f"attr foreign {sfx}")
    target = ev.attributes[0]
    r = raw("POST", f"attributes/add/{ev.id}", key=world.b_user.key, body={"type": "text", "value": "intruder"})
    assert r.status_code == 403, r.text
    r = raw("POST", f"attributes/edit/{target.uuid}", key=world.b_user.key, body={"comment": "intruder"})
    assert r.status_code == 403, r.text
    r = raw("POST", f"attributes/delete/{target.uuid}", key=world.b_user.key, body={})
    assert r.status_code == 403, r.text
    view = p.misp.get_event(ev.id, pythonify=True)
    assert [(x.value, x.comment) for x in view.attributes] == [(f"seed attr foreign {sfx}", "")]
