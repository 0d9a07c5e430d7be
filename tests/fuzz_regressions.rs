//! Inputs the fuzzers (`fuzz/`) found to crash jucai, kept as regression
//! tests. Each file under `fixtures/fuzz/workbook/` must be read into the
//! diagnostic listed in `WORKBOOKS`, and each under `fixtures/fuzz/mail/` taken
//! in as listed in `MAILS` (and without a panic whichever reader gets it); a
//! file with no entry here fails the test, so a new crash input is never
//! dropped in without its expected outcome.

use crate::common;

use std::path::{Path, PathBuf};

use jucai::diagnostic::Code;
use jucai::intake::{mail, packed, Limits};
use jucai::schema::Schema;
use jucai::validate;

/// Workbook crash inputs and the diagnostic each must now produce.
const WORKBOOKS: &[(&str, Code)] = &[
    // calamine 0.38's OLE2 reader sliced past the end of a sector chain
    // (cfb.rs:320) on a legacy.xls with a mutated FAT.
    ("cfb-slice-index.xls", Code::UnreadableFile),
    // A mutated cell record put one cell at row 57,362, column 45,474; calamine
    // builds every .xls sheet's full rectangle when the file is opened
    // (83 GB here), and a failed allocation aborts the process.
    ("xls-sheet-area.xls", Code::ResourceLimit),
    // A FAT entry pointing back into the directory chain: calamine appended
    // sectors until memory ran out (2 GB in 10 s under the fuzzer).
    ("cfb-chain-loop.xls", Code::UnreadableFile),
    // From the `sheet` target (packaged by fuzz/package_sheet_input.py): a
    // shuffled shared-string table put "王强对接资源" (18 bytes) in an ID
    // number cell, and the shape check sliced it at byte 17, inside "源".
    ("id-number-multibyte.xlsx", Code::PatternError),
];

/// What a file taken out of a mail input holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Got {
    /// A whole workbook (a zip that opens).
    Workbook,
    /// Base64 text as it arrived, not decoded: what mail-parser hands over
    /// for a part cut off mid-body (validation then finds no workbook in it).
    Undecoded,
    /// Nothing: a 0-byte attachment.
    Empty,
    /// Text.
    Text(&'static str),
}

/// A mail input and what reading it the way `jucai intake` does (by its
/// extension) must yield: the files in order, and the kinds of problem
/// (`Problem`'s serde tag).
struct Mail {
    name: &'static str,
    files: &'static [(&'static str, Got)],
    problems: &'static [&'static str],
}

/// Mail inputs (each is also fed as .eml, .mbox and .zip, like the fuzzer).
/// Written by `python3 tests/fixtures/fuzz/make_mail.py`.
const MAILS: &[Mail] = &[
    // A zip attached to an email: its files are taken out, folders dropped.
    Mail {
        name: "zip-in-eml.eml",
        files: &[
            ("罕台镇社工人才工作室台账.xlsx", Got::Workbook),
            ("说明.txt", Got::Text("请查收。")),
        ],
        problems: &[],
    },
    // The zip's one entry has overwritten deflate data: said, not taken in.
    Mail {
        name: "corrupt-zip-entry-in-eml.eml",
        files: &[],
        problems: &["zip_entry_broken"],
    },
    // A download that stopped inside the second attachment: the first is
    // whole, the second is kept as the text that arrived.
    Mail {
        name: "truncated-attachment.eml",
        files: &[
            ("罕台镇社工人才工作室台账.xlsx", Got::Workbook),
            ("泊江海子镇社工人才工作室台账.xlsx", Got::Undecoded),
        ],
        problems: &[],
    },
    // A 0-byte attachment is still a file received (validation says it is empty).
    Mail {
        name: "empty-attachment.eml",
        files: &[
            ("空白.xlsx", Got::Empty),
            ("罕台镇社工人才工作室台账.xlsx", Got::Workbook),
        ],
        problems: &[],
    },
    // An empty message between two good ones: reported, the others taken in.
    Mail {
        name: "broken-among-good.mbox",
        files: &[
            ("罕台镇社工人才工作室台账.xlsx", Got::Workbook),
            ("铜川镇社工人才工作室台账.xlsx", Got::Workbook),
        ],
        problems: &["not_mail"],
    },
];

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = common::root().join("tests/fixtures/fuzz").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_fuzz_crash_input_is_listed() {
    for path in fixtures("workbook") {
        let name = name(&path);
        assert!(
            WORKBOOKS.iter().any(|(n, _)| *n == name),
            "{name} has no expected diagnostic in WORKBOOKS"
        );
    }
    for path in fixtures("mail") {
        let name = name(&path);
        assert!(
            MAILS.iter().any(|m| m.name == name),
            "{name} is not in MAILS"
        );
    }
    assert_eq!(fixtures("workbook").len(), WORKBOOKS.len());
    assert_eq!(fixtures("mail").len(), MAILS.len());
    assert!(!WORKBOOKS.is_empty() && !MAILS.is_empty());
}

