//! The order breakdowns are shown in, everywhere (PDF, XLSX, the wording):
//! the schema's enumeration order, age bands youngest first; values outside
//! it (older data, 未填) come last, in a stable order.

use crate::aggregate::bands::bands;
use crate::figures::Breakdown;
use crate::schema::{LedgerKey, Schema};

/// Each breakdown's order, from the schema.
#[derive(Debug, Clone)]
pub(crate) struct Orders {
    pub kind: Vec<String>,
    pub sex: Vec<String>,
    pub age: Vec<String>,
    pub education: Vec<String>,
    pub qualification: Vec<String>,
    pub politics: Vec<String>,
    pub deputy: Vec<String>,
    pub problem_category: Vec<String>,
    pub need_category: Vec<String>,
    pub activity_type: Vec<String>,
}

impl Orders {
    pub(crate) fn new(schema: &Schema) -> Orders {
        let values = |key: LedgerKey, col: usize| schema.ledger(key).fields[col].values.clone();
        let r = &schema.roles;
        let roster = |col| values(LedgerKey::Roster, col);
        Orders {
            kind: roster(r.roster.kind),
            sex: roster(r.roster.sex),
            age: bands().age_names().map(str::to_string).collect(),
            education: roster(r.roster.education),
            qualification: roster(r.roster.qualification),
            politics: roster(r.roster.politics),
            deputy: roster(r.roster.deputy),
            problem_category: values(LedgerKey::Problems, r.problems.category),
            need_category: values(LedgerKey::Needs, r.needs.category),
            activity_type: values(LedgerKey::Activities, r.activities.kind),
        }
    }
}

/// A breakdown's entries in `order`; values not in it after, in key order.
pub(crate) fn in_order<'b>(b: &'b Breakdown, order: &[String]) -> Vec<(&'b str, u64)> {
    let mut entries: Vec<(&str, u64)> = b.iter().map(|(k, n)| (k, *n)).collect();
    // Stable: entries outside the order keep the map's (sorted) order.
    entries.sort_by_key(|(k, _)| rank(order, k));
    entries
}

/// Where a value stands in `order` (after every value of it when absent).
pub(crate) fn rank(order: &[String], value: &str) -> usize {
    order.iter().position(|o| o == value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_outside_the_order_come_last_in_a_stable_order() {
        let b: Breakdown = [("高中及以下", 1), ("未填", 2), ("研究生", 3), ("旧值", 4)]
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        let order: Vec<String> = ["研究生", "大学本科", "高中及以下"]
            .map(String::from)
            .to_vec();
        let keys: Vec<&str> = in_order(&b, &order).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["研究生", "高中及以下", "旧值", "未填"]);
    }
}
