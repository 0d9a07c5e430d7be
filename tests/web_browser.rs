//! The web desk in a real browser: Chromium headless driven by Selenium
//! (`tests/servers/browser.py`). Screenshots land in
//! `target/web-screenshots/` to be looked at.

use crate::common::require_tool;
use crate::web::{Desk, PASSWORD};

/// Chromium, its driver and Python (for Selenium), or a failure saying
/// what to install.
fn require_browser() {
    for tool in ["chromium", "chromedriver", "python3"] {
        require_tool(tool);
    }
}

#[test]
fn a_workroom_head_logs_in_uploads_reads_the_diagnostics_and_downloads_the_feedback() {
    require_browser();
    let desk = Desk::start("");
    let work = tempfile::tempdir().unwrap();
    let mut book = crate::common::clean_book();
    book.set("人才信息台账", 0, "姓名", crate::common::Cell::Empty);
    let workbook = work
        .path()
        .join("罕台镇社工人才工作室-2023年第三季度台账.xlsx");
    std::fs::write(&workbook, book.bytes()).unwrap();
    let downloads = work.path().join("downloads");
    let shots = crate::web::screenshots();
    let shots_arg = shots.to_str().unwrap();
    let got = browse(
        &desk,
        &[
            "upload",
            "hantai",
            shots_arg,
            workbook.to_str().unwrap(),
            downloads.to_str().unwrap(),
        ],
    );
    assert!(
        got["board"].as_str().unwrap().starts_with("工作台"),
        "{got}"
    );
    assert!(
        got["period"].as_str().unwrap().contains("2023年第三季度"),
        "{got}"
    );
    assert_eq!(got["result"], "退回", "{got}");
    let rows = got["diagnostics"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r[0] == "人才信息台账!B3" && r[1].as_str().unwrap().contains("姓名")),
        "{got}"
    );
    let name = got["download"]
        .as_str()
        .expect("a downloaded feedback workbook");
    assert!(name.ends_with("校验反馈.xlsx"), "{name}");
    let bytes = std::fs::read(downloads.join(name)).unwrap();
    assert!(bytes.starts_with(b"PK"));
    assert_eq!(got["unit"], "罕台镇社工人才工作室");
    for png in ["login", "board", "period", "upload", "uploaded", "unit"] {
        let path = shots.join(format!("{png}.png"));
        assert!(
            std::fs::metadata(&path).unwrap().len() > 5_000,
            "{png}.png was taken"
        );
    }
}

#[test]
fn the_clerk_asks_for_the_quarterly_reports_again_and_follows_the_progress() {
    require_browser();
    let desk = Desk::start("");
    let shots = crate::web::screenshots();
    let got = browse(&desk, &["reports", "clerk", shots.to_str().unwrap()]);
    assert_eq!(got["job_title"], "2023Q3 季度报告", "{got}");
    assert!(
        got["job"]
            .as_str()
            .unwrap()
            .starts_with("已完成：10 个文件"),
        "{got}"
    );
    let files: Vec<&str> = got["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(
        files.iter().filter(|f| f.starts_with("季度报告-")).count(),
        10,
        "{got}"
    );
    for png in ["job", "reports"] {
        let path = shots.join(format!("{png}.png"));
        assert!(
            std::fs::metadata(&path).unwrap().len() > 5_000,
            "{png}.png was taken"
        );
    }
}

