//! A second district uses jucai with no code change: its own registry (codes
//! that are not numbers, five stations, one without workrooms) and its own
//! schema (a talent kind the built-in one lacks). Templates are written,
//! filled in by a real client (openpyxl), taken in and reported on.

use crate::common::{self, t, Book, Cell};

const SCHEMA_KINDS: &str =
    r#"values = ["社会工作", "养老护理", "殡葬服务", "社会组织党建", "社区工作", "其他"]"#;

/// The built-in schema with 心理服务 added to the talent kinds.
fn district_schema() -> String {
    let builtin = jucai::schema::BUILTIN_SCHEMA;
    assert!(builtin.contains(SCHEMA_KINDS), "the built-in talent kinds");
    builtin.replacen(
        SCHEMA_KINDS,
        r#"values = ["社会工作", "养老护理", "殡葬服务", "社会组织党建", "社区工作", "心理服务", "其他"]"#,
        1,
    )
}

/// 1 centre, 5 stations, workrooms under four of them; codes are letters.
fn district_registry() -> Book {
    let header = [
        "单位编码",
        "单位名称",
        "层级",
        "上级编码",
        "人才类别",
        "地址",
        "阵地面积（平方米）",
        "负责人",
        "联系电话",
        "制度数",
        "挂牌日期",
        "备注",
    ];
    let unit = |code: &str, name: &str, level: &str, parent: &str, kind: &str| {
        vec![
            t(code),
            t(name),
            t(level),
            t(parent),
            t(kind),
            t("青山路 1 号"),
            Cell::Number(260.0),
            t("王芳"),
            t("0472-5123456"),
            Cell::Number(3.0),
            Cell::Date(2024, 3, 1),
            Cell::Empty,
        ]
    };
    let rows = vec![
        header.iter().map(|h| t(h)).collect(),
        unit("QS", "青山区民政人才工作中心", "中心", "", ""),
        unit("QS-SG", "青山区社工人才工作站", "工作站", "QS", "社会工作"),
        unit(
            "QS-YL",
            "青山区养老护理人才工作站",
            "工作站",
            "QS",
            "养老护理",
        ),
        unit(
            "QS-BZ",
            "青山区殡葬服务人才工作站",
            "工作站",
            "QS",
            "殡葬服务",
        ),
        unit(
            "QS-DJ",
            "青山区社会组织党建人才工作站",
            "工作站",
            "QS",
            "社会组织党建",
        ),
        unit(
            "QS-XL",
            "青山区心理服务人才工作站",
            "工作站",
            "QS",
            "心理服务",
        ),
        unit(
            "QS-SG-A",
            "幸福路社工人才工作室",
            "工作室",
            "QS-SG",
            "社会工作",
        ),
        unit(
            "QS-YL-A",
            "康宁养老护理人才工作室",
            "工作室",
            "QS-YL",
            "养老护理",
        ),
        unit(
            "QS-DJ-A",
            "青年社会组织党建人才工作室",
            "工作室",
            "QS-DJ",
            "社会组织党建",
        ),
        unit(
            "QS-XL-A",
            "阳光心理服务人才工作室",
            "工作室",
            "QS-XL",
            "心理服务",
        ),
        unit(
            "QS-XL-B",
            "晨曦心理服务人才工作室",
            "工作室",
            "QS-XL",
            "心理服务",
        ),
    ];
    Book {
        sheets: vec![("平台名录".into(), rows)],
        ..Book::default()
    }
}

/// What a unit types into its template, with openpyxl: the cover, two
/// talents of the new kind, one activity.
const FILL: &str = r#"
import sys, datetime, openpyxl
src, dst = sys.argv[1], sys.argv[2]
book = openpyxl.load_workbook(src)
cover = book["封面"]
for row in cover.iter_rows():
    label = row[0].value
    if label == "填报人":
        row[1].value = "李娜"
    elif label == "联系电话":
        row[1].value = "13904721234"
    elif label == "填报日期":
        row[1].value = datetime.date(2025, 7, 5)

def fill(sheet, records):
    ws = book[sheet]
    header = [str(c.value or "").rstrip("★") for c in ws[2]]
    for i, record in enumerate(records):
        for name, value in record.items():
            ws.cell(row=3 + i, column=header.index(name) + 1, value=value)

