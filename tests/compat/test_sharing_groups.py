"""sharing groups: index, view, HEAD, add, edit, delete, addOrg, removeOrg, addServer, removeServer."""

import uuid as uuidlib

from pymisp import MISPEvent, MISPSharingGroup

from compat_helpers import errors_of, no_errors


def new_sg(admin, cleanup, name, releasability="compat testing"):
    sg = MISPSharingGroup()
    sg.name = name
    sg.releasability = releasability
    sg.description = "made by the compat suite"
    created = no_errors(admin.add_sharing_group(sg, pythonify=True), "sharingGroups/add")
    cleanup.sg(created)
    return created


def test_add_view_head(world, cleanup, sfx):
    admin = world.admin
    sg = new_sg(admin, cleanup, f"compat SG {sfx}")
    assert sg.name == f"compat SG {sfx}"
    assert sg.releasability == "compat testing"
    assert sg.description == "made by the compat suite"
    assert sg.active is True
    assert uuidlib.UUID(sg.uuid)
    for ref in (sg.uuid, int(sg.id)):
        got = no_errors(admin.get_sharing_group(ref, pythonify=True))
        assert got.name == sg.name and got.uuid == sg.uuid
        assert got.sgorgs == []
    raw_view = admin.get_sharing_group(sg.uuid)
    assert "SharingGroupOrg" in raw_view and "SharingGroup" in raw_view
    assert admin.sharing_group_exists(sg.uuid) is True
    assert admin.sharing_group_exists(int(sg.id)) is True
    assert admin.sharing_group_exists(str(uuidlib.uuid4())) is False
    # Not visible to an organisation that is not in it.
    assert world.c_user.misp.sharing_group_exists(sg.uuid) is False
    errors_of(world.c_user.misp.get_sharing_group(sg.uuid), (404, 405))


def test_add_needs_permission(world, sfx):
    sg = MISPSharingGroup()
    sg.name = f"compat SG denied {sfx}"
    errors_of(world.a_user.misp.add_sharing_group(sg), 403)
    names = [x.name for x in world.admin.sharing_groups(pythonify=True)]
    assert f"compat SG denied {sfx}" not in names


def test_edit(world, cleanup, sfx):
    admin = world.admin
    sg = new_sg(admin, cleanup, f"compat SG edit {sfx}")
    r = no_errors(admin.update_sharing_group({"releasability": "updated"}, sg.uuid))
    assert r["SharingGroup"]["releasability"] == "updated"
    assert r["SharingGroup"]["name"] == f"compat SG edit {sfx}"
    r = no_errors(admin.update_sharing_group({"description": "new description"}, int(sg.id), pythonify=True))
    assert r.description == "new description" and r.releasability == "updated"
    r.name = f"compat SG renamed {sfx}"
    r = no_errors(admin.update_sharing_group(r, pythonify=True))
    assert r.name == f"compat SG renamed {sfx}"
    got = admin.get_sharing_group(sg.uuid, pythonify=True)
    assert (got.name, got.releasability, got.description) == (f"compat SG renamed {sfx}", "updated", "new description")


def test_orgs(world, cleanup, sfx):
    admin = world.admin
    sg = new_sg(admin, cleanup, f"compat SG orgs {sfx}")
    a, b = world.a_user.org, world.b_user.org
    r = no_errors(admin.add_org_to_sharing_group(sg, a, extend=True))
    assert r["name"] == "Organisation added to the sharing group.", r
    r = no_errors(admin.add_org_to_sharing_group(sg.id, b.uuid))
    assert r["message"] == "Organisation added to the sharing group.", r
    got = admin.get_sharing_group(sg.uuid, pythonify=True)
    rows = {int(x.org_id): x for x in got.sgorgs}
    assert set(rows) == {int(a.id), int(b.id)}
    assert rows[int(a.id)].extend is True and rows[int(b.id)].extend is False
    # Already a member.
    body = errors_of(admin.add_org_to_sharing_group(sg, a), 403)
    assert "already" in str(body)
    # Members see it in their index, others do not.
    assert sg.uuid in {x.uuid for x in world.b_user.misp.sharing_groups(pythonify=True)}
    assert sg.uuid not in {x.uuid for x in world.c_user.misp.sharing_groups(pythonify=True)}
    assert world.b_user.misp.sharing_group_exists(sg.uuid) is True

    r = no_errors(admin.remove_org_from_sharing_group(sg, b))
    assert r["name"] == "Organisation removed from the sharing group.", r
    got = admin.get_sharing_group(sg.uuid, pythonify=True)
    assert [int(x.org_id) for x in got.sgorgs] == [int(a.id)]
    body = errors_of(admin.remove_org_from_sharing_group(sg, b), 403)
    assert "not in the sharing group" in str(body)
    assert world.b_user.misp.sharing_group_exists(sg.uuid) is False
    # Unknown organisation.
    errors_of(admin.add_org_to_sharing_group(sg, str(uuidlib.uuid4())), (404, 405))


