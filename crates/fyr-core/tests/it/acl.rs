//! Property test: for random organisations, sharing groups, events, objects
//! and attributes, every read path returns exactly what MISP's rules allow —
//! checked against a naive reference written from misp-api.md §3, not from
//! `fyr_core::acl`. Read paths: the in-memory decisions, event search (SQL),
//! attribute search (SQL), the event view, restSearch plans on events and
//! attributes, the event index plan, and single-attribute/object lookups.

use fyr_core::events::{DeletedView, ViewOptions};
use fyr_core::search::RestSearch;
use fyr_core::{Actor, Core, Origin};
use fyr_store::*;
use fyr_testkit::{Backend, TestDb};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

#[derive(Debug, Clone)]
struct SgSpec {
    owner: usize,
    members: Vec<usize>,
    all_orgs: bool,
}

#[derive(Debug, Clone)]
struct ElemSpec {
    distribution: i64,
    sg: usize,
}

#[derive(Debug, Clone)]
struct ObjSpec {
    elem: ElemSpec,
    attributes: Vec<ElemSpec>,
}

#[derive(Debug, Clone)]
struct EventSpec {
    owner: usize,
    creator: usize,
    distribution: i64,
    sg: usize,
    published: bool,
    attributes: Vec<ElemSpec>,
    objects: Vec<ObjSpec>,
}

#[derive(Debug, Clone)]
struct World {
    orgs: usize,
    sgs: Vec<SgSpec>,
    events: Vec<EventSpec>,
}

const ORGS: usize = 4;

fn elem(max_dist: i64) -> impl Strategy<Value = ElemSpec> {
    (0..=max_dist, 0usize..3).prop_map(|(distribution, sg)| ElemSpec { distribution, sg })
}

fn world() -> impl Strategy<Value = World> {
    let sg = (0..ORGS, proptest::collection::vec(0..ORGS, 0..3), any::<bool>()).prop_map(|(owner, members, all_orgs)| SgSpec {
        owner,
        members,
        all_orgs: all_orgs && owner % 2 == 0,
    });
    let obj = (elem(5), proptest::collection::vec(elem(5), 0..3)).prop_map(|(elem, attributes)| ObjSpec { elem, attributes });
    let event = (
        0..ORGS,
        0..ORGS,
        0i64..=4,
        0usize..3,
        any::<bool>(),
        proptest::collection::vec(elem(5), 0..4),
        proptest::collection::vec(obj, 0..2),
    )
        .prop_map(|(owner, creator, distribution, sg, published, attributes, objects)| EventSpec {
            owner,
            creator,
            distribution,
            sg,
            published,
            attributes,
            objects,
        });
    (proptest::collection::vec(sg, 1..4), proptest::collection::vec(event, 1..6)).prop_map(|(sgs, events)| World {
        orgs: ORGS,
        sgs,
        events,
    })
}

/// The naive reading of MISP's rules (misp-api.md §3).
struct Reference<'a> {
    world: &'a World,
}

impl Reference<'_> {
    fn sg_authorised(&self, org: usize, sg: usize) -> bool {
        match self.world.sgs.get(sg) {
            Some(s) => s.owner == org || s.members.contains(&org) || s.all_orgs,
            None => false,
        }
    }
    fn sees_event(&self, viewer: Option<usize>, e: &EventSpec) -> bool {
        let Some(org) = viewer else { return true };
        e.owner == org || matches!(e.distribution, 1..=3) || (e.distribution == 4 && self.sg_authorised(org, e.sg))
    }
    fn elem_shared(&self, org: usize, x: &ElemSpec) -> bool {
        matches!(x.distribution, 1 | 2 | 3 | 5) || (x.distribution == 4 && self.sg_authorised(org, x.sg))
    }
    fn sees_attribute(&self, viewer: Option<usize>, e: &EventSpec, a: &ElemSpec, object: Option<&ElemSpec>) -> bool {
        if !self.sees_event(viewer, e) {
            return false;
        }
        let Some(org) = viewer else { return true };
        let owner = e.owner == org;
        let shared = self.elem_shared(org, a) && object.is_none_or(|o| self.elem_shared(org, o));
        owner || shared
    }
}

