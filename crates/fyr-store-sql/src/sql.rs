//! A small builder for SQL text with bound arguments, shared by both
//! backends. Values are never formatted into the text: every value becomes a
//! `$n` placeholder and an [`Arg`]; [`bind_args!`] binds them to a sqlx query
//! of either backend. sqlx's own `QueryBuilder` is typed by backend, which
//! would make every dynamic query generic over the driver; this keeps one
//! text for both, with the two dialect differences we need.

use fyr_store::{Col, Cond, StoreError};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Splits `items` into batches for multi-row statements of a few fixed
/// sizes: `max` rows, then tenths of it down to single rows. Prepared
/// statements are cached per SQL text, so a remainder of any size would
/// add (and keep) a large statement per distinct size; this keeps the
/// number of shapes to four or so, and the cache bounded.
pub(crate) fn batches<T>(items: &[T], max: usize) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut rest = items;
    let mut size = max.max(1);
    while !rest.is_empty() {
        while size > 1 && rest.len() < size {
            size /= 10;
        }
        let size = size.max(1);
        let (head, tail) = rest.split_at(size.min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// A bound value.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I64(i64),
    OptI64(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
}

/// SQL text with its arguments.
#[derive(Debug)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
    pub dialect: Dialect,
}

impl Sql {
    pub fn new(dialect: Dialect, text: &str) -> Sql {
        Sql { text: text.to_string(), args: Vec::new(), dialect }
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder for `arg`: `$n` on PostgreSQL, an anonymous
    /// `?` on SQLite. (Arguments are always appended in text order. sqlx
    /// looks up the name of every numbered SQLite parameter, and SQLite's
    /// lookup is linear in the number of names, which made a 17,000-value
    /// INSERT quadratic; anonymous parameters have no name to look up.)
    pub fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        match self.dialect {
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => {
                let _ = write!(self.text, "${}", self.args.len());
            }
        }
        self
    }

    pub fn bind_i64(&mut self, v: i64) -> &mut Self {
        self.bind(Arg::I64(v))
    }

    pub fn bind_text(&mut self, v: &str) -> &mut Self {
        self.bind(Arg::Text(v.to_string()))
    }

    /// `(a, b, c)` placeholders for a list of ids.
    pub fn bind_id_list(&mut self, ids: &[i64]) -> &mut Self {
        self.push("(");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind_i64(*id);
        }
        self.push(")")
    }

    /// The case-insensitive LIKE operator of the dialect.
    pub fn ilike(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => " LIKE ",
            Dialect::Postgres => " ILIKE ",
        }
    }

    /// Appends `expr <op> pattern` for a MISP value pattern: with `%` it is a
    /// case-insensitive LIKE, otherwise a case-insensitive equality (which
    /// can use the `lower(...)` indexes).
    pub fn text_match(&mut self, expr: &str, pattern: &str) -> &mut Self {
        if pattern.contains('%') {
            self.push(expr);
            let op = self.ilike();
            self.push(op).bind_text(pattern)
        } else {
            self.push("lower(").push(expr).push(") = lower(").bind_text(pattern).push(")")
        }
    }

    /// Appends the SQL form of an access condition. `Some(alias)` per table
    /// tells which tables the surrounding query has joined.
    pub fn cond(&mut self, cond: &Cond, tables: &Tables) -> Result<&mut Self, StoreError> {
        match cond {
            Cond::True => {
                self.push("1=1");
            }
            Cond::False => {
                self.push("1=0");
            }
            Cond::And(items) | Cond::Or(items) => {
                let joiner = if matches!(cond, Cond::And(_)) { " AND " } else { " OR " };
                self.push("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.push(joiner);
                    }
                    self.cond(item, tables)?;
                }
                self.push(")");
            }
            Cond::Not(inner) => {
                self.push("NOT (");
                self.cond(inner, tables)?;
                self.push(")");
            }
            Cond::Eq(col, v) => {
                let (expr, kind) = tables.column(*col)?;
                self.push("(");
                if kind.nullable {
                    self.push(&expr).push(" IS NOT NULL AND ");
                }
                self.push(&expr).push(" = ");
                self.bind(kind.arg(*v));
                self.push(")");
            }
            Cond::In(col, vs) => {
                let (expr, kind) = tables.column(*col)?;
                self.push("(");
                if kind.nullable {
                    self.push(&expr).push(" IS NOT NULL AND ");
                }
                self.push(&expr).push(" IN (");
                for (i, v) in vs.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.bind(kind.arg(*v));
                }
                self.push("))");
            }
        }
        Ok(self)
    }
}

/// Which tables a query has, under which alias. Objects are LEFT JOINed, so
/// their columns may be NULL.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tables {
    pub event: Option<&'static str>,
    pub attribute: Option<&'static str>,
    pub object: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ColKind {
    pub nullable: bool,
    pub boolean: bool,
}

impl ColKind {
    fn arg(self, v: i64) -> Arg {
        if self.boolean { Arg::Bool(v != 0) } else { Arg::I64(v) }
    }
}

impl Tables {
    fn column(&self, col: Col) -> Result<(String, ColKind), StoreError> {
        let plain = ColKind { nullable: false, boolean: false };
        let (table, name, kind) = match col {
            Col::EventId => (self.event, "id", plain),
            Col::EventOrgId => (self.event, "org_id", plain),
            Col::EventOrgcId => (self.event, "orgc_id", plain),
            Col::EventDistribution => (self.event, "distribution", plain),
            Col::EventSharingGroupId => (self.event, "sharing_group_id", plain),
            Col::EventPublished => (self.event, "published", ColKind { nullable: false, boolean: true }),
            Col::AttributeObjectId => (self.attribute, "object_id", plain),
            Col::AttributeDistribution => (self.attribute, "distribution", plain),
            Col::AttributeSharingGroupId => (self.attribute, "sharing_group_id", plain),
            Col::ObjectDistribution => (self.object, "distribution", ColKind { nullable: true, boolean: false }),
            Col::ObjectSharingGroupId => (self.object, "sharing_group_id", ColKind { nullable: true, boolean: false }),
        };
        match table {
            Some(alias) => Ok((format!("{alias}.{name}"), kind)),
            None => Err(StoreError::Invalid(format!("condition column {col:?} is not available in this query"))),
        }
    }
}

/// Binds every [`Arg`] of a [`Sql`] to a sqlx query (of either backend).
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args.iter() {
            q = match a {
                $crate::sql::Arg::I64(v) => q.bind(*v),
                $crate::sql::Arg::OptI64(v) => q.bind(*v),
                $crate::sql::Arg::Text(v) => q.bind(v.as_str()),
                $crate::sql::Arg::OptText(v) => q.bind(v.as_deref()),
                $crate::sql::Arg::Bool(v) => q.bind(*v),
            };
        }
        q
    }};
}
pub(crate) use bind_args;

#[cfg(test)]
mod tests {
    use super::batches;

    #[test]
    fn batch_shapes_are_few() {
        let v: Vec<u32> = (0..2345).collect();
        let sizes: Vec<usize> = batches(&v, 1000).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, vec![1000, 1000, 100, 100, 100, 10, 10, 10, 10, 1, 1, 1, 1, 1]);
        assert_eq!(sizes.iter().sum::<usize>(), 2345);
        assert!(batches::<u32>(&[], 1000).is_empty());
    }
}
