//! A unit's two years of talent work, simulated quarter by quarter, and the
//! ledger workbook content it reports each quarter.
//!
//! Problems and needs change state over time (registered, in progress,
//! resolved), so a record reported in one quarter may come back changed in a
//! later one; events belong to the quarter of their own date.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use fastrand::Rng;

use crate::period::Period;
use crate::registry::{Level, Unit};
use crate::reports::template::content::{CellValue, Filled, FilledRow};
use crate::sample::corpus::{texts, Corpus};
use crate::sample::people::{date_between, pick, talent, weighted, Talent};
use crate::schema::{CoverKey, LedgerKey};

/// A problem or a need: registered, then maybe escalated, closed or refused.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub registered: NaiveDate,
    pub talent: Option<(String, String)>,
    pub category: String,
    pub text: String,
    pub level: &'static str,
    /// When and how it ended, if it did.
    pub closed: Option<(NaiveDate, &'static str)>,
    pub escalated: Option<NaiveDate>,
    pub measure: String,
    pub resource: String,
}

#[derive(Debug, Clone)]
pub struct Activity {
    pub id: String,
    pub date: NaiveDate,
    pub name: String,
    pub kind: &'static str,
    pub scope: &'static str,
    pub place: String,
    pub participants: u32,
    pub talents: u32,
    pub funds: f64,
    pub effect: String,
}

#[derive(Debug, Clone)]
pub struct Achievement {
    pub id: String,
    pub date: NaiveDate,
    pub name: String,
    pub kind: &'static str,
    pub level: &'static str,
    pub by: String,
    pub talents: Vec<String>,
}

/// Everything a unit did over the simulated quarters.
#[derive(Debug, Clone)]
pub struct History {
    pub unit: Unit,
    pub talents: Vec<Talent>,
    pub problems: Vec<Case>,
    pub needs: Vec<Case>,
    pub activities: Vec<Activity>,
    pub achievements: Vec<Achievement>,
    /// Sends only each quarter's new and changed rows (else the year's whole ledger).
    pub sends_quarter_only: bool,
}

const FIVE_KINDS: [&str; 5] = ["学术交流", "引才聚才", "资源对接", "技能竞赛", "成果展示"];
const PROBLEM_KINDS: [&str; 7] = [
    "工作条件",
    "薪酬待遇",
    "职业发展",
    "教育培训",
    "生活保障",
    "政策落实",
    "其他",
];
const NEED_KINDS: [&str; 9] = [
    "教育培训",
    "岗位就业",
    "政策咨询",
    "住房安居",
    "子女入学",
    "医疗保障",
    "资金扶持",
    "交流平台",
    "其他",
];

/// Short word for a talent kind, used in activity and achievement names.
fn kind_word(kind: &str) -> &str {
    match kind {
        "社会工作" => "社工",
        "养老护理" => "养老护理",
        "殡葬服务" => "殡葬服务",
        "社会组织党建" => "社会组织党建",
        _ => "民政",
    }
}

pub struct Simulation<'a> {
    pub corpus: &'a Corpus,
    pub periods: &'a [Period],
    /// Stations (by code) that fall short of the activity target in the first year.
    pub short_of_activities: &'a [String],
    /// Stations (by code) with no research report in the first year.
    pub no_report_first_year: &'a [String],
    /// Multiplies every count (talents, cases, activities, achievements), for
    /// benchmark corpora; 1 gives the sample's realistic sizes.
    pub scale: u32,
}