#[test]
fn fuzz_crash_workbooks_get_their_diagnostic() {
    let schema = Schema::builtin();
    let registry = common::sample_registry();
    for path in fixtures("workbook") {
        let name = name(&path);
        let Some((_, expected)) = WORKBOOKS.iter().find(|(n, _)| *n == name) else {
            continue; // reported by every_fuzz_crash_input_is_listed
        };
        let bytes = std::fs::read(&path).unwrap();
        let checked = validate::validate(&bytes, &name, &schema, &registry, &Limits::default());
        let found: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        assert!(found.contains(expected), "{name}: {found:?}");
        for d in &checked.diagnostics {
            assert_eq!(d.file, name);
            assert!(!d.message.is_empty());
        }
    }
}

fn got(bytes: &[u8]) -> Got {
    if bytes.is_empty() {
        Got::Empty
    } else if ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok() {
        Got::Workbook
    } else if bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=\r\n".contains(b))
    {
        Got::Undecoded
    } else {
        Got::Text(String::from_utf8_lossy(bytes).into_owned().leak())
    }
}

#[test]
fn fuzz_crash_mails_are_taken_in() {
    let limits = Limits::default();
    let files = fixtures("mail");
    assert!(
        files.len() >= MAILS.len() && !files.is_empty(),
        "tests/fixtures/fuzz/mail/ holds the MAILS inputs"
    );
    for path in files {
        let name = name(&path);
        let bytes = std::fs::read(&path).unwrap();
        if let Some(expected) = MAILS.iter().find(|m| m.name == name) {
            let intake = if name.ends_with(".mbox") {
                mail::from_mbox(&bytes, &name, limits)
            } else {
                mail::from_eml(&bytes, &name, limits)
            };
            let found: Vec<(&str, Got)> = intake
                .files
                .iter()
                .map(|f| (f.name.as_str(), got(&f.bytes)))
                .collect();
            assert_eq!(found, expected.files, "{name}: files");
            let problems: Vec<String> = intake
                .problems
                .iter()
                .map(|p| {
                    serde_json::to_value(p).unwrap()["kind"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            assert_eq!(problems, expected.problems, "{name}: problems");
            for p in &intake.problems {
                assert!(p.to_string().starts_with(&name), "{name}: {p}");
            }
        }
        // No panic is the outcome; a file that yields nothing must say why.
        for intake in [
            mail::from_eml(&bytes, &name, limits),
            mail::from_mbox(&bytes, &name, limits),
            packed::from_packed(&bytes, &name, &name, None, limits),
        ] {
            assert!(
                !intake.files.is_empty() || !intake.problems.is_empty(),
                "{name}: nothing found and nothing reported"
            );
        }
    }
}

/// The batch-level view of the same crash: `jucai validate` on a folder with
/// the crash input beside a good workbook reports the bad file, checks the
/// good one, and prints no panic.
#[test]
fn a_parser_panic_is_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    for path in fixtures("workbook") {
        std::fs::copy(&path, inbox.join(name(&path))).unwrap();
    }
    std::fs::write(inbox.join("正常.xlsx"), common::clean_book().bytes()).unwrap();
    let platform = common::sample_platform();
    let out = common::jucai(dir.path(), &["validate", "收件", "--platform", &platform]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stdout.contains("cfb-slice-index.xls"), "{stdout}");
    // The container is now read with cfb, which refuses it as broken before
    // calamine (which panicked on it) ever sees it.
    let line = stdout
        .lines()
        .skip_while(|l| !l.contains("cfb-slice-index.xls"))
        .nth(1)
        .unwrap_or_default();
    assert!(line.contains("文件已损坏"), "{stdout}");
    let total = fixtures("workbook").len() + 1;
    assert!(
        stdout.contains(&format!("共校验 {total} 个文件：1 个通过")),
        "{stdout}"
    );
}

/// `src/read/preflight/` mirrors how one calamine release allocates; the pin
/// in Cargo.toml may not move without the mirror being checked again.
#[test]
fn calamine_is_pinned_to_the_release_the_preflight_mirrors() {
    let mirrored = jucai::read::preflight::MIRRORS_CALAMINE;
    let manifest = std::fs::read_to_string(common::root().join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("calamine = {{ version = \"={mirrored}\"")),
        "Cargo.toml pins calamine to exactly {mirrored}"
    );
    let lock = std::fs::read_to_string(common::root().join("Cargo.lock")).unwrap();
    assert!(
        lock.contains(&format!("name = \"calamine\"\nversion = \"{mirrored}\"")),
        "Cargo.lock resolves calamine {mirrored}"
    );
}
