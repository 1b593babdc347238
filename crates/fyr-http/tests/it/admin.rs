//! Organisations, users, API keys, roles, sharing groups and tags through
//! the MISP API: shapes, permissions, refusals, and bad input (always a
//! clear 4xx naming the field, never a 500).

use fyr_testkit::fyr_store::IdentityStore;
use fyr_testkit::{Client, Reply, TestServer};
use serde_json::{Value, json};

fn ok(r: &Reply) -> Value {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn assert_4xx_naming(r: &Reply, needle: &str) {
    assert!((400..500).contains(&r.status), "expected a 4xx, got {} {}", r.status, r.text);
    let text = r.json().to_string();
    assert!(text.contains(needle), "the error should name {needle:?}: {text}");
}

fn s(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| panic!("expected a string, got {v}"))
}

/// An organisation and a user in it with the given role; returns (org id, user id, client).
async fn org_and_user(srv: &TestServer, org: &str, email: &str, role: &str) -> (String, String, Client) {
    let a = srv.admin();
    let o = ok(&a.post("admin/organisations/add", &json!({"name": org})).await.unwrap());
    let org_id = s(&o["Organisation"]["id"]);
    let u = ok(&a.post("admin/users/add", &json!({"email": email, "org_id": org_id, "role_id": role})).await.unwrap());
    (org_id, s(&u["User"]["id"]), srv.client(&s(&u["User"]["authkey"])))
}