impl Simulation<'_> {
    pub fn run(&self, unit: &Unit, unit_index: usize, rng: &mut Rng) -> History {
        let corpus = self.corpus;
        let first = self.periods[0];
        let kind = unit.kind.clone().unwrap_or_else(|| "社会工作".to_string());
        let tag = unit.code.replace('-', "");
        let initial = match unit.level {
            Level::Centre => 6 + rng.u32(0..4),
            Level::Station => 10 + rng.u32(0..8),
            Level::Workroom => 5 + rng.u32(0..14),
        } * self.scale;
        let mut talents = Vec::new();
        let before = first.start() - Days::new(400);
        for _ in 0..initial {
            let talent_kind = self.talent_kind(unit, &kind, rng);
            let joined = date_between(rng, before, first.start() - Days::new(1));
            talents.push(talent(
                rng,
                corpus,
                &talent_kind,
                talents.len() as u32 + 1,
                &tag,
                joined,
            ));
        }
        let mut history = History {
            unit: unit.clone(),
            talents,
            problems: Vec::new(),
            needs: Vec::new(),
            activities: Vec::new(),
            achievements: Vec::new(),
            sends_quarter_only: unit_index % 4 == 1,
        };
        for &period in self.periods {
            self.quarter(&mut history, &kind, &tag, period, rng);
        }
        history
    }

    fn talent_kind(&self, unit: &Unit, kind: &str, rng: &mut Rng) -> String {
        if unit.level == Level::Centre {
            return weighted(
                rng,
                &[
                    ("社会工作", 4),
                    ("养老护理", 3),
                    ("殡葬服务", 1),
                    ("社会组织党建", 2),
                    ("社区工作", 1),
                ],
            )
            .to_string();
        }
        if rng.u32(0..100) < 8 {
            return "社区工作".to_string();
        }
        kind.to_string()
    }

    fn quarter(&self, h: &mut History, kind: &str, tag: &str, p: Period, rng: &mut Rng) {
        let corpus = self.corpus;
        let (start, end) = (p.start(), p.end());
        // New talents and some who leave.
        for _ in 0..rng.u32(0..4) * self.scale {
            let talent_kind = self.talent_kind(&h.unit, kind, rng);
            let joined = date_between(rng, start, end);
            let seq = h.talents.len() as u32 + 1;
            h.talents
                .push(talent(rng, corpus, &talent_kind, seq, tag, joined));
        }
        for t in h
            .talents
            .iter_mut()
            .filter(|t| t.left.is_none() && t.joined < start)
        {
            if rng.u32(0..100) < 3 {
                t.left = Some(date_between(rng, start, end));
            }
        }
        let active: Vec<(String, String)> = h
            .talents
            .iter()
            .filter(|t| t.joined <= end && t.left.is_none())
            .map(|t| (t.id.clone(), t.name.clone()))
            .collect();
        let level = match h.unit.level {
            Level::Centre => "中心",
            Level::Station => "工作站",
            Level::Workroom => "工作室",
        };
        for _ in 0..rng.u32(0..4) * self.scale {
            let n = h.problems.len() + 1;
            let case = self.case(
                rng,
                format!("WT{}{:03}", p.year % 100, n),
                &PROBLEM_KINDS,
                &corpus.problems,
                &corpus.measures,
                start,
                end,
                &active,
                level,
                true,
            );
            h.problems.push(case);
        }
        for _ in 0..rng.u32(0..3) * self.scale {
            let n = h.needs.len() + 1;
            let case = self.case(
                rng,
                format!("XQ{}{:03}", p.year % 100, n),
                &NEED_KINDS,
                &corpus.needs,
                &corpus.resources,
                start,
                end,
                &active,
                level,
                false,
            );
            h.needs.push(case);
        }
        self.activities(h, kind, p, rng);
        self.achievements(h, kind, p, &active, rng);
    }

    #[allow(clippy::too_many_arguments)]
    fn case(
        &self,
        rng: &mut Rng,
        id: String,
        kinds: &[&str],
        text_by: &crate::sample::corpus::ByKind,
        follow_by: &crate::sample::corpus::ByKind,
        start: NaiveDate,
        end: NaiveDate,
        active: &[(String, String)],
        level: &'static str,
        is_problem: bool,
    ) -> Case {
        let category = kinds[rng.usize(0..kinds.len())].to_string();
        let registered = date_between(rng, start, end);
        let talent = (!active.is_empty() && rng.u32(0..100) < 85)
            .then(|| active[rng.usize(0..active.len())].clone());
        let roll = rng.u32(0..100);
        let days = Days::new(5 + rng.u64(0..110));
        let (closed, escalated) = if is_problem {
            match roll {
                0..=69 => (Some((registered + days, "已解决")), None),
                70..=79 => (None, Some(registered + Days::new(3 + rng.u64(0..10)))),
                _ => (None, None),
            }
        } else {
            match roll {
                0..=59 => (Some((registered + days, "已满足")), None),
                60..=69 => (Some((registered + days, "无法满足")), None),
                _ => (None, None),
            }
        };
        Case {
            id,
            registered,
            talent,
            text: pick(rng, texts(text_by, &category)).to_string(),
            measure: pick(rng, texts(follow_by, &category)).to_string(),
            resource: pick(rng, texts(follow_by, &category)).to_string(),
            category,
            level,
            closed,
            escalated,
        }
    }

    fn activities(&self, h: &mut History, kind: &str, p: Period, rng: &mut Rng) {
        let corpus = self.corpus;
        let short =
            self.short_of_activities.contains(&h.unit.code) && p.year == self.periods[0].year;
        let (count, scope, five_share) = match h.unit.level {
            Level::Centre => (1 + rng.u32(0..2), "全行业", 70),
            // 1–2 a quarter, at least one of the five kinds, so a station meets 4 a year…
            Level::Station if short => (u32::from(p.quarter != 2), "本站", 100),
            Level::Station => (1 + rng.u32(0..2), "本站", 100),
            Level::Workroom => (rng.u32(0..3), "本室", 60),
        };
        let count = count * self.scale;
        for i in 0..count {
            let five = h.unit.level == Level::Station && i == 0 || rng.u32(0..100) < five_share;
            let activity_kind: &'static str = if five {
                FIVE_KINDS[rng.usize(0..FIVE_KINDS.len())]
            } else {
                weighted(rng, &[("教育培训", 3), ("其他", 1)])
            };
            // The centre's sector-wide activity; its others are for its own staff.
            let scope = if h.unit.level == Level::Centre && i > 0 {
                "本站"
            } else {
                scope
            };
            let participants = 12 + rng.u32(0..90);
            let talents = participants * (30 + rng.u32(0..60)) / 100;
            let n = h.activities.len() + 1;
            let name = pick(rng, texts(&corpus.activities, activity_kind))
                .replace("{kind}", kind_word(kind));
            h.activities.push(Activity {
                id: format!("HD{}{:03}", p.year % 100, n),
                date: date_between(rng, p.start(), p.end()),
                name,
                kind: activity_kind,
                scope,
                place: pick(rng, &corpus.places.items).to_string(),
                participants,
                talents,
                funds: f64::from(rng.u32(0..60) * 100 + rng.u32(0..100))
                    + f64::from(rng.u32(0..100)) / 100.0,
                effect: pick(rng, &corpus.effects.items).replace("{n}", &participants.to_string()),
            });
        }
    }

    fn achievements(
        &self,
        h: &mut History,
        kind: &str,
        p: Period,
        active: &[(String, String)],
        rng: &mut Rng,
    ) {
        let corpus = self.corpus;
        let mut kinds: Vec<&'static str> = Vec::new();
        let no_report =
            self.no_report_first_year.contains(&h.unit.code) && p.year == self.periods[0].year;
        if p.quarter == 4 && h.unit.level != Level::Workroom && !no_report {
            kinds.push("调研报告");
        }
        for _ in 0..self.scale {
            if rng.u32(0..100) >= 35 {
                continue;
            }
            kinds.push(weighted(
                rng,
                &[
                    ("表彰奖励", 4),
                    ("竞赛获奖", 3),
                    ("职业资格", 4),
                    ("论文著作", 2),
                    ("课题项目", 1),
                    ("经验推广", 2),
                    ("代表委员", 1),
                    ("其他", 1),
                ],
            ));
        }
        for achievement_kind in kinds {
            let n = h.achievements.len() + 1;
            let people: Vec<String> = (0..rng.usize(0..3).min(active.len()))
                .map(|_| active[rng.usize(0..active.len())].0.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let level = match achievement_kind {
                "调研报告" => "县区级",
                _ => weighted(
                    rng,
                    &[
                        ("国家级", 1),
                        ("省级", 4),
                        ("市级", 10),
                        ("县区级", 20),
                        ("其他", 2),
                    ],
                ),
            };
            let name = pick(rng, texts(&corpus.achievements, achievement_kind))
                .replace("{kind}", kind_word(kind))
                .replace("{year}", &p.year.to_string());
            h.achievements.push(Achievement {
                id: format!("CG{}{:03}", p.year % 100, n),
                date: date_between(rng, p.start() + Days::new(20), p.end()),
                name,
                kind: achievement_kind,
                level,
                by: h.unit.name.clone(),
                talents: people,
            });
        }
    }
}

