//! Workbooks written by another program than jucai: `tests/fixtures/libreoffice/`
//! holds the quirky book (text dates, reordered columns, title rows, merged
//! cells, a formula, a hidden sheet) saved by LibreOffice as .xlsx, .xls and .ods.
//! `cargo test --test it libreoffice_fixtures:: -- --ignored` regenerates them.

use crate::common;

use std::path::PathBuf;

use jucai::read::field::Value;
use jucai::schema::Schema;
use jucai::validate;

fn fixtures() -> PathBuf {
    common::root().join("tests/fixtures/libreoffice")
}

#[test]
#[ignore = "regenerates committed fixtures; needs soffice"]
fn regenerate_libreoffice_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("quirky.xlsx");
    std::fs::write(&source, common::quirky_book().bytes()).unwrap();
    std::fs::create_dir_all(fixtures()).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.path().display());
    for target in ["xls", "ods", "xlsx:Calc MS Excel 2007 XML"] {
        let out = dir.path().join("out");
        let status = std::process::Command::new("soffice")
            .args([&profile, "--headless", "--convert-to", target, "--outdir"])
            .arg(&out)
            .arg(&source)
            .status()
            .unwrap();
        assert!(status.success());
        let ext = target.split(':').next().unwrap();
        std::fs::copy(
            out.join(format!("quirky.{ext}")),
            fixtures().join(format!("quirky.{ext}")),
        )
        .unwrap();
    }
}

#[test]
fn workbooks_saved_by_libreoffice_validate_cleanly() {
    let schema = Schema::builtin();
    let registry = common::sample_registry();
    for ext in ["xlsx", "xls", "ods"] {
        let path = fixtures().join(format!("quirky.{ext}"));
        let bytes = std::fs::read(&path).unwrap();
        let checked = validate::validate(
            &bytes,
            &path.display().to_string(),
            &schema,
            &registry,
            &jucai::limits::Limits::default(),
        );
        assert!(
            checked.diagnostics.is_empty(),
            "{ext}: {:#?}",
            checked.diagnostics
        );
        let counts: Vec<usize> = checked.ledgers.iter().map(|l| l.records.len()).collect();
        assert_eq!(counts, [3, 2, 1, 2, 1], "{ext}");
        let problems = &checked.ledgers[1].records;
        assert_eq!(
            problems[0].values[1].as_ref().unwrap().display(),
            "2023-07-03",
            "{ext}"
        );
        assert_eq!(
            problems[1].values[1].as_ref().unwrap().display(),
            "2023-09-12",
            "{ext}"
        );
        let need = &checked.ledgers[2].records[0];
        assert_eq!(
            need.values[0],
            Some(Value::Text("XQ001".into())),
            "{ext}: reversed columns"
        );
        assert_eq!(
            need.values[8].as_ref().unwrap().display(),
            "2023-08-02",
            "{ext}"
        );
        let activities = &checked.ledgers[3].records;
        assert_eq!(
            activities[1].values[6],
            Some(Value::Int(35)),
            "{ext}: formula's cached value"
        );
        if ext != "ods" {
            // calamine reports merged areas for xlsx and xls, not ods.
            assert_eq!(
                activities[1].values[5],
                Some(Value::Text("田园社区".into())),
                "{ext}: merged cell"
            );
        }
    }
}
