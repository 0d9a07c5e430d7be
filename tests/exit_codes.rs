//! Every command's exit code (README: 0 正常；1 发现校验错误；2 用法错误或
//! 无法继续的错误): success, findings, usage errors and errors that stop the
//! command — the last two always with a Chinese message on stderr.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::{clean_book, t, Cell};

/// A working folder laid out by its own `jucai.toml` (the sample registry, a
/// small inbox of one clean workbook and one with an error), after `jucai run`.
fn layout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("jucai.toml"),
        format!(
            "platform = \"{}\"\ninput = \"收件箱\"\narchive = \"档案\"\noutput = \"输出\"\n",
            common::sample_platform()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("收件箱")).unwrap();
    std::fs::write(root.join("收件箱/罕台镇.xlsx"), clean_book().bytes()).unwrap();
    std::fs::write(root.join("收件箱/铜川镇.xlsx"), with_an_error()).unwrap();
    dir
}

/// 铜川镇's 2023Q3 workbook with 姓名 left out.
fn with_an_error() -> Vec<u8> {
    let mut book = clean_book();
    book.set_cover("单位编码", t("150602-01-03"));
    book.set_cover("单位名称", t("铜川镇社工人才工作室"));
    book.set("人才信息台账", 0, "姓名", Cell::Empty);
    book.bytes()
}

/// The sample registry with one mistake: a workroom whose parent is not in it.
fn broken_registry(path: &Path) {
    let (mut units, levels) = jucai::sample::dongsheng();
    let room = units.iter_mut().find(|u| u.code == "150602-01-01").unwrap();
    room.parent = Some("150602-99".into());
    jucai::reports::template::registry::write(
        &jucai::schema::Schema::builtin(),
        &units,
        &levels,
        path,
    )
    .unwrap();
}

/// `args` followed by `extra`.
fn with<'a>(args: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(extra).copied().collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn expect(dir: &Path, args: &[&str], code: i32) -> Output {
    let out = common::jucai(dir, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "jucai {}\nstdout: {}\nstderr: {}",
        args.join(" "),
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// A command that could not go on: exit 2, and stderr says why in Chinese
/// (“错误：…”, containing `says`), with no English of clap's or a panic's.
fn expect_refused(dir: &Path, args: &[&str], says: &str) {
    let out = expect(dir, args, 2);
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("错误："), "jucai {args:?}: {stderr}");
    assert!(stderr.contains(says), "jucai {args:?}: {stderr}");
    for english in ["error:", "Usage:", "panicked", "For more information"] {
        assert!(!stderr.contains(english), "jucai {args:?}: {stderr}");
    }
    assert!(
        out.stdout.is_empty(),
        "jucai {args:?}: {}",
        text(&out.stdout)
    );
}

#[test]
fn every_command_exits_0_when_it_succeeds() {
    let dir = layout();
    let root = dir.path();
    // The run takes in a workbook with an error: that is reported (feedback,
    // status), and the job is still done — exit 0, like intake below.
    let run = expect(root, &["run"], 0);
    assert!(
        text(&run.stdout).contains("1 个有错误"),
        "{}",
        text(&run.stdout)
    );
    assert!(root
        .join("输出/2023Q3/季度报告-东胜区社工人才工作站-2023Q3.pdf")
        .exists());
    std::fs::create_dir_all(root.join("再收")).unwrap();
    std::fs::write(root.join("再收/铜川镇-更正.xlsx"), with_an_error()).unwrap();
    let intake = expect(root, &["intake", "再收"], 0);
    assert!(
        text(&intake.stdout).contains("1 个有错误"),
        "{}",
        text(&intake.stdout)
    );
    expect(root, &["validate", "收件箱/罕台镇.xlsx"], 0);
    expect(root, &["status", "--period", "2023Q3"], 0);
    expect(root, &["report", "quarterly", "--period", "2023Q3"], 0);
    expect(
        root,
        &[
            "report",
            "quarterly",
            "--period",
            "2023Q3",
            "--format",
            "json",
        ],
        0,
    );
    expect(
        root,
        &["report", "annual", "--year", "2023", "--format", "json"],
        0,
    );
    expect(
        root,
        &[
            "report",
            "half-year",
            "--year",
            "2023",
            "--half",
            "2",
            "--format",
            "json",
        ],
        0,
    );
    expect(root, &["report", "monthly", "--month", "2023-09"], 0);
    expect(root, &["packet", "--year", "2023", "--format", "json"], 0);
    expect(root, &["directory", "--out", "名录"], 0);
    expect(root, &["export", "--period", "2023Q3", "--out", "导出"], 0);
    expect(root, &["platform"], 0);
    expect(root, &["platform", "--format", "json"], 0);
    expect(
        root,
        &[
            "template",
            "--period",
            "2023Q4",
            "--unit",
            "150602-01-01",
            "--out",
            "模板",
        ],
        0,
    );
    // The whole sample is generated (and exits 0) in tests/sample.rs.
    expect(root, &["sample", "--registry-only", "--out", "示例"], 0);
    expect(root, &["schema", "--part", "fields"], 0);
}

