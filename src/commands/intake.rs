//! `jucai intake`: take mail, mailboxes, zips and loose workbooks into the
//! archive. Every received file is stored; unidentified ones are quarantined.

use super::common::Outcome;
use crate::archive::Archive;
use crate::cli::IntakeArgs;
use crate::intake::{self, Summary};
use crate::registry::Registry;

pub fn run(args: IntakeArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    let mut archive = Archive::open(&dir)?;
    let summary = take_in(
        &args.paths,
        &mut archive,
        &config,
        &registry,
        |_, _| (),
        |_, _| {},
    )?;
    print_summary(&summary, &super::common::shown(&dir));
    Ok(Outcome::Clean)
}

pub fn print_summary(s: &Summary, dir: &str) {
    println!(
        "收到 {} 个文件：新存入 {} 个，此前已收 {} 个；其中 {} 个无法识别或不是台账（已隔离），{} 个有错误。报送档案：{dir}",
        s.received, s.new, s.already, s.quarantined, s.with_errors
    );
}

/// Take every path in, with a progress bar; problems reading a container are
/// printed as warnings.
pub fn take_in<T: Send>(
    paths: &[std::path::PathBuf],
    archive: &mut Archive,
    config: &crate::config::Config,
    registry: &Registry,
    prepare: impl Fn(&crate::archive::Identity, crate::validate::Checked) -> T + Sync,
    keep: impl FnMut(&crate::archive::Record, T),
) -> anyhow::Result<Summary> {
    let bar = super::common::progress(0, "收取并校验");
    let summary = intake::take_in(
        paths,
        archive,
        intake::Rules {
            schema: &config.schema,
            registry,
            limits: &config.limits,
        },
        &bar,
        prepare,
        keep,
    )?;
    bar.finish_and_clear();
    for problem in &summary.problems {
        eprintln!("警告：{problem}");
    }
    Ok(summary)
}
