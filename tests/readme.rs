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
        script.lines().any(|l| l.trim() == "cargo test"),
        "{test} runs cargo test"
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
