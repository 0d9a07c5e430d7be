//! The figures of SPEC §7, computed with polars: each fact table is joined to
//! a membership table (unit → every scope it counts toward) and grouped by
//! scope, so a station's figures are its own plus its workrooms', and the
//! centre's its own plus all stations'.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::aggregate::load::AsOf;
use crate::model::{Breakdown, CaseFigures, Figures, TalentFigures};
use crate::registry::Registry;

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

/// Where a talent breakdown goes in the figures.
type TalentSlot = fn(&mut TalentFigures) -> &mut Breakdown;

/// The fact tables of one as-of point.
pub struct Frames {
    talents: DataFrame,
    cases: DataFrame,
    activities: DataFrame,
    achievements: DataFrame,
}

fn strings<T>(rows: &[T], f: impl Fn(&T) -> &str) -> Vec<String> {
    rows.iter().map(|r| f(r).to_string()).collect()
}

impl Frames {
    pub fn new(a: &AsOf) -> PolarsResult<Frames> {
        let t = &a.talents;
        let talents = df!(
            "unit" => strings(t, |r| &r.unit),
            "joined" => t.iter().map(|r| r.joined).collect::<Vec<_>>(),
            "left" => t.iter().map(|r| r.left).collect::<Vec<_>>(),
            "age" => strings(t, |r| &r.age_band),
            "sex" => strings(t, |r| &r.sex),
            "kind" => strings(t, |r| &r.kind),
            "education" => strings(t, |r| &r.education),
            "politics" => strings(t, |r| &r.politics),
            "qualification" => strings(t, |r| &r.qualification),
            "certified" => t.iter().map(|r| r.certified).collect::<Vec<_>>(),
            "key" => t.iter().map(|r| r.key).collect::<Vec<_>>(),
            "deputy" => strings(t, |r| &r.deputy),
        )?;
        let c = &a.cases;
        let cases = df!(
            "unit" => strings(c, |r| &r.unit),
            "ledger" => strings(c, |r| &r.ledger),
            "registered" => c.iter().map(|r| r.registered).collect::<Vec<_>>(),
            "closed" => c.iter().map(|r| r.closed).collect::<Vec<_>>(),
            "category" => strings(c, |r| &r.category),
            "escalated" => c.iter().map(|r| r.escalated).collect::<Vec<_>>(),
            "satisfied" => c.iter().map(|r| r.satisfied).collect::<Vec<_>>(),
        )?;
        let v = &a.activities;
        let activities = df!(
            "unit" => strings(v, |r| &r.unit),
            "date" => v.iter().map(|r| r.date).collect::<Vec<_>>(),
            "type" => strings(v, |r| &r.kind),
            "scope_kind" => strings(v, |r| &r.scope),
            "participants" => v.iter().map(|r| r.participants).collect::<Vec<_>>(),
            "talents" => v.iter().map(|r| r.talents).collect::<Vec<_>>(),
            "funds" => v.iter().map(|r| r.funds).collect::<Vec<_>>(),
            "five_kind" => v.iter().map(|r| r.five_kind).collect::<Vec<_>>(),
            "sector_wide" => v.iter().map(|r| r.sector_wide).collect::<Vec<_>>(),
        )?;
        let h = &a.achievements;
        let achievements = df!(
            "unit" => strings(h, |r| &r.unit),
            "date" => h.iter().map(|r| r.date).collect::<Vec<_>>(),
            "type" => strings(h, |r| &r.kind),
            "level" => strings(h, |r| &r.level),
            "research" => h.iter().map(|r| r.research).collect::<Vec<_>>(),
        )?;
        Ok(Frames {
            talents,
            cases,
            activities,
            achievements,
        })
    }

