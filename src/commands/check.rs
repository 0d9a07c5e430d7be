//! `jucai check`: is the archive (or a backup) whole? Every object against
//! its hash, every reception against its object, the index's integrity, the
//! extracts reports read; what is wrong is named (exit 1). Temporary files
//! of killed writers are removed and counted.

use serde_json::json;

use super::common::Outcome;
use crate::cli::CheckArgs;
use crate::render::console;

pub(super) fn run(args: CheckArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    let fingerprint = crate::validate::fingerprint(&config.schema, &registry, &config.limits);
    let checked = crate::archive::backup::check(&dir, &config.schema, &fingerprint)?;
    for problem in &checked.problems {
        let vars = serde_json::to_value(problem)?;
        let key = format!("check_{}", vars["kind"].as_str().unwrap_or_default());
        eprintln!("{}", console::say(&key, &vars)?);
    }
    let vars = json!({
        "path": super::common::shown(&dir),
        "objects": checked.objects,
        "receptions": checked.receptions,
        "problems": checked.problems.len(),
        "removed": checked.removed,
    });
    println!("{}", console::say("check_done", &vars)?);
    Ok(match checked.problems.is_empty() {
        true => Outcome::Clean,
        false => Outcome::FoundErrors,
    })
}
