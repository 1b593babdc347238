"""tags: index, view, add, edit, delete, search, attachTagToObject, removeTagFromObject."""

import time

from pymisp import MISPEvent, MISPTag

from compat_helpers import errors_of, no_errors


def new_tag(admin, cleanup, name, **kw):
    t = MISPTag()
    t.name = name
    for k, v in kw.items():
        setattr(t, k, v)
    created = no_errors(admin.add_tag(t, pythonify=True), "tags/add")
    cleanup.tag(created)
    return created


def test_add_view_index(world, cleanup, sfx):
    admin = world.admin
    t = new_tag(admin, cleanup, f"compat:tag-{sfx}")
    assert t.name == f"compat:tag-{sfx}"
    assert t.exportable is True
    assert t.hide_tag is False
    assert str(t.org_id) == "0" and str(t.user_id) == "0"
    assert isinstance(t.colour, str) and t.colour.startswith("#") and len(t.colour) == 7

    # Adding the same name again returns the existing tag.
    again = no_errors(admin.add_tag({"name": f"compat:tag-{sfx}", "colour": "#000000"}, pythonify=True))
    assert int(again.id) == int(t.id) and again.colour == t.colour

    ne = new_tag(admin, cleanup, f"compat:hidden-{sfx}", exportable=False, colour="#123456")
    assert ne.exportable is False and ne.colour == "#123456"
    restricted = new_tag(admin, cleanup, f"compat:org-{sfx}", org_id=world.a_user.org.id)
    assert str(restricted.org_id) == str(world.a_user.org.id)

    got = no_errors(world.c_user.misp.get_tag(t.id, pythonify=True))
    assert got.name == t.name and int(got.id) == int(t.id)

    tags = no_errors(world.c_user.misp.tags(pythonify=True))
    by_name = {x.name: x for x in tags}
    assert t.name in by_name and ne.name in by_name
    assert all(hasattr(x, "hide_tag") for x in tags)
    assert int(by_name[t.name].id) == int(t.id)

    errors_of(world.c_user.misp.get_tag(99999999), (404, 405))


def test_tag_editing_is_restricted(world, cleanup, sfx):
    r = world.a_user.misp.add_tag({"name": f"compat:nope-{sfx}"})
    errors_of(r, 403)
    assert world.admin.search_tags(f"compat:nope-{sfx}", strict_tagname=True) == []
    t = new_tag(world.admin, cleanup, f"compat:locked-{sfx}")
    t.name = f"compat:locked-renamed-{sfx}"
    errors_of(world.a_orgadmin.misp.update_tag(t), 403)
    errors_of(world.a_orgadmin.misp.delete_tag(t), 403)
    assert world.admin.get_tag(t.id, pythonify=True).name == f"compat:locked-{sfx}"


def test_edit_and_delete(world, cleanup, sfx):
    admin = world.admin
    t = new_tag(admin, cleanup, f"compat:edit-{sfx}")
    t.name = f"compat:edited-{sfx}"
    t.hide_tag = True
    t.colour = "#abcdef"
    edited = no_errors(admin.update_tag(t, pythonify=True), "tags/edit")
    assert edited.name == f"compat:edited-{sfx}"
    assert edited.hide_tag is True and edited.colour == "#abcdef"
    assert int(edited.id) == int(t.id)
    got = admin.get_tag(t.id, pythonify=True)
    assert got.name == f"compat:edited-{sfx}" and got.hide_tag is True
    r = no_errors(admin.delete_tag(t))
    assert r["message"] == "Tag deleted.", r
    errors_of(admin.get_tag(t.id), (404, 405))
    assert admin.search_tags(f"compat:edited-{sfx}", strict_tagname=True) == []


def test_search(world, cleanup, sfx):
    admin = world.admin
    t1 = new_tag(admin, cleanup, f"compat:search-{sfx}-one")
    t2 = new_tag(admin, cleanup, f"compat:search-{sfx}-two")
    found = no_errors(world.b_user.misp.search_tags(f"compat:search-{sfx}%", pythonify=True))
    assert sorted(x.name for x in found) == sorted([t1.name, t2.name])
    found = world.b_user.misp.search_tags(f"COMPAT:SEARCH-{sfx}-ONE".upper(), pythonify=True)
    assert [x.name for x in found] == [t1.name]
    found = world.b_user.misp.search_tags(t2.name, strict_tagname=True, pythonify=True)
    assert [int(x.id) for x in found] == [int(t2.id)]
    assert world.b_user.misp.search_tags(f"compat:absent-{sfx}") == []


def _event(p, cleanup, info):
    ev = MISPEvent()
    ev.info = info
    ev.distribution = 1
    ev.add_attribute("domain", f"tagged.{info.replace(' ', '-')}.example")
    return cleanup.event(no_errors(p.misp.add_event(ev, pythonify=True)))


