//! `jucai export`: a district's records, figures and registry as
//! Hive-partitioned Parquet for a province (see [`crate::export`]).

use serde_json::json;

use super::common::{shown, Outcome};
use crate::cli::ExportArgs;
use crate::export::Export;
use crate::period::Period;
use crate::render::console;

pub(super) fn run(args: ExportArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let archived = loaded.archive.periods();
    let periods: Vec<Period> = match (args.period, args.year) {
        (Some(p), _) => vec![p],
        (None, Some(y)) => archived.iter().copied().filter(|p| p.year == y).collect(),
        (None, None) => Vec::new(),
    };
    if periods.is_empty() || periods.iter().any(|p| !archived.contains(p)) {
        let vars = json!({ "period": args.period.map(|p| p.chinese()), "year": args.year });
        anyhow::bail!(console::say("export_nothing", &vars)?);
    }
    let export = Export {
        inputs: loaded.inputs(),
        secret: loaded
            .config
            .talent_key_secret
            .as_deref()
            .map(str::as_bytes),
    };
    let written = export.write(&periods, &args.out)?;
    let vars = json!({
        "n": written.len(),
        "periods": periods.iter().map(|p| p.chinese()).collect::<Vec<_>>(),
        "path": shown(&args.out),
        "keyed": export.secret.is_some(),
    });
    println!("{}", console::say("export_written", &vars)?);
    Ok(Outcome::Clean)
}
