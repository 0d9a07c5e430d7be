//! The figures of SPEC §7, computed with polars: each fact table is counted
//! per unit, and each unit's counts are added into every scope it counts
//! toward (a membership table, unit → scope), so a station's figures are its
//! own plus its workrooms', and the centre's its own plus all stations'.
//! Every figure is a count or a sum (rates and means are worked out from
//! them afterwards), so counting per unit first gives the same figures as
//! counting per scope, without a copy of every fact for each of its scopes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use polars::prelude::*;

use crate::aggregate::bands::bands;
use crate::aggregate::load::AsOf;
use crate::figures::{Breakdown, CaseFigures, Figures, Rate, TalentFigures};
use crate::registry::Registry;
use crate::schema::LedgerKey;

/// Unit → scope pairs. `rolled`: every ancestor-or-self; otherwise only itself.
pub fn membership(registry: &Registry, rolled: bool) -> PolarsResult<DataFrame> {
    let mut units = Vec::new();
    let mut scopes = Vec::new();
    for u in registry.units() {
        let mut scope = Some(u);
        while let Some(s) = scope {
            units.push(u.code.clone());
            scopes.push(s.code.clone());
            if !rolled {
                break;
            }
            scope = s.parent.as_deref().and_then(|p| registry.unit(p));
        }
    }
    df!("unit" => units, "scope" => scopes)
}

/// A count per scope, and where it goes in the figures.
type Count = (Expr, fn(&mut Figures, u64));

/// Where a talent breakdown goes in the figures.
type TalentSlot = fn(&mut TalentFigures) -> &mut Breakdown;

/// The fact tables of one as-of point.
pub struct Frames {
    talents: DataFrame,
    cases: DataFrame,
    activities: DataFrame,
    achievements: DataFrame,
}

impl Frames {
    /// The fact tables of a point (each with a `unit` column).
    pub fn new(a: &AsOf) -> PolarsResult<Frames> {
        Ok(Frames {
            talents: a.talents.clone(),
            cases: a.cases.clone(),
            activities: a.activities.clone(),
            achievements: a.achievements.clone(),
        })
    }

    /// Figures of every scope for the window `[start, end]` (days), the
    /// roster taken as at `end`, the year's cases open at `start` carried into
    /// the window.
    pub fn figures(
        &self,
        members: &DataFrame,
        start: i32,
        end: i32,
    ) -> PolarsResult<BTreeMap<String, Figures>> {
        self.scoped(members).figures(start, end)
    }

    /// The fact tables with the scopes each unit counts toward.
    pub fn scoped<'a>(&'a self, members: &'a DataFrame) -> Scoped<'a> {
        Scoped {
            facts: self,
            members,
        }
    }
}

/// The fact tables and a membership table (see [`Frames::scoped`]).
pub struct Scoped<'a> {
    facts: &'a Frames,
    members: &'a DataFrame,
}

/// Rows for which `e` holds, as a number to sum.
fn count_if(e: Expr) -> Expr {
    e.fill_null(lit(false)).cast(DataType::UInt64).sum()
}

/// Where a case ledger's figures go in the figures.
type CaseSlot = fn(&mut Figures) -> &mut CaseFigures;

/// Days of column `c` within `[start, end]`.
fn between(c: &str, start: i32, end: i32) -> Expr {
    col(c).gt_eq(lit(start)).and(col(c).lt_eq(lit(end)))
}

