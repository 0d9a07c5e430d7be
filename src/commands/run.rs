//! `jucai run`: the main job. So far: check the registry and write the blank
//! ledger templates for the period; later stages join as they are built.

use super::Outcome;
use crate::cli::RunArgs;
use crate::period::Period;

pub fn run(args: RunArgs) -> anyhow::Result<Outcome> {
    let mut config = super::config(&args.common)?;
    if let Some(out) = &args.out {
        config.output = out.clone();
    }
    let registry = super::registry(&config)?;
    println!(
        "平台名录 {}：{} 个单位，检查通过",
        super::shown(&config.platform),
        registry.units().len()
    );
    let period: Period = match &args.period {
        Some(p) => p.parse()?,
        None => config.template_period,
    };
    let dir = config.output.join("templates").join(period.code());
    let written = super::template::write_templates(&config, &registry, period, None, &dir)?;
    println!(
        "已生成 {} 份{}台账模板：{}",
        written.len(),
        period.chinese(),
        super::shown(&dir)
    );
    Ok(Outcome::Clean)
}
