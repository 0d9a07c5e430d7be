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

#[test]
fn readme_names_the_two_commands_and_ci_runs_the_test_one() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- run"));
    assert!(readme.contains("cargo test"));
    let ci = std::fs::read_to_string(common::root().join(".ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == "cargo test"));
}