impl Scoped<'_> {
    /// Figures of every scope for the window `[start, end]` (days), the
    /// roster taken as at `end`, the year's cases open at `start` carried into
    /// the window.
    pub fn figures(&self, start: i32, end: i32) -> PolarsResult<BTreeMap<String, Figures>> {
        let mut out: BTreeMap<String, Figures> = BTreeMap::new();
        self.talents(start, end, &mut out)?;
        self.cases(start, end, &mut out)?;
        self.activities(start, end, &mut out)?;
        self.achievements(start, end, &mut out)?;
        Ok(out)
    }

    /// Talents.
    fn talents(
        &self,
        start: i32,
        end: i32,
        out: &mut BTreeMap<String, Figures>,
    ) -> PolarsResult<()> {
        let within = |c: &str| between(c, start, end);
        let t = || self.facts.talents.clone().lazy();
        let in_library = col("joined")
            .lt_eq(lit(end))
            .and(col("left").is_null().or(col("left").gt(lit(end))));
        let talent_counts: [Count; 6] = [
            (in_library.clone(), |f, n| f.talents.in_library = n),
            (within("joined"), |f, n| f.talents.joined = n),
            (within("left"), |f, n| f.talents.left = n),
            (in_library.clone().and(col("certified")), |f, n| {
                f.talents.certified_social_workers = n
            }),
            (in_library.clone().and(col("key")), |f, n| {
                f.talents.key_talents = n
            }),
            (in_library.clone().and(col("party")), |f, n| {
                f.talents.party_members = n
            }),
        ];
        self.per_scope(t(), talent_counts, out)?;
        let talent_dims: [(&str, TalentSlot); 7] = [
            ("kind", |f| &mut f.by_kind),
            ("sex", |f| &mut f.by_sex),
            ("age", |f| &mut f.by_age),
            ("education", |f| &mut f.by_education),
            ("politics", |f| &mut f.by_politics),
            ("qualification", |f| &mut f.by_qualification),
            ("deputy", |f| &mut f.by_deputy),
        ];
        for (dim, slot) in talent_dims {
            self.breakdown(t().filter(in_library.clone()), dim, out, |f| {
                slot(&mut f.talents)
            })?;
        }
        Ok(())
    }

    /// Problems and needs.
    fn cases(&self, start: i32, end: i32, out: &mut BTreeMap<String, Figures>) -> PolarsResult<()> {
        for (ledger, slot) in [
            (
                LedgerKey::Problems.as_str(),
                (|f: &mut Figures| &mut f.problems) as CaseSlot,
            ),
            (LedgerKey::Needs.as_str(), |f: &mut Figures| &mut f.needs),
        ] {
            self.case_ledger(ledger, slot, start, end, out)?;
        }
        Ok(())
    }

    /// The figures of one case ledger, put where `slot` says.
    fn case_ledger(
        &self,
        ledger: &str,
        slot: CaseSlot,
        start: i32,
        end: i32,
        out: &mut BTreeMap<String, Figures>,
    ) -> PolarsResult<()> {
        let within = |c: &str| between(c, start, end);
        let c = || {
            self.facts
                .cases
                .clone()
                .lazy()
                .filter(col("ledger").eq(lit(ledger)))
        };
        let df = self.sums(c(), &[], case_counts(start, end))?;
        let scopes = df.column("scope")?.str()?;
        let number = |name: &str| -> PolarsResult<Vec<u64>> {
            Ok(df
                .column(name)?
                .u64()?
                .iter()
                .map(|n| n.unwrap_or(0))
                .collect())
        };
        let (new, closed, open) = (number("new")?, number("closed")?, number("open")?);
        let (escalated, satisfied) = (number("escalated")?, number("satisfied")?);
        let carried = number("carried")?;
        let days = df.column("days")?.f64()?;
        for (i, scope) in scopes.iter().enumerate() {
            let Some(scope) = scope else { continue };
            if new[i] + closed[i] + open[i] + carried[i] == 0 {
                continue;
            }
            let cases = slot(out.entry(scope.to_string()).or_default());
            cases.carried = carried[i];
            cases.new = new[i];
            cases.closed = closed[i];
            cases.open = open[i];
            cases.escalated = escalated[i];
            cases.satisfied = satisfied[i];
            cases.closure_rate = Rate::new(cases.closed, cases.caseload());
            cases.satisfaction_rate = Rate::new(cases.satisfied, cases.caseload());
            if closed[i] > 0 {
                cases.mean_days_to_close = days.get(i).map(|d| d / closed[i] as f64);
            }
        }
        self.breakdown(c().filter(within("registered")), "category", out, |f| {
            &mut slot(f).by_category
        })
    }

    /// Activities.
    fn activities(
        &self,
        start: i32,
        end: i32,
        out: &mut BTreeMap<String, Figures>,
    ) -> PolarsResult<()> {
        let within = |c: &str| between(c, start, end);
        let a = || self.facts.activities.clone().lazy().filter(within("date"));
        let df = self.sums(
            a(),
            &[],
            vec![
                len().cast(DataType::UInt64).alias("count"),
                count_if(col("five_kind")).alias("five_kinds"),
                count_if(col("sector_wide")).alias("sector_wide"),
                col("participants")
                    .cast(DataType::Float64)
                    .sum()
                    .alias("participants"),
                col("talents")
                    .cast(DataType::Float64)
                    .sum()
                    .alias("talents"),
                col("funds").cast(DataType::Float64).sum().alias("funds"),
            ],
        )?;
        let scopes = df.column("scope")?.str()?;
        let (count, five, sector) = (
            df.column("count")?.u64()?,
            df.column("five_kinds")?.u64()?,
            df.column("sector_wide")?.u64()?,
        );
        let (participants, talents, funds) = (
            df.column("participants")?.f64()?,
            df.column("talents")?.f64()?,
            df.column("funds")?.f64()?,
        );
        for (i, scope) in scopes.iter().enumerate() {
            let Some(scope) = scope else { continue };
            let f = &mut out.entry(scope.to_string()).or_default().activities;
            f.count = count.get(i).unwrap_or(0);
            f.five_kinds = five.get(i).unwrap_or(0);
            f.sector_wide = sector.get(i).unwrap_or(0);
            f.participants = participants.get(i).unwrap_or(0.0) as u64;
            f.talent_participants = talents.get(i).unwrap_or(0.0) as u64;
            f.funds = (funds.get(i).unwrap_or(0.0) * 100.0).round() / 100.0;
        }
        self.breakdown(a(), "type", out, |f| &mut f.activities.by_type)?;
        self.breakdown(a(), "scope_kind", out, |f| &mut f.activities.by_scope)
    }

    /// Achievements.
    fn achievements(
        &self,
        start: i32,
        end: i32,
        out: &mut BTreeMap<String, Figures>,
    ) -> PolarsResult<()> {
        let within = |c: &str| between(c, start, end);
        let h = || {
            self.facts
                .achievements
                .clone()
                .lazy()
                .filter(within("date"))
        };
        let achievement_counts: [Count; 2] = [
            (col("date").is_not_null(), |f, n| f.achievements.count = n),
            (col("research"), |f, n| f.achievements.research_reports = n),
        ];
        self.per_scope(h(), achievement_counts, out)?;
        self.breakdown(h(), "type", out, |f| &mut f.achievements.by_type)?;
        self.breakdown(h(), "level", out, |f| &mut f.achievements.by_level)
    }
}