    /// Figures of every scope for the window `[start, end]` (days), the
    /// roster taken as at `end`, cases counted from `year_start`.
    pub fn figures(
        &self,
        members: &DataFrame,
        start: i32,
        end: i32,
        year_start: i32,
    ) -> PolarsResult<BTreeMap<String, Figures>> {
        let mut out: BTreeMap<String, Figures> = BTreeMap::new();
        let q = Query { members };
        let within = |c: &str| col(c).gt_eq(lit(start)).and(col(c).lt_eq(lit(end)));

        // Talents.
        let t = || self.talents.clone().lazy();
        let in_library = col("joined")
            .lt_eq(lit(end))
            .and(col("left").is_null().or(col("left").gt(lit(end))));
        q.count(t(), in_library.clone(), &mut out, |f, n| {
            f.talents.in_library = n
        })?;
        q.count(t(), within("joined"), &mut out, |f, n| f.talents.joined = n)?;
        q.count(t(), within("left"), &mut out, |f, n| f.talents.left = n)?;
        q.count(
            t(),
            in_library.clone().and(col("certified")),
            &mut out,
            |f, n| f.talents.certified_social_workers = n,
        )?;
        q.count(t(), in_library.clone().and(col("key")), &mut out, |f, n| {
            f.talents.key_talents = n
        })?;
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
            q.breakdown(t(), in_library.clone(), dim, &mut out, |f| {
                slot(&mut f.talents)
            })?;
        }

        // Problems and needs.
        for (ledger, slot) in [
            (
                "problems",
                (|f: &mut Figures| &mut f.problems) as fn(&mut Figures) -> &mut CaseFigures,
            ),
            ("needs", |f: &mut Figures| &mut f.needs),
        ] {
            let c = || {
                self.cases
                    .clone()
                    .lazy()
                    .filter(col("ledger").eq(lit(ledger)))
            };
            let this_year = col("registered")
                .gt_eq(lit(year_start))
                .and(col("registered").lt_eq(lit(end)));
            let closed_by_end = col("closed")
                .is_not_null()
                .and(col("closed").lt_eq(lit(end)));
            q.count(c(), within("registered"), &mut out, |f, n| slot(f).new = n)?;
            q.count(c(), within("closed"), &mut out, |f, n| slot(f).closed = n)?;
            q.count(
                c(),
                this_year.clone().and(closed_by_end.clone().not()),
                &mut out,
                |f, n| slot(f).open = n,
            )?;
            q.count(
                c(),
                within("registered").and(col("escalated")),
                &mut out,
                |f, n| slot(f).escalated = n,
            )?;
            q.count(
                c(),
                within("closed").and(col("satisfied")),
                &mut out,
                |f, n| slot(f).satisfied = n,
            )?;
            q.breakdown(c(), within("registered"), "category", &mut out, |f| {
                &mut slot(f).by_category
            })?;
            let closed_in_year = this_year.clone().and(closed_by_end);
            let closed_counts = q.counts(c(), closed_in_year)?;
            for (scope, figures) in out.iter_mut() {
                let cases = slot(figures);
                let closed = closed_counts.get(scope).copied().unwrap_or(0);
                let total = closed + cases.open;
                cases.closure_rate = (total > 0).then(|| closed as f64 / total as f64);
            }
            let days = q.sums(
                c().filter(within("closed")),
                (col("closed") - col("registered")).cast(DataType::Float64),
            )?;
            for (scope, figures) in out.iter_mut() {
                let cases = slot(figures);
                if cases.closed > 0 {
                    cases.mean_days_to_close = days.get(scope).map(|d| d / cases.closed as f64);
                }
            }
        }

        // Activities.
        let a = || self.activities.clone().lazy().filter(within("date"));
        q.count(a(), lit(true), &mut out, |f, n| f.activities.count = n)?;
        q.count(a(), col("five_kind"), &mut out, |f, n| {
            f.activities.five_kinds = n
        })?;
        q.count(a(), col("sector_wide"), &mut out, |f, n| {
            f.activities.sector_wide = n
        })?;
        q.breakdown(a(), lit(true), "type", &mut out, |f| {
            &mut f.activities.by_type
        })?;
        q.breakdown(a(), lit(true), "scope_kind", &mut out, |f| {
            &mut f.activities.by_scope
        })?;
        for (column, slot) in [
            (
                "participants",
                (|f: &mut Figures, v: f64| f.activities.participants = v as u64)
                    as fn(&mut Figures, f64),
            ),
            ("talents", |f, v| {
                f.activities.talent_participants = v as u64
            }),
            ("funds", |f, v| {
                f.activities.funds = (v * 100.0).round() / 100.0
            }),
        ] {
            for (scope, v) in q.sums(a(), col(column).cast(DataType::Float64))? {
                slot(out.entry(scope).or_default(), v);
            }
        }

