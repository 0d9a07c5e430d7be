//! The sample generator: deterministic, and every workbook it writes validates
//! cleanly except for the mistakes it puts in on purpose.

use crate::common;

use jucai::diagnostic::Code;
use jucai::period::Period;
use jucai::reports::template::workbook::{LedgerTemplates, TemplateJob};
use jucai::sample::submissions;
use jucai::schema::Schema;

fn periods() -> Vec<Period> {
    (2023..=2024)
        .flat_map(|y| {
            (1..=4).map(move |q| Period {
                year: y,
                quarter: q,
            })
        })
        .collect()
}

#[test]
fn generated_workbooks_validate_except_the_planted_mistakes() {
    let schema = Schema::builtin();
    let registry = common::sample_registry();
    let tree = registry.tree_order();
    let (histories, subs, cases) = submissions::generate(&tree, &periods(), 2023, 1);
    assert_eq!(histories.len(), 27);
    // 27 units × 8 quarters, one missing, one sent twice.
    assert_eq!(subs.len(), 27 * 8);
    let templates = LedgerTemplates::new().unwrap();
    let mut with_errors = Vec::new();
    let mut warning_codes = std::collections::BTreeSet::new();
    for sub in &subs {
        let unit = registry.unit(&sub.unit).unwrap();
        let job = TemplateJob {
            schema: &schema,
            unit,
            period: sub.period,
            deadline_days: 10,
            fill: Some(&sub.fill),
        };
        let bytes = templates.to_bytes(&job).unwrap();
        let checked = jucai::validate::validate(
            &bytes,
            "x.xlsx",
            &schema,
            &registry,
            &jucai::limits::Limits::default(),
        );
        assert_eq!(checked.cover.unit.as_deref(), Some(sub.unit.as_str()));
        assert_eq!(checked.cover.period, Some(sub.period));
        if checked.error_count() > 0 {
            let codes: Vec<Code> = checked
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.code)
                .collect();
            with_errors.push((sub.unit.clone(), sub.period, codes));
        }
        warning_codes.extend(
            checked
                .diagnostics
                .iter()
                .filter(|d| !d.is_error())
                .map(|d| d.code),
        );
    }
    let bad_id = cases.bad_id_then_resubmitted.clone().unwrap();
    let no_close = cases.missing_close_date.clone().unwrap();
    assert_eq!(
        with_errors,
        [
            (bad_id.0, bad_id.1, vec![Code::ChecksumError]),
            (no_close.0, no_close.1, vec![Code::ConditionalRequired]),
        ]
    );
    assert!(warning_codes.contains(&Code::UnknownReference));
    assert!(
        warning_codes
            .iter()
            .all(|c| matches!(c, Code::UnknownReference | Code::ConditionalRequired)),
        "{warning_codes:?}"
    );
}

#[test]
fn the_same_seed_gives_the_same_submissions() {
    let registry = common::sample_registry();
    let tree = registry.tree_order();
    let (_, a, _) = submissions::generate(&tree, &periods(), 11, 1);
    let (_, b, _) = submissions::generate(&tree, &periods(), 11, 1);
    let (_, c, _) = submissions::generate(&tree, &periods(), 12, 1);
    let key = |s: &[submissions::Submission]| {
        format!(
            "{:?}",
            s.iter()
                .map(|x| (&x.unit, x.period, x.sent, &x.fill))
                .collect::<Vec<_>>()
        )
    };
    assert_eq!(key(&a), key(&b));
    assert_ne!(key(&a), key(&c));
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn jucai_sample_regenerates_the_committed_sample_input_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::jucai(dir.path(), &["sample", "--out", "s"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh = tree(&dir.path().join("s"));
    let committed = tree(&common::root().join("sample-input"));
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &fresh {
        assert!(
            committed[name] == *bytes,
            "sample-input/{name} is stale: run `jucai sample --force`"
        );
    }
}

/// The generator's `.xlsx` for the submission the sample sends as `.xls`.
fn legacy_source() -> Vec<u8> {
    let schema = Schema::builtin();
    let registry = common::sample_registry();
    let tree = registry.tree_order();
    let (_, subs, cases) = submissions::generate(&tree, &periods(), 2023, 1);
    let (unit, period) = cases.legacy_xls.unwrap();
    let sub = subs
        .iter()
        .find(|s| s.unit == unit && s.period == period)
        .unwrap();
    let job = TemplateJob {
        schema: &schema,
        unit: registry.unit(&unit).unwrap(),
        period,
        deadline_days: 10,
        fill: Some(&sub.fill),
    };
    LedgerTemplates::new().unwrap().to_bytes(&job).unwrap()
}

#[test]
fn the_committed_xls_reads_exactly_as_the_workbook_it_was_saved_from() {
    let xlsx = legacy_source();
    assert!(
        jucai::sample::legacy::stand_in(&xlsx).is_some(),
        "src/sample/legacy.xls is stale: run `cargo test --test it sample:: -- --ignored`"
    );
    let schema = Schema::builtin();
    let registry = common::sample_registry();
    let from_xlsx = jucai::validate::validate(
        &xlsx,
        "台账",
        &schema,
        &registry,
        &jucai::limits::Limits::default(),
    );
    let from_xls = jucai::validate::validate(
        jucai::sample::legacy::XLS,
        "台账",
        &schema,
        &registry,
        &jucai::limits::Limits::default(),
    );
    assert!(
        from_xls
            .ledgers
            .iter()
            .map(|l| l.records.len())
            .sum::<usize>()
            > 10
    );
    assert_eq!(
        format!("{:?}", from_xls.cover),
        format!("{:?}", from_xlsx.cover)
    );
    assert_eq!(
        format!("{:?}", from_xls.ledgers),
        format!("{:?}", from_xlsx.ledgers)
    );
    assert_eq!(from_xls.diagnostics, from_xlsx.diagnostics);
    // And the sample inbox really carries it, as an attachment of type .xls.
    let inbox = tree(&common::root().join("sample-input/inbox"));
    let needle = b"application/vnd.ms-excel";
    let carriers: Vec<_> = inbox
        .iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(carriers.len(), 1, "{carriers:?}");
}

#[test]
#[ignore = "regenerates src/sample/legacy.xls; needs soffice"]
fn regenerate_legacy_xls() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = legacy_source();
    let source = dir.path().join("legacy.xlsx");
    std::fs::write(&source, &xlsx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.path().display());
    let out = dir.path().join("out");
    let status = std::process::Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "xls", "--outdir"])
        .arg(&out)
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success());
    let sample = common::root().join("src/sample");
    std::fs::copy(out.join("legacy.xls"), sample.join("legacy.xls")).unwrap();
    let hash = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&xlsx));
    std::fs::write(sample.join("legacy.xls.source"), hash + "\n").unwrap();
}
