//! The words sample data is made of (`corpus.toml`): names, places, and the
//! texts of problems, needs, activities and achievements.

use std::collections::BTreeMap;

use serde::Deserialize;

const CORPUS: &str = include_str!("corpus.toml");

pub(crate) type ByKind = BTreeMap<String, Vec<String>>;

#[derive(Debug, Deserialize)]
pub struct Corpus {
    pub surnames: Vec<String>,
    pub given_male: Vec<String>,
    pub given_female: Vec<String>,
    pub mongolian_names: Vec<String>,
    pub majors: ByKind,
    pub positions: ByKind,
    pub employers: ByKind,
    pub problems: ByKind,
    pub measures: ByKind,
    pub needs: ByKind,
    pub resources: ByKind,
    pub activities: ByKind,
    pub effects: Items,
    pub achievements: ByKind,
    pub places: Items,
    /// 风采简介 of the talents who agreed to be shown.
    pub profiles: Items,
}

#[derive(Debug, Deserialize)]
pub struct Items {
    pub items: Vec<String>,
}

impl Corpus {
    pub fn load() -> Corpus {
        toml::from_str(CORPUS).expect("corpus.toml is valid (checked by tests)")
    }
}

/// Texts for `key`, or for `其他` when there are none for it.
pub(crate) fn texts<'a>(by: &'a ByKind, key: &str) -> &'a [String] {
    by.get(key)
        .or_else(|| by.get("其他"))
        .or_else(|| by.values().next())
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
