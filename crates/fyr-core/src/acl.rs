//! **The one place that decides who sees what.** Every read path — event
//! view, index, restSearch on events and attributes, exports, feeds, sync,
//! notifications — takes its conditions from here, with the viewer as an
//! explicit parameter. Decisions are [`Cond`] values: the store compiles them
//! to SQL for searches, and [`Cond::eval`] applies the very same value to rows
//! in memory (single-event views, write checks). The property test in
//! `tests/it/acl.rs` checks both executions against a naive reading of
//! MISP's rules over random organisations, sharing groups and events.
//!
//! The rules are MISP's (`Event::createEventConditions`, `Event::fetchEvent`,
//! `SharingGroup::authorizedIds`):
//! * a site admin sees everything;
//! * anyone else sees an event that their organisation owns (`org_id`), or
//!   whose distribution is 1, 2 or 3, or 4 with a sharing group they are
//!   authorised for (with `MISP.unpublishedprivate`, non-owners see only
//!   published events);
//! * inside a visible event, the owner organisation sees everything; others
//!   see attributes (and objects) whose distribution is 1, 2, 3 or 5
//!   (inherit), or 4 with an authorised sharing group — and an attribute in
//!   an object also needs the object to be visible.
//!
//! MISP's event views additionally hide, from the owner organisation, a
//! distribution-4 element whose sharing group the owner has left, while its
//! attribute search and `attributes/view` show it. fyr applies the rule above
//! on every path: the owner organisation sees everything in its own events.

use fyr_store::{Attribute, Col, Cond, Event, Object};

/// Distribution levels (MISP): 0 your organisation only, 1 this community,
/// 2 connected communities, 3 all communities, 4 sharing group, 5 inherit.
pub const DIST_ORG_ONLY: i64 = 0;
pub const DIST_SHARING_GROUP: i64 = 4;
pub const DIST_INHERIT: i64 = 5;

/// Who is looking. Built once per request from the authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub org_id: i64,
    pub site_admin: bool,
    /// Sharing groups the viewer's organisation is authorised for.
    pub sharing_groups: Vec<i64>,
    /// `MISP.unpublishedprivate`: non-owners see only published events.
    pub unpublished_private: bool,
}

impl Viewer {
    /// The condition on events (`Col::Event*`) under which the viewer sees one.
    pub fn events(&self) -> Cond {
        if self.site_admin {
            return Cond::True;
        }
        let shared = Cond::or([
            Cond::in_list(Col::EventDistribution, [1, 2, 3]),
            Cond::and([
                Cond::Eq(Col::EventDistribution, DIST_SHARING_GROUP),
                Cond::in_list(Col::EventSharingGroupId, self.sharing_groups.iter().copied()),
            ]),
        ]);
        let shared = if self.unpublished_private { Cond::and([shared, Cond::Eq(Col::EventPublished, 1)]) } else { shared };
        Cond::or([Cond::Eq(Col::EventOrgId, self.org_id), shared])
    }

    /// The condition on an attribute (`Col::Attribute*`, `Col::Object*`, and
    /// `Col::EventOrgId`) under which the viewer sees it *inside an event they
    /// already see*.
    pub fn attributes_in_visible_event(&self) -> Cond {
        if self.site_admin {
            return Cond::True;
        }
        let object_ok = Cond::or([Cond::Eq(Col::AttributeObjectId, 0), self.element(Col::ObjectDistribution, Col::ObjectSharingGroupId)]);
        Cond::or([
            Cond::Eq(Col::EventOrgId, self.org_id),
            Cond::and([self.element(Col::AttributeDistribution, Col::AttributeSharingGroupId), object_ok]),
        ])
    }

    /// The condition on an object inside an event the viewer sees.
    pub fn objects_in_visible_event(&self) -> Cond {
        if self.site_admin {
            return Cond::True;
        }
        Cond::or([Cond::Eq(Col::EventOrgId, self.org_id), self.element(Col::ObjectDistribution, Col::ObjectSharingGroupId)])
    }

    /// Attributes the viewer sees anywhere: visible event and visible attribute.
    pub fn attributes(&self) -> Cond {
        Cond::and([self.events(), self.attributes_in_visible_event()])
    }

    fn element(&self, dist: Col, sg: Col) -> Cond {
        Cond::or([
            Cond::in_list(dist, [1, 2, 3, DIST_INHERIT]),
            Cond::and([Cond::Eq(dist, DIST_SHARING_GROUP), Cond::in_list(sg, self.sharing_groups.iter().copied())]),
        ])
    }

    /// Whether the viewer sees this event.
    pub fn sees_event(&self, e: &Event) -> bool {
        self.events().eval(&|c| event_col(e, c))
    }

    /// Whether the viewer sees this attribute of `event` (which they see),
    /// given the attribute's object if it has one.
    pub fn sees_attribute(&self, event: &Event, a: &Attribute, object: Option<&Object>) -> bool {
        self.attributes_in_visible_event().eval(&|c| attribute_col(event, a, object, c))
    }

    /// Whether the viewer sees this object of `event` (which they see).
    pub fn sees_object(&self, event: &Event, o: &Object) -> bool {
        self.objects_in_visible_event().eval(&|c| object_col(event, o, c))
    }
}

/// Column values of an event row.
pub fn event_col(e: &Event, c: Col) -> Option<i64> {
    match c {
        Col::EventId => Some(e.id),
        Col::EventOrgId => Some(e.org_id),
        Col::EventOrgcId => Some(e.orgc_id),
        Col::EventDistribution => Some(e.distribution),
        Col::EventSharingGroupId => Some(e.sharing_group_id),
        Col::EventPublished => Some(i64::from(e.published)),
        _ => None,
    }
}

/// Column values of an attribute row with its event and object.
pub fn attribute_col(e: &Event, a: &Attribute, o: Option<&Object>, c: Col) -> Option<i64> {
    match c {
        Col::AttributeObjectId => Some(a.object_id),
        Col::AttributeDistribution => Some(a.distribution),
        Col::AttributeSharingGroupId => Some(a.sharing_group_id),
        Col::ObjectDistribution => o.map(|o| o.distribution),
        Col::ObjectSharingGroupId => o.map(|o| o.sharing_group_id),
        other => event_col(e, other),
    }
}

/// Column values of an object row with its event.
pub fn object_col(e: &Event, o: &Object, c: Col) -> Option<i64> {
    match c {
        Col::ObjectDistribution => Some(o.distribution),
        Col::ObjectSharingGroupId => Some(o.sharing_group_id),
        other => event_col(e, other),
    }
}
