//! Annual research summaries on the committed sample: the narrative's numbers
//! equal the model's, and the shortcomings follow from the data (the sample
//! plants a station short of activities and one with no research report).

use crate::common;

use std::path::Path;

use serde_json::Value;

fn annual(root: &Path, year: &str) -> Vec<Value> {
    if !root.join("archive").exists() {
        common::intake_sample(root);
    }
    let platform = common::sample_platform();
    let base = [
        "report",
        "annual",
        "--year",
        year,
        "--archive",
        "archive",
        "--platform",
        &platform,
    ];
    let json = common::jucai_ok(root, &[&base[..], &["--format", "json"]].concat());
    common::jucai_ok(root, &[&base[..], &["--out", "out"]].concat());
    serde_json::from_slice(&json.stdout).unwrap()
}

#[test]
fn narrative_numbers_and_findings_follow_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let y2023 = annual(root, "2023");
    let y2024 = annual(root, "2024");
    let by = |v: &[Value], code: &str| v.iter().find(|r| r["unit"] == code).unwrap().clone();
    // Stations in registry order: 社工, 养老护理, 殡葬服务, 社会组织党建.
    let funeral = by(&y2023, "150602-03");
    let party = by(&y2023, "150602-04");
    let unmet = |r: &Value| -> Vec<String> {
        r["targets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["met"] == false)
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        unmet(&funeral).contains(&"五类人才活动".to_string()),
        "{:?}",
        unmet(&funeral)
    );
    assert!(
        unmet(&party).contains(&"人才调研报告".to_string()),
        "{:?}",
        unmet(&party)
    );
    assert!(y2023.iter().all(|r| r["previous_year"].is_null()));
    assert!(by(&y2024, "150602")["previous_year"].is_object());

    common::require_tool("pdftotext");
    for (year, reports) in [("2023", &y2023), ("2024", &y2024)] {
        for r in reports.iter().filter(|r| r["level_kind"] != "workroom") {
            let name = r["name"].as_str().unwrap();
            let pdf = root
                .join("out")
                .join(year)
                .join(format!("年度人才调研报告-{name}-{year}.pdf"));
            // Set as a document, the text has no space between Chinese and figures.
            let text = common::pdf_text(&pdf, None, false).replace(['\n', ' '], "");
            let y = &r["total"];
            for expected in [
                format!("在库人才 {} 人", y["talents"]["in_library"]),
                format!("持证社工 {} 人", y["talents"]["certified_social_workers"]),
                format!(
                    "全年登记人才问题 {} 件，办结 {} 件",
                    y["problems"]["new"], y["problems"]["closed"]
                ),
                format!("全年开展人才活动 {} 次", y["activities"]["count"]),
                format!(
                    "形成人才调研报告 {} 份",
                    y["achievements"]["research_reports"]
                ),
            ] {
                assert!(
                    text.contains(&expected.replace(' ', "")),
                    "{name} {year}: “{expected}” not in the narrative"
                );
            }
            for section in [
                "一、基本情况",
                "二、人才队伍结构",
                "三、问题与需求分析",
                "四、活动开展情况",
                "五、成果情况",
                "六、存在的不足",
                "七、下一步建议",
            ] {
                assert!(text.contains(section), "{name} {year}: {section}");
            }
            if year == "2024" {
                assert!(text.contains("较上年"), "{name}: year-on-year");
            }
        }
    }
    let funeral_pdf = common::pdf_text(
        &root.join("out/2023/年度人才调研报告-东胜区殡葬服务人才工作站-2023.pdf"),
        None,
        false,
    )
    .replace(['\n', ' '], "");
    assert!(
        funeral_pdf.contains("五类人才活动") && funeral_pdf.contains("未达到不少于4次的要求"),
        "shortcoming from the data"
    );
    let party_pdf = common::pdf_text(
        &root.join("out/2023/年度人才调研报告-东胜区社会组织党建人才工作站-2023.pdf"),
        None,
        false,
    )
    .replace('\n', "");
    assert!(
        party_pdf.contains("人才调研报告0份"),
        "missing research report called out"
    );
}

/// Every breakdown table of the annual XLSX lists its values in the
/// schema's order (age bands youngest first), not in key order: 学历 came out
/// 中专, 大学专科, 大学本科, 研究生, 高中及以下 before.
#[test]
fn breakdowns_in_the_annual_xlsx_follow_the_schemas_order() {
    use calamine::{open_workbook_auto, Reader};
    use jucai::schema::{LedgerKey, Schema};

    let dir = tempfile::tempdir().unwrap();
    annual(dir.path(), "2023");
    let schema = Schema::builtin();
    let roster = schema.ledger(LedgerKey::Roster);
    let field = |key: LedgerKey, name: &str| -> Vec<String> {
        let f = schema.ledger(key).fields.iter().find(|f| f.name == name);
        f.unwrap().values.clone()
    };
    assert!(roster.fields.iter().any(|f| f.name == "学历"));
    let ages: Vec<String> = ["35岁及以下", "36–45岁", "46–55岁", "56岁及以上"]
        .map(String::from)
        .to_vec();
    let expected: [(&str, Vec<String>); 6] = [
        ("学历", field(LedgerKey::Roster, "学历")),
        ("年龄", ages),
        ("职业资格", field(LedgerKey::Roster, "职业资格")),
        ("人才类别", field(LedgerKey::Roster, "人才类别")),
        ("政治面貌", field(LedgerKey::Roster, "政治面貌")),
        ("活动类型", field(LedgerKey::Activities, "活动类型")),
    ];
    let path = dir
        .path()
        .join("out/2023/年度人才调研报告-东胜区民政人才工作中心-2023.xlsx");
    let mut book = open_workbook_auto(&path).unwrap();
    for (sheet, order) in expected {
        let range = book.worksheet_range(sheet).unwrap();
        let shown: Vec<String> = range
            .rows()
            .skip(1)
            .filter_map(|r| r.first().map(|c| c.to_string()))
            .filter(|v| !v.is_empty())
            .collect();
        assert!(shown.len() >= 4, "{sheet}: {shown:?}");
        let listed: Vec<String> = order
            .iter()
            .filter(|v| shown.contains(v))
            .cloned()
            .collect();
        assert_eq!(
            shown[..listed.len()],
            listed[..],
            "{sheet}: schema order first"
        );
    }
}