def test_servers(world, cleanup, sfx):
    admin = world.admin
    sg = new_sg(admin, cleanup, f"compat SG servers {sfx}")
    got = admin.get_sharing_group(sg.uuid)
    assert [(str(x["server_id"]), x["all_orgs"]) for x in got["SharingGroupServer"]] == [("0", False)]
    assert world.c_user.misp.sharing_group_exists(sg.uuid) is False

    r = no_errors(admin.remove_server_from_sharing_group(sg, 0))
    assert r["name"] == "Server removed from the sharing group.", r
    assert admin.get_sharing_group(sg.uuid)["SharingGroupServer"] == []
    body = errors_of(admin.remove_server_from_sharing_group(sg, 0), 403)
    assert "not in the sharing group" in str(body)

    r = no_errors(admin.add_server_to_sharing_group(sg, 0, all_orgs=True))
    assert r["name"] == "Server added to the sharing group.", r
    rows = admin.get_sharing_group(sg.uuid)["SharingGroupServer"]
    assert [(str(x["server_id"]), x["all_orgs"]) for x in rows] == [("0", True)]
    body = errors_of(admin.add_server_to_sharing_group(sg, 0), 403)
    assert "already" in str(body)
    # "This instance, all organisations" opens the group to everyone here.
    assert world.c_user.misp.sharing_group_exists(sg.uuid) is True
    assert sg.uuid in {x.uuid for x in world.c_user.misp.sharing_groups(pythonify=True)}

    r = no_errors(admin.remove_server_from_sharing_group(sg.id, 0))
    assert r["name"] == "Server removed from the sharing group.", r
    assert world.c_user.misp.sharing_group_exists(sg.uuid) is False


def test_index(world, cleanup, sfx):
    admin = world.admin
    s1 = new_sg(admin, cleanup, f"compat SG index {sfx} b")
    s2 = new_sg(admin, cleanup, f"compat SG index {sfx} a")
    listed = no_errors(admin.sharing_groups(pythonify=True))
    names = [x.name for x in listed]
    assert s1.name in names and s2.name in names
    # Ordered by name.
    assert names.index(s2.name) < names.index(s1.name)
    raw = admin.sharing_groups()
    row = next(x for x in raw if x["SharingGroup"]["uuid"] == s1.uuid)
    assert row["SharingGroup"]["name"] == s1.name
    assert "Organisation" in row and "SharingGroupOrg" in row


def test_delete(world, cleanup, sfx):
    admin = world.admin
    sg = new_sg(admin, cleanup, f"compat SG delete {sfx}")
    no_errors(admin.add_org_to_sharing_group(sg, world.a_user.org))
    ev = MISPEvent()
    ev.info = f"sg delete blocker {sfx}"
    ev.distribution = 4
    ev.sharing_group_id = int(sg.id)
    ev.add_attribute("text", "sg protected")
    created = cleanup.event(no_errors(world.a_user.misp.add_event(ev, pythonify=True)))
    assert created.distribution == 4 and int(created.sharing_group_id) == int(sg.id)
    # In use: refused.
    errors_of(admin.delete_sharing_group(sg), 403)
    assert admin.sharing_group_exists(sg.uuid) is True
    # Only the owner organisation (or a site admin) may delete.
    errors_of(world.a_orgadmin.misp.delete_sharing_group(sg), (403, 404, 405))
    assert no_errors(admin.delete_event(created))["message"] == "Event deleted."
    r = no_errors(admin.delete_sharing_group(sg))
    assert r["message"] == "SharingGroup deleted", r
    assert admin.sharing_group_exists(sg.uuid) is False
    assert admin.sharing_group_exists(int(sg.id)) is False
    errors_of(admin.delete_sharing_group(sg), (403, 404, 405))