#[test]
fn findings_exit_1_from_validate_and_platform() {
    let dir = layout();
    let root = dir.path();
    let bad = expect(root, &["validate", "收件箱"], 1);
    assert!(
        text(&bad.stdout).contains("1 个有错误"),
        "{}",
        text(&bad.stdout)
    );
    expect(root, &["validate", "收件箱", "--format", "json"], 1);
    broken_registry(&root.join("有误的名录.xlsx"));
    let platform = expect(root, &["platform", "--platform", "有误的名录.xlsx"], 1);
    let stderr = text(&platform.stderr);
    assert!(
        stderr.contains("150602-99"),
        "the mistake is listed: {stderr}"
    );
    assert!(
        text(&platform.stdout).contains("150602  东胜区民政人才工作中心（中心）"),
        "the usable tree is still listed: {}",
        text(&platform.stdout)
    );
    expect(
        root,
        &[
            "platform",
            "--platform",
            "有误的名录.xlsx",
            "--format",
            "json",
        ],
        1,
    );
}

/// Bad command lines: every command refuses with exit 2 and says what is
/// wrong in Chinese (src/cli.rs `explain`).
#[test]
fn usage_errors_exit_2_with_a_chinese_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let invalid = "的值“2023Q5”无效：无法识别的报送期“2023Q5”";
    let cases: &[(&[&str], &str)] = &[
        (&["run", "--period", "2023Q5"], invalid),
        (&["run", "--bogus"], "不认识的参数“--bogus”"),
        (&["intake"], "缺少参数"),
        (&["intake", "收件", "--bogus"], "不认识的参数“--bogus”"),
        (&["validate"], "缺少参数"),
        (&["validate", "a.xlsx", "--format", "xml"], "的值“xml”无效"),
        (&["status"], "缺少参数：--period"),
        (&["status", "--period", "2023Q5"], invalid),
        (
            &["status", "--period", "2023Q3", "--format", "json"],
            "不认识的参数“--format”",
        ),
        (&["report", "quarterly", "--period", "2023Q5"], invalid),
        (&["report", "quarterly"], "缺少参数：--period"),
        (
            &["report", "annual", "--year", "二〇二三"],
            "的值“二〇二三”无效",
        ),
        (&["report", "weekly"], "没有“weekly”这个命令"),
        (
            &["report", "monthly", "--month", "2023-13"],
            "无法识别的月份",
        ),
        (
            &["report", "half-year", "--year", "2023", "--half", "3"],
            "--half",
        ),
        (&["directory", "--bogus"], "不认识的参数“--bogus”"),
        (&["packet"], "缺少参数：--year"),
        (
            &["packet", "--year", "2023", "--format", "pdf"],
            "的值“pdf”无效",
        ),
        (&["platform", "--format", "yaml"], "的值“yaml”无效"),
        (&["export", "--out", "o"], "--period <PERIOD>|--year <YEAR>"),
        (&["export", "--period", "2023Q3"], "缺少参数：--out"),
        (
            &[
                "export", "--period", "2023Q3", "--year", "2023", "--out", "o",
            ],
            "不能同时使用",
        ),
        (&["template", "--period", "2023Q3"], "缺少参数：--out"),
        (&["template", "--period", "2023Q5", "--out", "o"], invalid),
        (&["sample", "--scale", "0"], "的值“0”无效"),
        (&["schema", "--part", "tables"], "的值“tables”无效"),
        (&["frobnicate"], "没有“frobnicate”这个命令"),
    ];
    for (args, says) in cases {
        expect_refused(root, args, says);
        let stderr = text(&common::jucai(root, args).stderr);
        assert!(
            stderr.contains("用 jucai --help 查看用法。"),
            "{args:?}: {stderr}"
        );
    }
    assert!(
        std::fs::read_dir(root).unwrap().next().is_none(),
        "a refused command writes nothing"
    );
}

