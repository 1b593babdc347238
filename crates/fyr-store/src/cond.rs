//! A small boolean language over the columns that access control looks at.
//!
//! `fyr-core::acl` is the one place that decides who sees what; it expresses each
//! decision as a [`Cond`]. The same value is then either evaluated in memory
//! ([`Cond::eval`]) or compiled to SQL by the store (the only other consumer), so
//! there is a single rule with two faithful executions. The property test in
//! `fyr-core` checks that both agree with a naive reading of MISP's rules.

/// A column that access-control conditions may refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    EventId,
    EventOrgId,
    EventOrgcId,
    EventDistribution,
    EventSharingGroupId,
    EventPublished,
    /// 0 when the attribute is not inside an object.
    AttributeObjectId,
    AttributeDistribution,
    AttributeSharingGroupId,
    ObjectDistribution,
    ObjectSharingGroupId,
}

/// A boolean condition over [`Col`] values (all integers; booleans are 0/1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    True,
    False,
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Eq(Col, i64),
    In(Col, Vec<i64>),
}

impl Cond {
    pub fn and(items: impl IntoIterator<Item = Cond>) -> Cond {
        let items: Vec<Cond> = items.into_iter().collect();
        if items.contains(&Cond::False) {
            return Cond::False;
        }
        let mut items: Vec<Cond> = items.into_iter().filter(|c| *c != Cond::True).collect();
        match items.len() {
            0 => Cond::True,
            1 => items.pop().unwrap_or(Cond::True),
            _ => Cond::And(items),
        }
    }

    pub fn or(items: impl IntoIterator<Item = Cond>) -> Cond {
        let items: Vec<Cond> = items.into_iter().collect();
        if items.contains(&Cond::True) {
            return Cond::True;
        }
        let mut items: Vec<Cond> = items.into_iter().filter(|c| *c != Cond::False).collect();
        match items.len() {
            0 => Cond::False,
            1 => items.pop().unwrap_or(Cond::False),
            _ => Cond::Or(items),
        }
    }

    pub fn in_list(col: Col, values: impl IntoIterator<Item = i64>) -> Cond {
        let values: Vec<i64> = values.into_iter().collect();
        match values.len() {
            0 => Cond::False,
            1 => Cond::Eq(col, values[0]),
            _ => Cond::In(col, values),
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(c: Cond) -> Cond {
        match c {
            Cond::True => Cond::False,
            Cond::False => Cond::True,
            other => Cond::Not(Box::new(other)),
        }
    }

    /// Evaluates the condition against a row. A column the row does not have
    /// (`None`) compares unequal to everything, like SQL's NULL in a WHERE.
    pub fn eval(&self, row: &impl Fn(Col) -> Option<i64>) -> bool {
        match self {
            Cond::True => true,
            Cond::False => false,
            Cond::And(items) => items.iter().all(|c| c.eval(row)),
            Cond::Or(items) => items.iter().any(|c| c.eval(row)),
            Cond::Not(inner) => !inner.eval(row),
            Cond::Eq(col, v) => row(*col) == Some(*v),
            Cond::In(col, vs) => row(*col).is_some_and(|x| vs.contains(&x)),
        }
    }

    /// The columns the condition reads; the store uses this to decide joins.
    pub fn columns(&self, out: &mut Vec<Col>) {
        match self {
            Cond::True | Cond::False => {}
            Cond::And(items) | Cond::Or(items) => items.iter().for_each(|c| c.columns(out)),
            Cond::Not(inner) => inner.columns(out),
            Cond::Eq(col, _) | Cond::In(col, _) => {
                if !out.contains(col) {
                    out.push(*col)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplifies_constants() {
        assert_eq!(Cond::and([Cond::True, Cond::Eq(Col::EventId, 1)]), Cond::Eq(Col::EventId, 1));
        assert_eq!(Cond::or([Cond::False, Cond::False]), Cond::False);
        assert_eq!(Cond::or([Cond::Eq(Col::EventId, 1), Cond::True]), Cond::True);
        assert_eq!(Cond::in_list(Col::EventId, []), Cond::False);
    }

    #[test]
    fn missing_column_is_unequal() {
        let c = Cond::Not(Box::new(Cond::Eq(Col::ObjectDistribution, 1)));
        assert!(c.eval(&|_| None));
        assert!(!Cond::Eq(Col::ObjectDistribution, 1).eval(&|_| None));
    }
}
