//! Sharing groups (with member organisations and servers) and tags.

use crate::identity::write_audit;
use crate::rowext::RowExt;
use crate::sql::{Sql, Tables, bind_args};
use crate::{SqlStore, db_err, with_pool};
use fyr_store::*;
use uuid::Uuid;

const SG_COLS: &str = "id, uuid, name, releasability, description, org_id, sync_user_id, active, local, roaming, created, modified";

fn sg_from(r: &impl RowExt) -> StoreResult<SharingGroup> {
    Ok(SharingGroup {
        id: r.i64("id")?,
        uuid: r.uuid("uuid")?,
        name: r.text("name")?,
        releasability: r.text("releasability")?,
        description: r.text("description")?,
        org_id: r.i64("org_id")?,
        sync_user_id: r.i64("sync_user_id")?,
        active: r.boolean("active")?,
        local: r.boolean("local")?,
        roaming: r.boolean("roaming")?,
        created: r.i64("created")?,
        modified: r.i64("modified")?,
        orgs: Vec::new(),
        servers: Vec::new(),
    })
}

const TAG_COLS: &str = "id, name, colour, exportable, org_id, user_id, hide_tag, numerical_value, is_galaxy, is_custom_galaxy, local_only";

pub(crate) fn tag_from(r: &impl RowExt) -> StoreResult<Tag> {
    Ok(Tag {
        id: r.i64("id")?,
        name: r.text("name")?,
        colour: r.text("colour")?,
        exportable: r.boolean("exportable")?,
        org_id: r.i64("org_id")?,
        user_id: r.i64("user_id")?,
        hide_tag: r.boolean("hide_tag")?,
        numerical_value: r.opt_i64("numerical_value")?,
        is_galaxy: r.boolean("is_galaxy")?,
        is_custom_galaxy: r.boolean("is_custom_galaxy")?,
        local_only: r.boolean("local_only")?,
    })
}

impl SqlStore {
    /// Fills in member organisations and servers of the given groups.
    async fn sg_members(&self, groups: &mut [SharingGroup]) -> StoreResult<()> {
        if groups.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
        let mut orgs_sql =
            Sql::new(self.dialect(), "SELECT id, sharing_group_id, org_id, extend FROM sharing_group_orgs WHERE sharing_group_id IN ");
        orgs_sql.bind_id_list(&ids).push(" ORDER BY id");
        let mut srv_sql = Sql::new(
            self.dialect(),
            "SELECT id, sharing_group_id, server_id, all_orgs FROM sharing_group_servers WHERE sharing_group_id IN ",
        );
        srv_sql.bind_id_list(&ids).push(" ORDER BY id");
        let (orgs, servers) = with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&orgs_sql.text), orgs_sql.args).fetch_all(p).await.map_err(db_err)?;
            let mut orgs = Vec::with_capacity(rows.len());
            for r in &rows {
                orgs.push(SharingGroupOrg { id: r.i64("id")?, sharing_group_id: r.i64("sharing_group_id")?, org_id: r.i64("org_id")?, extend: r.boolean("extend")? });
            }
            let rows = bind_args!(sqlx::query(&srv_sql.text), srv_sql.args).fetch_all(p).await.map_err(db_err)?;
            let mut servers = Vec::with_capacity(rows.len());
            for r in &rows {
                servers.push(SharingGroupServer { id: r.i64("id")?, sharing_group_id: r.i64("sharing_group_id")?, server_id: r.i64("server_id")?, all_orgs: r.boolean("all_orgs")? });
            }
            (orgs, servers)
        });
        for g in groups.iter_mut() {
            g.orgs = orgs.iter().filter(|o| o.sharing_group_id == g.id).cloned().collect();
            g.servers = servers.iter().filter(|s| s.sharing_group_id == g.id).cloned().collect();
        }
        Ok(())
    }
}

/// Inserts the member rows of a sharing group on `$conn`.
macro_rules! write_members {
    ($conn:expr, $sg:expr, $id:expr) => {{
        for o in &$sg.orgs {
            sqlx::query("INSERT INTO sharing_group_orgs (sharing_group_id, org_id, extend) VALUES ($1, $2, $3)")
                .bind($id)
                .bind(o.org_id)
                .bind(o.extend)
                .execute(&mut *$conn)
                .await
                .map_err(db_err)?;
        }
        for s in &$sg.servers {
            sqlx::query("INSERT INTO sharing_group_servers (sharing_group_id, server_id, all_orgs) VALUES ($1, $2, $3)")
                .bind($id)
                .bind(s.server_id)
                .bind(s.all_orgs)
                .execute(&mut *$conn)
                .await
                .map_err(db_err)?;
        }
    }};
}

