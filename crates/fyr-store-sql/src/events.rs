//! Events and everything inside them: the batched, transactional write and
//! the reads.

use crate::identity::write_audit;
use crate::rowext::RowExt;
use crate::sql::{Arg, Dialect, Sql, bind_args};
use crate::{SqlStore, db_err, with_pool};
use fyr_store::*;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const EVENT_COLS: &str = "id, uuid, org_id, orgc_id, user_id, date, info, published, analysis, threat_level_id, distribution, sharing_group_id, attribute_count, timestamp, publish_timestamp, sighting_timestamp, proposal_email_lock, locked, disable_correlation, extends_uuid, protected";

pub(crate) fn event_from(r: &impl RowExt) -> StoreResult<Event> {
    Ok(Event {
        id: r.i64("id")?,
        uuid: r.uuid("uuid")?,
        org_id: r.i64("org_id")?,
        orgc_id: r.i64("orgc_id")?,
        user_id: r.i64("user_id")?,
        date: r.text("date")?,
        info: r.text("info")?,
        published: r.boolean("published")?,
        analysis: r.i64("analysis")?,
        threat_level_id: r.i64("threat_level_id")?,
        distribution: r.i64("distribution")?,
        sharing_group_id: r.i64("sharing_group_id")?,
        attribute_count: r.i64("attribute_count")?,
        timestamp: r.i64("timestamp")?,
        publish_timestamp: r.i64("publish_timestamp")?,
        sighting_timestamp: r.i64("sighting_timestamp")?,
        proposal_email_lock: r.boolean("proposal_email_lock")?,
        locked: r.boolean("locked")?,
        disable_correlation: r.boolean("disable_correlation")?,
        extends_uuid: r.text("extends_uuid")?,
        protected: r.boolean("protected")?,
    })
}

pub(crate) const ATTRIBUTE_COLS: &str = "id, uuid, event_id, object_id, object_relation, category, type, value1, value2, to_ids, distribution, sharing_group_id, comment, deleted, disable_correlation, timestamp, first_seen, last_seen";

pub(crate) fn attribute_from(r: &impl RowExt) -> StoreResult<Attribute> {
    Ok(Attribute {
        id: r.i64("id")?,
        uuid: r.uuid("uuid")?,
        event_id: r.i64("event_id")?,
        object_id: r.i64("object_id")?,
        object_relation: r.opt_text("object_relation")?,
        category: r.text("category")?,
        attr_type: r.text("type")?,
        value1: r.text("value1")?,
        value2: r.text("value2")?,
        to_ids: r.boolean("to_ids")?,
        distribution: r.i64("distribution")?,
        sharing_group_id: r.i64("sharing_group_id")?,
        comment: r.text("comment")?,
        deleted: r.boolean("deleted")?,
        disable_correlation: r.boolean("disable_correlation")?,
        timestamp: r.i64("timestamp")?,
        first_seen: r.opt_i64("first_seen")?,
        last_seen: r.opt_i64("last_seen")?,
    })
}

const OBJECT_COLS: &str = "id, uuid, event_id, name, meta_category, description, template_uuid, template_version, distribution, sharing_group_id, comment, deleted, timestamp, first_seen, last_seen";

fn object_from(r: &impl RowExt) -> StoreResult<Object> {
    Ok(Object {
        id: r.i64("id")?,
        uuid: r.uuid("uuid")?,
        event_id: r.i64("event_id")?,
        name: r.text("name")?,
        meta_category: r.text("meta_category")?,
        description: r.text("description")?,
        template_uuid: r.text("template_uuid")?,
        template_version: r.text("template_version")?,
        distribution: r.i64("distribution")?,
        sharing_group_id: r.i64("sharing_group_id")?,
        comment: r.text("comment")?,
        deleted: r.boolean("deleted")?,
        timestamp: r.i64("timestamp")?,
        first_seen: r.opt_i64("first_seen")?,
        last_seen: r.opt_i64("last_seen")?,
    })
}

const REF_COLS: &str = "id, uuid, event_id, object_id, source_uuid, referenced_uuid, referenced_id, referenced_type, relationship_type, comment, deleted, timestamp";

