//! What aggregation reads (the registry, schema, archive, targets and
//! limits), and the archived submissions and validated records that a set
//! of periods needs.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::DataFrame;

use crate::aggregate::frames::{membership, Frames};
use crate::aggregate::load::{AsOf, Records, Submissions};
use crate::archive::Archive;
use crate::error::Error;
use crate::figures::Figures;
use crate::period::{day, Period};
use crate::registry::Registry;
use crate::schema::Schema;
use crate::targets::Targets;

/// What aggregation reads.
pub struct Inputs<'a> {
    pub registry: &'a Registry,
    pub schema: &'a Schema,
    pub archive: &'a Archive,
    pub deadline_days: u32,
    /// Annual targets and the 有阵地 area floor.
    pub targets: &'a Targets,
    /// Limits for validating archived files again (when the rules changed).
    pub limits: &'a crate::limits::Limits,
}

impl Inputs<'_> {
    /// What the workbooks' extracts were validated under.
    fn fingerprint(&self) -> String {
        crate::validate::fingerprint(self.schema, self.registry, self.limits)
    }
}

/// The periods whose submissions can matter for `period`: two years back
/// covers carried rosters and last year's comparison.
fn needed_for(archive: &Archive, period: Period) -> BTreeSet<Period> {
    archive
        .periods()
        .into_iter()
        .filter(|p| *p <= period && p.year >= period.year - 2)
        .collect()
}

/// The submissions that can matter for `periods` (see [`needed_for`]).
pub fn submissions(inputs: &Inputs<'_>, periods: &[Period]) -> Result<Submissions, Error> {
    let needed: BTreeSet<Period> = periods
        .iter()
        .flat_map(|p| needed_for(inputs.archive, *p))
        .collect();
    Submissions::load(
        inputs.archive,
        inputs.registry,
        &needed,
        &inputs.fingerprint(),
    )
}

/// The submissions that can matter for `periods`, and their validated records.
pub fn load(inputs: &Inputs<'_>, periods: &[Period]) -> Result<(Submissions, Records), Error> {
    let subs = submissions(inputs, periods)?;
    let records = Records::read(inputs.archive, inputs.schema, &subs)?;
    Ok((subs, records))
}

/// What is known at one period's end, to count windows other than the
/// quarter's (the monthly dispatch sheet's month, its year to date).
pub struct Known {
    pub asof: AsOf,
    rolled: DataFrame,
    own: DataFrame,
}

impl Known {
    pub fn load(inputs: &Inputs<'_>, period: Period) -> Result<Known, Error> {
        let (subs, records) = load(inputs, &[period])?;
        Ok(Known {
            asof: AsOf::build(period, &subs, &records, inputs.registry)?,
            rolled: membership(inputs.registry, true)?,
            own: membership(inputs.registry, false)?,
        })
    }

    /// Figures of every scope (`rolled`: with the units below; else each
    /// unit's own) for the days `start` to `end`.
    pub fn figures(
        &self,
        start: chrono::NaiveDate,
        end: chrono::NaiveDate,
        rolled: bool,
    ) -> Result<BTreeMap<String, Figures>, Error> {
        let frames = Frames::new(&self.asof)?;
        let members = if rolled { &self.rolled } else { &self.own };
        Ok(frames.figures(members, day(start), day(end))?)
    }
}
