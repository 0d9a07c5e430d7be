//! `jucai platform`: check the registry and list its tree.

use super::common::Outcome;
use crate::cli::{Format, PlatformArgs};
use crate::registry::{Level, Registry};

pub(super) fn run(args: PlatformArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let (registry, diags) = Registry::load(&config.platform, &config.schema)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&registry)?),
        Format::Text => print!("{}", tree_text(&registry)),
    }
    super::common::print_diagnostics(&diags)?;
    Ok(if diags.iter().any(|d| d.is_error()) {
        Outcome::FoundErrors
    } else {
        Outcome::Clean
    })
}

fn tree_text(registry: &Registry) -> String {
    let mut out = String::new();
    for unit in registry.tree_order() {
        let indent = match unit.level {
            Level::Centre => "",
            Level::Station => "  ",
            Level::Workroom => "    ",
        };
        out.push_str(&format!(
            "{indent}{}  {}（{}）\n",
            unit.code,
            unit.name,
            registry.level_name(unit.level)
        ));
    }
    out
}
