//! The web desk over HTTP: every access rule (each role × each kind of
//! page and download), CSRF on every form, the upload limit (413 before the
//! body is read), escaping of user text, the login limit and the access
//! log. Each test starts its own `jucai serve` on a free loopback port and
//! stops it when done. The browser tests are in `web_browser.rs`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::servers::free_port;
use crate::common::{root, sample_platform};

pub const PASSWORD: &str = "Desk-pw-4471-secret";

/// A `jucai serve` of a test's own, with accounts and the sample's 2023Q3 mail.
pub struct Desk {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
}

/// Accounts every desk has: (name, role, unit).
pub const ACCOUNTS: [(&str, &str, Option<&str>); 5] = [
    ("clerk", "centre", None),
    ("baihe", "station", Some("150602-01")),
    ("hantai", "workroom", Some("150602-01-01")),
    ("tongchuan", "workroom", Some("150602-01-03")),
    ("xinhai", "workroom", Some("150602-02-01")),
];

impl Desk {
    pub fn start(extra_config: &str) -> Desk {
        Desk::start_with(extra_config, &sample_platform(), true, &[])
    }

    /// A desk on `platform`, with the sample's 2023Q3 mail when `sample_mail`,
    /// `jucai serve` given `serve_args` besides its address.
    pub fn start_with(
        extra_config: &str,
        platform: &str,
        sample_mail: bool,
        serve_args: &[&str],
    ) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("jucai.toml"),
            format!(
                "platform = \"{platform}\"\ninput = \"inbox\"\narchive = \"archive\"\noutput = \"output\"\n{extra_config}\n"
            ),
        )
        .unwrap();
        if sample_mail {
            let inbox = root().join("sample-input/inbox/2023Q3");
            crate::common::jucai_ok(dir.path(), &["intake", inbox.to_str().unwrap()]);
        }
        for (name, role, unit) in ACCOUNTS {
            if !sample_mail && unit.is_some() {
                continue;
            }
            add_user(dir.path(), name, role, unit);
        }
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_jucai"))
            .current_dir(dir.path())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(serve_args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // What `jucai serve` writes to standard error: the journal.
            .stderr(std::fs::File::create(dir.path().join("journal.log")).unwrap())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "jucai serve did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Desk { dir, port, child }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Log in as `name`; returns the session cookie and the page's CSRF token.
    pub fn login(&self, name: &str) -> Session {
        let page = self.get("/login", None);
        let pre = page.cookie("jucai_login").expect("login cookie");
        let csrf = page.hidden("csrf").expect("login form token");
        let body = format!("username={name}&password={PASSWORD}&csrf={csrf}");
        let r = self.request(
            "POST",
            "/login",
            Some(&format!("jucai_login={pre}")),
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        );
        assert_eq!(r.status, 303, "{name} logs in: {}", r.body);
        let cookie = format!(
            "jucai_session={}",
            r.cookie("jucai_session").expect("session cookie")
        );
        let board = self.get("/", Some(&cookie));
        assert_eq!(board.status, 200);
        let csrf = board.hidden("csrf").expect("page token");
        Session { cookie, csrf }
    }

    /// A report job's page once the job is over (it reloads itself until then).
    pub fn finished_job(&self, s: &Session, location: &str) -> Reply {
        assert!(location.starts_with("/reports/jobs/"), "{location}");
        let start = Instant::now();
        loop {
            let page = self.get(location, Some(&s.cookie));
            assert_eq!(page.status, 200, "{}", page.body);
            if !page.body.contains("http-equiv=\"refresh\"") {
                return page;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "the job at {location} did not finish: {}",
                page.body
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        self.request("GET", path, cookie, None)
    }

    pub fn post_form(&self, path: &str, s: &Session, fields: &[(&str, &str)]) -> Reply {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
            .collect();
        self.request(
            "POST",
            path,
            Some(&s.cookie),
            Some((
                "application/x-www-form-urlencoded",
                body.join("&").as_bytes(),
            )),
        )
    }

    /// POST a multipart form: the token field, then files.
    pub fn upload(&self, s: &Session, csrf: &str, files: &[(&str, &[u8])]) -> Reply {
        let named: Vec<(&[u8], &[u8])> = files.iter().map(|(n, b)| (n.as_bytes(), *b)).collect();
        self.upload_named(s, csrf, &named)
    }

    /// The same, each file's name given as the bytes the browser sends.
    pub fn upload_named(&self, s: &Session, csrf: &str, files: &[(&[u8], &[u8])]) -> Reply {
        let boundary = "jucai-test-boundary-7f3a";
        let mut body = Vec::new();
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
        )
        .unwrap();
        for (name, bytes) in files {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
            )
            .unwrap();
            body.extend_from_slice(name);
            write!(body, "\"\r\nContent-Type: application/octet-stream\r\n\r\n").unwrap();
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        write!(body, "--{boundary}--\r\n").unwrap();
        let ct = format!("multipart/form-data; boundary={boundary}");
        self.request("POST", "/upload", Some(&s.cookie), Some((&ct, &body)))
    }

    /// One HTTP/1.1 request (no redirects followed).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<(&str, &[u8])>,
    ) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        if let Some(c) = cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
        }
        if let Some((ct, b)) = body {
            head.push_str(&format!(
                "Content-Type: {ct}\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        if let Some((_, b)) = body {
            // The server may answer (413) and close before reading it all.
            let _ = stream.write_all(b);
        }
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        Reply::parse(&raw)
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn add_user(dir: &Path, name: &str, role: &str, unit: Option<&str>) {
    let mut args = vec!["user", "add", name, "--role", role, "--password-stdin"];
    if let Some(u) = unit {
        args.extend(["--unit", u]);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user add {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut bytes = raw.get(split + 4..).unwrap_or_default().to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v == "chunked")
        {
            bytes = dechunk(&bytes);
        }
        Reply {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            headers,
            bytes,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next()?.split_once('='))
            .find(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v.to_string())
    }

    /// The value of the first hidden input named `name`.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let re = regex::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).unwrap();
        re.captures(&self.body).map(|c| c[1].to_string())
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 4 + size..];
    }
    out
}

