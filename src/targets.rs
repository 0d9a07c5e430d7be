//! Annual targets (年度目标) and the 有阵地 area floor: rules from the source
//! documents, kept in `templates/targets.toml` and replaceable as a whole by
//! `[targets]` in jucai.toml, so a district with other targets changes no code.

use serde::Deserialize;

use crate::figures::Figures;
use crate::registry::Level;

pub const DEFAULT_TARGETS: &str = include_str!("../templates/targets.toml");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// 有阵地: the least area, in m², of the centre and of each station.
    pub min_area: f64,
    /// 有组织: the centre's staffing.
    #[serde(default)]
    pub organisation: Organisation,
    #[serde(default)]
    pub centre: Vec<TargetRule>,
    #[serde(default)]
    pub station: Vec<TargetRule>,
    #[serde(default)]
    pub workroom: Vec<TargetRule>,
}

/// Why a set of targets cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TargetsError {
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    #[error("min_area 为 {0}，应为不小于 0 的数")]
    MinArea(f64),
}

/// What 有组织 asks of the centre besides its head and secretary-general.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Specialists, the station heads serving as such: at least this many
    /// stations must have a head (and every station must).
    #[serde(default)]
    pub specialists: u32,
}

/// One target: at least `target` of `measure` in the year.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRule {
    pub name: String,
    pub measure: Measure,
    pub target: u64,
    /// The counting word the reports use: 次, 份, 项.
    pub unit: String,
}

/// What a target counts, in the unit's own year-to-date figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    SectorWideActivities,
    FiveKindActivities,
    Activities,
    ResearchReports,
    Achievements,
}

impl Measure {
    pub fn of(self, f: &Figures) -> u64 {
        match self {
            Measure::SectorWideActivities => f.activities.sector_wide,
            Measure::FiveKindActivities => f.activities.five_kinds,
            Measure::Activities => f.activities.count,
            Measure::ResearchReports => f.achievements.research_reports,
            Measure::Achievements => f.achievements.count,
        }
    }
}

impl Targets {
    pub fn builtin() -> Targets {
        Targets::parse(DEFAULT_TARGETS).expect("templates/targets.toml is valid (checked by tests)")
    }

    pub fn parse(text: &str) -> Result<Targets, TargetsError> {
        let targets: Targets = toml::from_str(text)?;
        targets.check()?;
        Ok(targets)
    }

    /// What serde cannot check: the area floor is a number not below 0.
    pub fn check(&self) -> Result<(), TargetsError> {
        if !(self.min_area.is_finite() && self.min_area >= 0.0) {
            return Err(TargetsError::MinArea(self.min_area));
        }
        Ok(())
    }

    /// The targets of a unit at `level`.
    pub fn for_level(&self, level: Level) -> &[TargetRule] {
        match level {
            Level::Centre => &self.centre,
            Level::Station => &self.station,
            Level::Workroom => &self.workroom,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_targets_are_the_source_documents_rules() {
        let t = Targets::builtin();
        assert_eq!(t.min_area, 200.0);
        let station: Vec<_> = t
            .for_level(Level::Station)
            .iter()
            .map(|r| (r.measure, r.target, r.unit.as_str()))
            .collect();
        assert_eq!(
            station,
            [
                (Measure::FiveKindActivities, 4, "次"),
                (Measure::ResearchReports, 1, "份")
            ]
        );
        assert_eq!(t.for_level(Level::Centre).len(), 2);
        assert!(t.for_level(Level::Workroom).is_empty());
    }

    #[test]
    fn an_unknown_measure_is_refused_with_its_name() {
        let text = "min_area = 100\n[[station]]\nname = \"x\"\nmeasure = \"meetings\"\ntarget = 1\nunit = \"次\"\n";
        let e = Targets::parse(text).unwrap_err().to_string();
        assert!(e.contains("meetings"), "{e}");
    }
}
