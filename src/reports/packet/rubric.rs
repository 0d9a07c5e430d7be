//! The assessment rubric (考核细则): items and weights (权重合计 100), the
//! built-in one or a district's own from jucai.toml, checked when loaded.

use serde::{Deserialize, Serialize};

pub const DEFAULT_RUBRIC: &str = include_str!("../../../templates/rubric.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub key: String,
    pub name: String,
    pub weight: f64,
    #[serde(default)]
    pub target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    pub grades: Vec<(String, f64)>,
    pub items: Vec<Item>,
}

impl Rubric {
    pub fn builtin() -> Rubric {
        Rubric::parse(DEFAULT_RUBRIC).expect("templates/rubric.toml is valid (checked by tests)")
    }

    pub fn parse(text: &str) -> Result<Rubric, RubricError> {
        let rubric: Rubric = toml::from_str(text)?;
        rubric.check()?;
        Ok(rubric)
    }

    /// What serde cannot check: the weights add up to 100.
    pub fn check(&self) -> Result<(), RubricError> {
        let total: f64 = self.items.iter().map(|i| i.weight).sum();
        if (total - 100.0).abs() > 1e-6 {
            return Err(RubricError::Weights(total));
        }
        Ok(())
    }

    pub fn grade(&self, score: f64) -> String {
        self.grades
            .iter()
            .find(|(_, floor)| score >= *floor - 1e-9)
            .map(|(g, _)| g.clone())
            .unwrap_or_default()
    }
}

/// Why a rubric cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    #[error("权重合计为 {0}，应为 100")]
    Weights(f64),
}