#[tokio::test]
async fn organisations_users_keys_and_roles() {
    let srv = TestServer::start().await.unwrap();
    let a = srv.admin();

    // Default role and a user created with it; the clear key works at once.
    let r = ok(&a.post("admin/roles/set_default/4", &json!({})).await.unwrap());
    assert_eq!(r["message"], "Default role set.");
    let org = ok(&a.post("admin/organisations/add", &json!({"name": "CERT-X", "sector": "Energy"})).await.unwrap());
    let org_id = s(&org["Organisation"]["id"]);
    assert_eq!(org["Organisation"]["local"], true);
    let u = ok(&a.post("admin/users/add", &json!({"email": "ana@cert-x.example", "org_id": org_id})).await.unwrap());
    assert_eq!(u["User"]["role_id"], "4");
    let key = s(&u["User"]["authkey"]);
    assert_eq!(key.len(), 40);
    let user_id = s(&u["User"]["id"]);
    let ana = srv.client(&key);
    let me = ok(&ana.get("users/view/me").await.unwrap());
    assert_eq!(me["User"]["email"], "ana@cert-x.example");

    // An additional key: both keys keep working.
    let k = ok(&ana.post("auth_keys/add/me", &json!({})).await.unwrap());
    let second = srv.client(&s(&k["AuthKey"]["authkey_raw"]));
    ok(&second.get("users/view/me").await.unwrap());
    ok(&ana.get("users/view/me").await.unwrap());

    // Index, search, view.
    let list = ok(&a.get("organisations/index/scope:local/searchall:energy").await.unwrap());
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["Organisation"]["user_count"], "1");
    let v = ok(&ana.get(&format!("organisations/view/{org_id}")).await.unwrap());
    assert_eq!(v["Organisation"]["name"], "CERT-X");
    assert_eq!(a.head("organisations/view/CERT-X").await.unwrap().status, 200);
    let users = ok(&a.get("admin/users/index/value:cert-x").await.unwrap());
    assert_eq!(users.as_array().map(Vec::len), Some(1));
    assert_eq!(users[0]["Organisation"]["name"], "CERT-X");
    assert!(users[0]["User"].get("authkey").is_none() && users[0]["User"].get("password").is_none());

    // Users cannot reach admin functions.
    assert_eq!(ana.get("admin/users/index").await.unwrap().status, 403);
    assert_eq!(ana.post("admin/organisations/add", &json!({"name": "Mine"})).await.unwrap().status, 403);

    // Edit (masked placeholders ignored), own edit limited to own fields.
    let e = ok(&a
        .post(&format!("admin/users/edit/{user_id}"), &json!({"email": "ana@cert-x.example", "password": "*****", "autoalert": true}))
        .await
        .unwrap());
    assert_eq!(e["User"]["autoalert"], true);
    let e = ok(&ana.post(&format!("users/edit/{user_id}"), &json!({"contactalert": true, "role_id": "1"})).await.unwrap());
    assert_eq!(e["User"]["contactalert"], true);
    assert_eq!(e["User"]["role_id"], "4", "users cannot change their own role");
    let r = ana.post("users/edit/1", &json!({"contactalert": true})).await.unwrap();
    assert_eq!(r.status, 404, "{}", r.text);

    // Roles: add (flags not given are off), edit, refusals, delete.
    let role = ok(&a.post("admin/roles/add", &json!({"name": "analyst", "perm_sighting": true})).await.unwrap());
    assert_eq!(role["Role"]["perm_sighting"], true);
    assert_eq!(role["Role"]["perm_add"], false);
    let role_id = s(&role["Role"]["id"]);
    let edited = ok(&a
        .post(&format!("admin/roles/edit/{role_id}"), &json!({"permission": "1", "max_execution_time": 1234, "memory_limit": ""}))
        .await
        .unwrap());
    assert_eq!(edited["Role"]["max_execution_time"], "1234");
    assert_eq!(edited["Role"]["perm_add"], true);
    assert_eq!(edited["Role"]["permission"], "1");
    let roles = ok(&a.get("roles/index").await.unwrap());
    let defaults: Vec<&Value> = roles.as_array().unwrap().iter().filter(|r| r["Role"]["default"] == true).collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0]["Role"]["id"], "4");
    ok(&a.post(&format!("admin/users/edit/{user_id}"), &json!({"role_id": role_id})).await.unwrap());
    let r = a.post(&format!("admin/roles/delete/{role_id}"), &json!({})).await.unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["errors"], "It is not possible to delete role that is assigned to users.");

    // The organisation cannot go while it has users.
    let r = a.post(&format!("admin/organisations/delete/{org_id}"), &json!({})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);
    let r = ok(&a.post(&format!("admin/users/delete/{user_id}"), &json!({})).await.unwrap());
    assert_eq!(r["message"], "User deleted.");
    assert_eq!(ana.get("users/view/me").await.unwrap().status, 403, "the deleted user's keys are gone");
    let r = ok(&a.post(&format!("admin/roles/delete/{role_id}"), &json!({})).await.unwrap());
    assert_eq!(r["message"], "Role deleted.");
    let r = ok(&a.post(&format!("admin/organisations/delete/{org_id}"), &json!({})).await.unwrap());
    assert_eq!(r["message"], "Organisation deleted");

    // Every one of those writes is in the audit log.
    let audit = srv.core().store.audit_entries(0, 1000).await.unwrap();
    for (action, model) in
        [("add", "Organisation"), ("add", "User"), ("edit", "User"), ("delete", "User"), ("add", "Role"), ("edit", "Role")]
    {
        assert!(audit.iter().any(|e| e.action == action && e.model == model), "no audit entry for {action} {model}");
    }
    srv.stop().await.unwrap();
}

#[tokio::test]
async fn org_admins_manage_only_their_organisation() {
    let srv = TestServer::start().await.unwrap();
    let a = srv.admin();
    let (_, _, boss) = org_and_user(&srv, "Org B", "boss@b.example", "2").await;
    let (_, other_id, _) = org_and_user(&srv, "Org C", "user@c.example", "3").await;
    let users = ok(&boss.get("admin/users/index").await.unwrap());
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
    let r = boss.post(&format!("admin/users/edit/{other_id}"), &json!({"email": "x@c.example"})).await.unwrap();
    assert_eq!(r.status, 404, "{}", r.text);
    let r = boss.post("admin/users/add", &json!({"email": "new@b.example", "role_id": "1"})).await.unwrap();
    assert_4xx_naming(&r, "role_id");
    ok(&boss.post("admin/users/add", &json!({"email": "new@b.example"})).await.unwrap());

    // An org admin of the host organisation cannot mint keys for the site admin.
    let u = ok(&a.post("admin/users/add", &json!({"email": "hostadmin@host.example", "org_id": "1", "role_id": "2"})).await.unwrap());
    let host_admin = srv.client(&s(&u["User"]["authkey"]));
    let r = host_admin.post("auth_keys/add/1", &json!({})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);
    let r = host_admin.post("admin/users/edit/1", &json!({"email": "evil@host.example"})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);
    srv.stop().await.unwrap();
}

