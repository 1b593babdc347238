//! Event and attribute searches: the typed plans of `fyr_store::query`
//! compiled to SQL with bound parameters. Access conditions ([`Cond`]) come
//! from `fyr-core::acl` and are compiled by [`Sql::cond`].

use crate::events::{ATTRIBUTE_COLS, EVENT_COLS, attribute_from, event_from};
use crate::rowext::RowExt;
use crate::sql::{Arg, Sql, Tables, bind_args};
use crate::{SqlStore, db_err, with_pool};
use fyr_store::*;

const EVENT_TABLES: Tables = Tables { event: Some("e"), attribute: None, object: None };
const ATTRIBUTE_TABLES: Tables = Tables { event: Some("e"), attribute: Some("a"), object: Some("o") };

fn text_filter(sql: &mut Sql, expr: &str, f: &TextFilter) {
    if !f.any_of.is_empty() {
        sql.push(" AND (");
        for (i, v) in f.any_of.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.text_match(expr, v);
        }
        sql.push(")");
    }
    for v in &f.none_of {
        sql.push(" AND NOT (");
        sql.text_match(expr, v);
        sql.push(")");
    }
}

fn id_filter(sql: &mut Sql, expr: &str, f: &IdFilter) {
    if !f.any_of.is_empty() {
        sql.push(" AND ").push(expr).push(" IN ");
        sql.bind_id_list(&f.any_of);
    }
    if !f.none_of.is_empty() {
        sql.push(" AND ").push(expr).push(" NOT IN ");
        sql.bind_id_list(&f.none_of);
    }
}

fn time_range(sql: &mut Sql, expr: &str, r: &TimeRange) {
    if let Some(from) = r.from {
        sql.push(" AND ").push(expr).push(" >= ").bind_i64(from);
    }
    if let Some(to) = r.to {
        sql.push(" AND ").push(expr).push(" <= ").bind_i64(to);
    }
}

/// One value pattern against both halves of an attribute's value. A pattern
/// with `|` also matches a composite value half by half.
fn value_match(sql: &mut Sql, pattern: &str) {
    sql.push("(");
    sql.text_match("a.value1", pattern);
    sql.push(" OR ");
    sql.text_match("a.value2", pattern);
    if let Some((left, right)) = pattern.split_once('|') {
        sql.push(" OR (");
        sql.text_match("a.value1", left);
        sql.push(" AND ");
        sql.text_match("a.value2", right);
        sql.push(")");
    }
    sql.push(")");
}

/// `EXISTS` over the tag links of the current event (`e`) and/or attribute (`a`).
fn tag_exists(sql: &mut Sql, tag_ids: &[i64], on_attribute: bool, on_event: bool) {
    if tag_ids.is_empty() {
        sql.push("1=0");
        return;
    }
    sql.push("(");
    let mut first = true;
    if on_attribute {
        sql.push("EXISTS (SELECT 1 FROM attribute_tags at WHERE at.attribute_id = a.id AND at.tag_id IN ");
        sql.bind_id_list(tag_ids).push(")");
        first = false;
    }
    if on_event {
        if !first {
            sql.push(" OR ");
        }
        sql.push("EXISTS (SELECT 1 FROM event_tags et WHERE et.event_id = e.id AND et.tag_id IN ");
        sql.bind_id_list(tag_ids).push(")");
    }
    sql.push(")");
}

fn tag_filter(sql: &mut Sql, f: &TagFilter, on_attribute: bool, on_event: bool) {
    if !f.any_of.is_empty() {
        sql.push(" AND ");
        tag_exists(sql, &f.any_of, on_attribute, on_event);
    }
    for group in &f.all_of {
        sql.push(" AND ");
        tag_exists(sql, group, on_attribute, on_event);
    }
    if !f.none_of.is_empty() {
        sql.push(" AND NOT ");
        tag_exists(sql, &f.none_of, on_attribute, on_event);
    }
}

/// Tags on event `e` itself or on any attribute of it.
fn anywhere_exists(sql: &mut Sql, tag_ids: &[i64]) {
    if tag_ids.is_empty() {
        sql.push("1=0");
        return;
    }
    sql.push("(EXISTS (SELECT 1 FROM event_tags et WHERE et.event_id = e.id AND et.tag_id IN ");
    sql.bind_id_list(tag_ids);
    sql.push(") OR EXISTS (SELECT 1 FROM attribute_tags at WHERE at.event_id = e.id AND at.tag_id IN ");
    sql.bind_id_list(tag_ids);
    sql.push("))");
}

