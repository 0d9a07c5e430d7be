//! The module graph is what `src/lib.rs` says: each module uses only modules
//! listed below it, and inside every folder the uses form no cycle (a
//! `mod.rs` may use its children; they never use it back).
//!
//! Read from the source text: `crate::a::b` and `super::x` paths, and in a
//! `mod.rs` the bare `child::` paths to its own children. Comments and the
//! `#[cfg(test)] mod tests` at the end of a file are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common;

/// Every module of `src/` (`read::preflight::ods`) with its source, tests and
/// comments removed.
fn modules() -> BTreeMap<String, (String, bool)> {
    let src = common::root().join("src");
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let is_dir = parts.last().is_some_and(|p| p == "mod");
        if is_dir {
            parts.pop();
        }
        if parts == ["lib"] || parts == ["main"] {
            continue;
        }
        out.insert(parts.join("::"), (strip(&read(path)), is_dir));
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Source without line comments and without the trailing test module.
fn strip(source: &str) -> String {
    let code = match source.find("#[cfg(test)]\nmod tests") {
        Some(at) => &source[..at],
        None => source,
    };
    code.lines()
        .map(|l| match l.find("//") {
            Some(at) => &l[..at],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The longest module name that `path` starts with.
fn resolve<'a>(mods: &'a BTreeMap<String, (String, bool)>, path: &str) -> Option<&'a str> {
    let segs: Vec<&str> = path.split("::").collect();
    (1..=segs.len())
        .rev()
        .map(|n| segs[..n].join("::"))
        .find_map(|m| mods.get_key_value(&m).map(|(k, _)| k.as_str()))
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    s[..end].trim_end_matches(':')
}

/// Which modules each module uses.
fn edges(mods: &BTreeMap<String, (String, bool)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, (code, is_dir)) in mods {
        let mut used = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + 7..];
            let path = ident_at(rest);
            used.extend(resolve(mods, path).map(str::to_string));
            // `crate::a::{b, c}`: each item may be a module of its own.
            if let Some(group) = rest[path.len()..].strip_prefix("::{") {
                let group = &group[..group.find('}').unwrap_or(0)];
                for item in group.split(',').map(str::trim) {
                    let full = format!("{path}::{}", ident_at(item));
                    used.extend(resolve(mods, &full).map(str::to_string));
                }
            }
        }
        // `super` of a file is its folder's mod.rs; of a mod.rs, the folder
        // above. Either way: the module name without its last part.
        let base = name.rsplit_once("::").map_or("", |(p, _)| p);
        for (at, _) in code.match_indices("super::") {
            let path = ident_at(&code[at + 7..]);
            let full = if base.is_empty() {
                path.to_string()
            } else {
                format!("{base}::{path}")
            };
            used.extend(resolve(mods, &full).map(str::to_string));
        }
        if *is_dir {
            // A mod.rs naming its own children: `mail::from_eml`, `pub use found::…`.
            for child in mods.keys() {
                let Some(short) = child.strip_prefix(&format!("{name}::")) else {
                    continue;
                };
                if short.contains("::") {
                    continue;
                }
                let bare = format!("{short}::");
                let uses = code.match_indices(&bare).any(|(at, _)| {
                    at == 0
                        || !code[..at]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if uses {
                    used.insert(child.clone());
                }
            }
        }
        used.remove(name);
        out.insert(name.clone(), used);
    }
    out
}

/// The layer list of `src/lib.rs`, top first.
fn layers() -> Vec<String> {
    let lib = read(&common::root().join("src/lib.rs"));
    let start = lib.find("//! ```text").expect("lib.rs lists the layers");
    lib[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.contains("```"))
        .filter_map(|l| l.trim_start_matches("//!").split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_module_uses_only_modules_below_it() {
    let mods = modules();
    let layers = layers();
    let top: BTreeSet<&str> = mods.keys().map(|m| m.split("::").next().unwrap()).collect();
    let listed: BTreeSet<&str> = layers.iter().map(String::as_str).collect();
    assert_eq!(
        top, listed,
        "src/lib.rs lists every top-level module, and only those"
    );
    let rank = |m: &str| {
        layers
            .iter()
            .position(|l| l == m.split("::").next().unwrap())
    };
    let mut wrong = Vec::new();
    for (from, to) in edges(&mods) {
        for t in to {
            let (a, b) = (rank(&from), rank(&t));
            if a != b && b < a {
                wrong.push(format!("{from} → {t}"));
            }
        }
    }
    assert!(wrong.is_empty(), "uses of modules listed above: {wrong:#?}");
}

#[test]
fn no_folder_has_a_cycle() {
    let mods = modules();
    let edges = edges(&mods);
    let folders: BTreeSet<&str> = mods
        .keys()
        .filter_map(|m| m.rsplit_once("::").map(|(f, _)| f))
        .collect();
    for folder in folders {
        // The folder's members: its mod.rs ("") and its direct children.
        let member = |m: &str| -> Option<String> {
            if m == folder {
                return Some(String::new());
            }
            let rest = m.strip_prefix(&format!("{folder}::"))?;
            Some(rest.split("::").next().unwrap().to_string())
        };
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in &edges {
            let Some(a) = member(from) else { continue };
            for t in to {
                if let Some(b) = member(t) {
                    if a != b {
                        graph.entry(a.clone()).or_default().insert(b);
                    }
                }
            }
        }
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{folder}: {}", cycle.join(" → "));
        }
    }
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

/// The check itself can fail: a made-up folder where a child uses its mod.rs.
#[test]
fn a_cycle_through_a_mod_rs_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        (String::new(), BTreeSet::from(["mail".to_string()])),
        ("mail".to_string(), BTreeSet::from([String::new()])),
    ]
    .into();
    assert!(find_cycle(&graph).is_some());
}
