//! README's generated tables match what the program would generate now.

use crate::common;

#[test]
fn readme_field_table_and_diagnostics_catalogue_are_current() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let schema = jucai::schema::Schema::builtin();
    let parts = [
        ("fields", jucai::docs::fields_markdown(&schema).unwrap()),
        ("diagnostics", jucai::docs::diagnostics_markdown().unwrap()),
    ];
    for (part, body) in parts {
        let (begin, end) = jucai::docs::markers(part);
        let inside = common::between(&readme, &begin, &end)
            .unwrap_or_else(|| panic!("README has no {part} markers"));
        assert_eq!(
            inside.trim(),
            body.trim(),
            "README's {part} table is stale: run `cargo run -- schema --readme README.md`"
        );
    }
}

/// The two commands of README's first code block: the main job, the tests.
fn two_commands(readme: &str) -> Vec<String> {
    let block = common::between(readme, "## 两条命令", "## 目前能做什么")
        .and_then(|part| common::between(part, "```sh\n", "```"))
        .expect("README shows the two commands in a sh block");
    block
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn readme_names_the_two_commands_and_ci_runs_the_test_one() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let commands = two_commands(&readme);
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert_eq!(commands[0], "cargo run --release -- run");
    // The test command exists and CI runs exactly it.
    let test = &commands[1];
    assert!(
        common::root().join(test).is_file(),
        "{test} is a script in the repository"
    );
    let ci = std::fs::read_to_string(common::root().join(".ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == test), ".ci/run runs {test}");
    // And that script runs the whole suite.
    let script = std::fs::read_to_string(common::root().join(test)).unwrap();
    assert!(
        script
            .lines()
            .any(|l| l.trim() == "cargo test --features test-hooks"),
        "{test} runs cargo test (with the test hooks)"
    );
}

/// README's layout table names every module and folder of src/, and nothing
/// that is not there.
#[test]
fn readme_layout_table_matches_the_tree() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let table = common::between(&readme, "## 代码结构", "\n## ")
        .or_else(|| readme.find("## 代码结构").map(|at| &readme[at..]))
        .expect("README has a layout section");
    let named: std::collections::BTreeSet<String> = table
        .match_indices("`src/")
        .map(|(at, _)| {
            let rest = &table[at + 1..];
            rest[..rest.find('`').unwrap()].to_string()
        })
        .collect();
    let src = common::root().join("src");
    let mut present = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            present.insert(format!("src/{name}/"));
        } else if name.ends_with(".rs") && name != "lib.rs" {
            present.insert(format!("src/{name}"));
        }
    }
    let missing: Vec<_> = present.difference(&named).collect();
    let stale: Vec<_> = named
        .iter()
        .filter(|n| !common::root().join(n.as_str()).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "README's layout table lacks {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "README's layout table names what is gone: {stale:?}"
    );
}

/// One command's documented `--format json` output.
#[derive(Debug, Clone)]
struct Shape {
    /// The command as README writes it, e.g. `jucai packet --format json`.
    command: String,
    /// An array of such objects, rather than one object.
    array: bool,
    /// (key, type) rows; `a[].b` is key `b` of each element of array `a`.
    keys: Vec<(String, String)>,
    /// "与 `jucai … --format json` 相同": that section's shape.
    same_as: Option<String>,
}

/// README's “JSON 输出” section, parsed.
fn json_shapes(readme: &str) -> Vec<Shape> {
    let section = common::between(
        readme,
        "<!-- BEGIN: json-shapes -->",
        "<!-- END: json-shapes -->",
    )
    .expect("README has the json-shapes section");
    let mut shapes: Vec<Shape> = section
        .split("#### `")
        .skip(1)
        .map(|part| {
            let command = part[..part.find('`').unwrap()].to_string();
            let intro = part.lines().nth(2).unwrap_or_default();
            let keys = part
                .lines()
                .filter(|l| l.starts_with("| `"))
                .map(|l| {
                    let cells: Vec<String> = l
                        .replace("\\|", "\u{0}")
                        .split('|')
                        .map(|c| c.trim().replace('\u{0}', "|"))
                        .collect();
                    (cells[1].trim_matches('`').to_string(), cells[2].clone())
                })
                .collect();
            Shape {
                command,
                array: intro.starts_with("数组"),
                keys,
                same_as: intro
                    .strip_prefix("与 `")
                    .and_then(|rest| rest.split('`').next())
                    .map(str::to_string),
            }
        })
        .collect();
    // A section that is the same as another takes its keys.
    let named = shapes.clone();
    for shape in &mut shapes {
        if let Some(other) = &shape.same_as {
            let of = named
                .iter()
                .find(|s| &s.command == other)
                .unwrap_or_else(|| {
                    panic!("{} is the same as {other}: no such section", shape.command)
                });
            shape.array = of.array;
            shape.keys = of.keys.clone();
        }
    }
    shapes
}

fn has_type(v: &serde_json::Value, types: &str) -> bool {
    types.split('|').any(|t| match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        other => panic!("README names an unknown JSON type “{other}”"),
    })
}

