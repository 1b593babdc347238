"""organisations, users, roles and auth keys as PyMISP's admin calls use them."""

from pymisp import MISPOrganisation, MISPRole, MISPUser

from compat_helpers import connect, errors_of, no_errors, raw


def test_organisation_index_search_view(world):
    admin = world.admin
    names = {o.name for o in no_errors(admin.organisations(scope="local", pythonify=True))}
    assert {world.orgs[x].name for x in "ABC"} <= names
    found = admin.organisations(scope="local", search=f"compat B {world.sfx}", pythonify=True)
    assert [o.uuid for o in found] == [world.orgs["B"].uuid]
    found = admin.organisations(scope="all", search=world.sfx, pythonify=True)
    assert sorted(o.name for o in found) == sorted(world.orgs[x].name for x in "ABC")
    assert admin.organisations(scope="external", search=world.sfx) == []

    for ref in (int(world.orgs["A"].id), world.orgs["A"].uuid):
        org = no_errors(world.a_user.misp.get_organisation(ref, pythonify=True))
        assert org.name == world.orgs["A"].name and org.uuid == world.orgs["A"].uuid
        assert org.local is True
    errors_of(admin.get_organisation(99999999), 404)


def test_organisation_add_edit_delete(world, sfx):
    admin = world.admin
    o = MISPOrganisation()
    o.name = f"fyr-compat temp {sfx}"
    o.nationality = "Luxembourg"
    o.sector = "Research"
    org = no_errors(admin.add_organisation(o, pythonify=True), "admin/organisations/add")
    try:
        assert org.name == o.name and org.nationality == "Luxembourg" and org.sector == "Research"
        assert org.local is True
        # A duplicate name is refused.
        dup = MISPOrganisation()
        dup.name = o.name
        body = errors_of(admin.add_organisation(dup), 403)
        assert "name" in str(body)
        org.description = "edited description"
        org.name = f"fyr-compat temp renamed {sfx}"
        no_errors(admin.update_organisation(org, pythonify=True), "admin/organisations/edit")
        got = admin.get_organisation(org.uuid, pythonify=True)
        assert got.description == "edited description" and got.name == f"fyr-compat temp renamed {sfx}"
        assert got.sector == "Research"
        # Only site admins manage organisations.
        errors_of(world.a_orgadmin.misp.add_organisation({"name": f"nope {sfx}"}), 403)
        errors_of(world.a_orgadmin.misp.delete_organisation(org), 403)
        # An organisation with users cannot be deleted.
        u = MISPUser()
        u.email = f"temp-{sfx}@temp.compat.test"
        u.org_id = org.id
        user = no_errors(admin.add_user(u, pythonify=True))
        body = errors_of(admin.delete_organisation(org), 403)
        assert body.get("saved") is False
        assert no_errors(admin.delete_user(user))["message"] == "User deleted."
    finally:
        r = admin.delete_organisation(org.uuid)
    assert r.get("message") == "Organisation deleted", r
    errors_of(admin.get_organisation(org.uuid), 404)


def test_users_index_and_search(world):
    admin = world.admin
    users = no_errors(admin.users(pythonify=True))
    emails = [u.email for u in users]
    assert world.a_user.user.email in emails and world.c_user.user.email in emails
    ids = [int(u.id) for u in users]
    assert ids == sorted(ids)
    found = admin.users(search=world.b_ro.user.email)
    assert [x["User"]["email"] for x in found] == [world.b_ro.user.email]
    assert found[0]["Role"]["id"] == "6" and found[0]["Organisation"]["id"] == str(world.orgs["B"].id)
    assert "authkey" not in found[0]["User"]
    in_a = admin.users(organisation=int(world.orgs["A"].id), pythonify=True)
    assert sorted(u.email for u in in_a) == sorted(world.people[x].user.email for x in ("a_user", "a_pub", "a_orgadmin"))
    # An org admin sees only the users of its organisation.
    mine = no_errors(world.a_orgadmin.misp.users(pythonify=True))
    assert sorted(u.email for u in mine) == sorted(u.email for u in in_a)
    # A plain user may not list users.
    errors_of(world.a_user.misp.users(), 403)