impl History {
    /// What the unit types into its workbook for `p`.
    pub fn filled(&self, p: Period, fill_date: NaiveDate) -> Filled {
        let text = |s: &str| CellValue::Text(s.to_string());
        let mut fill = Filled::default();
        fill.cover.insert(
            CoverKey::Filler,
            text(self.unit.head.as_deref().unwrap_or("")),
        );
        fill.cover.insert(
            CoverKey::Phone,
            text(self.unit.phone.as_deref().unwrap_or("")),
        );
        fill.cover
            .insert(CoverKey::FillDate, CellValue::Date(fill_date));
        let year_start = Period {
            year: p.year,
            quarter: 1,
        }
        .start();
        let end = p.end();
        // Whole ledger: the year's records to date. Quarter only: those dated in
        // the quarter, and older ones that changed in it.
        let window_start = if self.sends_quarter_only {
            p.start()
        } else {
            year_start
        };
        let in_window = |d: NaiveDate| d >= window_start && d <= end;
        let roster = self
            .talents
            .iter()
            .filter(|t| t.joined <= end)
            .map(|t| roster_row(t, end))
            .collect();
        let cases = |cases: &[Case], problem: bool| -> Vec<FilledRow> {
            cases
                .iter()
                .filter(|c| {
                    c.registered <= end
                        && c.registered >= year_start
                        && (in_window(c.registered)
                            || c.closed.is_some_and(|(d, _)| in_window(d))
                            || c.escalated.is_some_and(in_window))
                })
                .map(|c| case_row(c, end, problem))
                .collect()
        };
        fill.ledgers.insert(LedgerKey::Roster, roster);
        fill.ledgers
            .insert(LedgerKey::Problems, cases(&self.problems, true));
        fill.ledgers
            .insert(LedgerKey::Needs, cases(&self.needs, false));
        fill.ledgers.insert(
            LedgerKey::Activities,
            self.activities
                .iter()
                .filter(|a| in_window(a.date))
                .map(activity_row)
                .collect(),
        );
        fill.ledgers.insert(
            LedgerKey::Achievements,
            self.achievements
                .iter()
                .filter(|a| in_window(a.date))
                .map(achievement_row)
                .collect(),
        );
        fill
    }
}