fn anywhere_tags(sql: &mut Sql, f: &TagFilter) {
    if !f.any_of.is_empty() {
        sql.push(" AND ");
        anywhere_exists(sql, &f.any_of);
    }
    for group in &f.all_of {
        sql.push(" AND ");
        anywhere_exists(sql, group);
    }
    if !f.none_of.is_empty() {
        sql.push(" AND NOT ");
        tag_exists(sql, &f.none_of, false, true);
    }
}

/// Conditions on attribute `a` (with its object `o` LEFT JOINed and its event `e`).
fn attribute_filter(sql: &mut Sql, f: &AttributeFilter) {
    if !f.values.any_of.is_empty() {
        sql.push(" AND (");
        for (i, v) in f.values.any_of.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            value_match(sql, v);
        }
        sql.push(")");
    }
    for v in &f.values.none_of {
        sql.push(" AND NOT ");
        value_match(sql, v);
    }
    text_filter(sql, "a.type", &f.types);
    text_filter(sql, "a.category", &f.categories);
    text_filter(sql, "a.object_relation", &f.object_relations);
    if !f.uuids.is_empty() {
        sql.push(" AND a.uuid IN (");
        for (i, u) in f.uuids.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(&u.to_string());
        }
        sql.push(")");
    }
    id_filter(sql, "a.id", &f.ids);
    if let Some(t) = f.to_ids {
        sql.push(" AND a.to_ids = ").bind(Arg::Bool(t));
    }
    match f.deleted {
        Deleted::Exclude => {
            sql.push(" AND a.deleted = ").bind(Arg::Bool(false));
        }
        Deleted::Only => {
            sql.push(" AND a.deleted = ").bind(Arg::Bool(true));
        }
        Deleted::Include => {}
    }
    time_range(sql, "a.timestamp", &f.timestamp);
    // first_seen / last_seen are microseconds; the ranges are seconds.
    if let Some(from) = f.first_seen.from {
        sql.push(" AND a.first_seen >= ").bind_i64(from.saturating_mul(1_000_000));
    }
    if let Some(to) = f.first_seen.to {
        sql.push(" AND a.first_seen <= ").bind_i64(to.saturating_mul(1_000_000));
    }
    if let Some(from) = f.last_seen.from {
        sql.push(" AND a.last_seen >= ").bind_i64(from.saturating_mul(1_000_000));
    }
    if let Some(to) = f.last_seen.to {
        sql.push(" AND a.last_seen <= ").bind_i64(to.saturating_mul(1_000_000));
    }
    let on_event = f.tag_scope == TagScope::AttributeOrEvent;
    tag_filter(sql, &f.tags, true, on_event);
    if !f.object_names.is_empty() {
        text_filter(sql, "o.name", &f.object_names);
    }
    if !f.sharing_group_ids.is_empty() {
        sql.push(" AND (a.sharing_group_id IN ");
        sql.bind_id_list(&f.sharing_group_ids);
        sql.push(" OR e.sharing_group_id IN ");
        sql.bind_id_list(&f.sharing_group_ids);
        sql.push(")");
    }
    text_filter(sql, "a.comment", &f.comments);
    match f.in_object {
        Some(true) => {
            sql.push(" AND a.object_id <> 0");
        }
        Some(false) => {
            sql.push(" AND a.object_id = 0");
        }
        None => {}
    }
}

/// Conditions on event `e`. `attribute_visibility` applies to the EXISTS
/// subquery of `f.attribute`.
fn event_filter(sql: &mut Sql, f: &EventFilter, attribute_visibility: Option<&Cond>) -> StoreResult<()> {
    id_filter(sql, "e.id", &f.ids);
    if !f.uuids.is_empty() {
        sql.push(" AND e.uuid IN (");
        for (i, u) in f.uuids.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(&u.to_string());
        }
        sql.push(")");
    }
    id_filter(sql, "e.orgc_id", &f.orgc_ids);
    text_filter(sql, "e.info", &f.info);
    if let Some(p) = f.published {
        sql.push(" AND e.published = ").bind(Arg::Bool(p));
    }
    tag_filter(sql, &f.tags, false, true);
    if let Some(d) = &f.date_from {
        sql.push(" AND e.date >= ").bind_text(d);
    }
    if let Some(d) = &f.date_to {
        sql.push(" AND e.date <= ").bind_text(d);
    }
    time_range(sql, "e.timestamp", &f.timestamp);
    time_range(sql, "e.publish_timestamp", &f.publish_timestamp);
    id_filter(sql, "e.threat_level_id", &f.threat_level_ids);
    id_filter(sql, "e.analysis", &f.analysis);
    id_filter(sql, "e.distribution", &f.distribution);
    id_filter(sql, "e.sharing_group_id", &f.sharing_group_ids);
    anywhere_tags(sql, &f.tags_anywhere);
    if !f.uuid_or_attribute_uuid.is_empty() {
        sql.push(" AND (e.uuid IN (");
        for (i, u) in f.uuid_or_attribute_uuid.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(&u.to_string());
        }
        sql.push(") OR EXISTS (SELECT 1 FROM attributes au WHERE au.event_id = e.id AND au.uuid IN (");
        for (i, u) in f.uuid_or_attribute_uuid.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(&u.to_string());
        }
        sql.push(")))");
    }
    if let Some(af) = &f.attribute {
        sql.push(" AND EXISTS (SELECT 1 FROM attributes a LEFT JOIN objects o ON o.id = a.object_id WHERE a.event_id = e.id AND ");
        sql.cond(attribute_visibility.unwrap_or(&Cond::True), &ATTRIBUTE_TABLES)?;
        attribute_filter(sql, af);
        sql.push(")");
    }
    Ok(())
}

