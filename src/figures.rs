//! The figures every report carries: counts, breakdowns and rates of a
//! unit's talents, problems and needs, activities and achievements over a
//! window, targets, the 六有 checks, data quality and the items a report
//! lists. Numbers only; each report kind words them. Nothing here
//! identifies a talent beyond what a report may show (no ID numbers, no
//! phones).

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::Serialize;

/// Counts by a category's values (e.g. 学历 → 大学本科 → 12), in the
/// values' order, serialised as a map. A sorted list with shared value
/// names, not a map: a report model holds a dozen of these per window, most
/// with a handful of entries, and a map's nodes were most of its memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Breakdown(Vec<(Arc<str>, u64)>);

impl Breakdown {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(key))
    }

    /// The count of `key`.
    pub fn get(&self, key: &str) -> Option<&u64> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// Set the count of `key`.
    pub fn insert(&mut self, key: impl Into<Arc<str>> + AsRef<str>, n: u64) {
        match self.find(key.as_ref()) {
            Ok(i) => self.0[i].1 = n,
            Err(i) => self.0.insert(i, (key.into(), n)),
        }
    }

    /// Add `n` to the count of `key`.
    pub fn add(&mut self, key: &str, n: u64) {
        match self.find(key) {
            Ok(i) => self.0[i].1 += n,
            Err(i) => self.0.insert(i, (key.into(), n)),
        }
    }

    /// Values and counts, in the values' order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &u64)> {
        self.0.iter().map(|(k, n)| (&**k, n))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| &**k)
    }

    pub fn values(&self) -> impl Iterator<Item = &u64> {
        self.0.iter().map(|(_, n)| n)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: AsRef<str>> FromIterator<(K, u64)> for Breakdown {
    fn from_iter<I: IntoIterator<Item = (K, u64)>>(entries: I) -> Breakdown {
        let mut b = Breakdown::default();
        for (k, n) in entries {
            b.insert(k.as_ref(), n);
        }
        b
    }
}

impl Serialize for Breakdown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Figures for one window (a quarter, or the year to date).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TalentFigures {
    /// In the library at the end of the period.
    pub in_library: u64,
    pub joined: u64,
    pub left: u64,
    pub by_kind: Breakdown,
    pub by_sex: Breakdown,
    pub by_age: Breakdown,
    pub by_education: Breakdown,
    pub by_politics: Breakdown,
    pub by_qualification: Breakdown,
    /// 助理社会工作师 + 社会工作师 + 高级社会工作师.
    pub certified_social_workers: u64,
    pub key_talents: u64,
    /// Party members: the schema's `party` values of 政治面貌.
    pub party_members: u64,
    pub by_deputy: Breakdown,
}

/// A rate with the two counts it divides, so that a report can state them
/// and a reader can check it: `numerator ÷ denominator`. Rates of scopes add
/// up count by count. Serialised with its value (none when nothing is divided).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
}

impl Rate {
    pub fn new(numerator: u64, denominator: u64) -> Rate {
        Rate {
            numerator,
            denominator,
        }
    }

    /// The ratio, none when the denominator is zero.
    pub fn value(self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }
}

impl std::ops::AddAssign for Rate {
    fn add_assign(&mut self, other: Rate) {
        self.numerator += other.numerator;
        self.denominator += other.denominator;
    }
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Rate", 3)?;
        st.serialize_field("numerator", &self.numerator)?;
        st.serialize_field("denominator", &self.denominator)?;
        st.serialize_field("value", &self.value())?;
        st.end()
    }
}

/// Problems or needs in one window of a year, counted over the year's cases
/// (ledgers are kept by the year). The window's caseload is what was open
/// at its start (`carried`) and what was registered in it (`new`); each case
/// of it was either closed in the window or is open at its end, so
/// `carried + new == closed + open`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaseFigures {
    /// Open at the start of the window (carried over from before it).
    pub carried: u64,
    /// Registered in the window.
    pub new: u64,
    /// Closed in the window.
    pub closed: u64,
    /// Open at the end of the window.
    pub open: u64,
    /// Closed ÷ (carried + new).
    pub closure_rate: Rate,
    /// For needs: closed as 已满足 ÷ (carried + new).
    pub satisfaction_rate: Rate,
    /// Mean days from registration to closing, for cases closed in the window.
    pub mean_days_to_close: Option<f64>,
    pub by_category: Breakdown,
    /// Problems passed upward (已上报) in the window.
    pub escalated: u64,
    /// For needs: closed as 已满足 (the rest closed as 无法满足).
    pub satisfied: u64,
}