fn row(pairs: Vec<(&str, CellValue)>) -> FilledRow {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect::<BTreeMap<_, _>>()
}

fn t(s: &str) -> CellValue {
    CellValue::Text(s.to_string())
}

fn roster_row(x: &Talent, end: NaiveDate) -> FilledRow {
    let left = x.left.filter(|d| *d <= end);
    let mut pairs = vec![
        ("人才编号", t(&x.id)),
        ("姓名", t(&x.name)),
        ("性别", t(if x.male { "男" } else { "女" })),
        ("出生日期", CellValue::Date(x.birth)),
        ("民族", t(x.ethnicity)),
        ("政治面貌", t(x.politics)),
        ("学历", t(x.education)),
        ("所学专业", t(&x.major)),
        ("人才类别", t(&x.kind)),
        ("职业资格", t(x.qualification)),
        ("工作单位", t(&x.employer)),
        ("岗位", t(&x.position)),
        ("联系电话", t(&x.phone)),
        ("身份证号", t(&x.id_number)),
        ("入库日期", CellValue::Date(x.joined)),
        ("在库状态", t(if left.is_some() { "流出" } else { "在库" })),
        ("重点人才", t(if x.key_talent { "是" } else { "否" })),
        ("代表委员", t(x.deputy)),
    ];
    if let Some(d) = left {
        pairs.push(("流出日期", CellValue::Date(d)));
    }
    if let Some(l) = &x.contact_leader {
        pairs.push(("联系领导", t(l)));
    }
    pairs.push(("同意宣传", t(if x.profile.is_some() { "是" } else { "否" })));
    if let Some(p) = &x.profile {
        pairs.push(("风采简介", t(p)));
    }
    row(pairs)
}

