//! restSearch and the event index: MISP's parameters (with their loose
//! syntax) parsed into typed plans, executed by the store with the viewer's
//! access conditions from [`crate::acl`].

use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use crate::events::{DeletedView, ViewOptions};
use fyr_store::*;
use serde_json::{Map, Value};
use uuid::Uuid;

/// OR / AND / NOT terms of a filter, as MISP's `convert_filters` reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    pub or: Vec<String>,
    pub and: Vec<String>,
    pub not: Vec<String>,
}

impl Terms {
    pub fn is_empty(&self) -> bool {
        self.or.is_empty() && self.and.is_empty() && self.not.is_empty()
    }

    fn push_scalar(&mut self, s: &str) {
        for part in s.split("&&") {
            let p = part.trim();
            if p.is_empty() {
                continue;
            }
            if let Some(neg) = p.strip_prefix('!') {
                if !neg.is_empty() {
                    self.not.push(neg.to_string());
                }
            } else {
                self.or.push(p.to_string());
            }
        }
    }

    /// Reads a string (`a&&!b`), number, list, or `{"OR":[], "AND":[], "NOT":[]}`.
    pub fn parse(v: &Value) -> Terms {
        let mut t = Terms::default();
        match v {
            Value::Null => {}
            Value::String(s) => t.push_scalar(s),
            Value::Number(n) => t.or.push(n.to_string()),
            Value::Bool(b) => t.or.push(if *b { "1" } else { "0" }.to_string()),
            Value::Array(items) => {
                for i in items {
                    let sub = Terms::parse(i);
                    t.or.extend(sub.or);
                    t.and.extend(sub.and);
                    t.not.extend(sub.not);
                }
            }
            Value::Object(m) => {
                for (k, v) in m {
                    let sub = Terms::parse(v);
                    let all: Vec<String> = sub.or.into_iter().chain(sub.and).collect();
                    match k.to_ascii_uppercase().as_str() {
                        "OR" => t.or.extend(all),
                        "AND" => t.and.extend(all),
                        "NOT" => {
                            t.not.extend(all);
                            t.not.extend(sub.not);
                        }
                        _ => {}
                    }
                }
            }
        }
        t
    }

    fn text_filter(&self) -> TextFilter {
        TextFilter { any_of: self.or.clone(), none_of: self.not.clone() }
    }
}

