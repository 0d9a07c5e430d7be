//! `jucai backup --to DIR`: a consistent copy of the archive while it is
//! written, added to an earlier backup in DIR.

use serde_json::json;

use super::common::Outcome;
use crate::cli::BackupArgs;
use crate::render::console;

pub(super) fn run(args: BackupArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let from = super::common::archive_dir(&config, &args.archive);
    let copied = crate::archive::backup::backup(&from, &args.to)?;
    let vars = json!({
        "from": super::common::shown(&from),
        "to": super::common::shown(&args.to),
        "objects": copied.objects,
        "extracts": copied.extracts,
        "kept": copied.kept,
    });
    println!("{}", console::say("backup_done", &vars)?);
    Ok(Outcome::Clean)
}
