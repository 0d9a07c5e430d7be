//! `jucai intake`: take mail, mailboxes, zips and loose workbooks into the
//! archive. Every received file is stored; unidentified ones are quarantined.

use super::Outcome;
use crate::archive::{Added, Archive};
use crate::cli::IntakeArgs;
use crate::intake::{self, identify::identify, Limits};
use crate::registry::Registry;
use crate::schema::Schema;

/// What one intake run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub received: usize,
    pub new: usize,
    pub already: usize,
    pub quarantined: usize,
    pub with_errors: usize,
    pub problems: usize,
}

pub fn run(args: IntakeArgs) -> anyhow::Result<Outcome> {
    let config = super::config(&args.common)?;
    let registry = super::registry(&config)?;
    let dir = super::archive_dir(&config, &args.archive);
    let mut archive = Archive::open(&dir)?;
    let summary = take_in(&args.paths, &mut archive, &config.schema, &registry)?;
    print_summary(&summary, &super::shown(&dir));
    Ok(Outcome::Clean)
}

pub fn print_summary(s: &Summary, dir: &str) {
    println!(
        "收到 {} 个文件：新存入 {} 个，此前已收 {} 个；其中 {} 个无法识别或不是台账（已隔离），{} 个有错误。报送档案：{dir}",
        s.received, s.new, s.already, s.quarantined, s.with_errors
    );
}

/// Take every path in; problems reading a container are printed and skipped.
pub fn take_in(
    paths: &[std::path::PathBuf],
    archive: &mut Archive,
    schema: &Schema,
    registry: &Registry,
) -> anyhow::Result<Summary> {
    let files = crate::inputs::collect(paths);
    let bar = super::progress(files.len(), "收取");
    let mut summary = Summary::default();
    for path in &files {
        bar.inc(1);
        let got = intake::receive(path, Limits::default());
        for problem in &got.problems {
            bar.suspend(|| eprintln!("警告：{problem}"));
        }
        summary.problems += got.problems.len();
        for received in &got.files {
            summary.received += 1;
            if archive.contains(&received.key) {
                summary.already += 1;
                continue;
            }
            let (identity, _) = identify(received, schema, registry);
            if archive.add(received, &identity)? == Added::New {
                summary.new += 1;
                if identity.by == crate::archive::IdentifiedBy::None {
                    summary.quarantined += 1;
                } else if identity.errors > 0 {
                    summary.with_errors += 1;
                }
            }
        }
    }
    bar.finish_and_clear();
    Ok(summary)
}
