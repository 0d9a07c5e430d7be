//! Reading never writes (SPEC §9): every command that reads the archive
//! (reports, status, packets, export) leaves it as it was, and works on an
//! archive that cannot be written — a read-only bind mount in a private
//! mount namespace, as a restored backup or an auditor's copy would be —
//! giving the same bytes as on the writable one.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common;

/// The reading commands, each writing into `out`.
fn commands(out: &str) -> Vec<Vec<String>> {
    let platform = common::sample_platform();
    [
        vec!["report", "quarterly", "--period", "2024Q4"],
        vec!["report", "half-year", "--year", "2024", "--half", "1"],
        vec!["report", "annual", "--year", "2024"],
        vec!["report", "monthly", "--month", "2024-12"],
        vec!["status", "--period", "2024Q1"],
        vec!["packet", "--year", "2024"],
    ]
    .into_iter()
    .map(|head| {
        let mut args: Vec<String> = head.into_iter().map(String::from).collect();
        args.extend(
            [
                "--archive",
                "archive",
                "--platform",
                &platform,
                "--out",
                out,
            ]
            .map(String::from),
        );
        args
    })
    .chain(std::iter::once(
        [
            "export",
            "--year",
            "2024",
            "--archive",
            "archive",
            "--platform",
            &platform,
            "--out",
        ]
        .into_iter()
        .map(String::from)
        .chain([format!("{out}/export")])
        .collect(),
    ))
    .collect()
}

/// Every file below `dir` with its bytes; in an archive, SQLite's own
/// `-wal` and `-shm` files (its readers' shared memory, not content) left out.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Run `jucai args` in `root` with `root/archive` mounted read-only, in a
/// mount namespace of its own (util-linux `unshare`).
fn on_read_only_archive(root: &Path, args: &[String]) -> std::process::Output {
    let script = "mount --bind archive archive && mount -o remount,ro,bind archive archive \
                  && touch archive/.probe 2>/dev/null && echo 'archive still writable' >&2 && exit 97; \
                  exec \"$@\"";
    Command::new("unshare")
        .current_dir(root)
        .args(["--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .arg(env!("CARGO_BIN_EXE_jucai"))
        .args(args)
        .output()
        .expect("unshare (util-linux) runs")
}

#[test]
fn every_reading_command_works_on_an_archive_it_cannot_write_and_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    let archive = tree(&root.join("archive"));
    for args in commands("out-rw") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::jucai_ok(root, &args);
    }
    assert!(
        tree(&root.join("archive")) == archive,
        "a reading command changed the archive"
    );
    for args in commands("out-ro") {
        let run = on_read_only_archive(root, &args);
        assert!(
            run.status.success(),
            "jucai {args:?} on a read-only archive: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let (rw, ro) = (tree(&root.join("out-rw")), tree(&root.join("out-ro")));
    assert!(rw.len() > 40, "{} files", rw.len());
    assert_eq!(rw.keys().collect::<Vec<_>>(), ro.keys().collect::<Vec<_>>());
    for (name, bytes) in &rw {
        assert!(
            ro[name] == *bytes,
            "{name} differs on the read-only archive"
        );
    }
}

/// A schema change is not validated by a report on a read-only archive
/// either: it says what to run instead of failing on the database.
#[test]
fn a_stale_read_only_archive_asks_for_reindex() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    let schema = jucai::schema::BUILTIN_SCHEMA.replacen(
        "\"社区工作\", \"其他\"",
        "\"社区工作\", \"心理服务\", \"其他\"",
        1,
    );
    assert_ne!(schema, jucai::schema::BUILTIN_SCHEMA);
    std::fs::write(root.join("字段.toml"), schema).unwrap();
    std::fs::write(root.join("区.toml"), "schema = \"字段.toml\"\n").unwrap();
    let mut args = commands("out")[0].clone();
    args.extend(["--config", "区.toml"].map(String::from));
    let run = on_read_only_archive(root, &args);
    assert_eq!(run.status.code(), Some(2));
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(
        said.contains("jucai reindex") && !said.contains("sqlite"),
        "{said}"
    );
}