#[tokio::test]
async fn sharing_group_membership_changes_visibility_at_once() {
    let srv = TestServer::start().await.unwrap();
    let a = srv.admin();
    let (org_b, _, bob) = org_and_user(&srv, "Org B", "bob@b.example", "3").await;
    let sg = ok(&a.post("sharingGroups/add", &json!({"name": "Energy sector", "releasability": "TLP:AMBER"})).await.unwrap());
    assert_eq!(sg["SharingGroupOrg"], json!([]));
    assert_eq!(sg["SharingGroupServer"][0]["server_id"], "0");
    let sg_id = s(&sg["SharingGroup"]["id"]);
    let sg_uuid = s(&sg["SharingGroup"]["uuid"]);
    let ev = ok(&a
        .post("events/add", &json!({"info": "for the group", "distribution": 4, "sharing_group_id": sg_id, "Attribute": [{"type": "ip-dst", "value": "192.0.2.1"}]}))
        .await
        .unwrap());
    let event_id = s(&ev["Event"]["id"]);

    assert_eq!(bob.get(&format!("events/view/{event_id}")).await.unwrap().status, 404);
    assert_eq!(bob.head(&format!("sharing_groups/view/{sg_uuid}")).await.unwrap().status, 404);
    let r = ok(&a.post("sharingGroups/addOrg", &json!({"sg_id": sg_uuid, "org_id": org_b, "extend": false})).await.unwrap());
    assert_eq!(r["name"], "Organisation added to the sharing group.");
    let seen = ok(&bob.get(&format!("events/view/{event_id}")).await.unwrap());
    assert_eq!(seen["Event"]["SharingGroup"]["name"], "Energy sector");
    let view = ok(&bob.get(&format!("sharing_groups/view/{sg_id}")).await.unwrap());
    assert_eq!(view["SharingGroupOrg"][0]["org_id"], json!(org_b));
    let list = ok(&bob.get("sharingGroups/index").await.unwrap());
    assert_eq!(list["response"][0]["SharingGroup"]["name"], "Energy sector");
    assert_eq!(list["response"][0]["editable"], false);
    // Bob's organisation may not extend the group.
    let r = bob.post(&format!("sharing_groups/edit/{sg_id}"), &json!({"name": "mine"})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);

    let r = a.post("sharingGroups/addOrg", &json!({"sg_id": sg_id, "org_id": org_b})).await.unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["errors"], "Organisation is already in the sharing group.");
    ok(&a.post("sharingGroups/removeOrg", &json!({"sg_id": sg_id, "org_id": org_b})).await.unwrap());
    assert_eq!(bob.get(&format!("events/view/{event_id}")).await.unwrap().status, 404);

    // Servers: only this instance (0) exists.
    let r = a.post("sharingGroups/addServer", &json!({"sg_id": sg_id, "server_id": 3})).await.unwrap();
    assert_4xx_naming(&r, "server_id");

    // In use: not deletable.
    let r = a.post(&format!("sharingGroups/delete/{sg_id}"), &json!({})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);
    ok(&a.post(&format!("events/delete/{event_id}"), &json!({})).await.unwrap());
    let r = ok(&a.post(&format!("sharingGroups/delete/{sg_id}"), &json!({})).await.unwrap());
    assert_eq!(r["message"], "SharingGroup deleted");
    assert_eq!(a.head(&format!("sharing_groups/view/{sg_uuid}")).await.unwrap().status, 404);
    srv.stop().await.unwrap();
}