        // Achievements.
        let h = || self.achievements.clone().lazy().filter(within("date"));
        q.count(h(), lit(true), &mut out, |f, n| f.achievements.count = n)?;
        q.count(h(), col("research"), &mut out, |f, n| {
            f.achievements.research_reports = n
        })?;
        q.breakdown(h(), lit(true), "type", &mut out, |f| {
            &mut f.achievements.by_type
        })?;
        q.breakdown(h(), lit(true), "level", &mut out, |f| {
            &mut f.achievements.by_level
        })?;
        Ok(out)
    }
}

/// Grouped queries over one membership table.
struct Query<'a> {
    members: &'a DataFrame,
}

impl Query<'_> {
    fn joined(&self, lf: LazyFrame, filter: Expr) -> LazyFrame {
        lf.filter(filter).join(
            self.members.clone().lazy(),
            [col("unit")],
            [col("unit")],
            JoinArgs::new(JoinType::Inner),
        )
    }

    /// Rows passing `filter`, counted per scope.
    fn counts(&self, lf: LazyFrame, filter: Expr) -> PolarsResult<BTreeMap<String, u64>> {
        let df = self
            .joined(lf, filter)
            .group_by([col("scope")])
            .agg([len().cast(DataType::UInt64).alias("n")])
            .collect()?;
        let scopes = df.column("scope")?.str()?;
        let n = df.column("n")?.u64()?;
        Ok(scopes
            .iter()
            .zip(n.iter())
            .filter_map(|(s, n)| Some((s?.to_string(), n?)))
            .collect())
    }

    fn count(
        &self,
        lf: LazyFrame,
        filter: Expr,
        out: &mut BTreeMap<String, Figures>,
        set: impl Fn(&mut Figures, u64),
    ) -> PolarsResult<()> {
        for (scope, n) in self.counts(lf, filter)? {
            set(out.entry(scope).or_default(), n);
        }
        Ok(())
    }

    /// Rows passing `filter`, counted per scope and value of `by`.
    fn breakdown(
        &self,
        lf: LazyFrame,
        filter: Expr,
        by: &str,
        out: &mut BTreeMap<String, Figures>,
        slot: impl Fn(&mut Figures) -> &mut Breakdown,
    ) -> PolarsResult<()> {
        let df = self
            .joined(lf, filter)
            .group_by([col("scope"), col(by)])
            .agg([len().cast(DataType::UInt64).alias("n")])
            .collect()?;
        let scopes = df.column("scope")?.str()?;
        let keys = df.column(by)?.str()?;
        let n = df.column("n")?.u64()?;
        for ((s, k), n) in scopes.iter().zip(keys.iter()).zip(n.iter()) {
            if let (Some(s), Some(k), Some(n)) = (s, k, n) {
                let key = if k.is_empty() { "未填" } else { k };
                slot(out.entry(s.to_string()).or_default()).insert(key.to_string(), n);
            }
        }
        Ok(())
    }

    /// The sum of `value` per scope.
    fn sums(&self, lf: LazyFrame, value: Expr) -> PolarsResult<BTreeMap<String, f64>> {
        let df = self
            .joined(lf, lit(true))
            .group_by([col("scope")])
            .agg([value.sum().alias("s")])
            .collect()?;
        let scopes = df.column("scope")?.str()?;
        let s = df.column("s")?.f64()?;
        Ok(scopes
            .iter()
            .zip(s.iter())
            .filter_map(|(k, v)| Some((k?.to_string(), v?)))
            .collect())
    }
}