/// A unit's first reception in the desk's archive.
fn seq_of(dir: &Path, unit: &str) -> u64 {
    let a = jucai::archive::Archive::open(&dir.join("archive")).unwrap();
    a.records()
        .iter()
        .find(|r| r.unit.as_deref() == Some(unit))
        .unwrap()
        .seq
}

#[test]
fn every_page_and_download_checks_who_may_see_it() {
    let desk = Desk::start("");
    let dir = desk.dir.path().to_path_buf();
    // 罕台镇 (社工站 01) and 鑫海 (养老站 02) each sent something in 2023Q3.
    let hantai = seq_of(&dir, "150602-01-01");
    let xinhai = seq_of(&dir, "150602-02-01");
    let pages: Vec<(String, [u16; 5])> = vec![
        //                                   clerk baihe hantai tongchuan xinhai
        ("/".into(), [200, 200, 200, 200, 200]),
        ("/periods/2023Q3".into(), [200, 200, 200, 200, 200]),
        (
            "/periods/2023Q3/status.xlsx".into(),
            [200, 403, 403, 403, 403],
        ),
        ("/units/150602-01-01".into(), [200, 200, 200, 403, 403]),
        ("/units/150602-01".into(), [200, 200, 403, 403, 403]),
        ("/units/150602-02-01".into(), [200, 403, 403, 403, 200]),
        ("/units/150602".into(), [200, 403, 403, 403, 403]),
        (
            format!("/units/150602-01-01/files/{hantai}"),
            [200, 200, 200, 403, 403],
        ),
        (
            format!("/units/150602-01-01/feedback/{hantai}"),
            [200, 200, 200, 403, 403],
        ),
        (
            format!("/units/150602-02-01/files/{xinhai}"),
            [200, 403, 403, 403, 200],
        ),
        // A reception asked for under another unit's address is not found.
        (
            format!("/units/150602-01-03/files/{hantai}"),
            [404, 404, 403, 404, 403],
        ),
        ("/units/999999".into(), [404, 404, 404, 404, 404]),
        (
            "/units/150602-01-01/template/2023Q4".into(),
            [200, 200, 200, 403, 403],
        ),
        (
            "/units/150602-01-01/template/2023Q4/blank".into(),
            [200, 200, 200, 403, 403],
        ),
        (
            "/units/150602-01-01/template/nonsense".into(),
            [404, 404, 404, 404, 404],
        ),
        ("/reports".into(), [200, 200, 200, 200, 200]),
        // Report jobs are the centre's: others are refused before the lookup.
        ("/reports/jobs/1".into(), [404, 403, 403, 403, 403]),
        ("/upload".into(), [200, 200, 200, 200, 200]),
    ];
    for (page, _) in &pages {
        let r = desk.get(page, None);
        assert_eq!(r.status, 303, "{page} without logging in");
        assert_eq!(r.header("location"), Some("/login"));
    }
    for (i, (name, _, _)) in ACCOUNTS.iter().enumerate() {
        let s = desk.login(name);
        for (page, expected) in &pages {
            let r = desk.get(page, Some(&s.cookie));
            assert_eq!(r.status, expected[i], "{name} GET {page}");
        }
        // The status page lists only the units in the viewer's scope.
        let status = desk.get("/periods/2023Q3", Some(&s.cookie)).body;
        let sees = |code: &str| status.contains(&format!("/units/{code}\""));
        match *name {
            "clerk" => assert!(sees("150602-01-01") && sees("150602-02-01") && sees("150602")),
            "baihe" => assert!(
                sees("150602-01-01")
                    && sees("150602-01-03")
                    && !sees("150602-02-01")
                    && !sees("150602")
            ),
            "hantai" => {
                assert!(sees("150602-01-01") && !sees("150602-01-03") && !sees("150602-01"))
            }
            _ => {}
        }
    }
    // A forged session cookie is nobody.
    let r = desk.get("/", Some("jucai_session=00ff"));
    assert_eq!(r.status, 303);
}

