//! restSearch exports other than JSON: MISP's CSV (`CsvExport`) and text
//! (`TextExport`) formats. Rows are rendered one at a time so callers can
//! stream them.

use fyr_store::{Attribute, Event, Object};

/// MISP's default CSV columns, in order.
pub const DEFAULT_COLUMNS: &[&str] = &[
    "uuid",
    "event_id",
    "category",
    "type",
    "value",
    "comment",
    "to_ids",
    "date",
    "object_relation",
    "attribute_tag",
    "object_uuid",
    "object_name",
    "object_meta_category",
];

/// Columns appended with `includeContext`.
pub const CONTEXT_COLUMNS: &[&str] = &[
    "event_info",
    "event_member_org",
    "event_source_org",
    "event_distribution",
    "event_threat_level_id",
    "event_analysis",
    "event_date",
    "event_tag",
    "event_timestamp",
];

/// Which columns a CSV export has.
#[derive(Debug, Clone)]
pub struct CsvLayout {
    pub columns: Vec<String>,
    pub headerless: bool,
}

impl CsvLayout {
    /// `requested` replaces the default attribute columns; context columns
    /// are appended when asked for.
    pub fn new(requested: &[String], include_context: bool, headerless: bool) -> CsvLayout {
        let mut columns: Vec<String> = if requested.is_empty() {
            DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect()
        } else {
            requested.iter().map(|c| c.trim().replace('-', "_")).filter(|c| !c.is_empty()).collect()
        };
        if include_context {
            columns.extend(CONTEXT_COLUMNS.iter().map(|c| c.to_string()));
        }
        CsvLayout { columns, headerless }
    }

    /// The header line (with its newline), or nothing when headerless.
    pub fn header(&self) -> String {
        if self.headerless { String::new() } else { format!("{}\n", self.columns.join(",")) }
    }
}

/// One attribute with everything a CSV row may show.
pub struct CsvRow<'a> {
    pub attribute: &'a Attribute,
    pub event: &'a Event,
    pub object: Option<&'a Object>,
    pub attribute_tags: &'a [String],
    pub event_tags: &'a [String],
    pub org_name: &'a str,
    pub orgc_name: &'a str,
}

enum Cell {
    Num(i64),
    Bool(bool),
    Text(String),
}

fn threat_level_name(id: i64) -> &'static str {
    match id {
        1 => "High",
        2 => "Medium",
        3 => "Low",
        _ => "Undefined",
    }
}

impl CsvRow<'_> {
    fn cell(&self, column: &str) -> Cell {
        let a = self.attribute;
        let e = self.event;
        match column {
            "uuid" => Cell::Text(a.uuid.to_string()),
            "id" => Cell::Num(a.id),
            "event_id" => Cell::Num(a.event_id),
            "category" => Cell::Text(a.category.clone()),
            "type" => Cell::Text(a.attr_type.clone()),
            "value" => Cell::Text(a.value()),
            "value1" => Cell::Text(a.value1.clone()),
            "value2" => Cell::Text(a.value2.clone()),
            "comment" => Cell::Text(a.comment.clone()),
            "to_ids" => Cell::Bool(a.to_ids),
            "date" | "timestamp" => Cell::Num(a.timestamp),
            "distribution" => Cell::Num(a.distribution),
            "sharing_group_id" => Cell::Num(a.sharing_group_id),
            "deleted" => Cell::Bool(a.deleted),
            "disable_correlation" => Cell::Bool(a.disable_correlation),
            "object_id" => Cell::Num(a.object_id),
            "object_relation" => Cell::Text(a.object_relation.clone().unwrap_or_default()),
            "attribute_tag" => Cell::Text(self.attribute_tags.join(",")),
            "object_uuid" => Cell::Text(self.object.map(|o| o.uuid.to_string()).unwrap_or_default()),
            "object_name" => Cell::Text(self.object.map(|o| o.name.clone()).unwrap_or_default()),
            "object_meta_category" => Cell::Text(self.object.map(|o| o.meta_category.clone()).unwrap_or_default()),
            "first_seen" => {
                Cell::Text(a.first_seen.map(|v| crate::output::micros_iso(Some(v)).as_str().unwrap_or("").to_string()).unwrap_or_default())
            }
            "last_seen" => {
                Cell::Text(a.last_seen.map(|v| crate::output::micros_iso(Some(v)).as_str().unwrap_or("").to_string()).unwrap_or_default())
            }
            "event_info" => Cell::Text(e.info.clone()),
            "event_member_org" => Cell::Text(self.org_name.to_string()),
            "event_source_org" => Cell::Text(self.orgc_name.to_string()),
            "event_distribution" => Cell::Num(e.distribution),
            "event_threat_level_id" => Cell::Text(threat_level_name(e.threat_level_id).to_string()),
            "event_analysis" => Cell::Num(e.analysis),
            "event_date" => Cell::Text(e.date.clone()),
            "event_tag" => Cell::Text(self.event_tags.join(",")),
            "event_timestamp" => Cell::Num(e.timestamp),
            "event_uuid" => Cell::Text(e.uuid.to_string()),
            "event_published" => Cell::Bool(e.published),
            _ => Cell::Text(String::new()),
        }
    }

    /// The row (with its newline) in the layout's columns: numbers and
    /// booleans bare, text double-quoted with quotes doubled.
    pub fn render(&self, layout: &CsvLayout) -> String {
        let mut out = String::with_capacity(128);
        for (i, c) in layout.columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match self.cell(c) {
                Cell::Num(n) => out.push_str(&n.to_string()),
                Cell::Bool(b) => out.push(if b { '1' } else { '0' }),
                Cell::Text(t) => {
                    out.push('"');
                    out.push_str(&t.replace('"', "\"\""));
                    out.push('"');
                }
            }
        }
        out.push('\n');
        out
    }
}

/// MISP ends a CSV export with an empty line.
pub const CSV_FOOTER: &str = "\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_context() {
        let l = CsvLayout::new(&[], true, false);
        assert!(l.header().starts_with("uuid,event_id,category,type,value,comment,to_ids,date,"));
        assert!(l.header().trim_end().ends_with("event_tag,event_timestamp"));
        let l = CsvLayout::new(&["value".into(), "event_id".into()], false, true);
        assert_eq!(l.header(), "");
        assert_eq!(l.columns, vec!["value", "event_id"]);
    }
}
