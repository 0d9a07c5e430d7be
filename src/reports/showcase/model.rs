//! The model of 人才风采 (seed 000, 四（三）) for one unit and a year: the
//! year's key figures and, section by section, the talents who agreed to be
//! shown. A talent here holds only what may be printed: no ID number,
//! phone, birth date or address can reach a brochure, board or screen,
//! because this model has no place for them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::period::Period;
use crate::registry::Level;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Showcase {
    pub unit: String,
    pub name: String,
    pub level_kind: Level,
    pub year: i32,
    /// The year's last quarter in the archive: the roster is as of its end.
    pub as_of: Period,
    pub figures: KeyFigures,
    /// The centre's own talents first (when it has any), then one section
    /// per station with its workrooms; a station's showcase has its own.
    pub sections: Vec<Section>,
}

impl Showcase {
    /// Every talent shown, in order.
    pub fn talents(&self) -> impl Iterator<Item = &Talent> {
        self.sections.iter().flat_map(|s| &s.talents)
    }
}

/// The year's figures of the unit with everything below it, as the annual
/// report counts them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyFigures {
    /// In the library at the end of `as_of`.
    pub talents: u64,
    pub key_talents: u64,
    pub activities: u64,
    pub achievements: u64,
    /// Problems closed in the year.
    pub problems_solved: u64,
    /// Needs closed as satisfied in the year.
    pub needs_met: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub unit: String,
    pub name: String,
    pub talents: Vec<Talent>,
}

/// A consenting talent, as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Talent {
    pub name: String,
    /// The platform (station or workroom) whose roster lists the talent.
    pub platform: String,
    /// 工作单位.
    pub employer: Option<String>,
    pub kind: Option<String>,
    pub education: Option<String>,
    pub qualification: Option<String>,
    pub key_talent: bool,
    /// 人大代表 or 政协委员.
    pub deputy: Option<String>,
    /// The year's honours and achievements naming the talent, by date.
    pub honours: Vec<Honour>,
    /// 风采简介, as the talent approved it.
    pub profile: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Honour {
    pub date: NaiveDate,
    pub name: String,
    pub kind: String,
    pub level: String,
}