fn page(sql: &mut Sql, page: Option<Page>) {
    if let Some(p) = page {
        let limit = i64::try_from(p.limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(p.offset).unwrap_or(i64::MAX);
        sql.push(" LIMIT ").bind_i64(limit).push(" OFFSET ").bind_i64(offset);
    }
}

impl SqlStore {
    fn event_query_sql(&self, q: &EventQuery, select: &str) -> StoreResult<Sql> {
        let mut sql = Sql::new(self.dialect(), select);
        sql.push(" FROM events e WHERE ");
        sql.cond(&q.visibility, &EVENT_TABLES)?;
        event_filter(&mut sql, &q.filter, Some(&q.attribute_visibility))?;
        Ok(sql)
    }

    fn attribute_query_sql(&self, q: &AttributeQuery, select: &str) -> StoreResult<Sql> {
        let mut sql = Sql::new(self.dialect(), select);
        sql.push(" FROM attributes a JOIN events e ON e.id = a.event_id LEFT JOIN objects o ON o.id = a.object_id WHERE ");
        sql.cond(&q.visibility, &ATTRIBUTE_TABLES)?;
        if q.after_id > 0 {
            sql.push(" AND a.id > ").bind_i64(q.after_id);
        }
        attribute_filter(&mut sql, &q.attribute);
        let mut ef = q.event.clone();
        ef.attribute = None;
        event_filter(&mut sql, &ef, None)?;
        Ok(sql)
    }
}

#[async_trait::async_trait]
impl SearchStore for SqlStore {
    async fn search_events(&self, q: &EventQuery) -> StoreResult<Vec<Event>> {
        let cols = EVENT_COLS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ");
        let mut sql = self.event_query_sql(q, &format!("SELECT {cols}"))?;
        let column = match q.order.sort {
            EventSort::Id => "e.id",
            EventSort::Info => "e.info",
            EventSort::Date => "e.date",
            EventSort::Timestamp => "e.timestamp",
            EventSort::PublishTimestamp => "e.publish_timestamp",
            EventSort::ThreatLevel => "e.threat_level_id",
            EventSort::Analysis => "e.analysis",
            EventSort::Distribution => "e.distribution",
            EventSort::OrgId => "e.org_id",
            EventSort::OrgcId => "e.orgc_id",
            EventSort::AttributeCount => "e.attribute_count",
            EventSort::Uuid => "e.uuid",
            EventSort::Published => "e.published",
        };
        let dir = if q.order.descending { " DESC" } else { " ASC" };
        sql.push(" ORDER BY ").push(column).push(dir);
        if column != "e.id" {
            sql.push(", e.id").push(dir);
        }
        page(&mut sql, q.page);
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(event_from).collect()
        })
    }

    async fn count_events(&self, q: &EventQuery) -> StoreResult<u64> {
        let sql = self.event_query_sql(q, "SELECT COUNT(*) AS n")?;
        with_pool!(self, p => {
            let row = bind_args!(sqlx::query(&sql.text), sql.args).fetch_one(p).await.map_err(db_err)?;
            Ok(u64::try_from(row.i64("n")?).unwrap_or(0))
        })
    }

    async fn search_attributes(&self, q: &AttributeQuery) -> StoreResult<Vec<Attribute>> {
        let cols = ATTRIBUTE_COLS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
        let mut sql = self.attribute_query_sql(q, &format!("SELECT {cols}"))?;
        sql.push(" ORDER BY a.id");
        page(&mut sql, q.page);
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(attribute_from).collect()
        })
    }

    async fn count_attributes(&self, q: &AttributeQuery) -> StoreResult<u64> {
        let sql = self.attribute_query_sql(q, "SELECT COUNT(*) AS n")?;
        with_pool!(self, p => {
            let row = bind_args!(sqlx::query(&sql.text), sql.args).fetch_one(p).await.map_err(db_err)?;
            Ok(u64::try_from(row.i64("n")?).unwrap_or(0))
        })
    }
}
