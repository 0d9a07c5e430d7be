//! 人才风采: a roster where three talents agree (同意宣传 是) and two do not
//! (否, and left empty) gives a brochure, a board and a screen that name
//! exactly the three, and none of them holds an ID number, a phone or a
//! birth date; a talent who withdraws is gone from the next build.

use std::path::Path;

use crate::common::{self, clean_book, pdf_text, sample_platform, t, Book, Cell};

/// Who agrees, who does not.
const AGREE: [&str; 3] = ["张伟", "李娜", "赵敏"];
const DECLINE: [&str; 2] = ["钱进", "孙丽"];
/// What must never be shown: ID numbers, phones, birth dates.
const PRIVATE: [&str; 10] = [
    "15060219850312123X",
    "150602199207082445",
    "13947711111",
    "0477-8581234",
    "13847712222",
    "1985-03-12",
    "1985年3月12日",
    "1992年7月8日",
    "1978-01-15",
    "1978年1月15日",
];

/// 罕台镇's 2023Q3 workbook with five talents in the library: three agree,
/// one says 否, one leaves 同意宣传 empty; an achievement names two of them.
pub(crate) fn consenting_book() -> Book {
    let mut book = clean_book();
    let roster = book.sheet_mut("人才信息台账");
    roster[1].push(t("同意宣传"));
    roster[1].push(t("风采简介"));
    // 王强 stays in the library, renamed 赵敏; two more talents join.
    let template = roster[3].clone();
    for (id, name) in [("RC004", "钱进"), ("RC005", "孙丽")] {
        let mut row = template.clone();
        row[0] = t(id);
        row[1] = t(name);
        row[13] = Cell::Empty;
        roster.push(row);
    }
    book.set("人才信息台账", 2, "姓名", t("赵敏"));
    book.set("人才信息台账", 2, "在库状态", t("在库"));
    book.set("人才信息台账", 2, "流出日期", Cell::Empty);
    // 赵敏 has no ID number (王强's would disagree with nothing, but is his).
    book.set("人才信息台账", 2, "身份证号", Cell::Empty);
    // The rows above are 张伟 (0), 李娜 (1), 赵敏 (2), 钱进 (3), 孙丽 (4).
    book.set("人才信息台账", 0, "姓名", t("张伟"));
    for (i, consent) in ["是", "是", "是", "否", ""].iter().enumerate() {
        book.set("人才信息台账", i, "同意宣传", t(consent));
    }
    book.set(
        "人才信息台账",
        0,
        "风采简介",
        t("扎根田园社区十年，带领社工团队为三百余户困难家庭提供个案服务。"),
    );
    book
}

/// Take `book` in as `name` into `dir/archive`.
fn intake(dir: &Path, book: &Book, name: &str) {
    let file = dir.join(name);
    std::fs::write(&file, book.bytes()).unwrap();
    let platform = sample_platform();
    common::jucai_ok(
        dir,
        &[
            "intake",
            file.to_str().unwrap(),
            "--archive",
            "archive",
            "--platform",
            &platform,
        ],
    );
}

fn showcase(dir: &Path, extra: &[&str]) -> std::process::Output {
    let platform = sample_platform();
    let mut args = vec![
        "showcase",
        "--year",
        "2023",
        "--archive",
        "archive",
        "--platform",
        &platform,
    ];
    args.extend_from_slice(extra);
    common::jucai(dir, &args)
}

/// `jucai showcase --format json` for 2023: each showcase, and the text.
fn showcases(dir: &Path) -> (Vec<serde_json::Value>, String) {
    let out = showcase(dir, &["--format", "json"]);
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_str(&printed).unwrap(), printed)
}

/// The names a JSON showcase lists.
fn names(json: &serde_json::Value) -> Vec<String> {
    json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["talents"].as_array().unwrap().iter())
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