def test_attach_and_remove_global(world, cleanup, sfx):
    p = world.a_user
    t = new_tag(world.admin, cleanup, f"compat:global-{sfx}")
    ev = _event(p, cleanup, f"tag global {sfx}")
    attr = ev.attributes[0]

    r = no_errors(p.misp.tag(ev.uuid, t.name), "attachTagToObject")
    assert "successfully" in r["message"].lower() and f"({ev.id})" in r["message"], r
    r = no_errors(p.misp.tag(attr.uuid, t.name))
    assert "successfully" in r["message"].lower() and f"({attr.id})" in r["message"], r
    view = p.misp.get_event(ev.id, pythonify=True)
    assert [x.name for x in view.tags] == [t.name]
    assert [x.local for x in view.tags] == [False]
    assert [x.name for x in view.attributes[0].tags] == [t.name]
    assert [x.name for x in p.misp.get_attribute(attr.uuid, pythonify=True).tags] == [t.name]
    # Others see global tags too.
    assert [x.name for x in world.c_user.misp.get_event(ev.id, pythonify=True).tags] == [t.name]

    # Another organisation may not change global tags on A's data.
    body = errors_of(world.b_user.misp.tag(ev.uuid, t.name), 403)
    assert "orgc" in str(body) or "permission" in str(body).lower()
    errors_of(world.b_user.misp.untag(ev.uuid, t.name), (403, 404))

    r = no_errors(p.misp.untag(ev.uuid, t.name))
    assert r["message"].endswith(f"successfully removed from Event({ev.id})."), r
    r = no_errors(p.misp.untag(attr.uuid, t.name))
    assert r["message"].endswith(f"successfully removed from Attribute({attr.id})."), r
    view = p.misp.get_event(ev.id, pythonify=True)
    assert view.tags == [] and view.attributes[0].tags == []
    # Removing again: the tag is no longer attached.
    errors_of(p.misp.untag(ev.uuid, t.name), 404)


def test_attach_unknown_tag_needs_tag_editor(world, cleanup, sfx):
    p = world.a_user
    ev = _event(p, cleanup, f"tag unknown {sfx}")
    body = errors_of(p.misp.tag(ev.uuid, f"compat:unknown-{sfx}"), 403)
    assert "Tag not found" in str(body)
    assert world.admin.search_tags(f"compat:unknown-{sfx}", strict_tagname=True) == []
    assert p.misp.get_event(ev.id, pythonify=True).tags == []


def test_attach_restricted_tag(world, cleanup, sfx):
    t = new_tag(world.admin, cleanup, f"compat:only-b-{sfx}", org_id=world.b_user.org.id)
    ev = _event(world.a_user, cleanup, f"tag restricted {sfx}")
    body = errors_of(world.a_user.misp.tag(ev.uuid, t.name), 403)
    assert "fixed organisation" in str(body)
    assert world.a_user.misp.get_event(ev.id, pythonify=True).tags == []


def test_local_tags_only_by_host_org(world, cleanup, sfx):
    t = new_tag(world.admin, cleanup, f"compat:local-{sfx}")
    p = world.a_user
    ev = _event(p, cleanup, f"tag local {sfx}")
    before = p.misp.get_event(ev.id, pythonify=True).timestamp

    body = errors_of(p.misp.tag(ev.uuid, t.name, local=True), 403)
    assert "Local tags can only be added by users of the host organisation." in str(body)
    assert p.misp.get_event(ev.id, pythonify=True).tags == []

    time.sleep(1.1)
    r = no_errors(world.admin.tag(ev.uuid, t.name, local=True))
    assert r["message"].startswith("Local tag") and f"({ev.id})" in r["message"], r
    view = p.misp.get_event(ev.id, pythonify=True)
    assert [(x.name, x.local) for x in view.tags] == [(t.name, True)]
    # A local tag does not touch the event.
    assert view.timestamp == before
    r = no_errors(world.admin.untag(ev.uuid, t.name))
    assert r["message"].startswith("Local tag") and r["message"].endswith(f"successfully removed from Event({ev.id})."), r
    view = p.misp.get_event(ev.id, pythonify=True)
    assert view.tags == [] and view.timestamp == before


def test_tag_on_invisible_target(world, cleanup, sfx):
    t = new_tag(world.admin, cleanup, f"compat:invisible-{sfx}")
    ev = MISPEvent()
    ev.info = f"tag invisible {sfx}"
    ev.distribution = 0
    ev.add_attribute("text", "private")
    ev = cleanup.event(no_errors(world.a_user.misp.add_event(ev, pythonify=True)))
    body = errors_of(world.c_user.misp.tag(ev.uuid, t.name), 404)
    assert body["message"] == "Invalid Target."
    body = errors_of(world.c_user.misp.tag(ev.attributes[0].uuid, t.name), 404)
    assert body["message"] == "Invalid Target."