impl CaseFigures {
    /// The window's caseload: carried over and registered.
    pub fn caseload(&self) -> u64 {
        self.carried + self.new
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActivityFigures {
    pub count: u64,
    pub by_type: Breakdown,
    pub by_scope: Breakdown,
    pub participants: u64,
    pub talent_participants: u64,
    pub funds: f64,
    /// Activities of the five kinds (学术交流、引才聚才、资源对接、技能竞赛、成果展示).
    pub five_kinds: u64,
    /// Sector-wide (全行业) activities.
    pub sector_wide: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AchievementFigures {
    pub count: u64,
    pub by_type: Breakdown,
    pub by_level: Breakdown,
    pub research_reports: u64,
}

/// Everything for one window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub talents: TalentFigures,
    pub problems: CaseFigures,
    pub needs: CaseFigures,
    pub activities: ActivityFigures,
    pub achievements: AchievementFigures,
}

/// A value shared by the reports that show it: a quarter's figures are also
/// the next quarter's previous quarter and a line of the annual summary, a
/// workroom's own year to date is its year to date, and an open item is
/// listed by its workroom, its station and the centre. At province size
/// copies of these were most of the report models' memory. Serialised as
/// the value itself.
#[derive(Debug, Default, PartialEq)]
pub struct Shared<T>(Arc<T>);

/// Figures shared between reports (see [`Shared`]).
pub type SharedFigures = Shared<Figures>;

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// A change makes the changed report's own copy (copy on write).
impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// An annual target and how far the year has come.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub name: String,
    /// The counting word: 次, 份, 项.
    pub unit: String,
    pub target: u64,
    pub actual: u64,
    pub met: bool,
}

/// One of the 六有 checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    /// What was found, as numbers and names; the reports word it
    /// (`reports::six_haves::evidence`, `templates/six_haves.toml`).
    pub found: Found,
}

/// What a 六有 check found, by check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Found {
    /// 有阵地: the registry's floor area (m²), and the floor the unit must
    /// reach (the centre and the stations only).
    Area {
        area: Option<f64>,
        floor: Option<f64>,
    },
    /// 有名称: the unit's name.
    Name { name: String },
    /// 有职能: the registry's 职能.
    Duty { duty: Option<String> },
    /// 有组织, a station or a workroom: its head.
    Head { head: Option<String> },
    /// 有组织, the centre: its head and secretary-general, its stations,
    /// how many of them have a head (its specialists), and how many it
    /// must have at least.
    Centre {
        head: Option<String>,
        secretary: Option<String>,
        stations: u64,
        headed: u64,
        floor: u64,
    },
    /// 有制度: how many rules the registry lists.
    Rules { rules: Option<i64> },
    /// 有台账: the ledgers the period's workbook had, of those kept.
    Ledgers { sent: u64, kept: u64 },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    /// Rows left out of the figures because they had errors, by ledger.
    pub rows_excluded: BTreeMap<String, u64>,
    pub files_with_errors: u64,
    pub warnings: u64,
}

/// A problem or need still open at the period's end, as a report may show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenItem {
    pub unit: String,
    pub ledger: crate::schema::LedgerKey,
    pub id: String,
    pub registered: String,
    pub category: String,
    pub description: String,
    pub status: String,
    pub days_open: i64,
}

/// One activity or achievement of the unit itself, for lists in packets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventItem {
    pub date: String,
    pub name: String,
    /// 活动类型 or 成果类型.
    pub kind: String,
    /// 活动范围 or 成果级别.
    pub detail: String,
    /// Participants (activities only).
    pub people: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breakdown_keeps_its_values_in_order_and_serialises_as_a_map() {
        let mut b = Breakdown::default();
        b.insert("男", 2);
        b.add("女", 3);
        b.add("男", 1);
        b.insert(Arc::<str>::from("未填"), 1);
        assert_eq!(b.get("男"), Some(&3));
        assert_eq!(b.get("其他"), None);
        let map: BTreeMap<&str, u64> = b.iter().map(|(k, n)| (k, *n)).collect();
        assert_eq!(
            b.keys().collect::<Vec<_>>(),
            map.keys().copied().collect::<Vec<_>>()
        );
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
    }
}
