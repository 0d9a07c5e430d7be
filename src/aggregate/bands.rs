//! The names figures are counted under that are not values typed by a unit:
//! age bands and the word for a value left blank (`templates/figures.toml`).

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

pub(crate) const WORDING: &str = include_str!("../../templates/figures.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Bands {
    /// The age band of someone whose birth date is not known.
    pub age_unknown: String,
    /// A breakdown's key for a value left blank.
    pub blank: String,
    age_bands: Vec<AgeBand>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgeBand {
    /// The oldest age in the band; the last band has none.
    max: Option<i32>,
    name: String,
}

/// The built-in bands, parsed once (checked by `builtin_bands_cover_every_age`).
pub(crate) fn bands() -> &'static Bands {
    static BANDS: OnceLock<Bands> = OnceLock::new();
    BANDS.get_or_init(|| toml::from_str(WORDING).expect("templates/figures.toml is valid"))
}

impl Bands {
    /// The age band of someone born on `birth`, at `end`.
    pub(crate) fn age_band(&self, birth: NaiveDate, end: NaiveDate) -> &str {
        let mut age = end.year() - birth.year();
        if (end.month(), end.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        self.age_bands
            .iter()
            .find(|b| b.max.is_none_or(|max| age <= max))
            .map_or(self.age_unknown.as_str(), |b| b.name.as_str())
    }

    /// Every band's name, youngest first (the order reports list them in).
    pub(crate) fn age_names(&self) -> impl Iterator<Item = &str> {
        self.age_bands.iter().map(|b| b.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_bands_cover_every_age() {
        let b = bands();
        let end = NaiveDate::from_ymd_opt(2023, 9, 30).unwrap();
        let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(b.age_band(born(1988, 9, 30), end), "35岁及以下");
        assert_eq!(b.age_band(born(1987, 9, 30), end), "36–45岁");
        assert_eq!(b.age_band(born(1987, 10, 1), end), "35岁及以下");
        assert_eq!(b.age_band(born(1968, 1, 1), end), "46–55岁");
        assert_eq!(b.age_band(born(1930, 1, 1), end), "56岁及以上");
        assert_eq!(b.age_names().count(), 4);
        let last = b.age_bands.last().unwrap();
        assert!(last.max.is_none(), "the last band takes every older age");
    }
}