fn reference_from(r: &impl RowExt) -> StoreResult<ObjectReference> {
    Ok(ObjectReference {
        id: r.i64("id")?,
        uuid: r.uuid("uuid")?,
        event_id: r.i64("event_id")?,
        object_id: r.i64("object_id")?,
        source_uuid: r.uuid("source_uuid")?,
        referenced_uuid: r.uuid("referenced_uuid")?,
        referenced_id: r.i64("referenced_id")?,
        referenced_type: r.i64("referenced_type")?,
        relationship_type: r.text("relationship_type")?,
        comment: r.text("comment")?,
        deleted: r.boolean("deleted")?,
        timestamp: r.i64("timestamp")?,
    })
}

fn link_from(r: &impl RowExt, target: &str) -> StoreResult<TagLink> {
    Ok(TagLink {
        id: r.i64("id")?,
        target_id: r.i64(target)?,
        tag_id: r.i64("tag_id")?,
        local: r.boolean("local")?,
        relationship_type: r.text("relationship_type")?,
    })
}

/// Rows per multi-row INSERT: stays under SQLite's 32,766 and PostgreSQL's
/// 65,535 bound parameters for our widest table (17 columns).
const INSERT_BATCH: usize = 1000;

fn insert_attributes_sql(dialect: Dialect, event_id: i64, rows: &[(&Attribute, i64)]) -> Sql {
    let mut sql = Sql::new(
        dialect,
        "INSERT INTO attributes (uuid, event_id, object_id, object_relation, category, type, value1, value2, to_ids, distribution, sharing_group_id, comment, deleted, disable_correlation, timestamp, first_seen, last_seen) VALUES ",
    );
    for (i, (a, object_id)) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(");
        let args = [
            Arg::Text(a.uuid.to_string()),
            Arg::I64(event_id),
            Arg::I64(*object_id),
            Arg::OptText(a.object_relation.clone()),
            Arg::Text(a.category.clone()),
            Arg::Text(a.attr_type.clone()),
            Arg::Text(a.value1.clone()),
            Arg::Text(a.value2.clone()),
            Arg::Bool(a.to_ids),
            Arg::I64(a.distribution),
            Arg::I64(a.sharing_group_id),
            Arg::Text(a.comment.clone()),
            Arg::Bool(a.deleted),
            Arg::Bool(a.disable_correlation),
            Arg::I64(a.timestamp),
            Arg::OptI64(a.first_seen),
            Arg::OptI64(a.last_seen),
        ];
        for (j, arg) in args.into_iter().enumerate() {
            if j > 0 {
                sql.push(", ");
            }
            sql.bind(arg);
        }
        sql.push(")");
    }
    sql.push(" RETURNING id, uuid");
    sql
}

fn insert_objects_sql(dialect: Dialect, event_id: i64, rows: &[&Object]) -> Sql {
    let mut sql = Sql::new(
        dialect,
        "INSERT INTO objects (uuid, event_id, name, meta_category, description, template_uuid, template_version, distribution, sharing_group_id, comment, deleted, timestamp, first_seen, last_seen) VALUES ",
    );
    for (i, o) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(");
        let args = [
            Arg::Text(o.uuid.to_string()),
            Arg::I64(event_id),
            Arg::Text(o.name.clone()),
            Arg::Text(o.meta_category.clone()),
            Arg::Text(o.description.clone()),
            Arg::Text(o.template_uuid.clone()),
            Arg::Text(o.template_version.clone()),
            Arg::I64(o.distribution),
            Arg::I64(o.sharing_group_id),
            Arg::Text(o.comment.clone()),
            Arg::Bool(o.deleted),
            Arg::I64(o.timestamp),
            Arg::OptI64(o.first_seen),
            Arg::OptI64(o.last_seen),
        ];
        for (j, arg) in args.into_iter().enumerate() {
            if j > 0 {
                sql.push(", ");
            }
            sql.bind(arg);
        }
        sql.push(")");
    }
    sql.push(" RETURNING id, uuid");
    sql
}