/// `value` is an object with exactly the documented `keys` of the given
/// types; `a[].b` rows are checked on every element of array `a`.
fn conforms(value: &serde_json::Value, keys: &[(String, String)], what: &str) {
    use std::collections::BTreeSet;
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object: {value}"));
    let top: Vec<&(String, String)> = keys.iter().filter(|(k, _)| !k.contains("[].")).collect();
    let documented: BTreeSet<&str> = top.iter().map(|(k, _)| k.as_str()).collect();
    let actual: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(actual, documented, "{what}: keys differ from README");
    for (key, ty) in top {
        assert!(
            has_type(&object[key.as_str()], ty),
            "{what}: “{key}” should be {ty}, is {}",
            object[key.as_str()]
        );
        let inner: Vec<(String, String)> = keys
            .iter()
            .filter_map(|(k, t)| {
                k.strip_prefix(&format!("{key}[]."))
                    .map(|k| (k.to_string(), t.clone()))
            })
            .collect();
        if !inner.is_empty() {
            let items = object[key.as_str()].as_array().unwrap();
            assert!(
                !items.is_empty(),
                "{what}: “{key}” is empty, nothing to check"
            );
            for (i, item) in items.iter().enumerate() {
                conforms(item, &inner, &format!("{what}.{key}[{i}]"));
            }
        }
    }
}

/// Every command that has `--format`, from `jucai … --help`.
fn commands_with_json() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| {
        let mut args = args.to_vec();
        args.push("--help");
        String::from_utf8_lossy(&common::jucai(dir.path(), &args).stdout).into_owned()
    };
    let subcommands = |text: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| !(l.starts_with("命令") || l.starts_with("Commands")))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    let mut out = Vec::new();
    let top = subcommands(&help(&[]));
    assert!(top.len() >= 11, "{top:?}");
    for command in top {
        let text = help(&[&command]);
        let nested = subcommands(&text);
        let leaves: Vec<String> = if nested.is_empty() {
            vec![command.clone()]
        } else {
            nested.iter().map(|n| format!("{command} {n}")).collect()
        };
        for leaf in leaves {
            let args: Vec<&str> = leaf.split(' ').collect();
            if help(&args).contains("--format") {
                out.push(leaf);
            }
        }
    }
    out
}

/// README documents the JSON of exactly the commands that have
/// `--format json` (so not `status`), and each command prints exactly that
/// shape: run on the sample archive, every object has the documented keys
/// and types, no more and no fewer.
#[test]
fn readme_json_shapes_match_what_each_command_prints() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let shapes = json_shapes(&readme);
    let documented: Vec<String> = shapes
        .iter()
        .map(|s| {
            s.command
                .strip_prefix("jucai ")
                .and_then(|c| c.strip_suffix(" --format json"))
                .unwrap_or_else(|| panic!("“{}” is not `jucai … --format json`", s.command))
                .to_string()
        })
        .collect();
    let mut with_json = commands_with_json();
    let mut sorted = documented.clone();
    sorted.sort();
    with_json.sort();
    assert_eq!(
        sorted, with_json,
        "README's JSON section and --format differ"
    );
    assert!(!with_json.contains(&"status".to_string()));

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    let folder = root.join("台账");
    std::fs::create_dir_all(&folder).unwrap();
    let mut bad = common::clean_book();
    bad.set("人才信息台账", 0, "姓名", common::Cell::Empty);
    std::fs::write(folder.join("bad.xlsx"), bad.bytes()).unwrap();
    std::fs::write(folder.join("garbage.xlsx"), b"not a workbook").unwrap();
    let platform = common::sample_platform();
    let archive = ["--archive", "archive", "--platform", platform.as_str()];
    for (shape, command) in shapes.iter().zip(&documented) {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.extend(["--format", "json"]);
        match command.as_str() {
            // 2024Q4 has both the previous quarter and the previous year.
            "report quarterly" => args.extend(["--period", "2024Q4"]),
            "report annual" => args.extend(["--year", "2024"]),
            "report half-year" => args.extend(["--year", "2024", "--half", "1"]),
            "report monthly" => args.extend(["--month", "2024-08"]),
            "packet" => args.extend(["--year", "2023"]),
            "showcase" => args.extend(["--year", "2024"]),
            "platform" | "validate" => {}
            other => panic!("no way to run `jucai {other}` here: add it to this test"),
        }
        match command.as_str() {
            "platform" => args.extend(["--platform", platform.as_str()]),
            "validate" => args.extend(["台账", "--platform", platform.as_str()]),
            _ => args.extend(archive),
        }
        let out = common::jucai(root, &args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "jucai {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let value: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("jucai {args:?} prints JSON: {e}"));
        if shape.array {
            let items = value
                .as_array()
                .unwrap_or_else(|| panic!("{}: README says an array", shape.command));
            assert!(!items.is_empty(), "{}: nothing printed", shape.command);
            for (i, item) in items.iter().enumerate() {
                conforms(item, &shape.keys, &format!("{}[{i}]", shape.command));
            }
        } else {
            conforms(&value, &shape.keys, &shape.command);
        }
    }
}
