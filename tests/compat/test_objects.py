"""objects: add, view, HEAD, edit, delete soft/hard; objectReferences add/delete."""

import uuid as uuidlib

from pymisp import MISPEvent, MISPObject, MISPObjectReference

from compat_helpers import errors_of, no_errors


def event_for(p, cleanup, info):
    ev = MISPEvent()
    ev.info = info
    ev.distribution = 1
    ev.add_attribute("ip-dst", "198.51.100.60")
    return cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True), "events/add"))


def file_object(name, md5=None):
    o = MISPObject("file")
    o.add_attribute("filename", value=name)
    if md5:
        o.add_attribute("md5", value=md5)
    o.comment = "object comment"
    return o


def test_add_and_view(world, cleanup, sfx):
    p = world.a_user
    ev = event_for(p, cleanup, f"obj add {sfx}")
    o = file_object(f"obj-{sfx}.exe", "11111111111111111111111111111111")
    created = no_errors(p.misp.add_object(ev, o, pythonify=True), "objects/add")
    assert created.uuid == o.uuid
    assert created.name == "file" and created["meta-category"] == "file"
    assert created.template_uuid == o.template_uuid
    assert str(created.template_version) == str(o.template_version)
    assert created.comment == "object comment"
    assert created.distribution == 5
    assert int(created.event_id) == int(ev.id)
    assert {a.object_relation: a.value for a in created.attributes} == {
        "filename": f"obj-{sfx}.exe", "md5": "11111111111111111111111111111111"}
    for a in created.attributes:
        assert int(a.object_id) == int(created.id) and a.distribution == 5

    for ref in (int(created.id), created.uuid):
        got = no_errors(p.misp.get_object(ref, pythonify=True))
        assert got.uuid == created.uuid and got.name == "file"
        assert {a.uuid for a in got.attributes} == {a.uuid for a in created.attributes}
    r = no_errors(p.misp.get_object(created.uuid))
    assert r["Object"]["Event"]["info"] == f"obj add {sfx}"
    assert world.c_user.misp.object_exists(created.uuid) is True
    assert world.c_user.misp.object_exists(int(created.id)) is True
    assert world.c_user.misp.object_exists(str(uuidlib.uuid4())) is False
    errors_of(p.misp.get_object(str(uuidlib.uuid4())), 404)

    view = p.misp.get_event(ev.id, pythonify=True)
    assert [x.uuid for x in view.objects] == [created.uuid]
    assert int(view.attribute_count) == 3


def test_add_without_attributes_is_refused(world, cleanup, sfx):
    p = world.a_user
    ev = event_for(p, cleanup, f"obj empty {sfx}")
    body = errors_of(p.misp.add_object(ev, {"name": "file", "meta-category": "file", "Attribute": []}), 403)
    assert "no attributes" in str(body)
    assert p.misp.get_event(ev.id, pythonify=True).objects == []


def test_edit(world, cleanup, sfx):
    p = world.a_user
    ev = event_for(p, cleanup, f"obj edit {sfx}")
    created = no_errors(p.misp.add_object(ev, file_object(f"before-{sfx}.exe"), pythonify=True))
    fname = created.get_attributes_by_relation("filename")[0]
    fname.value = f"after-{sfx}.exe"
    created.add_attribute("size-in-bytes", value=1234)
    created.comment = "edited"
    edited = no_errors(p.misp.update_object(created, pythonify=True), "objects/edit")
    assert edited.comment == "edited"
    assert {a.object_relation: a.value for a in edited.attributes} == {
        "filename": f"after-{sfx}.exe", "size-in-bytes": "1234"}
    assert edited.get_attributes_by_relation("filename")[0].uuid == fname.uuid
    got = p.misp.get_object(created.id, pythonify=True)
    assert {a.object_relation: a.value for a in got.attributes} == {
        "filename": f"after-{sfx}.exe", "size-in-bytes": "1234"}
    assert got.comment == "edited"