/// Looks up the id of an object (`$table` = objects) or attribute by uuid
/// inside a transaction.
macro_rules! id_by_uuid {
    ($tx:expr, $table:literal, $uuid:expr) => {{
        let row = sqlx::query(concat!("SELECT id FROM ", $table, " WHERE uuid = $1"))
            .bind($uuid.to_string())
            .fetch_optional(&mut *$tx)
            .await
            .map_err(db_err)?;
        match row {
            Some(r) => Some(r.i64("id")?),
            None => None,
        }
    }};
}

/// Applies a tag change on `$table` (event_tags / attribute_tags).
macro_rules! apply_tag_change {
    ($tx:expr, event, $event_id:expr, $change:expr) => {
        match $change {
            TagChange::Attach { tag_id, local, relationship_type } => {
                sqlx::query("INSERT INTO event_tags (event_id, tag_id, local, relationship_type) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (event_id, tag_id) DO UPDATE SET local = excluded.local, relationship_type = excluded.relationship_type")
                    .bind($event_id).bind(*tag_id).bind(*local).bind(relationship_type.as_str())
                    .execute(&mut *$tx).await.map_err(db_err)?;
            }
            TagChange::Detach { tag_id } => {
                sqlx::query("DELETE FROM event_tags WHERE event_id = $1 AND tag_id = $2")
                    .bind($event_id).bind(*tag_id).execute(&mut *$tx).await.map_err(db_err)?;
            }
        }
    };
    ($tx:expr, attribute, $event_id:expr, $attribute_id:expr, $change:expr) => {
        match $change {
            TagChange::Attach { tag_id, local, relationship_type } => {
                sqlx::query("INSERT INTO attribute_tags (attribute_id, event_id, tag_id, local, relationship_type) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (attribute_id, tag_id) DO UPDATE SET local = excluded.local, relationship_type = excluded.relationship_type")
                    .bind($attribute_id).bind($event_id).bind(*tag_id).bind(*local).bind(relationship_type.as_str())
                    .execute(&mut *$tx).await.map_err(db_err)?;
            }
            TagChange::Detach { tag_id } => {
                sqlx::query("DELETE FROM attribute_tags WHERE attribute_id = $1 AND tag_id = $2")
                    .bind($attribute_id).bind(*tag_id).execute(&mut *$tx).await.map_err(db_err)?;
            }
        }
    };
}