/// A time value from restSearch: epoch seconds (floats truncated), `Nd`,
/// `Nh`, `Nm`, `Ns` (ago), or a date. `None`: given but unparseable, which
/// matches nothing (MISP resolves it to "now + 1").
pub fn resolve_time(v: &Value, now: i64) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => {
            let t = s.trim();
            if let Ok(i) = t.parse::<i64>() {
                return Some(i);
            }
            if let Ok(f) = t.parse::<f64>() {
                return Some(f as i64);
            }
            if t.len() >= 2 {
                let (num, unit) = t.split_at(t.len() - 1);
                if let Ok(n) = num.parse::<i64>() {
                    let mult = match unit {
                        "d" => Some(86_400),
                        "h" => Some(3_600),
                        "m" => Some(60),
                        "s" => Some(1),
                        "w" => Some(604_800),
                        _ => None,
                    };
                    if let Some(m) = mult {
                        return Some(now - n.saturating_mul(m));
                    }
                }
            }
            parse_datetime(t)
        }
        _ => None,
    }
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]` (UTC) or RFC 3339.
fn parse_datetime(t: &str) -> Option<i64> {
    use time::macros::format_description;
    if let Ok(dt) = time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339) {
        return Some(dt.unix_timestamp());
    }
    let forms = [
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
    ];
    for f in forms {
        if let Ok(p) = time::PrimitiveDateTime::parse(t, &f) {
            return Some(p.assume_utc().unix_timestamp());
        }
    }
    let d = format_description!("[year]-[month]-[day]");
    time::Date::parse(t, &d).ok().map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// A time filter: a single value means "from then on"; a two-element list
/// is an inclusive range (swapped if reversed; a lower bound of 0 is open).
/// Unparseable values yield a range that matches nothing.
pub fn resolve_range(v: &Value, now: i64) -> Option<TimeRange> {
    let never = TimeRange { from: Some(now + 1), to: Some(now) };
    match v {
        Value::Null => None,
        Value::Array(items) if items.len() == 2 => {
            let (Some(a), Some(b)) = (resolve_time(&items[0], now), resolve_time(&items[1], now)) else { return Some(never) };
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            Some(TimeRange { from: (lo > 0).then_some(lo), to: Some(hi) })
        }
        Value::Array(items) if items.len() == 1 => resolve_range(&items[0], now),
        Value::String(s) if s.trim().is_empty() => None,
        other => match resolve_time(other, now) {
            Some(t) => Some(TimeRange { from: Some(t), to: None }),
            None => Some(never),
        },
    }
}

/// A truthy flag as MISP reads request parameters (`1`, `"1"`, `true`).
pub fn flag(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => matches!(s.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"),
        _ => false,
    }
}

/// An optional boolean filter (`published`, `to_ids`): absent, or 0/1.
pub fn opt_bool(v: Option<&Value>) -> Option<bool> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::Array(a)) if a.len() != 1 => None,
        Some(Value::Array(a)) => opt_bool(a.first()),
        other => Some(flag(other)),
    }
}

/// `deleted`: absent/0 → exclude; 1/true or [0,1] → include; "only"/2 → only.
pub fn deleted_view(v: Option<&Value>) -> DeletedView {
    match v {
        None | Some(Value::Null) => DeletedView::Exclude,
        Some(Value::Array(items)) => {
            let vals: Vec<bool> = items.iter().map(|i| flag(Some(i))).collect();
            if vals.contains(&true) && vals.contains(&false) {
                DeletedView::Include
            } else if vals.contains(&true) {
                DeletedView::Only
            } else {
                DeletedView::Exclude
            }
        }
        Some(Value::String(s)) if s.eq_ignore_ascii_case("only") || s.trim() == "2" => DeletedView::Only,
        Some(Value::Number(n)) if n.as_i64() == Some(2) => DeletedView::Only,
        other => {
            if flag(other) {
                DeletedView::Include
            } else {
                DeletedView::Exclude
            }
        }
    }
}

/// `deleted` in restSearch (MISP's `set_filter_deleted`): absent/0 →
/// exclude deleted; 1/true → only deleted; `[0,1]` → both. (In
/// `events/view`, `deleted: 1` means "both": see [`deleted_view`].)
pub fn restsearch_deleted(v: Option<&Value>) -> DeletedView {
    match v {
        Some(Value::Array(_)) | None | Some(Value::Null) => deleted_view(v),
        other => {
            if deleted_view(other) == DeletedView::Exclude {
                DeletedView::Exclude
            } else {
                DeletedView::Only
            }
        }
    }
}

fn terms(p: &Map<String, Value>, names: &[&str]) -> Terms {
    let mut t = Terms::default();
    for n in names {
        if let Some(v) = p.get(*n) {
            let sub = Terms::parse(v);
            t.or.extend(sub.or);
            t.and.extend(sub.and);
            t.not.extend(sub.not);
        }
    }
    t
}

fn positive(p: &Map<String, Value>, name: &str) -> CoreResult<Option<u64>> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => {
            let n = match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            match n {
                Some(f) if f >= 0.0 && f.fract() == 0.0 => Ok(Some(f as u64)),
                _ => Err(CoreError::invalid(name, format!("must be a non-negative integer, got {v}"))),
            }
        }
    }
}

/// The output formats fyr can produce for restSearch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnFormat {
    Json,
    Csv,
    Text,
}

impl ReturnFormat {
    pub fn parse(s: &str) -> CoreResult<ReturnFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "json" => Ok(ReturnFormat::Json),
            "csv" => Ok(ReturnFormat::Csv),
            "text" => Ok(ReturnFormat::Text),
            other => Err(CoreError::invalid("returnFormat", format!("{other:?} is not supported (supported: json, csv, text)"))),
        }
    }

    /// MISP's restrictive formats default to published events and to_ids attributes.
    pub fn restrictive(self) -> bool {
        matches!(self, ReturnFormat::Text)
    }
}

/// The most results one request may ask for in one page.
pub const MAX_PAGE: u64 = 100_000;

/// A parsed restSearch request.
#[derive(Debug, Clone)]
pub struct RestSearch {
    pub format: ReturnFormat,
    pub page: Option<Page>,
    pub values: Terms,
    pub types: Terms,
    pub categories: Terms,
    pub object_relations: Terms,
    pub comments: Terms,
    pub tags: Terms,
    pub uuids: Vec<Uuid>,
    pub event_ids: Terms,
    pub orgs: Terms,
    pub timestamp: Option<TimeRange>,
    pub publish_timestamp: Option<TimeRange>,
    pub event_timestamp: Option<TimeRange>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub published: Option<bool>,
    pub to_ids: Option<bool>,
    pub deleted: DeletedView,
    pub threat_level_ids: Vec<i64>,
    pub event_info: Terms,
    pub sharing_groups: Vec<i64>,
    pub object_names: Terms,
    pub metadata: bool,
    pub include_event_tags: bool,
    pub include_context: bool,
    pub headerless: bool,
    pub requested_attributes: Vec<String>,
}

fn date_param(p: &Map<String, Value>, name: &str, now: i64) -> CoreResult<Option<String>> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => {
            let t = resolve_time(v, now).ok_or_else(|| CoreError::invalid(name, format!("{v} is not a date")))?;
            Ok(Some(crate::env::date_of(t)))
        }
    }
}

fn id_list(p: &Map<String, Value>, name: &str) -> CoreResult<Vec<i64>> {
    let t = terms(p, &[name]);
    t.or.iter().map(|s| s.parse::<i64>().map_err(|_| CoreError::invalid(name, format!("{s:?} is not an id")))).collect()
}

impl RestSearch {
    /// Reads MISP's restSearch parameters (a JSON body merged with named
    /// URL parameters). Unknown parameters are ignored, as MISP does.
    pub fn parse(p: &Map<String, Value>, now: i64) -> CoreResult<RestSearch> {
        let format = ReturnFormat::parse(p.get("returnFormat").and_then(Value::as_str).unwrap_or("json"))?;
        let limit = positive(p, "limit")?;
        let page_no = positive(p, "page")?;
        let page = match (limit, page_no) {
            (Some(l), page) => {
                let l = l.clamp(1, MAX_PAGE);
                Some(Page { offset: page.unwrap_or(1).max(1).saturating_sub(1).saturating_mul(l), limit: l })
            }
            (None, Some(_)) => Some(Page { offset: 0, limit: MAX_PAGE }),
            (None, None) => None,
        };
        let mut uuids = Vec::new();
        for u in terms(p, &["uuid"]).or {
            uuids.push(Uuid::parse_str(&u).map_err(|_| CoreError::invalid("uuid", format!("{u:?} is not a UUID")))?);
        }
        let range = |name: &str| p.get(name).and_then(|v| resolve_range(v, now));
        let publish_timestamp = range("publish_timestamp").or_else(|| range("last"));
        let mut requested_attributes = Vec::new();
        if let Some(v) = p.get("requested_attributes") {
            requested_attributes = Terms::parse(v).or;
        }
        Ok(RestSearch {
            format,
            page,
            values: terms(p, &["value"]),
            types: terms(p, &["type"]),
            categories: terms(p, &["category"]),
            object_relations: terms(p, &["object_relation"]),
            comments: terms(p, &["comment"]),
            tags: terms(p, &["tags", "tag", "event_tags"]),
            uuids,
            event_ids: terms(p, &["eventid"]),
            orgs: terms(p, &["org"]),
            timestamp: range("timestamp"),
            publish_timestamp,
            event_timestamp: range("event_timestamp"),
            date_from: date_param(p, "from", now)?,
            date_to: date_param(p, "to", now)?,
            published: opt_bool(p.get("published")),
            to_ids: opt_bool(p.get("to_ids")),
            deleted: restsearch_deleted(p.get("deleted")),
            threat_level_ids: id_list(p, "threat_level_id")?,
            event_info: terms(p, &["eventinfo"]),
            sharing_groups: id_list(p, "sharinggroup")?,
            object_names: terms(p, &["object_name"]),
            metadata: flag(p.get("metadata")),
            include_event_tags: flag(p.get("includeEventTags")),
            include_context: flag(p.get("includeContext")),
            headerless: flag(p.get("headerless")),
            requested_attributes,
        })
    }
}

/// Resolved tag filters: ids for OR, AND and NOT names. `impossible` when
/// the search can match nothing (an unknown AND tag, or only unknown OR tags).
#[derive(Debug, Clone, Default)]
pub struct ResolvedTags {
    pub or: Vec<i64>,
    pub and: Vec<Vec<i64>>,
    pub not: Vec<i64>,
    pub impossible: bool,
}

/// What an event search selects, and how the events are to be shown.
#[derive(Debug, Clone)]
pub struct EventPlan {
    pub query: EventQuery,
    pub view: ViewOptions,
}

/// What an attribute search selects.
#[derive(Debug, Clone)]
pub struct AttributePlan {
    pub query: AttributeQuery,
    pub include_event_tags: bool,
}

impl<S: Store> Core<S> {
    /// Tag names (case-insensitive, `%` wildcards, or numeric ids) to ids.
    pub async fn resolve_tags(&self, t: &Terms) -> CoreResult<ResolvedTags> {
        let mut out = ResolvedTags::default();
        let lookup = |name: String| async move {
            if let Ok(id) = name.parse::<i64>() {
                return Ok::<Vec<i64>, CoreError>(self.store.tag(id).await?.map(|t| vec![t.id]).unwrap_or_default());
            }
            let tags = self.store.tags(&TextFilter { any_of: vec![name], none_of: Vec::new() }).await?;
            Ok(tags.into_iter().map(|t| t.id).collect())
        };
        for name in &t.or {
            out.or.extend(lookup(name.clone()).await?);
        }
        if !t.or.is_empty() && out.or.is_empty() {
            out.impossible = true;
        }
        for name in &t.and {
            let ids = lookup(name.clone()).await?;
            if ids.is_empty() {
                out.impossible = true;
            }
            out.and.push(ids);
        }
        for name in &t.not {
            out.not.extend(lookup(name.clone()).await?);
        }
        Ok(out)
    }

    /// Organisation filters by id, name or uuid, to creator-org ids.
    async fn resolve_orgs(&self, t: &Terms) -> CoreResult<(IdFilter, bool)> {
        let mut f = IdFilter::default();
        let mut impossible = false;
        let resolve = |s: String| async move {
            if let Ok(id) = s.parse::<i64>() {
                return Ok::<Option<i64>, CoreError>(Some(id));
            }
            if let Ok(u) = Uuid::parse_str(&s) {
                return Ok(self.store.org_by_uuid(&u).await?.map(|o| o.id));
            }
            Ok(self.store.org_by_name(&s).await?.map(|o| o.id))
        };
        for s in &t.or {
            if let Some(id) = resolve(s.clone()).await? {
                f.any_of.push(id);
            }
        }
        if !t.or.is_empty() && f.any_of.is_empty() {
            impossible = true;
        }
        for s in &t.not {
            if let Some(id) = resolve(s.clone()).await? {
                f.none_of.push(id);
            }
        }
        Ok((f, impossible))
    }

    /// Event-level filters shared by both scopes.
    async fn event_filter(&self, rs: &RestSearch, published: Option<bool>) -> CoreResult<(EventFilter, bool)> {
        let mut f = EventFilter::default();
        let mut impossible = false;
        for id in &rs.event_ids.or {
            match (id.parse::<i64>(), Uuid::parse_str(id)) {
                (Ok(i), _) => f.ids.any_of.push(i),
                (_, Ok(u)) => f.uuids.push(u),
                _ => return Err(CoreError::invalid("eventid", format!("{id:?} is not an event id or uuid"))),
            }
        }
        for id in &rs.event_ids.not {
            if let Ok(i) = id.parse::<i64>() {
                f.ids.none_of.push(i);
            }
        }
        let (orgs, no_org) = self.resolve_orgs(&rs.orgs).await?;
        f.orgc_ids = orgs;
        impossible |= no_org;
        f.info = rs.event_info.text_filter();
        f.published = published;
        f.date_from = rs.date_from.clone();
        f.date_to = rs.date_to.clone();
        if let Some(r) = rs.publish_timestamp {
            f.publish_timestamp = r;
        }
        if let Some(r) = rs.event_timestamp {
            f.timestamp = r;
        }
        f.threat_level_ids.any_of = rs.threat_level_ids.clone();
        Ok((f, impossible))
    }

    /// Plans an event-scope restSearch for the actor.
    pub async fn plan_event_search(&self, actor: &Actor, rs: &RestSearch) -> CoreResult<Option<EventPlan>> {
        let published = rs.published.or(if rs.format.restrictive() { Some(true) } else { None });
        let to_ids = rs.to_ids.or(if rs.format.restrictive() { Some(true) } else { None });
        let (mut f, mut impossible) = self.event_filter(rs, published).await?;
        if let Some(r) = rs.timestamp {
            f.timestamp = r;
        }
        f.uuid_or_attribute_uuid = rs.uuids.clone();
        f.sharing_group_ids.any_of = rs.sharing_groups.clone();
        let tags = self.resolve_tags(&rs.tags).await?;
        impossible |= tags.impossible;
        f.tags_anywhere = TagFilter { any_of: tags.or.clone(), all_of: tags.and.clone(), none_of: tags.not.clone() };
        let af = AttributeFilter {
            values: rs.values.text_filter(),
            types: rs.types.text_filter(),
            categories: rs.categories.text_filter(),
            object_relations: rs.object_relations.text_filter(),
            comments: rs.comments.text_filter(),
            to_ids: rs.to_ids,
            deleted: Deleted::Include,
            ..AttributeFilter::default()
        };
        if af != (AttributeFilter { deleted: Deleted::Include, ..AttributeFilter::default() }) {
            f.attribute = Some(af);
        }
        if impossible {
            return Ok(None);
        }
        let view = ViewOptions {
            deleted: rs.deleted,
            metadata: rs.metadata,
            include_non_exportable_tags: false,
            to_ids,
            hide_attributes_tagged: tags.not,
        };
        Ok(Some(EventPlan {
            query: EventQuery {
                visibility: actor.viewer.events(),
                attribute_visibility: actor.viewer.attributes_in_visible_event(),
                filter: f,
                order: EventOrder::default(),
                page: rs.page,
            },
            view,
        }))
    }

    /// Plans an attribute-scope restSearch for the actor.
    pub async fn plan_attribute_search(&self, actor: &Actor, rs: &RestSearch) -> CoreResult<Option<AttributePlan>> {
        let published = rs.published.or(if rs.format.restrictive() { Some(true) } else { None });
        let to_ids = rs.to_ids.or(if rs.format.restrictive() { Some(true) } else { None });
        let (ef, mut impossible) = self.event_filter(rs, published).await?;
        let tags = self.resolve_tags(&rs.tags).await?;
        impossible |= tags.impossible;
        let af = AttributeFilter {
            values: rs.values.text_filter(),
            types: rs.types.text_filter(),
            categories: rs.categories.text_filter(),
            object_relations: rs.object_relations.text_filter(),
            comments: rs.comments.text_filter(),
            uuids: rs.uuids.clone(),
            to_ids,
            deleted: match rs.deleted {
                DeletedView::Exclude => Deleted::Exclude,
                DeletedView::Include => Deleted::Include,
                DeletedView::Only => Deleted::Only,
            },
            timestamp: rs.timestamp.unwrap_or_default(),
            tags: TagFilter { any_of: tags.or, all_of: tags.and, none_of: tags.not },
            tag_scope: TagScope::AttributeOrEvent,
            object_names: rs.object_names.text_filter(),
            sharing_group_ids: rs.sharing_groups.clone(),
            ..AttributeFilter::default()
        };
        if impossible {
            return Ok(None);
        }
        Ok(Some(AttributePlan {
            query: AttributeQuery { visibility: actor.viewer.attributes(), attribute: af, event: ef, after_id: 0, page: rs.page },
            include_event_tags: rs.include_event_tags,
        }))
    }
}

/// A parsed `events/index` request.
#[derive(Debug, Clone)]
pub struct IndexPlan {
    pub query: EventQuery,
    pub minimal: bool,
}

fn sort_column(s: &str) -> CoreResult<EventSort> {
    Ok(match s.trim().to_ascii_lowercase().trim_start_matches("event.") {
        "" | "id" => EventSort::Id,
        "info" => EventSort::Info,
        "date" => EventSort::Date,
        "timestamp" => EventSort::Timestamp,
        "publish_timestamp" => EventSort::PublishTimestamp,
        "threat_level_id" | "threat_level" | "threatlevel" => EventSort::ThreatLevel,
        "analysis" => EventSort::Analysis,
        "distribution" => EventSort::Distribution,
        "org_id" | "org" => EventSort::OrgId,
        "orgc_id" | "orgc" => EventSort::OrgcId,
        "attribute_count" => EventSort::AttributeCount,
        "uuid" => EventSort::Uuid,
        "published" => EventSort::Published,
        other => return Err(CoreError::invalid("sort", format!("cannot sort events by {other:?}"))),
    })
}

/// Reads a parameter under its MISP name or with a `search` prefix.
fn index_param<'a>(p: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    p.get(name).or_else(|| p.get(&format!("search{name}"))).filter(|v| !v.is_null())
}

impl<S: Store> Core<S> {
    /// Plans `events/index` (MISP's filters, sort, direction, paging).
    pub async fn plan_event_index(&self, actor: &Actor, p: &Map<String, Value>) -> CoreResult<Option<IndexPlan>> {
        let now = self.now();
        let mut f = EventFilter::default();
        let mut impossible = false;
        let get = |n: &str| index_param(p, n);
        if let Some(v) = get("published") {
            f.published = opt_bool(Some(v));
        }
        if let Some(v) = get("eventid") {
            let t = Terms::parse(v);
            for id in &t.or {
                match (id.parse::<i64>(), Uuid::parse_str(id)) {
                    (Ok(i), _) => f.ids.any_of.push(i),
                    (_, Ok(u)) => f.uuids.push(u),
                    _ => return Err(CoreError::invalid("eventid", format!("{id:?} is not an event id or uuid"))),
                }
            }
            f.ids.none_of = t.not.iter().filter_map(|s| s.parse().ok()).collect();
        }
        if let Some(v) = get("datefrom") {
            f.date_from = Some(crate::env::date_of(resolve_time(v, now).ok_or_else(|| CoreError::invalid("datefrom", "is not a date"))?));
        }
        if let Some(v) = get("dateuntil") {
            f.date_to = Some(crate::env::date_of(resolve_time(v, now).ok_or_else(|| CoreError::invalid("dateuntil", "is not a date"))?));
        }
        if let Some(v) = get("org") {
            let (orgs, none) = self.resolve_orgs(&Terms::parse(v)).await?;
            f.orgc_ids = orgs;
            impossible |= none;
        }
        if let Some(v) = get("eventinfo") {
            let t = Terms::parse(v);
            f.info = TextFilter {
                any_of: t.or.iter().map(|s| if s.contains('%') { s.clone() } else { format!("%{s}%") }).collect(),
                none_of: t.not.iter().map(|s| if s.contains('%') { s.clone() } else { format!("%{s}%") }).collect(),
            };
        }
        for name in ["tag", "tags"] {
            if let Some(v) = get(name) {
                let tags = self.resolve_tags(&Terms::parse(v)).await?;
                impossible |= tags.impossible;
                f.tags = TagFilter { any_of: tags.or, all_of: tags.and, none_of: tags.not };
            }
        }
        let ids = |name: &str, v: &Value| -> CoreResult<IdFilter> {
            let t = Terms::parse(v);
            let parse = |s: &String| s.parse::<i64>().map_err(|_| CoreError::invalid(name, format!("{s:?} is not a number")));
            Ok(IdFilter {
                any_of: t.or.iter().map(parse).collect::<CoreResult<_>>()?,
                none_of: t.not.iter().map(parse).collect::<CoreResult<_>>()?,
            })
        };
        if let Some(v) = get("distribution") {
            f.distribution = ids("distribution", v)?;
        }
        if let Some(v) = get("sharinggroup") {
            f.sharing_group_ids = ids("sharinggroup", v)?;
        }
        if let Some(v) = get("analysis") {
            f.analysis = ids("analysis", v)?;
        }
        if let Some(v) = get("threatlevel") {
            f.threat_level_ids = ids("threatlevel", v)?;
        }
        if let Some(v) = get("timestamp")
            && let Some(r) = resolve_range(v, now)
        {
            f.timestamp = r;
        }
        if let Some(v) = get("publish_timestamp").or_else(|| get("publishtimestamp"))
            && let Some(r) = resolve_range(v, now)
        {
            f.publish_timestamp = r;
        }
        let value = get("value").or_else(|| get("attribute"));
        if let Some(v) = value {
            let t = Terms::parse(v);
            f.attribute = Some(AttributeFilter { values: t.text_filter(), ..AttributeFilter::default() });
        }
        if let Some(v) = get("all") {
            let t = Terms::parse(v);
            if let Some(term) = t.or.first() {
                let like = if term.contains('%') { term.clone() } else { format!("%{term}%") };
                f.info.any_of.push(like);
            }
        }
        let limit = positive(p, "limit")?;
        let page_no = positive(p, "page")?;
        let page = match (limit, page_no) {
            (Some(l), page) => {
                let l = l.clamp(1, MAX_PAGE);
                Some(Page { offset: page.unwrap_or(1).max(1).saturating_sub(1).saturating_mul(l), limit: l })
            }
            _ => None,
        };
        let sort = match p.get("sort").and_then(Value::as_str) {
            Some(s) => sort_column(s)?,
            None => EventSort::Id,
        };
        let descending = match p.get("direction").and_then(Value::as_str).map(|s| s.trim().to_ascii_lowercase()) {
            Some(d) if d == "desc" => true,
            Some(d) if d == "asc" || d.is_empty() => false,
            Some(d) => return Err(CoreError::invalid("direction", format!("must be asc or desc, got {d:?}"))),
            None => false,
        };
        if impossible {
            return Ok(None);
        }
        Ok(Some(IndexPlan {
            query: EventQuery {
                visibility: actor.viewer.events(),
                attribute_visibility: actor.viewer.attributes_in_visible_event(),
                filter: f,
                order: EventOrder { sort, descending },
                page,
            },
            minimal: flag(p.get("minimal")),
        }))
    }
}
