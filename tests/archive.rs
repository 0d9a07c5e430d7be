//! The archive as a store: several processes taking files in at once lose
//! nothing and number nothing twice, and an archive written by the release
//! before the SQLite index is imported on first open.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{self, clean_book, t};
use jucai::archive::Archive;

/// Copy a folder tree.
/// Every file of a folder tree with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// An archive written by the release before the index (tests/fixtures/
/// archives/v0: four sample mails taken in with `records/*.json`).
#[test]
fn an_archive_of_json_records_is_imported_on_first_open_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let archive_dir = dir.path().join("archive");
    common::copy_dir(
        &common::root().join("tests/fixtures/archives/v0"),
        &archive_dir,
    );
    let before = files(&archive_dir);
    let json: Vec<serde_json::Value> = before
        .iter()
        .filter(|(n, _)| n.starts_with("records/"))
        .map(|(_, b)| serde_json::from_slice(b).unwrap())
        .collect();
    assert_eq!(json.len(), 4);

    let archive = Archive::open(&archive_dir).unwrap();
    let records = archive.records();
    assert_eq!(records.len(), 4);
    for (r, j) in records.iter().zip(&json) {
        assert_eq!(r.seq, j["seq"].as_u64().unwrap());
        assert_eq!(r.key, j["key"].as_str().unwrap());
        assert_eq!(r.hash, j["hash"].as_str().unwrap());
        assert_eq!(r.unit.as_deref(), j["unit"].as_str());
        assert_eq!(r.period.map(|p| p.code()).as_deref(), j["period"].as_str());
        assert_eq!(
            r.received
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            j["received"].as_str().map(str::to_string)
        );
        assert_eq!(r.sender.as_deref(), j["sender"].as_str());
        assert_eq!(archive.bytes(r).unwrap().len() as u64, r.size);
    }
    drop(archive);
    // Nothing that was there changed; the index is new.
    let after = files(&archive_dir);
    for (name, bytes) in &before {
        let now = after.iter().find(|(n, _)| n == name).map(|(_, b)| b);
        assert_eq!(now, Some(bytes), "{name} unchanged");
    }
    assert!(after.iter().any(|(n, _)| n == "index.sqlite"));
    // Opening again imports nothing twice, and the commands read it.
    assert_eq!(Archive::open(&archive_dir).unwrap().records().len(), 4);
    let out = common::jucai_ok(
        dir.path(),
        &[
            "status",
            "--period",
            "2023Q1",
            "--archive",
            "archive",
            "--platform",
            &common::sample_platform(),
            "--out",
            "out",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("已报3个"), "{text}");
}

/// The sample's workrooms, as (code, name).
fn workrooms() -> Vec<(String, String)> {
    common::sample_registry()
        .units()
        .iter()
        .filter(|u| u.level == jucai::registry::Level::Workroom)
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect()
}