#[async_trait::async_trait]
impl EventStore for SqlStore {
    async fn write_event(&self, w: &EventWrite, audit: &AuditEntry) -> StoreResult<EventWriteResult> {
        let dialect = self.dialect();
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let mut result = EventWriteResult::default();

            // 1. the event row
            let event_id = match &w.event {
                Some(e) if e.id == 0 => {
                    let row = sqlx::query("INSERT INTO events (uuid, org_id, orgc_id, user_id, date, info, published, analysis, threat_level_id, distribution, sharing_group_id, attribute_count, timestamp, publish_timestamp, sighting_timestamp, proposal_email_lock, locked, disable_correlation, extends_uuid, protected) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id")
                        .bind(e.uuid.to_string()).bind(e.org_id).bind(e.orgc_id).bind(e.user_id).bind(e.date.as_str()).bind(e.info.as_str())
                        .bind(e.published).bind(e.analysis).bind(e.threat_level_id).bind(e.distribution).bind(e.sharing_group_id)
                        .bind(e.attribute_count).bind(e.timestamp).bind(e.publish_timestamp).bind(e.sighting_timestamp)
                        .bind(e.proposal_email_lock).bind(e.locked).bind(e.disable_correlation).bind(e.extends_uuid.as_str()).bind(e.protected)
                        .fetch_one(&mut *tx).await.map_err(db_err)?;
                    row.i64("id")?
                }
                Some(e) => {
                    let r = sqlx::query("UPDATE events SET uuid = $1, org_id = $2, orgc_id = $3, user_id = $4, date = $5, info = $6, published = $7, analysis = $8, threat_level_id = $9, distribution = $10, sharing_group_id = $11, timestamp = $12, publish_timestamp = $13, sighting_timestamp = $14, proposal_email_lock = $15, locked = $16, disable_correlation = $17, extends_uuid = $18, protected = $19 WHERE id = $20")
                        .bind(e.uuid.to_string()).bind(e.org_id).bind(e.orgc_id).bind(e.user_id).bind(e.date.as_str()).bind(e.info.as_str())
                        .bind(e.published).bind(e.analysis).bind(e.threat_level_id).bind(e.distribution).bind(e.sharing_group_id)
                        .bind(e.timestamp).bind(e.publish_timestamp).bind(e.sighting_timestamp)
                        .bind(e.proposal_email_lock).bind(e.locked).bind(e.disable_correlation).bind(e.extends_uuid.as_str()).bind(e.protected)
                        .bind(e.id)
                        .execute(&mut *tx).await.map_err(db_err)?;
                    if r.rows_affected() == 0 {
                        return Err(StoreError::NotFound("event"));
                    }
                    e.id
                }
                None => w.event_id,
            };
            result.event_id = event_id;

            // 2. objects
            let new_objects: Vec<&Object> = w.objects.iter().filter(|o| o.id == 0).collect();
            for chunk in crate::sql::batches(&new_objects, INSERT_BATCH) {
                let sql = insert_objects_sql(dialect, event_id, chunk);
                let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(&mut *tx).await.map_err(db_err)?;
                for r in rows {
                    result.object_ids.push((r.uuid("uuid")?, r.i64("id")?));
                }
            }
            for o in w.objects.iter().filter(|o| o.id != 0) {
                sqlx::query("UPDATE objects SET name = $1, meta_category = $2, description = $3, template_uuid = $4, template_version = $5, distribution = $6, sharing_group_id = $7, comment = $8, deleted = $9, timestamp = $10, first_seen = $11, last_seen = $12 WHERE id = $13 AND event_id = $14")
                    .bind(o.name.as_str()).bind(o.meta_category.as_str()).bind(o.description.as_str()).bind(o.template_uuid.as_str())
                    .bind(o.template_version.as_str()).bind(o.distribution).bind(o.sharing_group_id).bind(o.comment.as_str())
                    .bind(o.deleted).bind(o.timestamp).bind(o.first_seen).bind(o.last_seen).bind(o.id).bind(event_id)
                    .execute(&mut *tx).await.map_err(db_err)?;
            }
            let mut object_ids: HashMap<Uuid, i64> = result.object_ids.iter().copied().collect();

            // 3. attributes
            let mut new_attrs: Vec<(&Attribute, i64)> = Vec::new();
            for aw in w.attributes.iter().filter(|a| a.attribute.id == 0) {
                let object_id = match aw.object_uuid {
                    Some(u) => match object_ids.get(&u) {
                        Some(id) => *id,
                        None => {
                            let id = id_by_uuid!(tx, "objects", u).ok_or(StoreError::NotFound("object"))?;
                            object_ids.insert(u, id);
                            id
                        }
                    },
                    None => aw.attribute.object_id,
                };
                new_attrs.push((&aw.attribute, object_id));
            }
            result.attribute_ids.reserve(new_attrs.len());
            for chunk in crate::sql::batches(&new_attrs, INSERT_BATCH) {
                let sql = insert_attributes_sql(dialect, event_id, chunk);
                let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(&mut *tx).await.map_err(db_err)?;
                for r in rows {
                    result.attribute_ids.push((r.uuid("uuid")?, r.i64("id")?));
                }
            }
            for aw in w.attributes.iter().filter(|a| a.attribute.id != 0) {
                let a = &aw.attribute;
                sqlx::query("UPDATE attributes SET object_id = $1, object_relation = $2, category = $3, type = $4, value1 = $5, value2 = $6, to_ids = $7, distribution = $8, sharing_group_id = $9, comment = $10, deleted = $11, disable_correlation = $12, timestamp = $13, first_seen = $14, last_seen = $15 WHERE id = $16 AND event_id = $17")
                    .bind(a.object_id).bind(a.object_relation.as_deref()).bind(a.category.as_str()).bind(a.attr_type.as_str())
                    .bind(a.value1.as_str()).bind(a.value2.as_str()).bind(a.to_ids).bind(a.distribution).bind(a.sharing_group_id)
                    .bind(a.comment.as_str()).bind(a.deleted).bind(a.disable_correlation).bind(a.timestamp).bind(a.first_seen)
                    .bind(a.last_seen).bind(a.id).bind(event_id)
                    .execute(&mut *tx).await.map_err(db_err)?;
            }
            let mut attribute_ids: HashMap<Uuid, i64> = result.attribute_ids.iter().copied().collect();

            // 4. object references
            for r in &w.references {
                let object_id = if r.object_id != 0 {
                    r.object_id
                } else if let Some(id) = object_ids.get(&r.source_uuid) {
                    *id
                } else {
                    id_by_uuid!(tx, "objects", r.source_uuid).ok_or(StoreError::NotFound("source object"))?
                };
                let referenced_id = if r.referenced_id != 0 {
                    r.referenced_id
                } else if r.referenced_type == 1 {
                    match object_ids.get(&r.referenced_uuid) {
                        Some(id) => *id,
                        None => id_by_uuid!(tx, "objects", r.referenced_uuid).unwrap_or(0),
                    }
                } else {
                    match attribute_ids.get(&r.referenced_uuid) {
                        Some(id) => *id,
                        None => id_by_uuid!(tx, "attributes", r.referenced_uuid).unwrap_or(0),
                    }
                };
                if r.id == 0 {
                    let row = sqlx::query("INSERT INTO object_references (uuid, event_id, object_id, source_uuid, referenced_uuid, referenced_id, referenced_type, relationship_type, comment, deleted, timestamp) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                        .bind(r.uuid.to_string()).bind(event_id).bind(object_id).bind(r.source_uuid.to_string())
                        .bind(r.referenced_uuid.to_string()).bind(referenced_id).bind(r.referenced_type)
                        .bind(r.relationship_type.as_str()).bind(r.comment.as_str()).bind(r.deleted).bind(r.timestamp)
                        .fetch_one(&mut *tx).await.map_err(db_err)?;
                    result.reference_ids.push((r.uuid, row.i64("id")?));
                } else {
                    sqlx::query("UPDATE object_references SET referenced_uuid = $1, referenced_id = $2, referenced_type = $3, relationship_type = $4, comment = $5, deleted = $6, timestamp = $7 WHERE id = $8 AND event_id = $9")
                        .bind(r.referenced_uuid.to_string()).bind(referenced_id).bind(r.referenced_type)
                        .bind(r.relationship_type.as_str()).bind(r.comment.as_str()).bind(r.deleted).bind(r.timestamp)
                        .bind(r.id).bind(event_id)
                        .execute(&mut *tx).await.map_err(db_err)?;
                }
            }

            // 5. tags
            for change in &w.event_tags {
                apply_tag_change!(tx, event, event_id, change);
            }
            for (uuid, change) in &w.attribute_tags {
                let attribute_id = match attribute_ids.get(uuid) {
                    Some(id) => *id,
                    None => {
                        let id = id_by_uuid!(tx, "attributes", uuid).ok_or(StoreError::NotFound("attribute"))?;
                        attribute_ids.insert(*uuid, id);
                        id
                    }
                };
                apply_tag_change!(tx, attribute, event_id, attribute_id, change);
            }

            // 6. hard deletes
            for id in &w.hard_delete_references {
                sqlx::query("DELETE FROM object_references WHERE id = $1 AND event_id = $2").bind(*id).bind(event_id).execute(&mut *tx).await.map_err(db_err)?;
            }
            for id in &w.hard_delete_attributes {
                sqlx::query("DELETE FROM attributes WHERE id = $1 AND event_id = $2").bind(*id).bind(event_id).execute(&mut *tx).await.map_err(db_err)?;
            }
            for id in &w.hard_delete_objects {
                sqlx::query("DELETE FROM object_references WHERE object_id = $1 AND event_id = $2").bind(*id).bind(event_id).execute(&mut *tx).await.map_err(db_err)?;
                sqlx::query("DELETE FROM attributes WHERE object_id = $1 AND event_id = $2").bind(*id).bind(event_id).execute(&mut *tx).await.map_err(db_err)?;
                sqlx::query("DELETE FROM objects WHERE id = $1 AND event_id = $2").bind(*id).bind(event_id).execute(&mut *tx).await.map_err(db_err)?;
            }

            // 7. the event's attribute count, then the audit record
            sqlx::query("UPDATE events SET attribute_count = (SELECT COUNT(*) FROM attributes WHERE event_id = $1 AND deleted = $2) WHERE id = $1")
                .bind(event_id).bind(false).execute(&mut *tx).await.map_err(db_err)?;
            let model_id = if audit.model_id == 0 { event_id } else { audit.model_id };
            write_audit!(&mut *tx, audit, model_id);
            tx.commit().await.map_err(db_err)?;
            Ok(result)
        })
    }

    async fn delete_event(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            for table in ["attribute_tags", "event_tags", "object_references", "attributes", "objects"] {
                let sql = format!("DELETE FROM {table} WHERE event_id = $1");
                sqlx::query(&sql).bind(id).execute(&mut *tx).await.map_err(db_err)?;
            }
            let r = sqlx::query("DELETE FROM events WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("event"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn event(&self, key: EventKey) -> StoreResult<Option<Event>> {
        let (sql, id, uuid) = match key {
            EventKey::Id(id) => (format!("SELECT {EVENT_COLS} FROM events WHERE id = $1"), id, String::new()),
            EventKey::Uuid(u) => (format!("SELECT {EVENT_COLS} FROM events WHERE uuid = $1"), 0, u.to_string()),
        };
        with_pool!(self, p => {
            let q = sqlx::query(&sql);
            let q = if uuid.is_empty() { q.bind(id) } else { q.bind(uuid.as_str()) };
            let row = q.fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| event_from(&r)).transpose()
        })
    }

    async fn events_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Event>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(self.dialect(), &format!("SELECT {EVENT_COLS} FROM events WHERE id IN "));
            sql.bind_id_list(chunk).push(" ORDER BY id");
            with_pool!(self, p => {
                for r in bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)? {
                    out.push(event_from(&r)?);
                }
            });
        }
        Ok(out)
    }

    async fn event_tree(&self, id: i64) -> StoreResult<EventTree> {
        let ev_sql = format!("SELECT {EVENT_COLS} FROM events WHERE id = $1");
        let obj_sql = format!("SELECT {OBJECT_COLS} FROM objects WHERE event_id = $1 ORDER BY id");
        let attr_sql = format!("SELECT {ATTRIBUTE_COLS} FROM attributes WHERE event_id = $1 ORDER BY id");
        let ref_sql = format!("SELECT {REF_COLS} FROM object_references WHERE event_id = $1 ORDER BY id");
        with_pool!(self, p => {
            let mut conn = p.acquire().await.map_err(db_err)?;
            let Some(ev) = sqlx::query(&ev_sql).bind(id).fetch_optional(&mut *conn).await.map_err(db_err)? else {
                return Ok(EventTree::default());
            };
            let mut tree = EventTree { event: Some(event_from(&ev)?), ..EventTree::default() };
            for r in sqlx::query(&obj_sql).bind(id).fetch_all(&mut *conn).await.map_err(db_err)? {
                tree.objects.push(object_from(&r)?);
            }
            for r in sqlx::query(&attr_sql).bind(id).fetch_all(&mut *conn).await.map_err(db_err)? {
                tree.attributes.push(attribute_from(&r)?);
            }
            for r in sqlx::query(&ref_sql).bind(id).fetch_all(&mut *conn).await.map_err(db_err)? {
                tree.references.push(reference_from(&r)?);
            }
            for r in sqlx::query("SELECT id, event_id, tag_id, local, relationship_type FROM event_tags WHERE event_id = $1 ORDER BY id")
                .bind(id).fetch_all(&mut *conn).await.map_err(db_err)? {
                tree.event_tags.push(link_from(&r, "event_id")?);
            }
            for r in sqlx::query("SELECT id, attribute_id, tag_id, local, relationship_type FROM attribute_tags WHERE event_id = $1 ORDER BY id")
                .bind(id).fetch_all(&mut *conn).await.map_err(db_err)? {
                tree.attribute_tags.push(link_from(&r, "attribute_id")?);
            }
            Ok(tree)
        })
    }

    async fn attribute(&self, id: i64) -> StoreResult<Option<Attribute>> {
        let sql = format!("SELECT {ATTRIBUTE_COLS} FROM attributes WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| attribute_from(&r)).transpose()
        })
    }

    async fn attribute_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<Attribute>> {
        let sql = format!("SELECT {ATTRIBUTE_COLS} FROM attributes WHERE uuid = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(uuid.to_string()).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| attribute_from(&r)).transpose()
        })
    }

    async fn object(&self, id: i64) -> StoreResult<Option<Object>> {
        let sql = format!("SELECT {OBJECT_COLS} FROM objects WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| object_from(&r)).transpose()
        })
    }

    async fn object_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<Object>> {
        let sql = format!("SELECT {OBJECT_COLS} FROM objects WHERE uuid = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(uuid.to_string()).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| object_from(&r)).transpose()
        })
    }

    async fn object_reference(&self, id: i64) -> StoreResult<Option<ObjectReference>> {
        let sql = format!("SELECT {REF_COLS} FROM object_references WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| reference_from(&r)).transpose()
        })
    }

    async fn object_reference_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<ObjectReference>> {
        let sql = format!("SELECT {REF_COLS} FROM object_references WHERE uuid = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(uuid.to_string()).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| reference_from(&r)).transpose()
        })
    }

    async fn objects_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Object>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(self.dialect(), &format!("SELECT {OBJECT_COLS} FROM objects WHERE id IN "));
            sql.bind_id_list(chunk).push(" ORDER BY id");
            with_pool!(self, p => {
                for r in bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)? {
                    out.push(object_from(&r)?);
                }
            });
        }
        Ok(out)
    }

    async fn attribute_tags(&self, attribute_ids: &[i64]) -> StoreResult<Vec<TagLink>> {
        let mut out = Vec::new();
        for chunk in attribute_ids.chunks(500) {
            let mut sql = Sql::new(
                self.dialect(),
                "SELECT id, attribute_id, tag_id, local, relationship_type FROM attribute_tags WHERE attribute_id IN ",
            );
            sql.bind_id_list(chunk).push(" ORDER BY id");
            with_pool!(self, p => {
                for r in bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)? {
                    out.push(link_from(&r, "attribute_id")?);
                }
            });
        }
        Ok(out)
    }

    async fn event_tags(&self, event_ids: &[i64]) -> StoreResult<Vec<TagLink>> {
        let mut out = Vec::new();
        for chunk in event_ids.chunks(500) {
            let mut sql =
                Sql::new(self.dialect(), "SELECT id, event_id, tag_id, local, relationship_type FROM event_tags WHERE event_id IN ");
            sql.bind_id_list(chunk).push(" ORDER BY id");
            with_pool!(self, p => {
                for r in bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)? {
                    out.push(link_from(&r, "event_id")?);
                }
            });
        }
        Ok(out)
    }

    async fn uuids_in_use(&self, uuids: &[Uuid]) -> StoreResult<Vec<Uuid>> {
        let mut out = Vec::new();
        for chunk in uuids.chunks(400) {
            let mut sql = Sql::new(self.dialect(), "");
            for (i, table) in ["events", "objects", "attributes", "object_references"].iter().enumerate() {
                if i > 0 {
                    sql.push(" UNION ALL ");
                }
                sql.push("SELECT uuid FROM ").push(table).push(" WHERE uuid IN (");
                for (j, u) in chunk.iter().enumerate() {
                    if j > 0 {
                        sql.push(", ");
                    }
                    sql.bind_text(&u.to_string());
                }
                sql.push(")");
            }
            with_pool!(self, p => {
                for r in bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)? {
                    out.push(r.uuid("uuid")?);
                }
            });
        }
        Ok(out)
    }
}