/// No page shows a whole ID number or a talent's whole phone number: the
/// diagnostics that quote them (the sample's 2023Q3 has a wrong check digit
/// and a wrong phone) show them masked; the unit's own download keeps them.
#[test]
fn no_page_shows_a_whole_id_number_or_phone() {
    let desk = Desk::start("");
    // 罕台镇 sends a roster with a wrong check digit: its result page and,
    // later, its unit page quote the number, masked.
    let mut bad = crate::common::clean_book();
    bad.set(
        "人才信息台账",
        0,
        "身份证号",
        crate::common::t("150602198503121230"),
    );
    let sent = bad.bytes();
    let s = desk.login("hantai");
    let r = desk.upload(&s, &s.csrf, &[("罕台镇.xlsx", &sent)]);
    assert!(!r.body.contains("150602198503121230"), "{}", r.body);
    assert!(r.body.contains("150602********1230"), "{}", r.body);
    let s = desk.login("clerk");
    let whole = regex::Regex::new(r"(^|[^0-9])(\d{17}[0-9Xx]|1[3-9]\d{9})([^0-9]|$)").unwrap();
    let masked = regex::Regex::new(r"\d{6}\*{8}[0-9Xx]{4}").unwrap();
    let mut pages: Vec<String> = vec!["/".into(), "/periods/2023Q3".into(), "/reports".into()];
    pages.extend(
        crate::common::sample_registry()
            .units()
            .iter()
            .map(|u| format!("/units/{}", u.code)),
    );
    let mut seen_masked = 0;
    for page in &pages {
        let body = desk.get(page, Some(&s.cookie)).body;
        if let Some(m) = whole.find(&body) {
            panic!("{page} shows {}", m.as_str());
        }
        seen_masked += masked.find_iter(&body).count();
    }
    assert!(seen_masked > 0, "the wrong ID number is listed, masked");
    // The unit's own download keeps the whole number, to be corrected.
    let a = jucai::archive::Archive::open(&desk.dir.path().join("archive")).unwrap();
    let seq = a.records().last().unwrap().seq;
    let original = desk.get(&format!("/units/150602-01-01/files/{seq}"), Some(&s.cookie));
    assert!(original.bytes == sent, "the original, whole");
}