/// A case ledger's counts in the window `start..=end`: carried over (open at
/// its start), new, closed, open at its end, escalated, satisfied, and the
/// days the closed ones took. A case closed in the window was open at its
/// start or registered in it, so carried + new = closed + open. The facts
/// are the cases of the year's workbooks (see `AsOf`): one registered in an
/// earlier year is carried into the year when the unit reports it again
/// (a prefilled workbook carries every open case).
fn case_counts(start: i32, end: i32) -> Vec<Expr> {
    let within = |c: &str| between(c, start, end);
    let open_at = |day: i32| {
        col("registered")
            .lt_eq(lit(day))
            .and(col("closed").is_null().or(col("closed").gt(lit(day))))
    };
    vec![
        count_if(open_at(start - 1)).alias("carried"),
        count_if(within("registered")).alias("new"),
        count_if(within("closed")).alias("closed"),
        count_if(open_at(end)).alias("open"),
        count_if(within("registered").and(col("escalated"))).alias("escalated"),
        count_if(within("closed").and(col("satisfied"))).alias("satisfied"),
        (col("closed") - col("registered"))
            .cast(DataType::Float64)
            .filter(within("closed"))
            .sum()
            .alias("days"),
    ]
}

impl Scoped<'_> {
    /// `aggs` (each a count or a sum) of `lf` grouped by scope and `keys`:
    /// worked out per unit, then each unit's values added into its scopes.
    fn sums(&self, lf: LazyFrame, keys: &[&str], aggs: Vec<Expr>) -> PolarsResult<DataFrame> {
        let mut by_unit = vec![col("unit")];
        by_unit.extend(keys.iter().map(|k| col(*k)));
        let per_unit = lf.group_by(by_unit).agg(aggs).collect()?;
        let mut by_scope = vec![col("scope")];
        by_scope.extend(keys.iter().map(|k| col(*k)));
        let totals: Vec<Expr> = per_unit
            .get_column_names()
            .into_iter()
            .filter(|name| name.as_str() != "unit" && !keys.contains(&name.as_str()))
            .map(|name| col(name.clone()).sum())
            .collect();
        per_unit
            .lazy()
            .join(
                self.members.clone().lazy(),
                [col("unit")],
                [col("unit")],
                JoinArgs::new(JoinType::Inner),
            )
            .group_by(by_scope)
            .agg(totals)
            .collect()
    }

    /// Several counts per scope in one pass: each expression's true rows. A
    /// scope gets an entry only if one of the counts is not zero.
    fn per_scope<const N: usize>(
        &self,
        lf: LazyFrame,
        counts: [Count; N],
        out: &mut BTreeMap<String, Figures>,
    ) -> PolarsResult<()> {
        let aggs: Vec<Expr> = counts
            .iter()
            .enumerate()
            .map(|(i, (e, _))| count_if(e.clone()).alias(format!("n{i}")))
            .collect();
        let df = self.sums(lf, &[], aggs)?;
        let scopes = df.column("scope")?.str()?;
        let columns = (0..N)
            .map(|i| {
                df.column(&format!("n{i}"))
                    .and_then(|c| Ok(c.u64()?.clone()))
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        for (row, scope) in scopes.iter().enumerate() {
            let Some(scope) = scope else { continue };
            let values: Vec<u64> = columns.iter().map(|c| c.get(row).unwrap_or(0)).collect();
            if values.iter().all(|&n| n == 0) {
                continue;
            }
            let f = out.entry(scope.to_string()).or_default();
            for ((_, set), n) in counts.iter().zip(values) {
                set(f, n);
            }
        }
        Ok(())
    }

    /// Rows counted per scope and value of `by`.
    fn breakdown(
        &self,
        lf: LazyFrame,
        by: &str,
        out: &mut BTreeMap<String, Figures>,
        slot: impl Fn(&mut Figures) -> &mut Breakdown,
    ) -> PolarsResult<()> {
        let df = self.sums(lf, &[by], vec![len().cast(DataType::UInt64).alias("n")])?;
        let scopes = df.column("scope")?.str()?;
        let keys = df.column(by)?.str()?;
        let n = df.column("n")?.u64()?;
        // One copy of each value's name, shared by every scope's breakdown.
        let mut names: HashMap<&str, Arc<str>> = HashMap::new();
        for ((s, k), n) in scopes.iter().zip(keys.iter()).zip(n.iter()) {
            if let (Some(s), Some(k), Some(n)) = (s, k, n) {
                let key = if k.is_empty() {
                    bands().blank.as_str()
                } else {
                    k
                };
                let name = names.entry(key).or_insert_with(|| Arc::from(key)).clone();
                slot(out.entry(s.to_string()).or_default()).insert(name, n);
            }
        }
        Ok(())
    }
}