/// Run `tests/servers/browser.py FLOW` against the desk (the flow's user
/// logs in with the tests' password); what it read, as JSON.
fn browse(desk: &Desk, args: &[&str]) -> serde_json::Value {
    let url = desk.url("");
    let mut all = vec![args[0], url.as_str(), args[1], PASSWORD];
    all.extend_from_slice(&args[2..]);
    let out = std::process::Command::new("python3")
        .arg(crate::common::root().join("tests/servers/browser.py"))
        .args(&all)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser.py (is selenium installed? scripts/test installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// axe-core's browser script, installed by `scripts/test` (npm).
fn axe_js() -> std::path::PathBuf {
    let path = crate::common::root().join("target/axe/node_modules/axe-core/axe.min.js");
    assert!(
        path.exists(),
        "axe-core is not installed: run `npm install --prefix target/axe axe-core@4` \
         (scripts/test does it; Debian package npm)"
    );
    path
}

/// Every page, for the clerk, a station head and a workroom head, on a
/// 375 px phone: no sideways scrolling, zooming allowed, and no serious or
/// critical WCAG 2.1 A/AA finding by axe-core. A workroom head's desk opens
/// on its own unit, not on the district's progress.
#[test]
fn every_page_fits_a_phone_and_passes_axe_for_every_role() {
    require_browser();
    let axe = axe_js();
    let desk = Desk::start("");
    let shots = crate::web::screenshots().join("phone");
    let shots_arg = shots.to_str().unwrap();
    let roles: [(&str, &[&str]); 3] = [
        (
            "clerk",
            &[
                "/",
                "/periods/2023Q3",
                "/units/150602-01-01",
                "/units/150602",
                "/upload",
                "/reports",
            ],
        ),
        (
            "baihe",
            &[
                "/",
                "/periods/2023Q3",
                "/units/150602-01",
                "/units/150602-01-01",
                "/upload",
                "/reports",
            ],
        ),
        (
            "hantai",
            &[
                "/",
                "/periods/2023Q3",
                "/units/150602-01-01",
                "/upload",
                "/reports",
            ],
        ),
    ];
    for (user, pages) in roles {
        let mut args = vec!["audit", user, shots_arg, axe.to_str().unwrap()];
        args.extend_from_slice(pages);
        let got = browse(&desk, &args);
        let seen = got["pages"].as_array().unwrap();
        assert_eq!(
            seen.len(),
            pages.len() + 1,
            "the login page and each page: {got}"
        );
        for page in seen {
            let path = page["path"].as_str().unwrap();
            let (wide, viewport) = (page["scroll_width"].as_u64(), page["viewport"].as_u64());
            assert!(
                wide <= viewport,
                "{user} {path}: {wide:?} px wide on a {viewport:?} px phone"
            );
            let meta = page["viewport_meta"].as_str().unwrap();
            assert!(
                !meta.contains("user-scalable=no") && !meta.contains("maximum-scale=1"),
                "{user} {path} forbids zooming: {meta}"
            );
            let serious: Vec<&serde_json::Value> = page["violations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
                .collect();
            assert!(serious.is_empty(), "{user} {path}: {serious:#?}");
        }
        if user == "hantai" {
            let home = std::fs::metadata(shots.join("hantai-home.png")).unwrap();
            assert!(home.len() > 5_000, "the phone screenshot was taken");
        }
    }
    // The workroom head's home is its unit: its state and its template.
    let s = desk.login("hantai");
    let home = desk.get("/", Some(&s.cookie)).body;
    assert!(home.contains("罕台镇社工人才工作室"), "{home}");
    assert!(home.contains("/units/150602-01-01/template/"), "{home}");
    assert!(!home.contains("报送进度"), "{home}");
}

/// A workroom head on a phone adds an activity through 网页填报: it is in
/// the period's report model and in the unit's newest workbook.
#[test]
fn a_record_added_on_a_phone_reaches_the_report_and_the_newest_workbook() {
    require_browser();
    let desk = Desk::start("");
    let shots = crate::web::screenshots().join("phone");
    let got = browse(
        &desk,
        &[
            "entry",
            "hantai",
            shots.to_str().unwrap(),
            "活动台账",
            "活动编号=HD-手机-01",
            "活动日期=2023-11-20",
            "活动名称=手机上登记的社区走访",
            "活动类型=学术交流",
            "活动范围=本室",
            "参与人数=18",
        ],
    );
    assert!(
        got["saved"].as_str().unwrap().contains("已保存到活动台账"),
        "{got}"
    );
    assert!(got["form_width"].as_u64().unwrap() <= 375, "{got}");
    let dir = desk.dir.path();
    let out = crate::common::jucai_ok(
        dir,
        &[
            "report",
            "quarterly",
            "--period",
            "2023Q4",
            "--format",
            "json",
        ],
    );
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let hantai = all.iter().find(|u| u["unit"] == "150602-01-01").unwrap();
    assert_eq!(hantai["quarter"]["activities"]["count"], 1, "{hantai}");
    let archive = jucai::archive::Archive::open(&dir.join("archive")).unwrap();
    let newest = archive
        .newest("150602-01-01", "2023Q4".parse().unwrap())
        .unwrap();
    assert!(newest.source.contains("网页填报"), "{}", newest.source);
    let bytes = archive.bytes(newest).unwrap();
    let path = dir.join("newest.xlsx");
    std::fs::write(&path, bytes).unwrap();
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    let sheet = book.worksheet_range("活动台账").unwrap();
    assert!(
        sheet
            .rows()
            .any(|r| r.iter().any(|c| *c == "手机上登记的社区走访")),
        "the activity is in the newest workbook"
    );
}

/// 大屏 on a 1920 × 1080 display: it does not scroll, shows three talents
/// who agreed at a time and the next three by itself, and axe-core finds
/// nothing serious.
#[test]
fn the_big_screen_fits_1920_by_1080_without_scrolling() {
    require_browser();
    let axe = axe_js();
    let desk = Desk::start("");
    let shots = crate::web::screenshots();
    let got = browse(
        &desk,
        &[
            "screen",
            "clerk",
            shots.to_str().unwrap(),
            axe.to_str().unwrap(),
        ],
    );
    let size: Vec<u64> = serde_json::from_value(got["size"].clone()).unwrap();
    assert_eq!((size[2], size[3]), (1920, 1080), "{got}");
    assert!(
        size[0] <= size[2] && size[1] <= size[3],
        "it scrolls: {got}"
    );
    let names: Vec<String> = serde_json::from_value(got["names"].clone()).unwrap();
    let next: Vec<String> = serde_json::from_value(got["names_next"].clone()).unwrap();
    assert_eq!(names.len(), 3, "{got}");
    assert!(
        got["slides"].as_u64().unwrap() > 1 && next.len() == 3 && next != names,
        "{got}"
    );
    let serious: Vec<_> = got["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(serious.is_empty(), "{serious:?}");
    assert!(shots.join("screen-1920x1080.png").is_file());
}