fn assert_private(what: &str, text: &str) {
    for secret in PRIVATE.iter().chain(&DECLINE) {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

#[test]
fn the_brochure_and_board_name_exactly_who_agreed_and_nothing_private() {
    crate::common::require_tool("pdftotext");
    let dir = tempfile::tempdir().unwrap();
    let book = consenting_book();
    intake(dir.path(), &book, "罕台镇2023年第三季度台账.xlsx");

    let (all, printed) = showcases(dir.path());
    let centre = all.iter().find(|s| s["level_kind"] == "centre").unwrap();
    assert_eq!(names(centre), AGREE, "{centre:#}");
    let station = all.iter().find(|s| s["unit"] == "150602-01").unwrap();
    assert_eq!(names(station), AGREE);
    let other = all.iter().find(|s| s["unit"] == "150602-02").unwrap();
    assert!(names(other).is_empty());
    let zhang = &centre["sections"][0]["talents"][0];
    assert_eq!(zhang["platform"], "罕台镇社工人才工作室");
    assert_eq!(zhang["key_talent"], true);
    assert_eq!(zhang["honours"][0]["name"], "罕台镇社区社工人才现状调研");
    assert!(zhang["profile"]
        .as_str()
        .unwrap()
        .starts_with("扎根田园社区"));
    assert_private("the JSON", &printed);

    let out = showcase(dir.path(), &["--out", "out"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let year = dir.path().join("out/2023");
    let brochure = year.join("人才风采图册-东胜区民政人才工作中心-2023.pdf");
    let board = year.join("人才风采展板-东胜区民政人才工作中心-2023.pdf");
    for (pdf, what) in [(&brochure, "brochure"), (&board, "board")] {
        let text = pdf_text(pdf, None, false);
        for name in AGREE {
            assert!(text.contains(name), "{what} lacks {name}:\n{text}");
        }
        assert_private(what, &text);
    }
    let brochure_text = pdf_text(&brochure, None, false).replace('\n', "");
    assert!(
        brochure_text.contains("经本人同意宣传的人才3名"),
        "{brochure_text}"
    );
    assert!(brochure_text.contains("全区在库人才5人"), "{brochure_text}");
    assert!(
        brochure_text.contains("罕台镇社区社工人才现状调研"),
        "{brochure_text}"
    );
    // The board is one A1 landscape page.
    assert_eq!(common::pdf_pages(&board), 1);
    let info = common::pdf_info(&board);
    assert!(
        info.contains("2383.94 x 1683.78 pts"),
        "A1 landscape: {info}"
    );
    // Each station's own set too.
    assert!(year
        .join("人才风采图册-东胜区社工人才工作站-2023.pdf")
        .is_file());
}

#[test]
fn a_talent_who_withdraws_consent_is_gone_from_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = consenting_book();
    intake(dir.path(), &book, "罕台镇2023年第三季度台账.xlsx");
    // A corrected version: 李娜 says 否 now.
    book.set("人才信息台账", 1, "同意宣传", t("否"));
    book.set_cover("填报日期", Cell::Date(2023, 10, 9));
    intake(dir.path(), &book, "罕台镇2023年第三季度台账（更正）.xlsx");
    let (all, _) = showcases(dir.path());
    let centre = all.iter().find(|s| s["level_kind"] == "centre").unwrap();
    assert_eq!(names(centre), ["张伟", "赵敏"]);
}

/// A workbook made before the columns existed means nobody agreed.
#[test]
fn a_roster_without_the_consent_column_shows_nobody() {
    let dir = tempfile::tempdir().unwrap();
    intake(dir.path(), &clean_book(), "罕台镇2023年第三季度台账.xlsx");
    let (all, _) = showcases(dir.path());
    assert!(all.iter().all(|s| names(s).is_empty()));
    assert_eq!(
        all.iter().find(|s| s["level_kind"] == "centre").unwrap()["figures"]["talents"],
        2
    );
}

/// The screen: the centre sees it after logging in, anyone with the key
/// the centre turned on sees it without, nobody else; it shows who agreed
/// and nothing private; consent set on the desk's entry form counts.
#[test]
fn the_screen_shows_who_agreed_to_the_centre_and_to_its_key_only() {
    let desk = crate::web::Desk::start("");
    let h = desk.login("hantai");
    let book = consenting_book();
    let bytes = book.bytes();
    let r = desk.upload(&h, &h.csrf, &[("罕台镇2023年第三季度台账.xlsx", &bytes)]);
    assert_eq!(r.status, 200, "{}", r.body);

    // Nobody logged in goes to the login page; a workroom head may not.
    let r = desk.get("/screen", None);
    assert_eq!((r.status, r.header("location")), (303, Some("/login")));
    assert_eq!(desk.get("/screen", Some(&h.cookie)).status, 403);

    let c = desk.login("clerk");
    let page = desk.get("/screen", Some(&c.cookie));
    assert_eq!(page.status, 200);
    for name in AGREE {
        assert!(page.body.contains(name), "{name}: {}", page.body);
    }
    assert_private("the screen", &page.body);
    assert!(page.body.contains("/static/screen.js") && !page.body.contains("<script>"));

    // The key: shown once, opens the screen and nothing else.
    let board = desk.get("/", Some(&c.cookie));
    assert!(board.body.contains("开启大屏链接"), "{}", board.body);
    let r = desk.post_form("/screen/key", &c, &[("csrf", c.csrf.as_str())]);
    assert_eq!(r.status, 200, "{}", r.body);
    let key = r
        .body
        .split("/screen?key=")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_string();
    assert!(key.len() >= 32, "{key}");
    let shown = desk.get(&format!("/screen?key={key}"), None);
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("张伟") && !shown.body.contains("钱进"));
    assert_eq!(desk.get("/screen?key=wrong", None).status, 303);
    for other in ["/", "/periods/2023Q3", "/units/150602-01-01", "/reports"] {
        let r = desk.get(&format!("{other}?key={key}"), None);
        assert_eq!(r.status, 303, "{other} with the screen's key");
    }
    assert!(desk.get("/", Some(&c.cookie)).body.contains("关闭大屏链接"));

    // 钱进 agrees on the desk's entry form: a new version, on the screen.
    let mut fields = crate::web::ledger_form(
        jucai::schema::LedgerKey::Roster,
        &[
            ("人才编号", "RC004"),
            ("姓名", "钱进"),
            ("性别", "女"),
            ("出生日期", "1992-07-08"),
            ("民族", "蒙古族"),
            ("政治面貌", "群众"),
            ("学历", "大学专科"),
            ("所学专业", "护理"),
            ("人才类别", "社会工作"),
            ("职业资格", "助理社会工作师"),
            ("工作单位", "罕台镇田园社区"),
            ("岗位", "社工"),
            ("联系电话", ""),
            ("身份证号", ""),
            ("入库日期", "2023-06-01"),
            ("在库状态", "在库"),
            ("重点人才", "否"),
            ("代表委员", "无"),
            ("同意宣传", "是"),
            ("风采简介", "十年如一日照护社区老人。"),
        ],
    );
    fields.push(("row".into(), "3".into()));
    fields.push(("csrf".into(), h.csrf.clone()));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = desk.post_form("/entry/150602-01-01/roster", &h, &fields);
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("还没有保存"), "{}", r.body);
    let shown = desk.get(&format!("/screen?key={key}"), None);
    assert!(
        shown.body.contains("钱进") && shown.body.contains("十年如一日"),
        "{}",
        shown.body
    );
    assert_private("the screen", &shown.body.replace("钱进", ""));

    // Turned off, the key opens nothing; no log holds it.
    let r = desk.post_form("/screen/key/off", &c, &[("csrf", c.csrf.as_str())]);
    assert_eq!(r.status, 303);
    assert_eq!(desk.get(&format!("/screen?key={key}"), None).status, 303);
    for log in ["archive/access.log", "journal.log"] {
        let text = std::fs::read_to_string(desk.dir.path().join(log)).unwrap();
        assert!(!text.contains(&key), "{log} holds the key");
    }
}