/// Where an attribute sits: (event index, object index if any, attribute index).
type AttrPos = (usize, Option<usize>, usize);

/// Ids of what was stored, to compare with the reference.
struct Stored {
    org_ids: Vec<i64>,
    sg_ids: Vec<i64>,
    event_ids: Vec<i64>,
    /// (event index, Some(object index)/None, attribute index) → attribute id
    attributes: Vec<(AttrPos, i64)>,
}

async fn build(core: &Core<fyr_store_sql::SqlStore>, w: &World) -> Stored {
    let store = &core.store;
    let audit = AuditEntry { action: "test".into(), ..AuditEntry::default() };
    let mut org_ids = Vec::new();
    for i in 0..w.orgs {
        let org = Organisation {
            id: 0,
            uuid: uuid::Uuid::new_v4(),
            name: format!("org {i}"),
            description: String::new(),
            org_type: String::new(),
            nationality: String::new(),
            sector: String::new(),
            contacts: String::new(),
            local: true,
            restricted_to_domain: vec![],
            landingpage: String::new(),
            created_by: 0,
            created: 0,
            modified: 0,
        };
        org_ids.push(store.insert_org(&org, &audit).await.unwrap());
    }
    let mut sg_ids = Vec::new();
    for (i, s) in w.sgs.iter().enumerate() {
        let mut members: Vec<usize> = s.members.clone();
        members.sort_unstable();
        members.dedup();
        let sg = SharingGroup {
            id: 0,
            uuid: uuid::Uuid::new_v4(),
            name: format!("sg {i}"),
            releasability: String::new(),
            description: String::new(),
            org_id: org_ids[s.owner],
            sync_user_id: 0,
            active: true,
            local: true,
            roaming: false,
            created: 0,
            modified: 0,
            orgs: members.iter().map(|m| SharingGroupOrg { id: 0, sharing_group_id: 0, org_id: org_ids[*m], extend: false }).collect(),
            servers: vec![SharingGroupServer { id: 0, sharing_group_id: 0, server_id: 0, all_orgs: s.all_orgs }],
        };
        sg_ids.push(store.insert_sharing_group(&sg, &audit).await.unwrap());
    }
    // A sharing group id that exists in nobody's list, for out-of-range picks.
    let sg_id = |i: usize| sg_ids.get(i).copied().unwrap_or(999_999);
    let mut event_ids = Vec::new();
    let mut attributes = Vec::new();
    for (ei, e) in w.events.iter().enumerate() {
        let ev = Event {
            id: 0,
            uuid: uuid::Uuid::new_v4(),
            org_id: org_ids[e.owner],
            orgc_id: org_ids[e.creator],
            user_id: 0,
            date: "2024-01-01".into(),
            info: format!("event {ei}"),
            published: e.published,
            analysis: 0,
            threat_level_id: 4,
            distribution: e.distribution,
            sharing_group_id: if e.distribution == 4 { sg_id(e.sg) } else { 0 },
            attribute_count: 0,
            timestamp: 1000 + ei as i64,
            publish_timestamp: 0,
            sighting_timestamp: 0,
            proposal_email_lock: false,
            locked: false,
            disable_correlation: false,
            extends_uuid: String::new(),
            protected: false,
        };
        let attr = |x: &ElemSpec, n: usize| Attribute {
            id: 0,
            uuid: uuid::Uuid::new_v4(),
            event_id: 0,
            object_id: 0,
            object_relation: None,
            category: "Other".into(),
            attr_type: "text".into(),
            value1: format!("value {ei} {n}"),
            value2: String::new(),
            to_ids: false,
            distribution: x.distribution,
            sharing_group_id: if x.distribution == 4 { sg_id(x.sg) } else { 0 },
            comment: String::new(),
            deleted: false,
            disable_correlation: false,
            timestamp: 1000,
            first_seen: None,
            last_seen: None,
        };
        let mut write = EventWrite { event: Some(ev), ..EventWrite::default() };
        let mut keys = Vec::new();
        for (ai, a) in e.attributes.iter().enumerate() {
            let at = attr(a, ai);
            keys.push(((ei, None, ai), at.uuid));
            write.attributes.push(AttributeWrite { attribute: at, object_uuid: None });
        }
        for (oi, o) in e.objects.iter().enumerate() {
            let obj = Object {
                id: 0,
                uuid: uuid::Uuid::new_v4(),
                event_id: 0,
                name: "file".into(),
                meta_category: String::new(),
                description: String::new(),
                template_uuid: String::new(),
                template_version: "1".into(),
                distribution: o.elem.distribution,
                sharing_group_id: if o.elem.distribution == 4 { sg_id(o.elem.sg) } else { 0 },
                comment: String::new(),
                deleted: false,
                timestamp: 1000,
                first_seen: None,
                last_seen: None,
            };
            for (ai, a) in o.attributes.iter().enumerate() {
                let at = attr(a, 100 + oi * 10 + ai);
                keys.push(((ei, Some(oi), ai), at.uuid));
                write.attributes.push(AttributeWrite { attribute: at, object_uuid: Some(obj.uuid) });
            }
            write.objects.push(obj);
        }
        let r = store.write_event(&write, &audit).await.unwrap();
        event_ids.push(r.event_id);
        for (k, u) in keys {
            attributes.push((k, r.attribute_id(&u).unwrap()));
        }
    }
    Stored { org_ids, sg_ids, event_ids, attributes }
}