#[async_trait::async_trait]
impl SharingStore for SqlStore {
    async fn insert_sharing_group(&self, sg: &SharingGroup, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO sharing_groups (uuid, name, releasability, description, org_id, sync_user_id, active, local, roaming, created, modified) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                .bind(sg.uuid.to_string()).bind(sg.name.as_str()).bind(sg.releasability.as_str()).bind(sg.description.as_str())
                .bind(sg.org_id).bind(sg.sync_user_id).bind(sg.active).bind(sg.local).bind(sg.roaming).bind(sg.created).bind(sg.modified)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_members!(tx, sg, id);
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_sharing_group(&self, sg: &SharingGroup, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE sharing_groups SET uuid = $1, name = $2, releasability = $3, description = $4, org_id = $5, sync_user_id = $6, active = $7, local = $8, roaming = $9, modified = $10 WHERE id = $11")
                .bind(sg.uuid.to_string()).bind(sg.name.as_str()).bind(sg.releasability.as_str()).bind(sg.description.as_str())
                .bind(sg.org_id).bind(sg.sync_user_id).bind(sg.active).bind(sg.local).bind(sg.roaming).bind(sg.modified).bind(sg.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("sharing group"));
            }
            sqlx::query("DELETE FROM sharing_group_orgs WHERE sharing_group_id = $1").bind(sg.id).execute(&mut *tx).await.map_err(db_err)?;
            sqlx::query("DELETE FROM sharing_group_servers WHERE sharing_group_id = $1").bind(sg.id).execute(&mut *tx).await.map_err(db_err)?;
            write_members!(tx, sg, sg.id);
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_sharing_group(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("DELETE FROM sharing_groups WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("sharing group"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn sharing_group(&self, id: i64) -> StoreResult<Option<SharingGroup>> {
        let sql = format!("SELECT {SG_COLS} FROM sharing_groups WHERE id = $1");
        let sg = with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| sg_from(&r)).transpose()?
        });
        let Some(sg) = sg else { return Ok(None) };
        let mut v = [sg];
        self.sg_members(&mut v).await?;
        let [sg] = v;
        Ok(Some(sg))
    }

    async fn sharing_group_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<SharingGroup>> {
        let sql = "SELECT id FROM sharing_groups WHERE uuid = $1";
        let id = with_pool!(self, p => {
            let row = sqlx::query(sql).bind(uuid.to_string()).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| r.i64("id")).transpose()?
        });
        match id {
            Some(id) => self.sharing_group(id).await,
            None => Ok(None),
        }
    }

    async fn sharing_groups(&self) -> StoreResult<Vec<SharingGroup>> {
        let sql = format!("SELECT {SG_COLS} FROM sharing_groups ORDER BY id");
        let mut groups = with_pool!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(sg_from).collect::<StoreResult<Vec<_>>>()?
        });
        self.sg_members(&mut groups).await?;
        Ok(groups)
    }

    async fn sharing_groups_for_org(&self, org_id: i64) -> StoreResult<Vec<i64>> {
        let sql = "SELECT id FROM sharing_groups sg WHERE sg.org_id = $1 \
             OR EXISTS (SELECT 1 FROM sharing_group_orgs o WHERE o.sharing_group_id = sg.id AND o.org_id = $1) \
             OR EXISTS (SELECT 1 FROM sharing_group_servers s WHERE s.sharing_group_id = sg.id AND s.server_id = 0 AND s.all_orgs = $2) \
             ORDER BY id";
        with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(org_id).bind(true).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(|r| r.i64("id")).collect()
        })
    }

    async fn sharing_group_usage(&self, id: i64) -> StoreResult<i64> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT (SELECT COUNT(*) FROM events WHERE distribution = 4 AND sharing_group_id = $1) \
                 + (SELECT COUNT(*) FROM objects WHERE distribution = 4 AND sharing_group_id = $1) \
                 + (SELECT COUNT(*) FROM attributes WHERE distribution = 4 AND sharing_group_id = $1) AS n")
                .bind(id).fetch_one(p).await.map_err(db_err)?;
            row.i64("n")
        })
    }

    async fn insert_tag(&self, t: &Tag, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO tags (name, colour, exportable, org_id, user_id, hide_tag, numerical_value, is_galaxy, is_custom_galaxy, local_only) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                .bind(t.name.as_str()).bind(t.colour.as_str()).bind(t.exportable).bind(t.org_id).bind(t.user_id).bind(t.hide_tag)
                .bind(t.numerical_value).bind(t.is_galaxy).bind(t.is_custom_galaxy).bind(t.local_only)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_tag(&self, t: &Tag, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE tags SET name = $1, colour = $2, exportable = $3, org_id = $4, user_id = $5, hide_tag = $6, numerical_value = $7, is_galaxy = $8, is_custom_galaxy = $9, local_only = $10 WHERE id = $11")
                .bind(t.name.as_str()).bind(t.colour.as_str()).bind(t.exportable).bind(t.org_id).bind(t.user_id).bind(t.hide_tag)
                .bind(t.numerical_value).bind(t.is_galaxy).bind(t.is_custom_galaxy).bind(t.local_only).bind(t.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("tag"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_tag(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("DELETE FROM tags WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("tag"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn tag(&self, id: i64) -> StoreResult<Option<Tag>> {
        let sql = format!("SELECT {TAG_COLS} FROM tags WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| tag_from(&r)).transpose()
        })
    }

    async fn tag_by_name(&self, name: &str) -> StoreResult<Option<Tag>> {
        let sql = format!("SELECT {TAG_COLS} FROM tags WHERE name = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(name).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| tag_from(&r)).transpose()
        })
    }

    async fn tags(&self, names: &TextFilter) -> StoreResult<Vec<Tag>> {
        let mut sql = Sql::new(self.dialect(), &format!("SELECT {TAG_COLS} FROM tags t WHERE 1=1"));
        if !names.any_of.is_empty() {
            sql.push(" AND (");
            for (i, n) in names.any_of.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.text_match("t.name", n);
            }
            sql.push(")");
        }
        for n in &names.none_of {
            sql.push(" AND NOT (");
            sql.text_match("t.name", n);
            sql.push(")");
        }
        sql.push(" ORDER BY t.name");
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(tag_from).collect()
        })
    }

    async fn tag_usage(&self, tag_ids: &[i64], events: &Cond, attributes: &Cond) -> StoreResult<Vec<TagUsage>> {
        const EVENT_TABLES: Tables = Tables { event: Some("e"), attribute: None, object: None };
        const ATTRIBUTE_TABLES: Tables = Tables { event: Some("e"), attribute: Some("a"), object: Some("o") };
        let mut counts: std::collections::BTreeMap<i64, TagUsage> = std::collections::BTreeMap::new();
        for chunk in tag_ids.chunks(500) {
            let mut ev = Sql::new(
                self.dialect(),
                "SELECT et.tag_id AS tag_id, COUNT(*) AS n FROM event_tags et JOIN events e ON e.id = et.event_id WHERE et.tag_id IN ",
            );
            ev.bind_id_list(chunk).push(" AND ");
            ev.cond(events, &EVENT_TABLES)?;
            ev.push(" GROUP BY et.tag_id");
            let mut at = Sql::new(
                self.dialect(),
                "SELECT atg.tag_id AS tag_id, COUNT(*) AS n FROM attribute_tags atg JOIN attributes a ON a.id = atg.attribute_id \
                 JOIN events e ON e.id = atg.event_id LEFT JOIN objects o ON o.id = a.object_id WHERE atg.tag_id IN ",
            );
            at.bind_id_list(chunk).push(" AND a.deleted = ").bind(crate::sql::Arg::Bool(false)).push(" AND ");
            at.cond(attributes, &ATTRIBUTE_TABLES)?;
            at.push(" GROUP BY atg.tag_id");
            let (ev_rows, at_rows) = with_pool!(self, p => {
                let mut e_counts = Vec::new();
                for r in bind_args!(sqlx::query(&ev.text), ev.args).fetch_all(p).await.map_err(db_err)? {
                    e_counts.push((r.i64("tag_id")?, r.i64("n")?));
                }
                let mut a_counts = Vec::new();
                for r in bind_args!(sqlx::query(&at.text), at.args).fetch_all(p).await.map_err(db_err)? {
                    a_counts.push((r.i64("tag_id")?, r.i64("n")?));
                }
                (e_counts, a_counts)
            });
            for (id, n) in ev_rows {
                counts.entry(id).or_insert(TagUsage { tag_id: id, ..TagUsage::default() }).events = n;
            }
            for (id, n) in at_rows {
                counts.entry(id).or_insert(TagUsage { tag_id: id, ..TagUsage::default() }).attributes = n;
            }
        }
        Ok(counts.into_values().collect())
    }

    async fn tags_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Tag>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(self.dialect(), &format!("SELECT {TAG_COLS} FROM tags WHERE id IN "));
            sql.bind_id_list(chunk).push(" ORDER BY id");
            with_pool!(self, p => {
                for r in bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)? {
                    out.push(tag_from(&r)?);
                }
            });
        }
        Ok(out)
    }
}