/// Errors that stop a command: no registry, a registry with mistakes, a unit
/// or year that is not there, a sample folder that is not empty.
#[test]
fn errors_that_stop_a_command_exit_2_with_a_chinese_message() {
    let dir = layout();
    let root = dir.path();
    expect(root, &["run"], 0);
    let missing = ["--platform", "没有这个名录.xlsx"];
    let needs_registry: &[&[&str]] = &[
        &["run"],
        &["intake", "收件箱"],
        &["validate", "收件箱"],
        &["status", "--period", "2023Q3"],
        &["report", "quarterly", "--period", "2023Q3"],
        &["report", "annual", "--year", "2023"],
        &["packet", "--year", "2023"],
        &["directory"],
        &["export", "--year", "2023", "--out", "导出"],
        &["platform"],
        &["template", "--period", "2023Q3", "--out", "模板"],
    ];
    for args in needs_registry {
        expect_refused(root, &with(args, &missing), "无法读写“没有这个名录.xlsx”");
    }
    broken_registry(&root.join("有误的名录.xlsx"));
    let broken = ["--platform", "有误的名录.xlsx"];
    // Only `platform` lists a broken registry (exit 1, above); every other
    // command stops, since every figure depends on the tree.
    for args in needs_registry.iter().filter(|a| a[0] != "platform") {
        let out = expect(root, &with(args, &broken), 2);
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("平台名录“有误的名录.xlsx”无法使用：请先更正上面列出的错误"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("150602-99"), "{args:?}: {stderr}");
    }
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "report",
                "quarterly",
                "--period",
                "2023Q3",
                "--unit",
                "150602-09",
            ],
            "平台名录中没有单位编码“150602-09”",
        ),
        (
            &[
                "template",
                "--period",
                "2023Q3",
                "--unit",
                "150602-09",
                "--out",
                "模板",
            ],
            "平台名录中没有单位编码“150602-09”",
        ),
        (
            &["report", "annual", "--year", "2019"],
            "报送档案中没有 2019 年的台账",
        ),
        (
            &["packet", "--year", "2019"],
            "报送档案中没有 2019 年的台账",
        ),
        (
            &["export", "--year", "2019", "--out", "导出"],
            "报送档案中没有 2019 年的台账",
        ),
        (
            &["export", "--period", "2019Q1", "--out", "导出"],
            "报送档案中没有 2019年第一季度的台账",
        ),
        (&["validate", "空文件夹"], "没有找到要校验的文件"),
        (
            &["run", "--config", "没有这个配置.toml"],
            "无法读取配置文件 没有这个配置.toml",
        ),
    ];
    std::fs::create_dir_all(root.join("空文件夹")).unwrap();
    for (args, says) in cases {
        expect_refused(root, args, says);
    }
    // A sample folder with files in it is not overwritten without --force.
    expect(root, &["sample", "--registry-only", "--out", "示例"], 0);
    std::fs::create_dir_all(root.join("示例/inbox")).unwrap();
    std::fs::write(root.join("示例/inbox/别人的.eml"), b"x").unwrap();
    let out = expect(root, &["sample", "--out", "示例"], 2);
    assert!(
        text(&out.stderr).contains("示例/inbox 已有文件；要重新生成请加 --force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read(root.join("示例/inbox/别人的.eml")).unwrap(),
        b"x"
    );
    // `schema --readme` on a file without the generated sections.
    std::fs::write(root.join("说明.md"), "# 说明\n").unwrap();
    expect_refused(root, &["schema", "--readme", "说明.md"], "说明.md");
}