#[tokio::test]
async fn tagging_rules() {
    let srv = TestServer::start().await.unwrap();
    let a = srv.admin();
    let (_, _, bob) = org_and_user(&srv, "Org B", "bob@b.example", "3").await;
    let ev = ok(&a
        .post("events/add", &json!({"info": "tagged", "distribution": 1, "Attribute": [{"type": "ip-dst", "value": "192.0.2.9"}]}))
        .await
        .unwrap());
    let uuid = s(&ev["Event"]["uuid"]);
    let id = s(&ev["Event"]["id"]);
    let attr_uuid = s(&ev["Event"]["Attribute"][0]["uuid"]);
    ok(&a.post(&format!("events/publish/{id}"), &json!({})).await.unwrap());

    // A local tag leaves the event published; a global one unpublishes it.
    let r = ok(&a.post("tags/attachTagToObject", &json!({"uuid": uuid, "tag": "workflow:todo", "local": true})).await.unwrap());
    assert!(s(&r["message"]).starts_with("Local tag workflow:todo("), "{r}");
    assert_eq!(ok(&a.get(&format!("events/view/{id}")).await.unwrap())["Event"]["published"], true);
    let r = ok(&a.post("tags/attachTagToObject", &json!({"uuid": attr_uuid, "tag": "tlp:green", "local": false})).await.unwrap());
    assert!(s(&r["message"]).contains("successfully attached to Attribute("), "{r}");
    let view = ok(&a.get(&format!("events/view/{id}")).await.unwrap());
    assert_eq!(view["Event"]["published"], false);
    assert_eq!(view["Event"]["Attribute"][0]["Tag"][0]["name"], "tlp:green");

    // Another organisation: no global tags on data it did not create, no local tags at all.
    let r = bob.post("tags/attachTagToObject", &json!({"uuid": uuid, "tag": "tlp:green", "local": false})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);
    let r = bob.post("tags/attachTagToObject", &json!({"uuid": uuid, "tag": "tlp:green", "local": true})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(s(&r.json()["errors"]).contains("Local tags can only be added by users of the host organisation."));
    let r = bob.post("tags/removeTagFromObject", &json!({"uuid": attr_uuid, "tag": "tlp:green"})).await.unwrap();
    assert_eq!(r.status, 403, "{}", r.text);
    // Bob (no tag editor) cannot create tags.
    let r = bob.post("tags/add", &json!({"name": "bobs tag"})).await.unwrap();
    assert_eq!(r.status, 403);

    // Tag index counts what the viewer sees.
    // (A fresh instance has the TLP tags; only tlp:green is in use.)
    let idx = ok(&a.get("tags/index/searchall:tlp").await.unwrap());
    let tags = idx["Tag"].as_array().unwrap();
    assert!(tags.iter().all(|t| s(&t["name"]).starts_with("tlp:")), "{idx}");
    let green = tags.iter().find(|t| t["name"] == "tlp:green").unwrap();
    assert_eq!(green["attribute_count"], 1);
    assert!(tags.iter().filter(|t| t["name"] != "tlp:green").all(|t| t["attribute_count"] == 0), "{idx}");
    let found = ok(&a.post("tags/search", &json!({"tagname": "TLP:%", "strict_tagname": false})).await.unwrap());
    assert!(found.as_array().unwrap().iter().any(|t| t["Tag"]["name"] == "tlp:green"), "{found}");
    assert!(found.as_array().unwrap().iter().all(|t| s(&t["Tag"]["name"]).starts_with("tlp:")), "{found}");
    assert_eq!(ok(&a.post("tags/search", &json!({"tagname": "tlp:", "strict_tagname": true})).await.unwrap()), json!([]));

    let r = ok(&a.post("tags/removeTagFromObject", &json!({"uuid": uuid, "tag": "workflow:todo"})).await.unwrap());
    assert!(s(&r["message"]).ends_with(&format!("successfully removed from Event({id}).")), "{r}");
    let r = a.post("tags/removeTagFromObject", &json!({"uuid": uuid, "tag": "workflow:todo"})).await.unwrap();
    assert_eq!(r.status, 404, "{}", r.text);
    let tag_id = s(&green["id"]);
    let r = ok(&a.post(&format!("tags/delete/{tag_id}"), &json!({})).await.unwrap());
    assert_eq!(r["message"], "Tag deleted.");
    let view = ok(&a.get(&format!("events/view/{id}")).await.unwrap());
    assert!(view["Event"]["Attribute"][0].get("Tag").is_none(), "{view}");
    srv.stop().await.unwrap();
}

#[tokio::test]
async fn bad_input_names_the_field() {
    let srv = TestServer::start().await.unwrap();
    let a = srv.admin();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("admin/organisations/add", json!({}), "name"),
        ("admin/organisations/add", json!({"name": ["x"]}), "name"),
        ("admin/organisations/add", json!({"name": "x".repeat(300)}), "name"),
        ("admin/organisations/add", json!({"name": "ORGNAME"}), "name"),
        ("admin/organisations/add", json!({"name": "X", "uuid": "nope"}), "uuid"),
        ("admin/organisations/add", json!({"name": "X", "restricted_to_domain": "not a domain!"}), "restricted_to_domain"),
        ("admin/organisations/add", json!({"name": "X", "local": "perhaps"}), "local"),
        ("admin/users/add", json!({"org_id": "1"}), "email"),
        ("admin/users/add", json!({"email": "not-an-address"}), "email"),
        ("admin/users/add", json!({"email": "a@b.example", "org_id": "999"}), "org_id"),
        ("admin/users/add", json!({"email": "a@b.example", "org_id": "one"}), "org_id"),
        ("admin/users/add", json!({"email": "a@b.example", "role_id": "999"}), "role_id"),
        ("admin/users/add", json!({"email": "a@b.example", "password": "short"}), "password"),
        ("admin/users/edit/1", json!({"nids_sid": -4}), "nids_sid"),
        ("auth_keys/add/me", json!({"allowed_ips": ["somewhere"]}), "allowed_ips"),
        ("auth_keys/add/me", json!({"expiration": "later"}), "expiration"),
        ("admin/roles/add", json!({}), "name"),
        ("admin/roles/add", json!({"name": "r", "permission": "9"}), "permission"),
        ("admin/roles/add", json!({"name": "r", "perm_add": "maybe"}), "perm_add"),
        ("admin/roles/add", json!({"name": "r", "max_execution_time": "forever"}), "max_execution_time"),
        ("sharingGroups/add", json!({}), "name"),
        ("sharingGroups/add", json!({"name": "g", "SharingGroupOrg": [{"org_id": 999}]}), "SharingGroupOrg[0].org_id"),
        ("sharingGroups/add", json!({"name": "g", "roaming": "x"}), "roaming"),
        ("sharingGroups/addOrg", json!({"sg_id": 1}), "org_id"),
        ("tags/add", json!({}), "name"),
        ("tags/add", json!({"name": "t", "colour": "red"}), "colour"),
        ("tags/add", json!({"name": "t", "org_id": 999}), "org_id"),
        ("tags/search", json!({"tagname": {"x": 1}}), "tagname"),
        ("tags/attachTagToObject", json!({"tag": "t"}), "uuid"),
        ("tags/attachTagToObject", json!({"uuid": "nope", "tag": "t"}), "uuid"),
        ("tags/attachTagToObject", json!({"uuid": "5f0c3b8e-1b8a-4c8b-9c1e-2f1e7f4b7a10"}), "tag"),
        ("tags/attachTagToObject", json!({"uuid": "5f0c3b8e-1b8a-4c8b-9c1e-2f1e7f4b7a10", "tag": "t", "local": "q"}), "local"),
    ];
    for (path, body, field) in cases {
        let r = a.post(path, &body).await.unwrap();
        assert!((400..500).contains(&r.status), "{path} {body}: expected a 4xx, got {} {}", r.status, r.text);
        assert_4xx_naming(&r, field);
    }
    // Unknown ids are 4xx too.
    for path in [
        "admin/organisations/edit/999",
        "admin/users/edit/999",
        "admin/users/delete/999",
        "admin/roles/edit/999",
        "admin/roles/delete/999",
        "admin/roles/set_default/999",
        "sharing_groups/edit/999",
        "sharingGroups/delete/999",
        "tags/edit/999",
        "tags/delete/999",
    ] {
        let r = a.post(path, &json!({"name": "x"})).await.unwrap();
        assert!((400..500).contains(&r.status), "{path}: expected a 4xx, got {} {}", r.status, r.text);
    }
    srv.stop().await.unwrap();
}