def talent(n, sex, born):
    return {"人才编号": f"XL{n:03}", "姓名": f"心理{n}", "性别": sex,
            "出生日期": born, "政治面貌": "群众", "学历": "大学本科",
            "人才类别": "心理服务", "工作单位": "阳光心理服务中心",
            "联系电话": f"1390472{n:04}", "入库日期": datetime.date(2025, 4, 10),
            "在库状态": "在库"}

fill("人才信息台账", [talent(1, "女", datetime.date(1990, 5, 1)),
                   talent(2, "男", datetime.date(1980, 2, 3))])
fill("活动台账", [{"活动编号": "HD001", "活动日期": datetime.date(2025, 5, 20),
                 "活动名称": "心理健康讲座", "活动类型": "学术交流", "活动范围": "本室",
                 "参与人数": 40, "人才参与人数": 2, "经费（元）": 1200}])
book.save(dst)
"#;

#[test]
fn a_second_district_runs_template_fill_intake_report_with_no_code_change() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("字段.toml"), district_schema()).unwrap();
    std::fs::write(d.join("名录.xlsx"), district_registry().bytes()).unwrap();
    std::fs::write(
        d.join("jucai.toml"),
        "platform = \"名录.xlsx\"\nschema = \"字段.toml\"\narchive = \"档案\"\noutput = \"输出\"\ninput = \"收件\"\n",
    )
    .unwrap();

    // The platform as the district registered it.
    let out = common::jucai_ok(d, &["platform", "--format", "json"]);
    let tree: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let units = tree["units"].as_array().unwrap();
    assert_eq!(units.len(), 11);
    assert_eq!(units.iter().filter(|u| u["level"] == "station").count(), 5);

    // Templates for every unit, one of them filled in by a real client.
    common::jucai_ok(d, &["template", "--period", "2025Q2", "--out", "模板"]);
    let blank = d.join("模板/阳光心理服务人才工作室-2025年第二季度台账.xlsx");
    assert!(
        blank.is_file(),
        "the new station's workroom got its template"
    );
    assert_eq!(std::fs::read_dir(d.join("模板")).unwrap().count(), 11);
    std::fs::create_dir_all(d.join("收件")).unwrap();
    let filled = d.join("收件/阳光心理服务人才工作室-2025年第二季度台账.xlsx");
    python(&[FILL, blank.to_str().unwrap(), filled.to_str().unwrap()]);

    // It validates clean against the district's schema, and is taken in.
    let out = common::jucai(d, &["validate", "收件"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    common::jucai_ok(d, &["intake", "收件"]);

    // The new kind is counted in the workroom's station and in the centre.
    let out = common::jucai_ok(
        d,
        &[
            "report",
            "quarterly",
            "--period",
            "2025Q2",
            "--format",
            "json",
        ],
    );
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = |code: &str| {
        reports
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit"] == code)
            .unwrap_or_else(|| panic!("a report for {code}"))
            .clone()
    };
    for code in ["QS-XL-A", "QS-XL", "QS"] {
        let q = &report(code)["quarter"];
        assert_eq!(q["talents"]["in_library"], 2, "{code}");
        assert_eq!(q["talents"]["by_kind"]["心理服务"], 2, "{code}");
        assert_eq!(q["activities"]["five_kinds"], 1, "{code}");
    }
    // The station without workrooms has its report (reporting only itself).
    let bz = report("QS-BZ");
    assert_eq!(bz["reporting"]["due"], 1);
    assert_eq!(bz["quarter"]["talents"]["in_library"], 0);

    // And the reports are written, the codes kept as they are.
    common::jucai_ok(d, &["report", "quarterly", "--period", "2025Q2"]);
    let written: Vec<String> = std::fs::read_dir(d.join("输出/2025Q2"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        written.contains(&"季度报告-青山区心理服务人才工作站-2025Q2.pdf".to_string()),
        "{written:?}"
    );
    assert!(written
        .iter()
        .any(|n| n.contains("青山区殡葬服务人才工作站")));
    let status = common::jucai_ok(d, &["status", "--period", "2025Q2"]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("QS-XL-A"), "{text}");
}

/// Run a Python script (the real client), failing with what to install if
/// Python or openpyxl is missing.
fn python(args: &[&str]) {
    let (script, rest) = args.split_first().unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(rest)
        .output()
        .expect("python3 is installed (scripts/test installs openpyxl)");
    assert!(
        out.status.success(),
        "python3 with openpyxl (pip install openpyxl; scripts/test does it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
