//! `jucai status`: who reported for a period, on time or late, returned or
//! passed, and who to chase; printed and written as 报送情况-<报送期>.xlsx.

use super::Outcome;
use crate::archive::Archive;
use crate::cli::StatusArgs;
use crate::period::Period;
use crate::render::status_xlsx::StatusWriter;
use crate::status::StatusReport;

pub fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    let config = super::config(&args.common)?;
    let registry = super::registry(&config)?;
    let archive = Archive::open(&super::archive_dir(&config, &args.archive))?;
    let period: Period = args.period.parse()?;
    let report = StatusReport::build(&registry, &archive, period, config.deadline_days);
    let writer = StatusWriter::new()?;
    print!("{}", writer.text(&report)?);
    let out = args.out.unwrap_or(config.output).join(period.code());
    let path = writer.write(&report, &out)?;
    println!("\n已写出 {}", super::shown(&path));
    Ok(Outcome::Clean)
}