/// Regression: eight `jucai intake` at once into one archive (17 workbooks,
/// two each and one shared by all) failed on records another process was
/// writing, lost workbooks, and added records when run again.
#[test]
fn eight_intakes_at_once_lose_nothing_and_number_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let rooms = workrooms();
    assert!(rooms.len() >= 17);
    let inbox = root.join("inbox");
    for (i, (code, name)) in rooms.iter().take(17).enumerate() {
        let mut book = clean_book();
        book.set_cover("单位编码", t(code));
        book.set_cover("单位名称", t(name));
        let folder = inbox.join(if i == 16 {
            "shared".to_string()
        } else {
            format!("p{}", i / 2)
        });
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{name}.xlsx")), book.bytes()).unwrap();
    }
    let platform = common::sample_platform();
    let run_all = || {
        let children: Vec<_> = (0..8)
            .map(|p| {
                std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
                    .current_dir(root)
                    .args([
                        "intake",
                        &format!("inbox/p{p}"),
                        "inbox/shared",
                        "--archive",
                        "archive",
                        "--platform",
                        &platform,
                    ])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    run_all();
    let archive = Archive::open(&root.join("archive")).unwrap();
    let records = archive.records();
    let keys: BTreeSet<&str> = records.iter().map(|r| r.key.as_str()).collect();
    let seqs: BTreeSet<u64> = records.iter().map(|r| r.seq).collect();
    // Loose files are one reception per (content, name): the shared file is
    // recorded once however many processes took it in.
    assert_eq!(records.len(), 17, "every workbook recorded once");
    assert_eq!(keys.len(), 17);
    assert_eq!(seqs.len(), 17, "no number given twice");
    let units: BTreeSet<&str> = records.iter().filter_map(|r| r.unit.as_deref()).collect();
    assert_eq!(units.len(), 17, "no workbook lost");
    for r in records {
        assert!(archive.bytes(r).is_ok(), "{} has its bytes", r.key);
    }
    // Taking the same inboxes in again, all at once, adds nothing.
    drop(archive);
    run_all();
    assert_eq!(
        Archive::open(&root.join("archive"))
            .unwrap()
            .records()
            .len(),
        17
    );
    // And every unit that sent a workbook shows as submitted.
    let out = common::jucai_ok(
        root,
        &[
            "report",
            "quarterly",
            "--period",
            "2023Q3",
            "--archive",
            "archive",
            "--platform",
            &platform,
            "--format",
            "json",
        ],
    );
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let centre = reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["level_kind"] == "centre")
        .unwrap();
    assert_eq!(centre["reporting"]["submitted"], 17);
}

/// The archive is not an output: by default it is `archive/`, beside
/// `output/`, and one left at the old default `output/archive` is moved there
/// the first time jucai opens it.
#[test]
fn an_archive_at_the_old_default_place_is_moved_out_of_the_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_dir(
        &common::root().join("tests/fixtures/archives/v0"),
        &root.join("output/archive"),
    );
    std::fs::create_dir_all(root.join("sample-input")).unwrap();
    std::fs::copy(
        common::root().join("sample-input/platform.xlsx"),
        root.join("sample-input/platform.xlsx"),
    )
    .unwrap();
    // A reader moves and imports nothing: it says what to run.
    let refused = common::jucai(root, &["status", "--period", "2023Q1"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("jucai reindex"), "{said}");
    assert!(!root.join("archive").exists());
    let out = common::jucai_ok(root, &["reindex"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("报送档案已从"), "{stderr}");
    assert!(!root.join("output/archive").exists());
    assert_eq!(
        Archive::open(&root.join("archive"))
            .unwrap()
            .records()
            .len(),
        4
    );
    // Clearing the outputs to regenerate them leaves what was received.
    std::fs::remove_dir_all(root.join("output")).unwrap();
    let out = common::jucai_ok(root, &["status", "--period", "2023Q1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("已报3个"), "{text}");
}

/// The sample inbox taken into `root/archive`, and the quarterly report model
/// of 2024Q2 read from it.
fn report_json(root: &Path, extra: &[&str]) -> std::process::Output {
    let platform = common::sample_platform();
    let mut args = vec![
        "report",
        "quarterly",
        "--period",
        "2024Q2",
        "--format",
        "json",
        "--archive",
        "archive",
        "--platform",
        platform.as_str(),
    ];
    args.extend_from_slice(extra);
    common::jucai(root, &args)
}

/// Validate once: after intake, reports read the extracts. With every
/// received workbook taken away, the report is the same.
#[test]
fn a_report_after_intake_opens_no_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    let with = report_json(root, &[]);
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    std::fs::rename(root.join("archive/objects"), root.join("objects-away")).unwrap();
    let without = report_json(root, &[]);
    assert!(
        without.status.success(),
        "{}",
        String::from_utf8_lossy(&without.stderr)
    );
    assert_eq!(with.stdout, without.stdout);
    let platform = common::sample_platform();
    for args in [
        vec!["report", "annual", "--year", "2024", "--format", "json"],
        vec!["packet", "--year", "2024", "--format", "json"],
    ] {
        let mut args = args;
        args.extend(["--archive", "archive", "--platform", platform.as_str()]);
        common::jucai_ok(root, &args);
    }
}

/// Validated records are kept per schema: a district's changed schema has
/// the workbooks validated again (once), and the old extracts stay.
/// After the schema changed, a report does not validate on its own (reading
/// never writes): it says to run `jucai reindex`, which validates the
/// archived workbooks once under the new rules; then the report runs, even
/// with the workbooks taken away.
#[test]
fn a_changed_schema_validates_again_once_when_told_to() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    let kinds =
        r#"values = ["社会工作", "养老护理", "殡葬服务", "社会组织党建", "社区工作", "其他"]"#;
    let schema = jucai::schema::BUILTIN_SCHEMA.replacen(
        kinds,
        r#"values = ["社会工作", "养老护理", "殡葬服务", "社会组织党建", "社区工作", "心理服务", "其他"]"#,
        1,
    );
    std::fs::write(root.join("字段.toml"), schema).unwrap();
    std::fs::write(root.join("区.toml"), "schema = \"字段.toml\"\n").unwrap();
    let fingerprints = || -> Vec<String> {
        let db = root.join("archive/index.sqlite");
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('\\n'.join(r[0] for r in c.execute('select distinct fingerprint from validations order by 1')))",
                db.to_str().unwrap(),
            ])
            .output()
            .expect("python3 reads the index");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(fingerprints().len(), 1, "intake validated under one schema");
    let refused = report_json(root, &["--config", "区.toml"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("jucai reindex"), "{said}");
    assert_eq!(fingerprints().len(), 1, "the report wrote nothing");

    let platform = common::sample_platform();
    let reindex = [
        "reindex",
        "--archive",
        "archive",
        "--platform",
        platform.as_str(),
        "--config",
        "区.toml",
    ];
    let first = common::jucai_ok(root, &reindex);
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("重新校验档案中的"),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    assert_eq!(fingerprints().len(), 2, "validated again under the new one");
    let second = common::jucai_ok(root, &reindex);
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("都已"),
        "once: {}",
        String::from_utf8_lossy(&second.stdout)
    );
    let out = report_json(root, &["--config", "区.toml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without the workbooks, the new schema's report still runs.
    std::fs::rename(root.join("archive/objects"), root.join("objects-away")).unwrap();
    let again = report_json(root, &["--config", "区.toml"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(out.stdout, again.stdout);
}

/// An index written by store version 5 (before receptions kept why a file
/// is no workbook) is upgraded when next written, losing nothing; the
/// reading commands ask for that first instead of failing on a missing
/// column. Regression: `jucai run` on such an archive stopped with “no such
/// column: r.reason”.
#[test]
fn an_index_of_store_version_5_is_upgraded_and_keeps_every_reception() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for eml in std::fs::read_dir(common::root().join("sample-input/inbox/2023Q3"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .take(4)
    {
        std::fs::copy(&eml, inbox.join(eml.file_name().unwrap())).unwrap();
    }
    let take_in = || {
        common::jucai_ok(
            root,
            &[
                "intake",
                "inbox",
                "--archive",
                "archive",
                "--platform",
                &common::sample_platform(),
            ],
        )
    };
    take_in();
    let index = root.join("archive/index.sqlite");
    let records = Archive::open(&root.join("archive"))
        .unwrap()
        .records()
        .len();
    let conn = rusqlite::Connection::open(&index).unwrap();
    conn.execute_batch("ALTER TABLE receptions DROP COLUMN reason; PRAGMA user_version = 5;")
        .unwrap();
    drop(conn);

    let status = common::jucai(
        root,
        &[
            "status",
            "--period",
            "2023Q3",
            "--archive",
            "archive",
            "--platform",
            &common::sample_platform(),
            "--out",
            "out",
        ],
    );
    let said = String::from_utf8_lossy(&status.stderr);
    assert!(
        said.contains("jucai reindex") && !said.contains("no such column"),
        "{said}"
    );

    std::fs::write(
        inbox.join("台账.rar"),
        b"Rar!\x1a\x07\x01\x00\x33\x92\xb5\xe5",
    )
    .unwrap();
    take_in();
    let archive = Archive::open(&root.join("archive")).unwrap();
    assert_eq!(archive.records().len(), records + 1);
    let rar = archive.records().last().unwrap();
    assert!(
        rar.reason.as_deref().is_some_and(|r| r.contains("RAR")),
        "{rar:?}"
    );
    let version: i32 = rusqlite::Connection::open(&index)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, jucai::archive::SCHEMA_VERSION);
}

/// `jucai check` on `archive` (a directory under `root`): its exit code and
/// what it said.
fn check(root: &Path, archive: &str) -> (Option<i32>, String) {
    let platform = common::sample_platform();
    let out = common::jucai(
        root,
        &["check", "--archive", archive, "--platform", &platform],
    );
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.code(), said)
}

/// Backups taken while an intake writes are whole (`jucai check` passes on
/// each); one taken after it gives the same report as the live archive; a
/// second backup into the same folder copies only what is new; and a byte
/// changed in a backup's object makes `jucai check` fail and name it.
#[test]
fn a_backup_taken_while_an_intake_writes_checks_whole_and_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let platform = common::sample_platform();
    let inbox = common::root().join("sample-input/inbox");
    // 2023 first; 2024 arrives while the backups are taken.
    common::jucai_ok(
        root,
        &[
            "intake",
            inbox.join("2023Q1").to_str().unwrap(),
            "--archive",
            "archive",
            "--platform",
            &platform,
        ],
    );
    let later: Vec<String> = ["2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]
        .iter()
        .map(|p| inbox.join(p).display().to_string())
        .collect();
    let mut args = vec!["intake", "--archive", "archive", "--platform", &platform];
    args.extend(later.iter().map(String::as_str));
    let mut writer = std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(root)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let backup = |to: &str| {
        let out = common::jucai_ok(
            root,
            &[
                "backup",
                "--archive",
                "archive",
                "--to",
                to,
                "--platform",
                &platform,
            ],
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut taken = 0;
    while writer.try_wait().unwrap().is_none() || taken == 0 {
        let to = format!("backup-{taken}");
        backup(&to);
        let (code, said) = check(root, &to);
        assert_eq!(code, Some(0), "backup {taken}: {said}");
        taken += 1;
    }
    assert!(writer.wait().unwrap().success());

    let (first, again) = (backup("backup"), backup("backup"));
    assert!(first.contains("新复制"), "{first}");
    assert!(
        again.contains("新复制 0 个收到的文件、0 个校验结果文件"),
        "{again}"
    );
    let report = |archive: &str| {
        common::jucai(
            root,
            &[
                "report",
                "quarterly",
                "--period",
                "2024Q2",
                "--format",
                "json",
                "--archive",
                archive,
                "--platform",
                &platform,
            ],
        )
    };
    let (live, copy) = (report("archive"), report("backup"));
    assert!(live.status.success() && copy.status.success());
    assert!(
        live.stdout == copy.stdout,
        "the backup reads the same report"
    );

    // A flipped byte in one of the backup's objects.
    let object = walkdir::WalkDir::new(root.join("backup/objects"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .unwrap()
        .into_path();
    let mut bytes = std::fs::read(&object).unwrap();
    bytes[10] ^= 0x01;
    std::fs::write(&object, bytes).unwrap();
    let (code, said) = check(root, "backup");
    assert_eq!(code, Some(1), "{said}");
    let name = object.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        said.contains(&name) && said.contains("与它的哈希不符"),
        "{said}"
    );
    assert!(said.contains("有 1 处问题"), "{said}");
    // Leftovers of a killed writer are removed by the check.
    let part = root.join("archive/objects/.jucai-killed.part");
    std::fs::write(&part, b"half").unwrap();
    let (code, said) = check(root, "archive");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("清理了 1 个"), "{said}");
    assert!(!part.exists());
}