fn case_row(c: &Case, end: NaiveDate, problem: bool) -> FilledRow {
    let closed = c.closed.filter(|(d, _)| *d <= end);
    let escalated = c.escalated.filter(|d| *d <= end);
    let mut pairs = vec![
        (
            if problem {
                "问题编号"
            } else {
                "需求编号"
            },
            t(&c.id),
        ),
        ("登记日期", CellValue::Date(c.registered)),
        (
            if problem {
                "问题类别"
            } else {
                "需求类别"
            },
            t(&c.category),
        ),
        (
            if problem {
                "问题描述"
            } else {
                "需求描述"
            },
            t(&c.text),
        ),
    ];
    if let Some((id, name)) = &c.talent {
        pairs.push(("人才编号", t(id)));
        pairs.push(("提出人", t(name)));
    }
    let in_progress = c.registered + Days::new(10) <= end;
    if problem {
        pairs.push(("办理层级", t(c.level)));
        let status = match (closed, escalated) {
            (Some(_), _) => "已解决",
            (None, Some(_)) => "已上报",
            _ if in_progress => "办理中",
            _ => "待办理",
        };
        pairs.push(("办理状态", t(status)));
        if let Some((d, _)) = closed {
            pairs.push(("办结日期", CellValue::Date(d)));
            pairs.push(("处理措施", t(&c.measure)));
        }
    } else {
        let status = match closed {
            Some((_, how)) => how,
            None if in_progress => "对接中",
            None => "待对接",
        };
        pairs.push(("对接状态", t(status)));
        if let Some((d, _)) = closed {
            pairs.push(("办结日期", CellValue::Date(d)));
        }
        if status != "待对接" {
            pairs.push(("对接资源", t(&c.resource)));
        }
    }
    row(pairs)
}

fn activity_row(a: &Activity) -> FilledRow {
    row(vec![
        ("活动编号", t(&a.id)),
        ("活动日期", CellValue::Date(a.date)),
        ("活动名称", t(&a.name)),
        ("活动类型", t(a.kind)),
        ("活动范围", t(a.scope)),
        ("活动地点", t(&a.place)),
        ("参与人数", CellValue::Number(f64::from(a.participants))),
        ("人才参与人数", CellValue::Number(f64::from(a.talents))),
        ("经费（元）", CellValue::Number(a.funds)),
        ("活动成效", t(&a.effect)),
    ])
}

fn achievement_row(a: &Achievement) -> FilledRow {
    let mut pairs = vec![
        ("成果编号", t(&a.id)),
        ("取得日期", CellValue::Date(a.date)),
        ("成果名称", t(&a.name)),
        ("成果类型", t(a.kind)),
        ("成果级别", t(a.level)),
        ("完成人（单位）", t(&a.by)),
    ];
    if !a.talents.is_empty() {
        pairs.push(("人才编号", t(&a.talents.join("、"))));
    }
    row(pairs)
}