def test_delete_soft_and_hard(world, cleanup, sfx):
    p = world.a_user
    ev = event_for(p, cleanup, f"obj delete {sfx}")
    soft = no_errors(p.misp.add_object(ev, file_object(f"soft-{sfx}.exe"), pythonify=True))
    hard = no_errors(p.misp.add_object(ev, file_object(f"hard-{sfx}.exe"), pythonify=True))

    r = no_errors(p.misp.delete_object(soft))
    assert r["message"] == "Object deleted", r
    view = p.misp.get_event(ev.id, pythonify=True)
    assert [o.uuid for o in view.objects] == [hard.uuid]
    view = p.misp.get_event(ev.id, deleted=[0, 1], pythonify=True)
    gone = next(o for o in view.objects if o.uuid == soft.uuid)
    assert gone.deleted is True
    assert all(a.deleted is True for a in gone.attributes)
    assert p.misp.attribute_exists(soft.attributes[0].uuid) is False

    r = no_errors(p.misp.delete_object(hard, hard=True))
    assert r["message"] == "Object deleted", r
    assert p.misp.object_exists(hard.uuid) is False
    errors_of(p.misp.get_object(hard.uuid), 404)
    view = p.misp.get_event(ev.id, deleted=[0, 1], pythonify=True)
    assert [o.uuid for o in view.objects] == [soft.uuid]
    assert p.misp.attribute_exists(hard.attributes[0].uuid) is False
    # The soft-deleted one can still be hard-deleted.
    assert no_errors(p.misp.delete_object(soft.uuid, hard=True))["message"] == "Object deleted"
    assert p.misp.get_event(ev.id, deleted=[0, 1], pythonify=True).objects == []


def test_object_references(world, cleanup, sfx):
    p = world.a_user
    ev = event_for(p, cleanup, f"obj refs {sfx}")
    src = no_errors(p.misp.add_object(ev, file_object(f"src-{sfx}.exe"), pythonify=True))
    dst = no_errors(p.misp.add_object(ev, file_object(f"dst-{sfx}.exe"), pythonify=True))
    ip = ev.attributes[0]

    ref = MISPObjectReference()
    ref.object_uuid = src.uuid
    ref.referenced_uuid = dst.uuid
    ref.relationship_type = "drops"
    ref.comment = "dropped file"
    r1 = no_errors(p.misp.add_object_reference(ref, pythonify=True), "objectReferences/add")
    assert r1.referenced_uuid == dst.uuid and r1.relationship_type == "drops"
    assert int(r1.referenced_type) == 1 and int(r1.referenced_id) == int(dst.id)
    assert int(r1.object_id) == int(src.id)
    ref2 = MISPObjectReference()
    ref2.object_uuid = src.uuid
    ref2.referenced_uuid = ip.uuid
    ref2.relationship_type = "connects-to"
    r2 = no_errors(p.misp.add_object_reference(ref2, pythonify=True))
    assert int(r2.referenced_type) == 0 and int(r2.referenced_id) == int(ip.id)

    view = p.misp.get_event(ev.id, pythonify=True)
    vsrc = next(o for o in view.objects if o.uuid == src.uuid)
    assert {(x.referenced_uuid, x.relationship_type) for x in vsrc.references} == {
        (dst.uuid, "drops"), (ip.uuid, "connects-to")}

    # A reference to something that does not exist is refused.
    bad = MISPObjectReference()
    bad.object_uuid = src.uuid
    bad.referenced_uuid = str(uuidlib.uuid4())
    bad.relationship_type = "drops"
    body = errors_of(p.misp.add_object_reference(bad), 404)  # MISP: NotFound "Invalid target."
    assert "target" in str(body).lower()
    # Another organisation may not add references to A's object.
    errors_of(world.b_user.misp.add_object_reference(ref2), 404)  # MISP: NotFound "Invalid object."

    r = no_errors(p.misp.delete_object_reference(r1.id))
    assert r.get("saved") is True and r.get("success") is True, r
    view = p.misp.get_event(ev.id, pythonify=True)
    vsrc = next(o for o in view.objects if o.uuid == src.uuid)
    live = {(x.referenced_uuid, x.relationship_type) for x in vsrc.references if not x.get("deleted")}
    assert live == {(ip.uuid, "connects-to")}

    r = no_errors(p.misp.delete_object_reference(r2.id, hard=True))
    assert r.get("saved") is True, r
    view = p.misp.get_event(ev.id, deleted=[0, 1], pythonify=True)
    vsrc = next(o for o in view.objects if o.uuid == src.uuid)
    assert ip.uuid not in {x.referenced_uuid for x in vsrc.references}
    errors_of(p.misp.delete_object_reference(r2.id), 404)


def test_other_org_cannot_edit_or_delete_object(world, cleanup, sfx):
    p = world.a_user
    ev = event_for(p, cleanup, f"obj foreign {sfx}")
    o = no_errors(p.misp.add_object(ev, file_object(f"foreign-{sfx}.exe"), pythonify=True))
    o.comment = "intruder"
    errors_of(world.b_user.misp.update_object(o), 403)
    errors_of(world.b_user.misp.delete_object(o), 403)
    errors_of(world.b_user.misp.add_object(ev, file_object("intruder.exe")), 403)
    got = p.misp.get_object(o.uuid, pythonify=True)
    assert got.comment == "object comment" and got.deleted is False
    assert len(p.misp.get_event(ev.id, pythonify=True).objects) == 1