async fn actor_for(core: &Core<fyr_store_sql::SqlStore>, org_id: i64, site_admin: bool) -> Actor {
    let role_id = if site_admin { 1 } else { 3 };
    let email = format!("u{}-{}@example.org", org_id, uuid::Uuid::new_v4().simple());
    let user = User {
        id: 0,
        org_id,
        role_id,
        email,
        password_hash: None,
        disabled: false,
        change_pw: false,
        termsaccepted: true,
        autoalert: false,
        contactalert: false,
        nids_sid: 0,
        gpgkey: String::new(),
        certif_public: String::new(),
        totp_secret: None,
        invited_by: 0,
        created: 0,
        last_login: 0,
        date_modified: 0,
    };
    let id = core.store.insert_user(&user, &AuditEntry::default()).await.unwrap();
    let user = core.store.user(id).await.unwrap().unwrap();
    core.actor_for(user, false, &Origin::default()).await.unwrap()
}

async fn check_world(backend: Backend, w: World) {
    let db = TestDb::create(backend).await.unwrap();
    let store = fyr_store_sql::SqlStore::connect(&db.url, &fyr_store_sql::ConnectOptions { max_connections: 2 }).await.unwrap();
    let core = Core::new(store, Arc::new(fyr::SystemEnv), fyr_core::auth::Pepper::new(vec![7; 32]));
    // Roles 1..6 and a host organisation, as on a fresh instance.
    core.bootstrap(&fyr_core::Bootstrap { host_org_name: "host".into(), admin_email: "admin@example.org".into(), admin_key: None })
        .await
        .unwrap();
    let stored = build(&core, &w).await;
    let reference = Reference { world: &w };
    let mut viewers: Vec<(Option<usize>, Actor)> = Vec::new();
    for i in 0..w.orgs {
        viewers.push((Some(i), actor_for(&core, stored.org_ids[i], false).await));
    }
    viewers.push((None, actor_for(&core, stored.org_ids[0], true).await));
    let _ = &stored.sg_ids;

    for (who, actor) in &viewers {
        // Expected sets from the reference.
        let expected_events: BTreeSet<i64> =
            w.events.iter().enumerate().filter(|(_, e)| reference.sees_event(*who, e)).map(|(i, _)| stored.event_ids[i]).collect();
        let expected_attrs: BTreeSet<i64> = stored
            .attributes
            .iter()
            .filter(|((ei, oi, ai), _)| {
                let e = &w.events[*ei];
                match oi {
                    None => reference.sees_attribute(*who, e, &e.attributes[*ai], None),
                    Some(o) => {
                        let obj = &e.objects[*o];
                        reference.sees_attribute(*who, e, &obj.attributes[*ai], Some(&obj.elem))
                    }
                }
            })
            .map(|(_, id)| *id)
            .collect();

        // 1. In-memory decisions on events.
        let all_events = core.store.events_by_ids(&stored.event_ids).await.unwrap();
        let mem: BTreeSet<i64> = all_events.iter().filter(|e| actor.viewer.sees_event(e)).map(|e| e.id).collect();
        assert_eq!(mem, expected_events, "in-memory event decisions for viewer {who:?}");

        // 2. Event search in SQL.
        let q = EventQuery {
            visibility: actor.viewer.events(),
            attribute_visibility: actor.viewer.attributes_in_visible_event(),
            filter: EventFilter::default(),
            order: EventOrder::default(),
            page: None,
        };
        let sql: BTreeSet<i64> = core.store.search_events(&q).await.unwrap().iter().map(|e| e.id).collect();
        assert_eq!(sql, expected_events, "event search for viewer {who:?}");
        assert_eq!(core.store.count_events(&q).await.unwrap(), expected_events.len() as u64);

        // 3. Attribute search in SQL.
        let aq = AttributeQuery {
            visibility: actor.viewer.attributes(),
            attribute: AttributeFilter::default(),
            event: EventFilter::default(),
            after_id: 0,
            page: None,
        };
        let sql_attrs: BTreeSet<i64> = core.store.search_attributes(&aq).await.unwrap().iter().map(|a| a.id).collect();
        assert_eq!(sql_attrs, expected_attrs, "attribute search for viewer {who:?}");

        // 4. The event view (what events/view and restSearch JSON render).
        let mut viewed: BTreeSet<i64> = BTreeSet::new();
        for e in all_events.iter().filter(|e| expected_events.contains(&e.id)) {
            let v = core.event_view(actor, e, &ViewOptions { deleted: DeletedView::Include, ..ViewOptions::default() }).await.unwrap();
            viewed.extend(v.tree.attributes.iter().map(|a| a.id));
        }
        assert_eq!(viewed, expected_attrs, "event views for viewer {who:?}");

        // 5. restSearch plans (events and attributes scope) with no filters.
        let rs = RestSearch::parse(&serde_json::Map::from_iter([("returnFormat".to_string(), serde_json::json!("json"))]), 2000).unwrap();
        let plan = core.plan_event_search(actor, &rs).await.unwrap().unwrap();
        let found: BTreeSet<i64> = core.store.search_events(&plan.query).await.unwrap().iter().map(|e| e.id).collect();
        assert_eq!(found, expected_events, "restSearch events for viewer {who:?}");
        let plan = core.plan_attribute_search(actor, &rs).await.unwrap().unwrap();
        let found: BTreeSet<i64> = core.store.search_attributes(&plan.query).await.unwrap().iter().map(|a| a.id).collect();
        assert_eq!(found, expected_attrs, "restSearch attributes for viewer {who:?}");

        // 6. The event index.
        let plan = core.plan_event_index(actor, &serde_json::Map::new()).await.unwrap().unwrap();
        let found: BTreeSet<i64> = core.store.search_events(&plan.query).await.unwrap().iter().map(|e| e.id).collect();
        assert_eq!(found, expected_events, "event index for viewer {who:?}");

        // 7. Single lookups: find_event and find_attribute agree too.
        for id in &stored.event_ids {
            let ok = core.find_event(actor, &id.to_string()).await.is_ok();
            assert_eq!(ok, expected_events.contains(id), "find_event {id} for viewer {who:?}");
        }
        let by_id: HashMap<i64, ()> = stored.attributes.iter().map(|(_, id)| (*id, ())).collect();
        for id in by_id.keys() {
            let ok = core.find_attribute(actor, &id.to_string(), false).await.is_ok();
            assert_eq!(ok, expected_attrs.contains(id), "find_attribute {id} for viewer {who:?}");
        }
    }
    core.store.close().await;
    db.drop_db().await.unwrap();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_read_path_leaks_on_sqlite(w in world()) {
        runtime().block_on(check_world(Backend::Sqlite, w));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn no_read_path_leaks_on_postgres(w in world()) {
        runtime().block_on(check_world(Backend::Postgres, w));
    }
}
