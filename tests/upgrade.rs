//! Upgrades: an archive written by each earlier store version opens with
//! this jucai. The archives in `tests/fixtures/archives/` were written by
//! the jucai of their version (see `make.sh` there), not made fresh here:
//! v0 is the JSON-records layout, v1–v5 the SQLite index as each release
//! left it (v2 added the extracts, v3 the mail tables, v4 the desk's
//! accounts, v5 the kept messages; v6 is today's).

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{self, root, sample_platform};
use jucai::archive::{Archive, SCHEMA_VERSION};

/// The four mails every fixture took in, kept in `mails/` beside them as
/// the sample was then (the sample has changed since; these do not).
const MAILS: [&str; 4] = [
    "20230402-103843 建设街道办事处社工人才工作室 2023Q1.eml",
    "20230402-165432 立仁医养院养老护理人才工作室 2023Q1.eml",
    "20230402-171608 富兴街道办事处社工人才工作室 2023Q1.eml",
    "20230702-110059 幸福街道办事处社工人才工作室 2023Q2.eml",
];

/// `jucai ARGS --archive archive --platform <sample>` in `dir`.
fn on_archive(dir: &Path, args: &[&str]) -> std::process::Output {
    let platform = sample_platform();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--archive", "archive", "--platform", platform.as_str()]);
    common::jucai(dir, &all)
}

/// `out` succeeded, or what it said, for the fixture of `version`.
fn ok(out: std::process::Output, version: i32) {
    let said = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "v{version}: {said}");
}

/// The quarterly report models of the two periods the mails are for.
fn models(dir: &Path) -> Vec<serde_json::Value> {
    ["2023Q1", "2023Q2"]
        .iter()
        .map(|p| {
            let out = on_archive(
                dir,
                &["report", "quarterly", "--period", p, "--format", "json"],
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

/// What each reception is, apart from how it was numbered and keyed.
fn receptions(archive: &Path) -> BTreeSet<(String, Option<String>, Option<String>)> {
    Archive::open_read(archive)
        .unwrap()
        .records()
        .iter()
        .filter(|r| r.workbook)
        .map(|r| (r.hash.clone(), r.unit.clone(), r.period.map(|p| p.code())))
        .collect()
}

#[test]
fn an_archive_of_every_earlier_store_version_opens_and_reads_as_a_fresh_one() {
    // The same mails taken in by this jucai.
    let fresh = tempfile::tempdir().unwrap();
    let mails: Vec<String> = MAILS
        .iter()
        .map(|m| {
            root()
                .join("tests/fixtures/archives/mails")
                .join(m)
                .display()
                .to_string()
        })
        .collect();
    let mut intake = vec!["intake"];
    intake.extend(mails.iter().map(String::as_str));
    ok(on_archive(fresh.path(), &intake), SCHEMA_VERSION);
    let expected = models(fresh.path());
    let expected_receptions = receptions(&fresh.path().join("archive"));
    assert_eq!(expected_receptions.len(), 4);

    for version in 0..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        let fixture = root().join(format!("tests/fixtures/archives/v{version}"));
        assert!(fixture.is_dir(), "no fixture for store version {version}");
        common::copy_dir(&fixture, &archive);

        // A reader changes nothing: it names the command that upgrades.
        let refused = on_archive(dir.path(), &["status", "--period", "2023Q1"]);
        assert_eq!(refused.status.code(), Some(2), "v{version}");
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("jucai reindex"), "v{version}: {said}");

        ok(on_archive(dir.path(), &["reindex"]), version);
        assert_eq!(receptions(&archive), expected_receptions, "v{version}");
        assert_eq!(models(dir.path()), expected, "v{version}: upgraded");

        // Whole, by `jucai check`'s count of the objects and receptions.
        ok(on_archive(dir.path(), &["check"]), version);

        // The desk's account of v4 and v5 is still there.
        let out = on_archive(dir.path(), &["user", "list"]);
        let users = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            users.contains("zhangli"),
            version >= 4,
            "v{version}: {users}"
        );

        // Taking the same mails in again adds nothing: the old keys hold.
        ok(on_archive(dir.path(), &intake), version);
        assert_eq!(receptions(&archive), expected_receptions, "v{version}");
        assert_eq!(models(dir.path()), expected, "v{version}: taken in again");
    }
}