def test_user_add_edit_delete(world, sfx):
    admin = world.admin
    u = MISPUser()
    u.email = f"temp-user-{sfx}@c.compat.test"
    u.org_id = world.orgs["C"].id
    u.role_id = 3
    r = no_errors(admin.add_user(u), "admin/users/add")
    user_j = r["User"]
    key = user_j["authkey"]
    assert len(key) == 40 and user_j["email"] == u.email
    assert user_j["org_id"] == str(world.orgs["C"].id) and user_j["role_id"] == "3"
    uid = int(user_j["id"])
    try:
        conn = connect(key)
        me = conn.get_user("me", pythonify=True)
        assert int(me.id) == uid and me.email == u.email
        user = admin.get_user(uid, pythonify=True)
        user.email = f"temp-user-renamed-{sfx}@c.compat.test"
        user.role_id = 6
        edited = no_errors(admin.update_user(user, pythonify=True), "admin/users/edit")
        assert edited.email == f"temp-user-renamed-{sfx}@c.compat.test"
        assert int(edited.role_id) == 6
        assert int(conn.get_user("me", pythonify=True).role_id) == 6
        # Duplicate e-mail address.
        dup = MISPUser()
        dup.email = world.c_user.user.email
        dup.org_id = world.orgs["C"].id
        body = errors_of(admin.add_user(dup), 403)
        assert "email" in str(body)
        # Org admins of another organisation cannot touch this user.
        errors_of(world.a_orgadmin.misp.delete_user(uid), (403, 404))
    finally:
        r = admin.delete_user(uid)
    assert r["message"] == "User deleted.", r
    resp = raw("GET", "servers/getVersion", key=key)
    assert resp.status_code == 403, resp.status_code
    errors_of(admin.get_user(uid), 404)


def test_roles_and_default_role(world, sfx):
    admin = world.admin
    roles = no_errors(admin.roles(pythonify=True))
    by_id = {int(r.id): r for r in roles}
    assert {1, 2, 3, 4, 5, 6} <= set(by_id)
    assert by_id[1].perm_site_admin is True
    assert by_id[3].perm_publish is False and by_id[4].perm_publish is True
    assert by_id[6].perm_add is False
    default = [int(r.id) for r in roles if r.get("default") is True]
    assert len(default) == 1, default
    original = default[0]

    r = no_errors(admin.set_default_role(4))
    assert r["message"] == "Default role set.", r
    try:
        u = MISPUser()
        u.email = f"default-role-{sfx}@c.compat.test"
        u.org_id = world.orgs["C"].id
        created = no_errors(admin.add_user(u))
        try:
            assert created["User"]["role_id"] == "4"
        finally:
            assert admin.delete_user(int(created["User"]["id"]))["message"] == "User deleted."
        errors_of(admin.set_default_role(99999), (403, 404))
    finally:
        assert admin.set_default_role(original)["message"] == "Default role set."
    assert [int(x.id) for x in admin.roles(pythonify=True) if x.get("default") is True] == [original]

    role = MISPRole()
    role.name = f"compat role {sfx}"
    new = no_errors(admin.add_role(role, pythonify=True), "admin/roles/add")
    try:
        _check_new_role(world, new, sfx)
    finally:
        r = admin.delete_role(new)
    assert r["message"] == "Role deleted.", r
    assert int(new.id) not in {int(x.id) for x in admin.roles(pythonify=True)}


def _check_new_role(world, new, sfx):
    admin = world.admin
    assert new.name == f"compat role {sfx}"
    assert new.perm_sighting is False and new.perm_add is False and new.perm_site_admin is False
    new.perm_sighting = True
    new.max_execution_time = 1234
    edited = no_errors(admin.update_role(new, pythonify=True), "admin/roles/edit")
    assert edited.perm_sighting is True
    assert edited.max_execution_time == "1234"
    errors_of(world.a_orgadmin.misp.add_role({"name": f"nope {sfx}"}), 403)
    assert f"nope {sfx}" not in {x.name for x in admin.roles(pythonify=True)}


def test_new_auth_key(world):
    p = world.c_user
    key = p.misp.get_new_authkey()
    assert isinstance(key, str) and len(key) == 40 and key != p.key
    r = raw("GET", "users/view/me", key=key)
    assert r.status_code == 200 and r.json()["User"]["email"] == p.user.email
    # The old key keeps working.
    r = raw("GET", "users/view/me", key=p.key)
    assert r.status_code == 200 and r.json()["User"]["id"] == str(p.user_id)
    # Read-only users (perm_auth) may create keys for themselves too.
    key2 = world.b_ro.misp.get_new_authkey("me")
    assert len(key2) == 40
