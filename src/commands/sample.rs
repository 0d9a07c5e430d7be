//! `jucai sample`: deterministic sample data. So far the Dongsheng registry.

use super::Outcome;
use crate::cli::SampleArgs;
use crate::render::registry_xlsx;

pub fn run(args: SampleArgs) -> anyhow::Result<Outcome> {
    let config = super::config(&args.common)?;
    let (units, levels) = crate::sample::dongsheng();
    let path = args.out.join("platform.xlsx");
    registry_xlsx::write(&config.schema, &units, &levels, &path)?;
    println!(
        "已写出平台名录（{} 个单位）：{}",
        units.len(),
        super::shown(&path)
    );
    Ok(Outcome::Clean)
}