#[test]
fn every_form_needs_the_session_token() {
    let desk = Desk::start("");
    let s = desk.login("clerk");
    let forged = Session {
        cookie: s.cookie.clone(),
        csrf: "0".repeat(64),
    };
    for (path, fields) in [
        ("/logout", vec![]),
        ("/reports/generate", vec![("kind", "directory")]),
        ("/periods/2023Q3/notify", vec![("kind", "reminder")]),
    ] {
        let mut with = fields.clone();
        with.push(("csrf", &forged.csrf));
        assert_eq!(
            desk.post_form(path, &s, &with).status,
            403,
            "{path} with a wrong token"
        );
        assert_eq!(
            desk.post_form(path, &s, &fields).status,
            403,
            "{path} without a token"
        );
    }
    let book = crate::common::clean_book().bytes();
    assert_eq!(desk.upload(&s, "wrong", &[("a.xlsx", &book)]).status, 403);
    // The login form too: without its own cookie the token is refused.
    let page = desk.get("/login", None);
    let csrf = page.hidden("csrf").unwrap();
    let body = format!("username=clerk&password={PASSWORD}&csrf={csrf}");
    let r = desk.request(
        "POST",
        "/login",
        None,
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 403);
    // With the right token the same forms work.
    let r = desk.post_form(
        "/reports/generate",
        &s,
        &[("kind", "directory"), ("csrf", &s.csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let job = desk.finished_job(&s, r.header("location").unwrap());
    assert!(job.body.contains("已完成"), "{}", job.body);
    assert!(desk.dir.path().join("output/平台名录.pdf").exists());
    assert_eq!(
        desk.post_form("/logout", &s, &[("csrf", &s.csrf)]).status,
        303
    );
    assert_eq!(desk.get("/", Some(&s.cookie)).status, 303, "logged out");
}

#[test]
fn a_report_job_shows_how_far_it_has_got_and_what_it_wrote() {
    let desk = Desk::start("");
    let s = desk.login("clerk");
    let r = desk.post_form(
        "/reports/generate",
        &s,
        &[
            ("kind", "quarterly"),
            ("period", "2023Q3"),
            ("csrf", &s.csrf),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").unwrap().to_string();
    // The job's page answers at once, while the reports are being written.
    let first = desk.get(&location, Some(&s.cookie));
    assert_eq!(first.status, 200);
    assert!(first.body.contains("2023Q3 季度报告"), "{}", first.body);
    let done = desk.finished_job(&s, &location);
    assert!(
        done.body.contains("class=\"job finished done\""),
        "{}",
        done.body
    );
    // Every file the page counts is in the period's folder: the centre's and
    // the four stations' reports, PDF and XLSX each.
    let written = std::fs::read_dir(desk.dir.path().join("output/2023Q3"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("季度报告"))
        .count();
    assert_eq!(written, 10);
    assert!(done.body.contains("已完成：10 个文件"), "{}", done.body);
    // The reports page lists the job and the files.
    let reports = desk.get("/reports", Some(&s.cookie)).body;
    assert!(
        reports.contains(&format!("href=\"{location}\"")),
        "{reports}"
    );
    assert!(
        reports.contains("季度报告-东胜区民政人才工作中心-2023Q3.pdf"),
        "{reports}"
    );
    // A station head may not look at the centre's jobs.
    let baihe = desk.login("baihe");
    assert_eq!(desk.get(&location, Some(&baihe.cookie)).status, 403);
}

/// The Word copies of the summaries are listed on /reports and served as
/// Word documents, to whoever may see the report they copy.
#[test]
fn the_reports_page_offers_the_word_copies_to_those_who_may_see_them() {
    let desk = Desk::start("");
    let year = desk.dir.path().join("output/2023");
    std::fs::create_dir_all(&year).unwrap();
    let name = "年度人才调研报告-东胜区社工人才工作站-2023.docx";
    std::fs::write(year.join(name), b"PK\x03\x04 a Word copy").unwrap();
    let path = format!(
        "/reports/files/2023/{}",
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    );
    for (who, status) in [("clerk", 200), ("baihe", 200), ("xinhai", 404)] {
        let s = desk.login(who);
        let page = desk.get("/reports", Some(&s.cookie)).body;
        assert_eq!(page.contains(name), status == 200, "{who}: {page}");
        let r = desk.get(&path, Some(&s.cookie));
        assert_eq!(r.status, status, "{who}");
        if status == 200 {
            assert_eq!(
                r.header("content-type"),
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            );
            assert!(r.bytes.starts_with(b"PK"));
        }
    }
}

#[test]
fn an_upload_over_the_limit_is_refused_with_413() {
    let desk = Desk::start("[limits]\nmax_file_mb = 1");
    let s = desk.login("clerk");
    let big = vec![b'x'; 3_000_000];
    let r = desk.upload(&s, &s.csrf, &[("big.xlsx", &big)]);
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.body.contains("超过大小上限"));
    // The desk keeps serving.
    assert_eq!(desk.get("/", Some(&s.cookie)).status, 200);
}

#[test]
fn a_workroom_head_uploads_only_its_own_unit_and_reads_every_diagnostic() {
    let desk = Desk::start("");
    let s = desk.login("tongchuan");
    // 罕台镇's workbook, from 铜川镇's head: refused, nothing stored.
    let before = jucai::archive::Archive::open(&desk.dir.path().join("archive"))
        .unwrap()
        .records()
        .len();
    let book = crate::common::clean_book().bytes();
    let r = desk.upload(&s, &s.csrf, &[("罕台镇.xlsx", &book)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("没有收下"), "{}", r.body);
    let after = jucai::archive::Archive::open(&desk.dir.path().join("archive"))
        .unwrap()
        .records()
        .len();
    assert_eq!(before, after);

    // 罕台镇's own head: taken in, with the cell of each problem.
    let s = desk.login("hantai");
    let mut bad = crate::common::clean_book();
    bad.set("人才信息台账", 0, "姓名", crate::common::Cell::Empty);
    let r = desk.upload(&s, &s.csrf, &[("../../etc/罕台镇-更正.xlsx", &bad.bytes())]);
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("退回") && r.body.contains("人才信息台账!B3"),
        "{}",
        r.body
    );
    let a = jucai::archive::Archive::open(&desk.dir.path().join("archive")).unwrap();
    let newest = a.records().last().unwrap();
    assert_eq!(
        newest.original_name, "罕台镇-更正.xlsx",
        "a name, never a path"
    );
    let link = regex::Regex::new(r#"href="(/units/150602-01-01/feedback/\d+)""#).unwrap();
    let href = link.captures(&r.body).expect("feedback link")[1].to_string();
    let xlsx = desk.get(&href, Some(&s.cookie));
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.bytes.starts_with(b"PK"), "an xlsx");
    assert!(xlsx
        .header("content-disposition")
        .unwrap()
        .contains("filename*=UTF-8''"));

    // A clean version with three talents where the accepted one had a full
    // roster: taken in, with what changed and the roster-shrink warning.
    let book = crate::common::clean_book().bytes();
    let r = desk.upload(&s, &s.csrf, &[("罕台镇-第三版.xlsx", &book)]);
    assert!(r.body.contains("与本期早先报送的版本相比："), "{}", r.body);
    assert!(
        r.body.contains("请注意：名册比本期早先的版本少了"),
        "{}",
        r.body
    );
}

/// Regression: a file name sent in raw GBK was recorded as an empty name.
#[test]
fn an_upload_named_in_raw_gbk_keeps_its_chinese_name() {
    let desk = Desk::start("");
    let s = desk.login("hantai");
    let name = encoding_rs::GBK
        .encode("罕台镇台账-GBK.xlsx")
        .0
        .into_owned();
    let book = crate::common::clean_book().bytes();
    let r = desk.upload_named(&s, &s.csrf, &[(&name, &book)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let a = jucai::archive::Archive::open(&desk.dir.path().join("archive")).unwrap();
    assert_eq!(
        a.records().last().unwrap().original_name,
        "罕台镇台账-GBK.xlsx"
    );
}

/// The centre sees on the period's page what was quarantined and why;
/// a workroom head does not see other units' strays.
#[test]
fn the_period_page_tells_the_centre_why_a_file_was_quarantined() {
    let desk = Desk::start("");
    let clerk = desk.login("clerk");
    let rar: &[u8] = b"Rar!\x1a\x07\x01\x00\x33\x92\xb5\xe5";
    let r = desk.upload(&clerk, &clerk.csrf, &[("各站台账.rar", rar)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("这是一个 RAR 压缩包"),
        "the upload result says why: {}",
        r.body
    );
    let page = desk.get("/periods/2023Q3", Some(&clerk.cookie));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("各站台账.rar") && page.body.contains("这是一个 RAR 压缩包"),
        "{}",
        page.body
    );
    let head = desk.login("hantai");
    let page = desk.get("/periods/2023Q3", Some(&head.cookie));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("各站台账.rar"), "{}", page.body);
}

#[test]
fn user_text_is_escaped_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let platform = dir.path().join("platform.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("平台名录").unwrap();
    let rows = [
        ["单位编码", "单位名称", "层级", "上级编码"],
        ["900000", "示例中心", "中心", ""],
        ["900000-01", "<b>粗</b>工作站", "工作站", "900000"],
        [
            "900000-01-01",
            "<script>alert(1)</script>工作室",
            "工作室",
            "900000-01",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    book.save(&platform).unwrap();
    let desk = Desk::start_with("", platform.to_str().unwrap(), false, &[]);
    let s = desk.login("clerk");
    let unit = desk.get("/units/900000-01-01", Some(&s.cookie));
    assert_eq!(unit.status, 200);
    assert!(
        unit.body.contains("&lt;script&gt;alert(1)"),
        "{}",
        unit.body
    );
    let status = desk.get("/periods/2023Q3", Some(&s.cookie));
    for page in [&unit.body, &status.body] {
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<b>粗</b>"));
    }
}

#[test]
fn failed_logins_are_limited_and_the_access_log_keeps_no_secret() {
    let desk = Desk::start("");
    for _ in 0..5 {
        let page = desk.get("/login", None);
        let pre = page.cookie("jucai_login").unwrap();
        let csrf = page.hidden("csrf").unwrap();
        let body = format!("username=clerk&password=wrong-guess&csrf={csrf}");
        let r = desk.request(
            "POST",
            "/login",
            Some(&format!("jucai_login={pre}")),
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        );
        assert_eq!(r.status, 200);
        assert!(r.body.contains("用户名或密码不对"));
    }
    let page = desk.get("/login", None);
    let pre = page.cookie("jucai_login").unwrap();
    let csrf = page.hidden("csrf").unwrap();
    let body = format!("username=clerk&password={PASSWORD}&csrf={csrf}");
    let r = desk.request(
        "POST",
        "/login",
        Some(&format!("jucai_login={pre}")),
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(
        r.status, 429,
        "even the right password waits after five failures"
    );
    assert!(r.body.contains("秒后再试"), "{}", r.body);
    // Slowed, not locked: after the wait, the right password logs in.
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    desk.login("clerk");

    let log = std::fs::read_to_string(desk.dir.path().join("archive/access.log")).unwrap();
    assert!(log.lines().count() >= 12, "{log}");
    assert!(log.contains("POST /login 429"), "{log}");
    assert!(
        !log.contains(PASSWORD) && !log.contains("wrong-guess") && !log.contains("jucai_"),
        "{log}"
    );
    // The account's password is stored only as an argon2 hash.
    let index = std::fs::read(desk.dir.path().join("archive/index.sqlite")).unwrap();
    assert!(!index
        .windows(PASSWORD.len())
        .any(|w| w == PASSWORD.as_bytes()));
    assert!(String::from_utf8_lossy(&index).contains("$argon2id$"));
}

#[test]
fn concurrent_uploads_and_a_cli_intake_lose_nothing() {
    let desk = Desk::start("");
    let dir = desk.dir.path().to_path_buf();
    let before = jucai::archive::Archive::open(&dir.join("archive"))
        .unwrap()
        .records()
        .len();
    let s = desk.login("clerk");
    let book = crate::common::clean_book().bytes();
    let inbox = root().join("sample-input/inbox/2023Q2");
    let expected_cli = std::fs::read_dir(&inbox).unwrap().count();
    std::thread::scope(|scope| {
        let uploads: Vec<_> = (0..6)
            .map(|i| {
                let (desk, s, book) = (&desk, &s, &book);
                scope.spawn(move || {
                    desk.upload(s, &s.csrf, &[(&format!("并发-{i}.xlsx"), book)])
                        .status
                })
            })
            .collect();
        let cli = scope.spawn(|| crate::common::jucai(&dir, &["intake", inbox.to_str().unwrap()]));
        for u in uploads {
            assert_eq!(u.join().unwrap(), 200);
        }
        assert!(cli.join().unwrap().status.success());
    });
    let a = jucai::archive::Archive::open(&dir.join("archive")).unwrap();
    let names: Vec<&str> = a
        .records()
        .iter()
        .map(|r| r.original_name.as_str())
        .collect();
    for i in 0..6 {
        assert!(
            names.contains(&format!("并发-{i}.xlsx").as_str()),
            "upload {i} kept"
        );
    }
    let seqs: std::collections::HashSet<u64> = a.records().iter().map(|r| r.seq).collect();
    assert_eq!(seqs.len(), a.records().len(), "no number given twice");
    // Every file of the CLI's inbox folder is there too (its mail holds at least one file each).
    assert!(
        a.records().len() >= before + 6 + expected_cli,
        "{} records",
        a.records().len()
    );
}

/// Where the browser tests put their screenshots (for looking at).
pub fn screenshots() -> PathBuf {
    root().join("target/web-screenshots")
}

#[test]
fn with_a_certificate_the_desk_speaks_only_https_and_its_cookies_are_secure() {
    let certs = tempfile::tempdir().unwrap();
    crate::common::servers::self_signed(certs.path());
    let cert = certs.path().join("cert.pem");
    let key = certs.path().join("key.pem");
    let desk = Desk::start(&format!(
        "[web]\ncert = \"{}\"\nkey = \"{}\"",
        cert.display(),
        key.display()
    ));
    // A real TLS client (Python's ssl) that trusts the certificate.
    let script = "import ssl,sys,urllib.request\n\
        ctx=ssl.create_default_context(cafile=sys.argv[2])\n\
        r=urllib.request.urlopen(sys.argv[1]+'/login',context=ctx)\n\
        print(r.status);print(r.headers.get('set-cookie'))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(format!("https://127.0.0.1:{}", desk.port))
        .arg(&cert)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("200"), "{text}");
    assert!(
        text.contains("jucai_login=") && text.contains("Secure"),
        "{text}"
    );
    // Plain HTTP on the same port gets no page.
    let r = desk.get("/login", None);
    assert_ne!(r.status, 200);
}

/// A form for the activity ledger: (`fN`, value) by field name.
fn activity_form(values: &[(&str, &str)]) -> Vec<(String, String)> {
    ledger_form(jucai::schema::LedgerKey::Activities, values)
}

/// The entry form's fields (`f<i>`) of a ledger for `values` by field name.
pub fn ledger_form(
    key: jucai::schema::LedgerKey,
    values: &[(&str, &str)],
) -> Vec<(String, String)> {
    let schema = jucai::schema::Schema::builtin();
    let ledger = schema.ledgers.iter().find(|l| l.key == key).unwrap();
    values
        .iter()
        .map(|(name, value)| {
            let i = ledger.fields.iter().position(|f| f.name == *name).unwrap();
            (format!("f{i}"), value.to_string())
        })
        .collect()
}

/// /entry: a record that validation would reject comes back with the
/// workbook's message beside its field and nothing saved; a good one is a
/// new version of the unit's submission that the reports count, and two
/// saves at once both keep their records. Another unit's entry is refused.
#[test]
fn a_record_entered_on_the_desk_is_a_new_version_the_reports_count() {
    let desk = Desk::start("");
    let dir = desk.dir.path().to_path_buf();
    let s = desk.login("hantai");
    let page = desk.get("/entry/150602-01-01", Some(&s.cookie));
    assert_eq!(page.status, 200);
    // 罕台镇's 2023Q3 is in: it fills 2023Q4, starting from its roster.
    assert!(page.body.contains("2023年第四季度"), "{}", page.body);
    assert!(page.body.contains("人才信息台账（12 条）"), "{}", page.body);
    let records = |dir: &Path| {
        jucai::archive::Archive::open(&dir.join("archive"))
            .unwrap()
            .records()
            .len()
    };
    let before = records(&dir);

    let mut bad = activity_form(&[
        ("活动编号", "HD2023Q4-01"),
        ("活动日期", "2023-11-02"),
        ("活动名称", "社工服务案例分享会"),
        ("活动类型", "学术交流"),
        ("活动范围", "本室"),
        ("参与人数", "0"),
    ]);
    bad.push(("csrf".into(), s.csrf.clone()));
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = desk.post_form("/entry/150602-01-01/activities", &s, &fields);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("还没有保存"), "{}", r.body);
    assert!(
        r.body.contains("社工服务案例分享会"),
        "what was typed is kept: {}",
        r.body
    );
    assert!(r.body.contains("aria-invalid=\"true\""), "{}", r.body);
    assert_eq!(records(&dir), before, "nothing saved");

    // Two good records saved at once: both are in the newest version.
    let good = |id: &'static str, name: &'static str| {
        let mut form = activity_form(&[
            ("活动编号", id),
            ("活动日期", "2023-11-02"),
            ("活动名称", name),
            ("活动类型", "学术交流"),
            ("活动范围", "本室"),
            ("参与人数", "30"),
            ("人才参与人数", "8"),
        ]);
        form.push(("csrf".into(), s.csrf.clone()));
        form
    };
    let forms = [
        good("HD2023Q4-01", "社工服务案例分享会"),
        good("HD2023Q4-02", "养老护理技能培训"),
    ];
    std::thread::scope(|scope| {
        for form in &forms {
            let desk = &desk;
            let s = &s;
            scope.spawn(move || {
                let fields: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let r = desk.post_form("/entry/150602-01-01/activities", s, &fields);
                assert!(r.body.contains("已保存到活动台账"), "{}", r.body);
            });
        }
    });
    let q4 = crate::common::quarter_of(&dir, "2023Q4", "150602-01-01", &[]);
    assert_eq!(q4["activities"]["count"], 2, "{q4}");
    let q3 = crate::common::quarter_of(&dir, "2023Q3", "150602-01-01", &[]);
    assert_eq!(q4["talents"]["in_library"], q3["talents"]["in_library"]);

    // Another unit's head may not enter for 罕台镇; a station head may.
    let t = desk.login("tongchuan");
    let mut form = good("HD2023Q4-03", "别人的活动");
    form.retain(|(k, _)| k != "csrf");
    form.push(("csrf".into(), t.csrf.clone()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        desk.post_form("/entry/150602-01-01/activities", &t, &fields)
            .status,
        403
    );
    assert_eq!(desk.get("/entry/150602-01-01", Some(&t.cookie)).status, 403);
    let b = desk.login("baihe");
    assert_eq!(desk.get("/entry/150602-01-01", Some(&b.cookie)).status, 200);
    assert_eq!(
        desk.get("/entry/150602-01-01/nonsense/new", Some(&s.cookie))
            .status,
        404
    );
    // The roster's edit form never shows a whole ID number.
    let form = desk.get("/entry/150602-01-01/roster/0", Some(&s.cookie));
    assert_eq!(form.status, 200);
    let whole = regex::Regex::new(r"(^|[^0-9])\d{17}[0-9Xx]([^0-9]|$)").unwrap();
    assert!(!whole.is_match(&form.body), "{}", form.body);
}

/// A request written by hand: `head` (without the blank line), no body sent.
fn raw_request(desk: &Desk, head: &str) -> String {
    send_raw(desk, &format!("{head}\r\n\r\n"))
}

/// Send `request` as it is; the reply as text.
fn send_raw(desk: &Desk, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", desk.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// Every response says what the browser may load and keep: no inline
/// script, no framing, no referrer, and nothing but the style sheet and
/// script cached — after logging out, Back must not show a unit's page.
#[test]
fn every_response_carries_the_security_headers_and_pages_are_not_cached() {
    let desk = Desk::start("");
    let s = desk.login("clerk");
    let seq = seq_of(desk.dir.path(), "150602-01-01");
    let pages = [
        "/login".to_string(),
        "/".into(),
        "/periods/2023Q3".into(),
        "/units/150602-01-01".into(),
        format!("/units/150602-01-01/files/{seq}"),
        "/units/150602-01-01/template/2023Q4".into(),
        "/upload".into(),
        "/entry/150602-01-01".into(),
        "/reports".into(),
        "/units/999999".into(),
    ];
    for page in &pages {
        let r = desk.get(page, Some(&s.cookie));
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{page}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{page}: {csp}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{page}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{page}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{page}");
        assert!(!r.body.contains("<script>"), "{page} has an inline script");
    }
    let css = desk.get("/static/style.css", None);
    assert!(css.header("cache-control").unwrap().starts_with("public"));
    let js = desk.get("/static/upload.js", None);
    assert_eq!(js.status, 200);
    assert!(js.body.contains("dataTransfer"));
}

/// The login form (and every form but the upload) is refused by its stated
/// length before the body is read: the server answers 413 at once although
/// the client never sends the 10 MB it announced.
#[test]
fn a_big_form_is_refused_before_its_body_is_read() {
    let desk = Desk::start("");
    for path in [
        "/login",
        "/logout",
        "/entry/150602-01-01/activities",
        "/reports/generate",
    ] {
        let reply = raw_request(
            &desk,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000",
                desk.port
            ),
        );
        assert!(reply.starts_with("HTTP/1.1 413"), "{path}: {reply}");
    }
}

/// With `[web] host` set, a request for another name (a rebinding page, a
/// wrong DNS entry) is refused; the configured name is served.
#[test]
fn a_request_for_another_host_is_refused() {
    let desk = Desk::start("[web]\nhost = \"rencai.example.cn\"");
    let wrong = raw_request(
        &desk,
        &format!(
            "GET /login HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close",
            desk.port
        ),
    );
    assert!(wrong.starts_with("HTTP/1.1 421"), "{wrong}");
    let right = raw_request(
        &desk,
        &format!(
            "GET /login HTTP/1.1\r\nHost: RenCai.example.cn:{}\r\nConnection: close",
            desk.port
        ),
    );
    assert!(right.starts_with("HTTP/1.1 200"), "{right}");
}

/// One login attempt as `name` with `password`, from `forwarded` (the
/// address a reverse proxy would put last in X-Forwarded-For): the reply.
fn login_reply(desk: &Desk, name: &str, password: &str, forwarded: Option<&str>) -> String {
    let page = desk.get("/login", None);
    let pre = page.cookie("jucai_login").unwrap();
    let csrf = page.hidden("csrf").unwrap();
    let body = format!("username={name}&password={password}&csrf={csrf}");
    let proxy = forwarded
        .map(|f| format!("X-Forwarded-For: 198.51.100.7, {f}\r\n"))
        .unwrap_or_default();
    send_raw(
        desk,
        &format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Cookie: jucai_login={pre}\r\n{proxy}\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            desk.port,
            body.len()
        ),
    )
}

/// The status of [`login_reply`].
fn try_login(desk: &Desk, name: &str, password: &str, forwarded: Option<&str>) -> u16 {
    let reply = login_reply(desk, name, password, forwarded);
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

impl Desk {
    /// Log in as `name` from `forwarded` behind the proxy.
    pub fn login_from(&self, name: &str, forwarded: &str) -> Session {
        let reply = login_reply(self, name, PASSWORD, Some(forwarded));
        let token = reply
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: jucai_session="))
            .and_then(|v| v.split(';').next())
            .unwrap_or_else(|| panic!("{name} logs in: {reply}"));
        let cookie = format!("jucai_session={token}");
        let board = self.get("/", Some(&cookie));
        let csrf = board.hidden("csrf").expect("page token");
        Session { cookie, csrf }
    }
}

/// Behind a reverse proxy every client comes from the proxy's address: the
/// count follows the address the proxy forwards, so one client's guesses do
/// not slow another's login; and the centre clears a slowed account at once.
#[test]
fn behind_a_proxy_each_client_is_counted_apart_and_the_centre_can_unlock() {
    let desk = Desk::start_with("", &sample_platform(), true, &["--behind-https"]);
    for _ in 0..5 {
        assert_eq!(
            try_login(&desk, "nobody", "guess", Some("203.0.113.9")),
            200
        );
    }
    assert_eq!(
        try_login(&desk, "other", "guess", Some("203.0.113.9")),
        429,
        "that client waits"
    );
    assert_eq!(
        try_login(&desk, "hantai", PASSWORD, Some("192.0.2.44")),
        303,
        "another client behind the same proxy logs in"
    );
    // Guesses at baihe's name slow baihe; the centre lifts it.
    for _ in 0..5 {
        try_login(&desk, "baihe", "guess", Some("203.0.113.10"));
    }
    assert_eq!(try_login(&desk, "baihe", PASSWORD, Some("192.0.2.45")), 429);
    let clerk = desk.login_from("clerk", "192.0.2.46");
    let board = desk.get("/", Some(&clerk.cookie)).body;
    assert!(
        board.contains("登录受限的账号") && board.contains("/users/baihe/unlock"),
        "{board}"
    );
    let r = desk.post_form("/users/baihe/unlock", &clerk, &[("csrf", &clerk.csrf)]);
    assert_eq!(r.status, 303);
    assert_eq!(
        try_login(&desk, "baihe", PASSWORD, Some("192.0.2.45")),
        303,
        "unlocked"
    );
    // Only the centre may unlock.
    let hantai = desk.login_from("hantai", "192.0.2.47");
    let r = desk.post_form("/users/baihe/unlock", &hantai, &[("csrf", &hantai.csrf)]);
    assert_eq!(r.status, 403);
}

/// The journal (standard error, which systemd keeps) has a line per request
/// and per report job, with its level; never a password, a cookie's token
/// or an ID number.
#[test]
fn the_journal_has_a_line_per_request_and_job_and_no_secret() {
    let desk = Desk::start("");
    let s = desk.login("clerk");
    assert_eq!(desk.get("/units/999999", Some(&s.cookie)).status, 404);
    let mut bad = crate::common::clean_book();
    bad.set(
        "人才信息台账",
        0,
        "身份证号",
        crate::common::t("150602198503121230"),
    );
    let h = desk.login("hantai");
    desk.upload(&h, &h.csrf, &[("罕台镇.xlsx", &bad.bytes())]);
    let r = desk.post_form(
        "/reports/generate",
        &s,
        &[("kind", "directory"), ("csrf", &s.csrf)],
    );
    let location = r.header("location").unwrap().to_string();
    desk.finished_job(&s, &location);
    let journal = std::fs::read_to_string(desk.dir.path().join("journal.log")).unwrap();
    assert!(
        journal.contains("INFO request 127.0.0.1 POST /login 303"),
        "{journal}"
    );
    assert!(
        journal.contains("WARN request 127.0.0.1 GET /units/999999 404"),
        "{journal}"
    );
    assert!(
        journal.contains("INFO job 1 directory started"),
        "{journal}"
    );
    assert!(journal.contains("INFO job 1 directory done: "), "{journal}");
    let token = s.cookie.trim_start_matches("jucai_session=");
    assert!(
        !journal.contains(PASSWORD) && !journal.contains(token) && !journal.contains(&s.csrf),
        "{journal}"
    );
    assert!(!journal.contains("150602198503121230"), "{journal}");
}
